"""The targets dialog on 金凤区 (tests/coverage_county.py): own and inherited targets listed and marked; add,
change and remove persist through services.targets; the services' refusals appear next to their field."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest
from coverage_county import COUNTY, FENGDENG, LIANGTIAN
from PySide6.QtCore import QDate
from pytestqt.qtbot import QtBot

from villagepost.core.actor import Actor
from villagepost.core.errors import KnownError
from villagepost.core.pacing import Measure
from villagepost.gui.ops import TaskManager
from villagepost.gui.targets_editor import TargetsDialog
from villagepost.services import targets as tgt
from villagepost.services.registry import Registry

pytestmark = pytest.mark.gui

D = dt.date
SET_ON = D(2024, 1, 15)
TODAY = D(2024, 9, 15)


@pytest.fixture
def county(make_registry: Callable[..., Registry]) -> tuple[Registry, list[tgt.TargetRow]]:
    reg = make_registry(COUNTY)
    rows = [
        tgt.set_target(reg, COUNTY, Measure.COVERAGE_RATE, 0.85, D(2024, 12, 31), today=SET_ON, note="东昌府区同款"),
        tgt.set_target(reg, COUNTY, Measure.COVERAGE_RATE, 1.0, D(2025, 12, 31), today=SET_ON),
        tgt.set_target(reg, COUNTY, Measure.STATION_COUNT, 5, D(2025, 6, 30), station_type="综合服务站",
                       today=SET_ON),
    ]
    return reg, rows


@pytest.fixture
def open_dialog(qtbot: QtBot, taskman: TaskManager) -> Callable[..., TargetsDialog]:
    def make(reg: Registry, scope: str, name: str) -> TargetsDialog:
        dialog = TargetsDialog(reg, taskman, scope, scope_name=name, today=lambda: TODAY)
        qtbot.addWidget(dialog)
        dialog.show()
        qtbot.waitUntil(lambda: not dialog.busy, timeout=10000)
        return dialog

    return make


def table(dialog: TargetsDialog) -> list[list[str]]:
    t = dialog.table
    return [[t.item(r, c).text() for c in range(t.columnCount())] for r in range(t.rowCount())]


def wait(qtbot: QtBot, dialog: TargetsDialog) -> None:
    qtbot.waitUntil(lambda: not dialog.busy, timeout=10000)


def test_own_targets_are_listed_and_editable(county: tuple[Registry, list[tgt.TargetRow]],
                                             open_dialog: Callable[..., TargetsDialog]) -> None:
    reg, (t1, t2, t4) = county
    dialog = open_dialog(reg, COUNTY, "金凤区")
    assert dialog.windowTitle() == "目标 — 金凤区（640106）"
    assert [dialog.table.horizontalHeaderItem(c).text() for c in range(dialog.table.columnCount())] == [
        "编号", "所属", "指标", "目标值", "截止日期", "设定于", "备注"]
    assert table(dialog) == [  # by deadline, as services.targets.targets_for gives them
        [f"#{t1.id}", "本级", "覆盖率", "85%", "2024-12-31", "2024-01-15", "东昌府区同款"],
        [f"#{t4.id}", "本级", "站点数：综合服务站", "5 个", "2025-06-30", "2024-01-15", ""],
        [f"#{t2.id}", "本级", "覆盖率", "100%", "2025-12-31", "2024-01-15", ""],
    ]
    assert dialog.intro.text() == "本级目标 3 个，可修改、删除。进度按本级目标计算。"
    dialog.table.selectRow(1)  # the form shows the selected target
    assert (dialog.current_measure(), dialog.station_type.currentText(), dialog.value.value(),
            dialog.deadline.date(), dialog.note.text()) == (Measure.STATION_COUNT, "综合服务站", 5.0,
                                                            QDate(2025, 6, 30), "")
    assert dialog.station_type.isEnabled() and dialog.value.suffix() == " 个"
    assert dialog.save_button.isEnabled() and dialog.remove_button.isEnabled()
    dialog.table.selectRow(0)
    assert (dialog.current_measure(), dialog.value.value(), dialog.value.suffix(), dialog.note.text()) == (
        Measure.COVERAGE_RATE, 85.0, " %", "东昌府区同款")
    assert not dialog.station_type.isEnabled()


def test_a_township_sees_what_it_inherits(county: tuple[Registry, list[tgt.TargetRow]],
                                          open_dialog: Callable[..., TargetsDialog]) -> None:
    reg, (t1, t2, t4) = county
    dialog = open_dialog(reg, FENGDENG, "丰登镇")
    assert table(dialog) == [
        [f"#{t1.id}", "上级：金凤区（640106）", "覆盖率", "85%", "2024-12-31", "2024-01-15", "东昌府区同款"],
        [f"#{t4.id}", "上级：金凤区（640106），不沿用", "站点数：综合服务站", "5 个", "2025-06-30", "2024-01-15", ""],
        [f"#{t2.id}", "上级：金凤区（640106）", "覆盖率", "100%", "2025-12-31", "2024-01-15", ""],
    ]
    assert dialog.intro.text().startswith("本级还没有自己的目标：进度沿用上级 金凤区（640106） 的覆盖率目标")
    dialog.table.selectRow(0)
    assert not dialog.save_button.isEnabled() and not dialog.remove_button.isEnabled()
    assert dialog.add_button.isEnabled()  # an inherited target can be taken over as the township's own
    assert dialog.value.value() == 85.0


def test_adding_a_target_persists_and_is_selected(county: tuple[Registry, list[tgt.TargetRow]],
                                                  open_dialog: Callable[..., TargetsDialog], qtbot: QtBot) -> None:
    reg, (t1, _t2, _t4) = county
    dialog = open_dialog(reg, FENGDENG, "丰登镇")
    dialog.clear_form()
    assert (dialog.value.value(), dialog.deadline.date()) == (100.0, QDate(2024, 12, 31))  # this year's end
    dialog.value.setValue(90)
    dialog.deadline.setDate(QDate(2025, 3, 31))
    dialog.note.setText("  镇政府会议纪要  ")
    with qtbot.waitSignal(dialog.targets_changed, timeout=10000):
        dialog.add_button.click()
    wait(qtbot, dialog)
    own = [r for r in tgt.list_targets(reg, FENGDENG) if r.scope == FENGDENG]
    assert [(r.measure, r.value, r.deadline, r.station_type, r.created_on, r.note) for r in own] == [
        (Measure.COVERAGE_RATE, 0.9, D(2025, 3, 31), None, TODAY, "镇政府会议纪要")]
    assert dialog.message.text() == f"已保存目标 #{own[0].id}：2025-03-31 前覆盖率达到 90.0%"
    assert table(dialog)[0][:5] == [f"#{own[0].id}", "本级", "覆盖率", "90%", "2025-03-31"]
    assert dialog.selected() == (own[0], True)
    assert dialog.intro.text().startswith("本级目标 1 个")

    dialog.clear_form()  # a station count with its type
    dialog.measure.setCurrentIndex(1)
    dialog.station_type.setCurrentIndex(dialog.station_type.findText("村邮站+快递超市"))
    dialog.value.setValue(4)
    with qtbot.waitSignal(dialog.targets_changed, timeout=10000):
        dialog.add_button.click()
    wait(qtbot, dialog)
    counts = [r for r in tgt.list_targets(reg, FENGDENG) if r.measure is Measure.STATION_COUNT]
    assert [(r.value, r.station_type, r.deadline) for r in counts] == [(4.0, "村邮站+快递超市", D(2024, 12, 31))]
    assert tgt.targets_for(reg, COUNTY)[0][0] == t1  # the county's own targets are untouched


def test_changing_value_and_note_updates_in_place(county: tuple[Registry, list[tgt.TargetRow]],
                                                  open_dialog: Callable[..., TargetsDialog], qtbot: QtBot) -> None:
    reg, (t1, _t2, _t4) = county
    dialog = open_dialog(reg, COUNTY, "金凤区")
    dialog.table.selectRow(0)
    dialog.value.setValue(90)
    dialog.note.setText("市里要求提高")
    with qtbot.waitSignal(dialog.targets_changed, timeout=10000):
        dialog.save_button.click()
    wait(qtbot, dialog)
    (row,) = [r for r in tgt.list_targets(reg, COUNTY) if r.id == t1.id]
    assert (row.value, row.note, row.deadline, row.created_on) == (0.9, "市里要求提高", D(2024, 12, 31), SET_ON)
    assert len(tgt.list_targets(reg, COUNTY)) == 3
    assert dialog.selected() == (row, True)


def test_changing_the_deadline_makes_it_another_target_that_keeps_its_start(
    county: tuple[Registry, list[tgt.TargetRow]], open_dialog: Callable[..., TargetsDialog], qtbot: QtBot
) -> None:
    reg, (t1, t2, t4) = county
    dialog = open_dialog(reg, COUNTY, "金凤区")
    dialog.table.selectRow(0)
    dialog.deadline.setDate(QDate(2025, 3, 31))
    with qtbot.waitSignal(dialog.targets_changed, timeout=10000):
        dialog.save_button.click()
    wait(qtbot, dialog)
    rows = tgt.list_targets(reg, COUNTY)
    assert t1.id not in {r.id for r in rows} and len(rows) == 3
    (moved,) = [r for r in rows if r.deadline == D(2025, 3, 31)]
    # the lag lines still start on the day the target was first set
    assert (moved.value, moved.created_on, moved.note, moved.measure) == (0.85, SET_ON, "东昌府区同款",
                                                                         Measure.COVERAGE_RATE)
    assert [r[0] for r in table(dialog)] == [f"#{moved.id}", f"#{t4.id}", f"#{t2.id}"]


def test_removing_asks_first(county: tuple[Registry, list[tgt.TargetRow]],
                             open_dialog: Callable[..., TargetsDialog], qtbot: QtBot) -> None:
    reg, (t1, t2, t4) = county
    dialog = open_dialog(reg, COUNTY, "金凤区")
    asked: list[str] = []
    answers = iter([False, True])

    def confirm(text: str) -> bool:
        asked.append(text)
        return next(answers)

    dialog.confirm = confirm
    dialog.table.selectRow(1)
    dialog.remove_button.click()  # "no"
    assert asked == [f"删除目标 #{t4.id}（2025-06-30 前综合服务站达到 5 个）？\n"
                     "目标是计划，删除后不留记录；进度将不再对照它。"]
    assert not dialog.busy and len(tgt.list_targets(reg, COUNTY)) == 3
    with qtbot.waitSignal(dialog.targets_changed, timeout=10000):
        dialog.remove_button.click()  # "yes"
    wait(qtbot, dialog)
    assert [r.id for r in tgt.list_targets(reg, COUNTY)] == [t1.id, t2.id]
    assert dialog.message.text() == f"已撤下目标 #{t4.id}（记录保留在修改记录中）"
    assert [r[0] for r in table(dialog)] == [f"#{t1.id}", f"#{t2.id}"]


def test_refusals_are_shown_next_to_their_field(county: tuple[Registry, list[tgt.TargetRow]],
                                                open_dialog: Callable[..., TargetsDialog], qtbot: QtBot) -> None:
    reg, _ = county
    dialog = open_dialog(reg, LIANGTIAN, "良田镇")
    changed: list[bool] = []
    dialog.targets_changed.connect(lambda: changed.append(True))

    dialog.value.setValue(0)  # a rate of 0%
    dialog.add_button.click()
    wait(qtbot, dialog)
    assert dialog.value_error.text() == KnownError("target.rate_range", value="0").message()
    assert dialog.value_error.text().startswith("覆盖率目标 0% 不在 0 到 100% 之间")
    assert dialog.value_error.isVisibleTo(dialog) and not dialog.type_error.isVisibleTo(dialog)

    dialog.value.setValue(50)  # editing clears the message
    assert not dialog.value_error.isVisibleTo(dialog)

    dialog.measure.setCurrentIndex(1)  # a station count without its type
    dialog.value.setValue(3)
    dialog.add_button.click()
    wait(qtbot, dialog)
    assert dialog.type_error.text() == ("站点数量目标要指定统计的站点类型（村邮站、快递超市、村邮站+快递超市、"
                                        "综合服务站、乡镇综合服务站、县级共配中心、智能快件箱点）")
    dialog.station_type.setCurrentIndex(dialog.station_type.findText("综合服务站"))
    dialog.value.setValue(0)  # and none of them
    dialog.add_button.click()
    wait(qtbot, dialog)
    assert dialog.value_error.text() == "站点数量目标“0”应为正整数"
    assert changed == [] and [r for r in tgt.list_targets(reg, LIANGTIAN) if r.scope == LIANGTIAN] == []


def test_a_scope_outside_the_users_is_refused_above_the_form(
    make_registry: Callable[..., Registry], open_dialog: Callable[..., TargetsDialog], qtbot: QtBot
) -> None:
    reg = make_registry(COUNTY, actor=Actor(name="良田镇办", scopes=(LIANGTIAN,)))
    dialog = open_dialog(reg, COUNTY, "金凤区")
    dialog.add_button.click()
    wait(qtbot, dialog)
    assert dialog.form_error.text() == "范围 640106 不在用户“良田镇办”可修改的范围（640106100）内"
    assert not dialog.value_error.isVisibleTo(dialog) and tgt.list_targets(reg, COUNTY) == []


def test_a_target_removed_elsewhere_is_reported_and_the_list_refreshed(
    county: tuple[Registry, list[tgt.TargetRow]], open_dialog: Callable[..., TargetsDialog], qtbot: QtBot
) -> None:
    reg, (t1, t2, t4) = county
    dialog = open_dialog(reg, COUNTY, "金凤区")
    dialog.confirm = lambda _text: True
    dialog.table.selectRow(0)
    tgt.remove_target(reg, t1.id)  # another window, the CLI
    with qtbot.waitSignal(dialog.refreshed, timeout=10000):
        dialog.remove_button.click()
    assert dialog.form_error.text() == f"目标 #{t1.id} 不存在"
    assert [r[0] for r in table(dialog)] == [f"#{t4.id}", f"#{t2.id}"]
