"""文件 menu: export the registry, a township's template, and a backup, from the window (real registry)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import openpyxl
import pytest
from PySide6.QtWidgets import QMessageBox
from pytestqt.qtbot import QtBot

from tests.rosters.roster_fixtures import DATA
from villagepost.gui import file_actions
from villagepost.gui.main_window import MainWindow
from villagepost.services.imports import import_roster
from villagepost.services.registry import Registry

pytestmark = pytest.mark.gui


def test_exports_and_backup_from_the_file_menu(qtbot: QtBot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                               sqlite_registry: Callable[..., Registry],
                                               make_window: Callable[..., MainWindow]) -> None:
    reg = sqlite_registry("640221")
    import_roster(reg, DATA / "A01_pingluo_clean.xlsx")
    window = make_window(reg)
    told: list[str] = []
    monkeypatch.setattr(QMessageBox, "information", lambda _p, _t, text, *a: told.append(text))
    warned: list[str] = []
    monkeypatch.setattr(QMessageBox, "warning", lambda _p, _t, text, *a: warned.append(text))

    out = tmp_path / "out" / "登记表.xlsx"
    op = file_actions.export_registry(window, window.taskman, reg, "640221100", ask=lambda *_: out)
    assert op is not None
    qtbot.waitUntil(lambda: op.finished, timeout=10_000)
    rows = list(openpyxl.load_workbook(out, read_only=True).worksheets[0].iter_rows(values_only=True))
    assert any(r and "城关镇" in [str(c) for c in r] for r in rows)
    assert told == [f"已导出到：{out}"]

    assert file_actions.export_template(window, window.taskman, reg, "640221", ask=lambda *_: out) is None
    assert warned == ["请先在左侧选中一个乡镇（街道）：填报模板按乡镇导出。"]
    template = tmp_path / "模板.xlsx"
    op = file_actions.export_template(window, window.taskman, reg, "640221100", ask=lambda *_: template)
    assert op is not None
    qtbot.waitUntil(lambda: op.finished, timeout=10_000)
    assert template.stat().st_size > 0

    copy = tmp_path / "备份.sqlite"
    op2 = file_actions.backup(window, window.taskman, reg, ask=lambda *_: copy)
    assert op2 is not None
    qtbot.waitUntil(lambda: op2.finished, timeout=10_000)
    with Registry.open(copy) as again, again.engine.connect() as conn:
        assert conn.exec_driver_sql("SELECT count(*) FROM station").scalar() == 88
    assert file_actions.backup(window, window.taskman, reg, ask=lambda *_: None) is None  # dialog cancelled
