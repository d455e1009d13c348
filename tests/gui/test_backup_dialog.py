"""文件 → 备份与恢复: the list (dates, sizes, ✓), a backup now, and a restore whose confirmation names the loss."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from tests.rosters.roster_fixtures import DATA
from villagepost.gui.backup_dialog import BackupDialog
from villagepost.gui.main_window import MainWindow
from villagepost.services.imports import import_roster
from villagepost.services.registry import Registry

pytestmark = pytest.mark.gui


def _stations(path: Path) -> int:
    with Registry.open(path) as reg, reg.engine.connect() as conn:
        return int(conn.exec_driver_sql("SELECT count(*) FROM station").scalar() or 0)


def test_backup_then_restore_from_the_window(qtbot: QtBot, tmp_path: Path, sqlite_registry: Callable[..., Registry],
                                             make_window: Callable[..., MainWindow]) -> None:
    reg = sqlite_registry("640221")
    path = reg.location.path
    assert path is not None
    window = make_window(reg)
    assert "备份与恢复(&R)…" in [a.text() for a in window.menuBar().actions()[0].menu().actions()]
    asked: list[str] = []
    restored: list[bool] = []
    dialog = BackupDialog(window, window.taskman, reg, confirm=lambda text: asked.append(text) or True,
                          on_restored=lambda: restored.append(True))
    qtbot.addWidget(dialog)
    assert dialog.table.rowCount() == 0 and not dialog.restore_button.isEnabled()

    op = dialog.create_backup()
    assert op is not None
    qtbot.waitUntil(lambda: op.finished, timeout=30_000)
    assert dialog.table.rowCount() == 1
    assert [dialog.table.item(0, c).text() for c in (1, 3)] == ["手动", "✓"]
    assert dialog.table.item(0, 0).text().startswith("2026-11-23 ")
    dialog.table.selectRow(0)
    assert dialog.restore_button.isEnabled()
    dialog.grab().save(str(tmp_path / "backup_dialog.png"))

    import_roster(reg, DATA / "A01_pingluo_clean.xlsx")  # 88 stations entered after the backup
    assert _stations(path) == 88
    op2 = dialog.restore_selected()
    assert op2 is not None
    qtbot.waitUntil(lambda: op2.finished, timeout=30_000)
    assert len(asked) == 1 and "此后录入的全部修改都会丢失" in asked[0]
    assert "现在：88 个站点" in asked[0] and "备份中：0 个站点" in asked[0]
    assert restored == [True] and _stations(path) == 0
    reasons = sorted(dialog.table.item(i, 1).text() for i in range(dialog.table.rowCount()))
    assert reasons == ["恢复前", "手动"]  # the 88 stations are kept in the pre-restore backup


def test_a_cancelled_restore_changes_nothing(qtbot: QtBot, sqlite_registry: Callable[..., Registry],
                                             make_window: Callable[..., MainWindow]) -> None:
    reg = sqlite_registry("640221")
    window = make_window(reg)
    dialog = BackupDialog(window, window.taskman, reg, confirm=lambda _text: False)
    qtbot.addWidget(dialog)
    op = dialog.create_backup()
    assert op is not None
    qtbot.waitUntil(lambda: op.finished, timeout=30_000)
    dialog.table.selectRow(0)
    assert dialog.restore_selected() is None
    assert dialog.table.rowCount() == 1
