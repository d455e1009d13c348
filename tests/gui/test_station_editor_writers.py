"""The station editor when others write: a stale save is refused with both versions' fields, and a save
during another program's write waits with a note saying who writes, then goes through."""

from __future__ import annotations

import threading
from collections.abc import Callable

import pytest
from PySide6.QtWidgets import QProgressDialog
from pytestqt.qtbot import QtBot

from tests.rosters.roster_fixtures import DATA
from villagepost.core.actor import Actor
from villagepost.gui.main_window import MainWindow
from villagepost.gui.station_editor import StationEditor
from villagepost.services import imports, station_ops
from villagepost.services.registry import Registry

pytestmark = pytest.mark.gui

HEPING = "640221100201-01"  # 和平村村邮站: contact 罗德, phone 15675671692


def _window(sqlite_registry: Callable[..., Registry], make_window: Callable[..., MainWindow]
            ) -> tuple[Registry, MainWindow]:
    reg = sqlite_registry("640221")
    assert imports.import_roster(reg, DATA / "A01_pingluo_clean.xlsx").status == "ok"
    return reg, make_window(reg)


def _editor(qtbot: QtBot, window: MainWindow) -> StationEditor:
    editor = window.open_station(HEPING)
    qtbot.waitUntil(lambda: editor.details is not None, timeout=5000)
    return editor


def test_a_save_from_an_older_version_is_refused_with_both_values(
        qtbot: QtBot, sqlite_registry: Callable[..., Registry], make_window: Callable[..., MainWindow]) -> None:
    reg, window = _window(sqlite_registry, make_window)
    editor = _editor(qtbot, window)
    assert reg.location.path is not None
    with Registry.open(reg.location.path, actor=Actor(name="李四")) as other:  # another clerk, another window
        station_ops.edit_station(other, HEPING, {"phone": "0952-1234567"})
    editor.edits["phone"].setText("0952-7654321")
    editor.save()
    qtbot.waitUntil(lambda: not editor.busy and editor.error.isVisible(), timeout=10000)
    text = editor.error.text()
    assert "已被 李四" in text and "本次修改未保存" in text
    assert "联系电话：0952-7654321 / 0952-1234567" in text
    assert station_ops.station_details(reg, HEPING).phone == "0952-1234567"


def test_a_save_during_another_write_waits_with_a_note_then_saves(
        qtbot: QtBot, sqlite_registry: Callable[..., Registry], make_window: Callable[..., MainWindow],
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("VILLAGEPOST_BUSY_TIMEOUT", "0.3")
    reg, window = _window(sqlite_registry, make_window)
    editor = _editor(qtbot, window)
    assert reg.location.path is not None
    holding, release = threading.Event(), threading.Event()

    def hold() -> None:
        with Registry.open(reg.location.path, actor=Actor(name="导入员")) as other, other.connection():
            holding.set()
            release.wait(30)

    holder = threading.Thread(target=hold)
    holder.start()
    try:
        assert holding.wait(10)
        editor.edits["contact"].setText("王五")
        editor.save()

        def waiting_note() -> bool:
            dialogs = editor.findChildren(QProgressDialog)
            return any("正在等待其他程序写完数据库" in d.labelText() and "导入员" in d.labelText()
                       for d in dialogs if d.isVisible())

        qtbot.waitUntil(waiting_note, timeout=10000)
        assert editor.busy
    finally:
        release.set()
        holder.join()
    qtbot.waitUntil(lambda: not editor.busy and editor.error.isVisible(), timeout=10000)
    assert editor.error.text() == "已保存。"
    assert station_ops.station_details(reg, HEPING).contact == "王五"
