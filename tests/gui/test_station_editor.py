"""The station editor on a real county (平罗县 with roster A01): fields, validation, history, dialogs, undo/redo.

Every check reads the registry back through the services, so the editor is tested for what it stores, and
undo is tested for leaving the history whole (an undone event stays, marked).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox, QTreeWidgetItem
from pytestqt.qtbot import QtBot

from tests.rosters.roster_fixtures import DATA
from villagepost.core import clock
from villagepost.gui.main_window import MainWindow
from villagepost.gui.station_editor import StationEditor
from villagepost.services import imports, station_ops, tables
from villagepost.services.registry import Registry
from villagepost.services.tables import VillageFilter

pytestmark = pytest.mark.gui

ROSTER = DATA / "A01_pingluo_clean.xlsx"
HEPING = "640221100201-01"  # 和平村村邮站: 村邮站, 邮快合作, 罗德, 15675671692, opened 2022-09-09
QIANJIN = "640221100206-01"  # 前进村兔喜生活超市: 快递超市, same township
TODAY = clock.today().isoformat()


@pytest.fixture
def pingluo(sqlite_registry: Callable[..., Registry]) -> Registry:
    reg = sqlite_registry("640221")
    assert imports.import_roster(reg, ROSTER).status == "ok"
    return reg


@pytest.fixture
def window(make_window: Callable[..., MainWindow], pingluo: Registry) -> MainWindow:
    return make_window(pingluo)


def open_editor(qtbot: QtBot, window: MainWindow, code: str) -> StationEditor:
    editor = window.open_station(code)
    qtbot.waitUntil(lambda: editor.details is not None, timeout=5000)
    return editor


def wait_saved(qtbot: QtBot, editor: StationEditor) -> None:
    qtbot.waitUntil(lambda: not editor.busy and editor.error.isVisible(), timeout=5000)


def entry(editor: StationEditor, row: int) -> QTreeWidgetItem:
    item = editor.history.topLevelItem(row)
    assert item is not None
    return item


def wait_replayed(qtbot: QtBot, window: MainWindow) -> None:
    qtbot.waitUntil(lambda: not window.station_undo.busy and not window.taskman.busy, timeout=5000)


def test_the_editor_shows_every_stored_field(qtbot: QtBot, window: MainWindow) -> None:
    editor = open_editor(qtbot, window, HEPING)
    assert editor.windowTitle() == f"站点 和平村村邮站（{HEPING}）"
    assert editor.subtitle.text() == "宁夏回族自治区 / 石嘴山市 / 平罗县 / 城关镇 / 和平村委会　状态：运营"
    values = {name: edit.text() for name, edit in editor.edits.items()}
    assert values == {"name": "和平村村邮站", "operator": "", "contact": "罗德", "phone": "15675671692",
                      "lon": "106.438139", "lat": "38.905924", "opened": "2022-09-09", "floor_area": ""}
    assert editor.type_combo.currentText() == "村邮站" and editor.coop_combo.currentText() == "邮快合作"
    assert editor.services.ticked() == [] and editor.brands.ticked() == [] and editor.served.codes() == []
    assert editor.changes() == {}
    history = [[entry(editor, 0).text(c) for c in range(4)]]
    assert history == [["1", "2022-09-09", "开通", "村邮站"]]
    assert not editor.type_date.isVisibleTo(editor)


def test_wrong_values_are_marked_with_the_services_words_and_nothing_is_saved(
    qtbot: QtBot, window: MainWindow, pingluo: Registry
) -> None:
    editor = open_editor(qtbot, window, HEPING)
    editor.edits["phone"].setText("12345")
    editor.edits["lon"].setText("200")
    editor.edits["floor_area"].setText("很大")
    editor.save()
    wait_saved(qtbot, editor)
    assert editor.marked_fields() == ["phone", "lon", "floor_area"]
    with pytest.raises(station_ops.StationInvalid) as direct:  # the same call, made directly
        station_ops.edit_station(pingluo, HEPING, {"phone": "12345", "lon": "200", "floor_area": "很大"})
    assert editor.error.text() == "\n".join(p.message("zh") for p in direct.value.problems)
    assert "联系电话“12345”格式不对" in editor.error.text()
    assert editor.edits["phone"].toolTip() == direct.value.problems[0].message("zh")
    assert station_ops.station_details(pingluo, HEPING).phone == "15675671692"
    assert window.station_undo.stack is None and not window.undo_action.isEnabled()
    editor.edits["phone"].setText("0952 7053794")
    editor.edits["lon"].setText("106°26′17.3″")
    editor.edits["floor_area"].setText("35")
    editor.save()
    wait_saved(qtbot, editor)
    assert editor.marked_fields() == [] and editor.error.text() == "已保存。"
    stored = station_ops.station_details(pingluo, HEPING)
    assert (stored.phone, stored.floor_area) == ("0952-7053794", 35.0)
    assert stored.lon == pytest.approx(106 + 26 / 60 + 17.3 / 3600, abs=1e-6)
    assert editor.edits["phone"].text() == "0952-7053794"  # shown as stored


def test_edit_with_a_type_change_then_undo_and_redo(qtbot: QtBot, window: MainWindow, pingluo: Registry) -> None:
    editor = open_editor(qtbot, window, HEPING)
    editor.edits["contact"].setText("王芳")
    editor.services.tick("代收代投")
    editor.services.tick("简易金融")
    editor.brands.tick("中通")
    editor.type_combo.setCurrentIndex(editor.type_combo.findData("村邮站+快递超市"))
    assert editor.type_date.isVisibleTo(editor)
    editor.type_date.setText("2024-05")
    editor.save()
    wait_saved(qtbot, editor)
    stored = station_ops.station_details(pingluo, HEPING)
    assert (stored.contact, stored.station_type, stored.services, stored.brands) == (
        "王芳", "村邮站+快递超市", ("代收代投", "简易金融"), ("中通",))
    change = [h for h in stored.history if h.kind == "type_changed"]
    assert [(h.date, h.new_type) for h in change] == [("2024-05", "村邮站+快递超市")]
    covered = VillageFilter(scope="640221100201", covered=True)
    assert tables.village_count(pingluo, covered) == 1  # a combined station covers its village now
    stack = window.station_undo.stack
    assert stack is not None and (stack.count(), stack.undoText()) == (1, "修改站点 和平村村邮站")
    assert window.undo_action.text() == "撤销：修改站点 和平村村邮站(&U)"

    window.undo_action.trigger()
    wait_replayed(qtbot, window)
    undone = station_ops.station_details(pingluo, HEPING)
    assert (undone.contact, undone.station_type, undone.services, undone.brands) == ("罗德", "村邮站", (), ())
    kinds = [(h.kind, h.reverts, h.reverted_by) for h in undone.history]
    assert kinds == [("opened", None, None), ("type_changed", None, change[0].id + 1),
                     ("undone", change[0].id, None)]  # nothing deleted: the change is marked undone
    assert tables.village_count(pingluo, covered) == 0
    qtbot.waitUntil(lambda: editor.edits["contact"].text() == "罗德", timeout=5000)  # the editor followed

    window.redo_action.trigger()
    wait_replayed(qtbot, window)
    redone = station_ops.station_details(pingluo, HEPING)
    assert (redone.contact, redone.station_type, redone.services) == (
        "王芳", "村邮站+快递超市", ("代收代投", "简易金融"))
    assert tables.village_count(pingluo, covered) == 1
    assert len(redone.history) == 4


def test_clearing_the_opening_date_makes_it_missing(qtbot: QtBot, window: MainWindow, pingluo: Registry) -> None:
    editor = open_editor(qtbot, window, HEPING)
    editor.edits["opened"].clear()
    editor.save()
    wait_saved(qtbot, editor)
    stored = station_ops.station_details(pingluo, HEPING)
    assert stored.opened is None and stored.date_missing
    assert "建成日期缺失" in editor.subtitle.text()
    # a correction supersedes the opening (undone, then opened again without a date), never edits it in place
    assert editor.history.topLevelItemCount() == 3
    assert [entry(editor, i).text(2) for i in range(3)][::2] == ["开通", "开通"]
    assert (entry(editor, 0).text(1), entry(editor, 2).text(1)) == ("2022-09-09", "日期缺失")
    window.station_undo.undo()
    wait_replayed(qtbot, window)
    assert station_ops.station_details(pingluo, HEPING).opened == "2022-09-09"


def test_close_dialog_refuses_a_future_date_then_closes_and_undo_reopens(
    qtbot: QtBot, window: MainWindow, pingluo: Registry
) -> None:
    editor = open_editor(qtbot, window, HEPING)
    dialog = editor.open_event("close")
    assert dialog is not None
    dialog.date_edit.setText("2099-01-01")
    dialog.submit()
    qtbot.waitUntil(dialog.error.isVisible, timeout=5000)
    assert dialog.error.text() == f"日期“2099-01-01”（2099-01-01）晚于今天（{TODAY}）"
    assert dialog.isVisible()
    dialog.date_edit.setText("2025-03-31")
    dialog.note_edit.setText("店主外出务工")
    with qtbot.waitSignal(dialog.accepted, timeout=5000):
        dialog.submit()
    wait_replayed(qtbot, window)
    closed = station_ops.station_details(pingluo, HEPING)
    assert (closed.status, closed.history[-1].kind, closed.history[-1].note) == ("closed", "closed", "店主外出务工")
    qtbot.waitUntil(lambda: editor.details is not None and editor.details.status == "closed", timeout=5000)
    assert editor.reopen_button.isEnabled() and not editor.suspend_button.isEnabled()
    assert window.station_undo.undo_text() == "关闭站点 和平村村邮站"
    assert editor.error.text() == "已记录：关闭站点 和平村村邮站。"
    window.station_undo.undo()
    wait_replayed(qtbot, window)
    reopened = station_ops.station_details(pingluo, HEPING)
    assert reopened.status == "operating"
    assert [h.kind for h in reopened.history] == ["opened", "closed", "undone"]


def test_merge_dialog_makes_a_combined_station_and_undo_reverts_it(
    qtbot: QtBot, window: MainWindow, pingluo: Registry
) -> None:
    editor = open_editor(qtbot, window, HEPING)
    dialog = editor.open_merge()
    assert dialog is not None
    qtbot.waitUntil(lambda: dialog.loaded, timeout=5000)
    offered = [dialog.candidates.item(i).data(Qt.ItemDataRole.UserRole) for i in range(dialog.candidates.count())]
    expected = [r.code for r in tables.station_rows(pingluo, [int(i) for i in tables.station_ids(
        pingluo, tables.StationFilter(scope="640221100"), "village")]).values() if r.code != HEPING]
    assert sorted(offered) == sorted(expected)
    assert dialog.check(QIANJIN)
    dialog.date_edit.setText("2024-06-30")
    with qtbot.waitSignal(dialog.accepted, timeout=5000):
        dialog.submit()
    wait_replayed(qtbot, window)
    merged = station_ops.station_details(pingluo, HEPING)
    assert merged.station_type == "村邮站+快递超市"
    assert [(h.kind, h.partners, h.date) for h in merged.history][-1] == ("merged", (QIANJIN,), "2024-06-30")
    assert station_ops.station_details(pingluo, QIANJIN).status != "operating"
    on_day = VillageFilter(scope="640221100201", covered=True, on=dt.date(2024, 6, 30))
    assert tables.village_count(pingluo, on_day) == 1
    qtbot.waitUntil(lambda: editor.history.topLevelItemCount() == 2, timeout=5000)
    assert entry(editor, 1).text(4) == f"并入：{QIANJIN}"
    window.station_undo.undo()
    wait_replayed(qtbot, window)
    assert station_ops.station_details(pingluo, HEPING).station_type == "村邮站"
    assert station_ops.station_details(pingluo, QIANJIN).status == "operating"
    assert tables.village_count(pingluo, on_day) == 0


def test_undoing_a_history_entry_from_the_list(qtbot: QtBot, window: MainWindow, pingluo: Registry) -> None:
    event = station_ops.suspend_station(pingluo, HEPING, "2025-01-10")
    editor = open_editor(qtbot, window, HEPING)
    assert editor.details is not None and editor.details.status == "suspended"
    editor.history.setCurrentItem(entry(editor, 1))
    assert editor.selected_event() == event
    editor.undo_selected_event()
    wait_replayed(qtbot, window)
    qtbot.waitUntil(lambda: editor.details is not None and editor.details.status == "operating", timeout=5000)
    assert entry(editor, 1).text(4) == f"已被 #{event + 1} 撤销"
    window.station_undo.undo()  # undo the undo: suspended again, one more event
    wait_replayed(qtbot, window)
    again = station_ops.station_details(pingluo, HEPING)
    assert again.status == "suspended" and [h.kind for h in again.history] == [
        "opened", "suspended", "undone", "undone"]


def test_add_a_station_in_the_selected_village(qtbot: QtBot, window: MainWindow, pingluo: Registry) -> None:
    window.go_to("640221100200")  # 合作村委会: no station in the roster
    editor = window.add_station()
    assert editor is not None and editor.windowTitle() == "新增站点 — 合作村委会"
    editor.edits["name"].setText("和平村村邮站")  # the name of a station of another village is fine
    editor.type_combo.setCurrentIndex(editor.type_combo.findData("综合服务站"))
    editor.edits["phone"].setText("13912345678")
    editor.services.tick("揽收寄件")
    editor.served.code_edit.setText("640221100202")
    editor.served.add_typed()
    editor.save()
    wait_saved(qtbot, editor)
    assert editor.error.text() == "已新增站点 640221100200-01。"
    stored = station_ops.station_details(pingluo, "640221100200-01")
    assert (stored.name, stored.station_type, stored.phone, stored.services, stored.served) == (
        "和平村村邮站", "综合服务站", "13912345678", ("揽收寄件",), (("640221100202", "新建村委会"),))
    assert stored.date_missing  # no opening date typed: 日期缺失
    assert editor.code == "640221100200-01" and editor.merge_button.isVisibleTo(editor)
    second = window.add_station()
    assert second is not None
    second.edits["name"].setText("和平村村邮站")
    second.save()
    wait_saved(qtbot, second)
    assert second.error.text() == "站点名称：村“640221100200”已有名为“和平村村邮站”的站点（640221100200-01）"
    assert second.marked_fields() == ["name"]


def test_add_needs_a_village(qtbot: QtBot, window: MainWindow, monkeypatch: pytest.MonkeyPatch) -> None:
    told: list[str] = []
    monkeypatch.setattr(QMessageBox, "information", lambda _p, _t, text: told.append(text))
    window.go_to("640221100")
    assert window.add_station() is None
    assert told == ["请先在左侧目录（或“村庄”页）中选择站点所在的村。"]


def test_unsaved_changes_are_asked_about(qtbot: QtBot, window: MainWindow, monkeypatch: pytest.MonkeyPatch) -> None:
    editor = open_editor(qtbot, window, HEPING)
    asked: list[str] = []

    def answer(_parent: object, _title: str, text: str, *_args: object) -> QMessageBox.StandardButton:
        asked.append(text)
        return QMessageBox.StandardButton.Cancel if len(asked) == 1 else QMessageBox.StandardButton.Discard

    monkeypatch.setattr(QMessageBox, "question", answer)
    editor.edits["contact"].setText("李四")
    assert not editor.close()  # Cancel: stays open
    assert editor.isVisible()
    assert editor.close()  # Discard
    assert asked == ["站点的修改还没有保存。要保存吗？"] * 2


def test_double_click_in_the_station_table_opens_the_editor(qtbot: QtBot, window: MainWindow) -> None:
    tab = window.stations_tab
    window.tabs.setCurrentWidget(tab)
    qtbot.waitUntil(lambda: tab.model.complete and not tab.model.loading, timeout=5000)
    row = next(r for r in range(tab.model.rowCount()) if tab.model.index(r, 0).data() == HEPING)
    tab.view.activated.emit(tab.model.index(row, 1))
    assert set(window.editors) == {HEPING}
    editor = window.editors[HEPING]
    qtbot.waitUntil(lambda: editor.details is not None, timeout=5000)
    assert window.open_station(HEPING) is editor  # one editor per station
