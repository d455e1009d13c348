"""A registry too damaged to open: the window lists its backups (the newest good one selected), restores the
chosen one after a confirmation naming what is lost, and the registry then opens and passes `db check`.
A real damaged file (a garbage page, a flipped byte, a truncated file) and a real backup of the service."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from tests.cli.test_cli_bad_paths import COUNTY, WANGJIA
from tests.cli.test_cli_damage_and_restore import NAME, _flip_a_byte, _garbage_page, _truncate
from villagepost.core.errors import DamagedDatabase, KnownError
from villagepost.gui.damaged_registry import RestoreDamagedDialog, damaged_path, offer_restore
from villagepost.gui.main_window import MainWindow
from villagepost.services import backups
from villagepost.services.registry import Registry
from villagepost.services.station_ops import StationDraft, add_station
from villagepost.services.stations import list_stations
from villagepost.storage.registry_checks import verify_file

pytestmark = pytest.mark.gui


@pytest.fixture
def keep_hooks(monkeypatch: pytest.MonkeyPatch) -> None:
    """run() installs the crash hooks; put the test runner's back afterwards."""
    import sys
    import threading

    monkeypatch.setattr(sys, "excepthook", sys.excepthook)
    monkeypatch.setattr(threading, "excepthook", threading.excepthook)


@pytest.fixture
def db(tmp_path: Path, sqlite_template: Callable[[tuple[str, ...]], Path]) -> Path:
    path = tmp_path / "registry.sqlite"
    shutil.copyfile(sqlite_template((COUNTY,)), path)
    with Registry.open(path) as reg:
        add_station(reg, StationDraft(WANGJIA, NAME, station_type="村邮站", opened="2024-03-01"))
        add_station(reg, StationDraft(WANGJIA, "王家庄快递超市", station_type="快递超市", opened="2024-05-01"))
    return path


def _refusal(path: Path) -> DamagedDatabase:
    with pytest.raises(DamagedDatabase) as refused:
        Registry.open(path).close()
    return refused.value


@pytest.mark.parametrize("damage", [_garbage_page, _flip_a_byte, _truncate],
                         ids=["garbage-page", "flipped-byte", "truncated"])
def test_a_damaged_registry_is_restored_from_the_window(qtbot: QtBot, db: Path, tmp_path: Path,
                                                        damage: Callable[[Path], None]) -> None:
    older = backups.create(db)  # a real, verified backup made by the service
    with Registry.open(db) as reg:
        add_station(reg, StationDraft(WANGJIA, "备份后的站"))  # entered after the backup: lost by the restore
    good = backups.create(db)
    with Registry.open(db) as reg:
        add_station(reg, StationDraft(WANGJIA, "最后的站"))
    assert not Path(f"{db}-wal").exists()
    damage(db)
    if damage is _flip_a_byte:
        # a flipped byte inside a name passes the open's check; the first read that meets it marks the
        # registry damaged, and from then on it is refused at open like the others
        with Registry.open(db) as reg, pytest.raises(DamagedDatabase):
            list_stations(reg, COUNTY)
    refusal = _refusal(db)
    assert damaged_path(refusal) == db

    asked: list[str] = []
    dialog = RestoreDamagedDialog(None, db, refusal, confirm=lambda text: asked.append(text) or True)
    qtbot.addWidget(dialog)
    assert "已损坏" in dialog.reason.text() and good.id in dialog.reason.text()
    assert dialog.table.rowCount() == 2
    assert [dialog.table.item(0, c).text() for c in (1, 3)] == ["手动", "✓"]
    assert dialog.selected() == good and dialog.restore_button.isEnabled()  # the newest good one, chosen
    dialog.grab().save(str(tmp_path / "restore_damaged.png"))

    assert dialog.restore_selected()
    assert len(asked) == 1
    assert f"将恢复到备份“{good.id}”" in asked[0] and "此后录入的全部修改都会丢失" in asked[0]
    assert "备份中：3 个站点、3 条站点事件" in asked[0]
    assert "损坏的登记册不会被删除，而是移到备份文件夹中保存" in asked[0]
    assert dialog.result() == dialog.DialogCode.Accepted and dialog.restored is not None
    assert dialog.restored.restored.id == good.id and dialog.restored.before is not None
    assert dialog.restored.before.reason == "damaged"

    assert verify_file(db) == []  # what `db check` runs
    with Registry.open(db) as reg:
        assert sorted(s.name for s in list_stations(reg, COUNTY)) == sorted([NAME, "王家庄快递超市", "备份后的站"])
    reasons = sorted(e.reason for e in backups.listing(db)[1])
    assert reasons == ["damaged", "manual", "manual"]  # the damaged file kept aside, never offered
    assert older.id != good.id


def test_no_dialog_without_a_backup_to_restore_or_for_another_refusal(db: Path) -> None:
    _garbage_page(db)
    refusal = _refusal(db)
    assert offer_restore(None, refusal) is False  # no backup: the usual message follows
    assert offer_restore(None, KnownError("db.not_found", db=str(db))) is False


def test_the_dialog_in_english_and_a_cancelled_confirmation_changes_nothing(qtbot: QtBot, db: Path) -> None:
    backups.create(db)
    _garbage_page(db)
    refusal = _refusal(db)
    damaged = db.read_bytes()
    dialog = RestoreDamagedDialog(None, db, refusal, lang="en", confirm=lambda _text: False)
    qtbot.addWidget(dialog)
    assert "is damaged" in dialog.reason.text()
    assert dialog.restore_selected() is False and dialog.restored is None
    assert db.read_bytes() == damaged  # nothing restored, nothing moved


def test_start_up_on_a_damaged_registry_offers_the_restore_then_opens_the_window(
        db: Path, monkeypatch: pytest.MonkeyPatch, keep_hooks: None) -> None:
    """`villagepost-window --db DAMAGED`: instead of only "use the CLI", the restore dialog; accepted, the
    window opens on the restored registry (and paints)."""
    from villagepost.gui import app as gui_app

    good = backups.create(db)
    _garbage_page(db)
    shown: list[str] = []

    def accept_newest(dialog: RestoreDamagedDialog) -> int:
        shown.append(dialog.reason.text())
        dialog.confirm = lambda _text: True
        assert dialog.selected() == good
        return int(dialog.restore_selected())  # 1 = accepted

    monkeypatch.setattr(RestoreDamagedDialog, "exec", accept_newest)
    monkeypatch.setattr("PySide6.QtWidgets.QMessageBox.critical",
                        lambda *_a: pytest.fail("no 'cannot open' box once the registry is restored"))
    monkeypatch.setenv(gui_app.ENV_EXIT_AFTER_PAINT, "1")
    assert gui_app.run(str(db), "zh") == 0
    assert len(shown) == 1 and "已损坏" in shown[0]
    assert verify_file(db) == []


def test_start_up_when_the_clerk_declines_shows_the_usual_message(
        db: Path, monkeypatch: pytest.MonkeyPatch, keep_hooks: None) -> None:
    from villagepost.gui import app as gui_app

    backups.create(db)
    _garbage_page(db)
    damaged = db.read_bytes()
    monkeypatch.setattr(RestoreDamagedDialog, "exec", lambda _self: 0)
    boxes: list[str] = []
    monkeypatch.setattr("PySide6.QtWidgets.QMessageBox.critical", lambda _p, _t, text: boxes.append(text))
    assert gui_app.run(str(db), "zh") == 2
    assert len(boxes) == 1 and "已损坏" in boxes[0]
    assert db.read_bytes() == damaged


def test_file_open_on_a_damaged_registry_restores_it_and_switches_to_it(
        qtbot: QtBot, db: Path, monkeypatch: pytest.MonkeyPatch, sqlite_registry: Callable[..., Registry],
        make_window: Callable[..., MainWindow]) -> None:
    window = make_window(sqlite_registry("640221"))
    good = backups.create(db)
    _truncate(db)
    offered: list[str] = []

    def accept_newest(dialog: RestoreDamagedDialog) -> int:
        offered.append(dialog.selected().id if dialog.selected() else "")
        dialog.confirm = lambda _text: True
        return int(dialog.restore_selected())

    monkeypatch.setattr(RestoreDamagedDialog, "exec", accept_newest)
    window.open_database(str(db))  # 文件 → 打开 names the damaged file
    qtbot.waitUntil(lambda: window.registry.location.path == db, timeout=30_000)
    assert offered == [good.id]
    assert sorted(s.name for s in list_stations(window.registry, COUNTY)) == sorted([NAME, "王家庄快递超市"])
    assert verify_file(db) == []


def test_damage_met_while_working_offers_the_restore_and_reopens(
        qtbot: QtBot, db: Path, monkeypatch: pytest.MonkeyPatch, make_window: Callable[..., MainWindow]) -> None:
    """A flipped byte passes the open's check; the first read that meets it fails in a background job, and
    the failure's handler offers the same restore instead of only the message."""
    from villagepost.gui.ops import BackgroundOp

    good = backups.create(db)
    _flip_a_byte(db)  # before the window opens it (an open connection would keep serving its cached pages)
    window = make_window(Registry.open(db))
    old = window.registry
    offered: list[str] = []

    def accept_newest(dialog: RestoreDamagedDialog) -> int:
        chosen = dialog.selected()
        offered.append(chosen.id if chosen is not None else "")
        dialog.confirm = lambda _text: True
        return int(dialog.restore_selected())

    monkeypatch.setattr(RestoreDamagedDialog, "exec", accept_newest)
    monkeypatch.setattr("villagepost.gui.ops.show_known_error",
                        lambda *_a: pytest.fail("the restore is offered instead of the bare message"))
    # a job of the stations tab reads the damaged row; nobody handles its failure: the default does
    BackgroundOp(window.stations_tab, window.taskman, lambda _ctx: list_stations(old, COUNTY)).run_in_background()
    qtbot.waitUntil(lambda: window.registry is not old, timeout=30_000)
    assert offered == [good.id]
    assert sorted(s.name for s in list_stations(window.registry, COUNTY)) == sorted([NAME, "王家庄快递超市"])
    assert verify_file(db) == []
