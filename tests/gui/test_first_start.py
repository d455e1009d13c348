"""First start on an empty registry: the scope picker, the background load, and cancel rolling back."""

from __future__ import annotations

import threading
from collections.abc import Callable

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from villagepost.gui.division_tree import NAME_COLUMN
from villagepost.gui.first_start import COUNTY, NATION, PROVINCE, FirstStartDialog
from villagepost.gui.main_window import MainWindow
from villagepost.services import divisions
from villagepost.services.registry import Registry
from villagepost.services.scope_choices import read_scope_choices

pytestmark = pytest.mark.gui


def test_choices_come_from_the_bundled_codes() -> None:
    choices = read_scope_choices()
    assert len(choices.provinces) == 31
    assert [c.name for c in choices.find("22").children][:3] == ["长春市", "吉林市", "四平市"]
    assert [c.code for c in choices.find("6402").children] == ["640202", "640205", "640221"]
    assert choices.find("640221").name == "平罗县"
    assert choices.find("999999") is None


def test_an_empty_registry_opens_the_dialog_and_loads_a_county(
    qtbot: QtBot, make_window: Callable[..., MainWindow], sqlite_registry: Callable[..., Registry],
) -> None:
    reg = sqlite_registry()
    window = make_window(reg)
    dialog = window.open_load_dialog(first_start=True)  # already open: the same dialog comes back
    assert dialog.isVisible() and dialog.parent() is window
    assert window.details.load_button.isVisibleTo(window.details)
    assert window.scope_label.text() == "范围：尚未载入区划代码"
    assert dialog.radios[COUNTY].isChecked() and not dialog.load_button.isEnabled()
    assert dialog.province.count() == 31

    dialog.select_scope("640221")
    assert dialog.summary.text() == "将载入：宁夏回族自治区 / 石嘴山市 / 平罗县（640221）及其下辖的全部乡镇和村级单位。"
    assert dialog.load_button.isEnabled()
    with qtbot.waitSignal(window.tree_ready, timeout=20000):
        qtbot.mouseClick(dialog.load_button, Qt.MouseButton.LeftButton)
    assert not divisions.is_empty(reg)
    assert dialog.load_result is not None and dialog.load_result.inserted == 198
    top = [window.model.index(r, NAME_COLUMN).data() for r in range(window.model.rowCount())]
    assert top == ["宁夏回族自治区"]
    assert window.selected_code() == "640221"
    assert window.tree.currentIndex().data() == "平罗县"
    assert window.scope_label.text() == "范围：宁夏回族自治区 / 石嘴山市 / 平罗县"
    qtbot.waitUntil(lambda: window.details.path.text() == "宁夏回族自治区 / 石嘴山市 / 平罗县", timeout=5000)


def test_cancel_leaves_the_registry_empty(
    qtbot: QtBot, make_window: Callable[..., MainWindow], sqlite_registry: Callable[..., Registry],
) -> None:
    reg = sqlite_registry()
    window = make_window(reg)
    dialog = window._first_start_dialog
    assert isinstance(dialog, FirstStartDialog)
    dialog.select_scope("22")
    assert dialog.radios[PROVINCE].isChecked()

    # Hold the serial worker so the load is certainly still queued when the clerk cancels.
    release = threading.Event()
    window.taskman.run(lambda: release.wait(10), lambda _f: None)
    qtbot.mouseClick(dialog.load_button, Qt.MouseButton.LeftButton)
    op = dialog.op
    assert op is not None and not dialog.later_button.isEnabled()
    qtbot.waitUntil(lambda: op._dialog is not None and op._dialog.isVisible(), timeout=3000)  # after ~600 ms
    progress = op._dialog
    assert progress.labelText().startswith("正在载入区划代码")
    assert progress.parent() is dialog
    qtbot.mouseClick(op._cancel_button, Qt.MouseButton.LeftButton)
    assert op.context is not None and op.context.cancelled()
    assert progress.isVisible()  # stays up, saying it is cancelling, until the job has stopped
    assert "正在取消" in progress.labelText()
    release.set()
    qtbot.waitUntil(lambda: op.finished, timeout=20000)
    assert divisions.is_empty(reg)
    assert dialog.isVisible() and dialog.op is None
    assert dialog.status.text() == "已取消，登记册保持原样。可以重新选择后再载入。"
    assert dialog.load_button.isEnabled() and dialog.later_button.isEnabled()
    assert window.model.rowCount() == 0


def test_closing_the_dialog_while_loading_cancels_the_load(
    qtbot: QtBot, make_window: Callable[..., MainWindow], sqlite_registry: Callable[..., Registry],
) -> None:
    reg = sqlite_registry()
    window = make_window(reg)
    dialog = window._first_start_dialog
    assert dialog is not None
    dialog.select_scope("640221")
    release = threading.Event()
    window.taskman.run(lambda: release.wait(10), lambda _f: None)
    ctx = dialog.start_load()
    assert ctx is not None
    dialog.reject()  # Escape or the title bar's close button
    assert ctx.cancelled() and dialog.isVisible()
    release.set()
    qtbot.waitUntil(lambda: dialog.op is None, timeout=20000)
    assert divisions.is_empty(reg)


def test_the_nation_choice_needs_no_combo(
    qtbot: QtBot, make_window: Callable[..., MainWindow], sqlite_registry: Callable[..., Registry],
) -> None:
    window = make_window(sqlite_registry())
    dialog = window._first_start_dialog
    assert dialog is not None
    dialog.select_scope("")
    assert dialog.radios[NATION].isChecked()
    assert dialog.chosen_scope() == ""
    assert not dialog.province.isEnabled()
    assert dialog.summary.text() == "将载入：全国所有省、市、县、乡镇和村级单位。"
    dialog.reject()
    qtbot.waitUntil(lambda: window._first_start_dialog is None)
    assert window.details.message.text().startswith("登记册中还没有区划代码")


# the completer's popup grabs the keyboard and raises itself, which Qt's offscreen platform cannot do
@pytest.mark.qt_log_ignore("This plugin does not support (grabbing the keyboard|raise)")
def test_pinyin_initials_find_the_county(
    qtbot: QtBot, make_window: Callable[..., MainWindow], sqlite_registry: Callable[..., Registry],
) -> None:
    """plx → 平罗县: the search line offers every county with those initials, with its province and city."""
    window = make_window(sqlite_registry())
    dialog = window.open_load_dialog(first_start=True)
    qtbot.keyClicks(dialog.search, "plx")
    rows = dialog.search_model.stringList()
    assert "平罗县    宁夏回族自治区 / 石嘴山市    640221" in rows
    assert len(rows) == 5 and all(row.startswith(("平", "普")) for row in rows)
    dialog.pick_hit(rows.index("平罗县    宁夏回族自治区 / 石嘴山市    640221"))
    assert dialog.chosen_scope() == "640221" and dialog.radios[COUNTY].isChecked()
    assert dialog.search.text() == "平罗县"
    assert dialog.summary.text() == "将载入：宁夏回族自治区 / 石嘴山市 / 平罗县（640221）及其下辖的全部乡镇和村级单位。"
    dialog.search.setText("石嘴山")  # (QTest types ASCII only: a Chinese input method commits the text)
    dialog.search.textEdited.emit("石嘴山")
    assert dialog.search_model.stringList()[0] == "石嘴山市    宁夏回族自治区    6402"
    qtbot.keyClick(dialog.search, Qt.Key.Key_Escape)  # close the popup; Enter then takes the first hit
    qtbot.keyClick(dialog.search, Qt.Key.Key_Return)
    assert dialog.chosen_scope() == "6402" and dialog.kind() == "city"
    dialog.search.setText("没有这个地方")
    dialog.search.textEdited.emit("没有这个地方")
    assert dialog.search_model.stringList() == []
