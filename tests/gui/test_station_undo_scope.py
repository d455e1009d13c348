"""Undo stays with its station: an editor's 撤销 reverts only its own station's changes, the main window's
撤销/重做 say which change they revert and report it, and a save never leaves the focus on 撤销.

On 平罗县 with roster A01, as a clerk found it: after suspending and reopening station A, 撤销 in B's
new-station form used to suspend A again (the stack was shared) and coverage dropped silently.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from tests.gui.test_station_editor import HEPING, QIANJIN, entry, open_editor, wait_replayed, wait_saved
from tests.rosters.roster_fixtures import DATA
from villagepost.gui.main_window import MainWindow
from villagepost.gui.station_editor import StationEditor
from villagepost.services import imports, station_ops
from villagepost.services.registry import Registry

pytestmark = pytest.mark.gui

ROSTER = DATA / "A01_pingluo_clean.xlsx"


@pytest.fixture
def pingluo(sqlite_registry: Callable[..., Registry]) -> Registry:
    reg = sqlite_registry("640221")
    assert imports.import_roster(reg, ROSTER).status == "ok"
    return reg


@pytest.fixture
def window(make_window: Callable[..., MainWindow], pingluo: Registry) -> MainWindow:
    return make_window(pingluo)


def record(qtbot: QtBot, window: MainWindow, editor: StationEditor, kind: str, day: str) -> None:
    dialog = editor.open_event(kind)
    assert dialog is not None
    dialog.date_edit.setText(day)
    with qtbot.waitSignal(dialog.accepted, timeout=5000):
        dialog.submit()
    wait_replayed(qtbot, window)


def test_each_editor_undoes_only_its_own_station(qtbot: QtBot, window: MainWindow, pingluo: Registry) -> None:
    a = open_editor(qtbot, window, HEPING)
    record(qtbot, window, a, "suspend", "2025-01-10")
    record(qtbot, window, a, "reopen", "2025-02-01")
    assert station_ops.station_details(pingluo, HEPING).status == "operating"
    assert a.undo_button.isEnabled() and a.undo_button.toolTip() == "撤销：恢复运营 和平村村邮站"

    window.go_to("640221100200")  # a village without a station: B's new-station form
    new = window.add_station()
    assert new is not None
    assert not new.undo_button.isEnabled() and not new.redo_button.isEnabled()
    new.undo_button.click()
    new.undo_action.trigger()  # Ctrl+Z in the form
    b = open_editor(qtbot, window, QIANJIN)
    assert not b.undo_button.isEnabled()
    b.undo()
    wait_replayed(qtbot, window)
    assert station_ops.station_details(pingluo, HEPING).status == "operating"  # A untouched
    assert len(station_ops.station_details(pingluo, HEPING).history) == 3

    # The main window's 撤销 says what it reverts, then says what it did.
    assert window.undo_action.text() == "撤销：恢复运营 和平村村邮站(&U)"
    window.undo_action.trigger()
    wait_replayed(qtbot, window)
    assert station_ops.station_details(pingluo, HEPING).status == "suspended"
    assert window.statusBar().currentMessage() == "已撤销：恢复运营 和平村村邮站"
    assert window.undo_action.text() == "撤销：暂停运营 和平村村邮站(&U)"
    assert window.redo_action.text() == "重做：恢复运营 和平村村邮站(&R)"
    window.redo_action.trigger()
    wait_replayed(qtbot, window)
    assert station_ops.station_details(pingluo, HEPING).status == "operating"
    assert window.statusBar().currentMessage() == "已重做：恢复运营 和平村村邮站"


def test_the_main_window_follows_the_station_changed_last(qtbot: QtBot, window: MainWindow, pingluo: Registry) -> None:
    a = open_editor(qtbot, window, HEPING)
    record(qtbot, window, a, "suspend", "2025-01-10")
    b = open_editor(qtbot, window, QIANJIN)
    b.edits["contact"].setText("王芳")
    b.save()
    wait_saved(qtbot, b)
    assert window.undo_action.text() == "撤销：修改站点 前进村兔喜生活超市(&U)"
    assert a.undo_button.toolTip() == "撤销：暂停运营 和平村村邮站"  # A's own stack is still A's
    a.undo()
    wait_replayed(qtbot, window)
    assert station_ops.station_details(pingluo, HEPING).status == "operating"
    assert station_ops.station_details(pingluo, QIANJIN).contact == "王芳"  # B's edit stays


def test_after_saving_the_focus_is_not_on_undo(qtbot: QtBot, window: MainWindow, pingluo: Registry) -> None:
    editor = open_editor(qtbot, window, HEPING)
    editor.activateWindow()
    editor.edits["contact"].setFocus()
    editor.edits["contact"].setText("王芳")
    editor.save_button.setFocus()  # the clerk tabbed to 保存 and pressed Enter
    editor.save_button.click()
    wait_saved(qtbot, editor)
    assert editor.focusWidget() is not editor.undo_button
    assert not editor.undo_button.autoDefault() and editor.save_button.isDefault()
    qtbot.keyClick(editor, Qt.Key.Key_Return)  # Enter: 保存 again ("没有修改"), never 撤销
    qtbot.waitUntil(lambda: not editor.busy, timeout=5000)
    assert station_ops.station_details(pingluo, HEPING).contact == "王芳"


def test_the_red_banner_goes_when_the_field_is_fixed_or_an_action_succeeds(
    qtbot: QtBot, window: MainWindow, pingluo: Registry
) -> None:
    editor = open_editor(qtbot, window, HEPING)
    editor.edits["phone"].setText("12345")
    editor.save()
    wait_saved(qtbot, editor)
    assert editor.marked_fields() == ["phone"] and editor.error.isVisible()
    qtbot.keyClicks(editor.edits["phone"], "6")  # the clerk edits the marked field
    assert editor.marked_fields() == [] and not editor.error.isVisible()
    editor.edits["phone"].setText("12345")
    editor.save()
    wait_saved(qtbot, editor)
    assert editor.error.isVisible()
    editor.edits["phone"].setText("15675671692")  # back as stored: nothing to save
    record(qtbot, window, editor, "suspend", "2025-01-10")
    assert editor.marked_fields() == [] and editor.error.text() == "已记录：暂停运营 和平村村邮站。"


def test_the_edit_menu_names_a_voided_history_entry(qtbot: QtBot, window: MainWindow, pingluo: Registry) -> None:
    event = station_ops.suspend_station(pingluo, HEPING, "2025-01-10")
    editor = open_editor(qtbot, window, HEPING)
    editor.history.setCurrentItem(entry(editor, 1))
    editor.undo_selected_event()
    wait_replayed(qtbot, window)
    assert window.undo_action.text() == f"撤销：作废记录 #{event}（暂停 和平村村邮站）(&U)"
