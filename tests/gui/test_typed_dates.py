"""Dates can be typed: every date field of the window takes what the rosters take (2025-12-31, 2025/12/31,
20251231, 2025年12月31日, 2025.12.31) or says why not before anything is saved; a past deadline is flagged.

As a clerk found it: in 目标, typing 2025-12-31 or 20251231 in 截止日期 was silently ignored (QDateEdit)
and the old default deadline saved.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest
from coverage_county import COUNTY, FENGDENG
from PySide6.QtCore import QDate
from PySide6.QtWidgets import QVBoxLayout, QWidget
from pytestqt.qtbot import QtBot

from villagepost.core.pacing import Measure
from villagepost.gui.day_edit import DayEdit
from villagepost.gui.ops import TaskManager
from villagepost.gui.targets_editor import TargetsDialog
from villagepost.gui.window_sizing import settle_layout
from villagepost.services import targets as tgt
from villagepost.services.registry import Registry

pytestmark = pytest.mark.gui

D = dt.date
TODAY = D(2024, 9, 15)
FORMS = ["2025-12-31", "2025/12/31", "20251231", "2025年12月31日", "2025.12.31", "２０２５-１２-３１",
         "2025/12/31 00:00:00"]


HOSTS: list[QWidget] = []


def shown_field(qtbot: QtBot) -> DayEdit:
    """A field in a settled window, as in the dialogs (its message line appearing must not resize it)."""
    host = QWidget()
    qtbot.addWidget(host)
    HOSTS[:] = [host]  # kept alive until the next test's
    field = DayEdit(host)
    QVBoxLayout(host).addWidget(field)
    settle_layout(host)
    host.show()
    return field


@pytest.mark.parametrize("typed", FORMS)
def test_the_field_takes_every_roster_form(qtbot: QtBot, typed: str) -> None:
    field = DayEdit()
    qtbot.addWidget(field)
    field.setDate(D(2024, 1, 1))
    seen: list[QDate] = []
    field.dateChanged.connect(seen.append)
    field.edit.clear()
    if typed.isascii():
        qtbot.keyClicks(field.edit, typed)  # typed key by key, as the clerk does
    else:
        field.setText(typed)  # QTest cannot type CJK characters: as an input method commits them
    assert seen[-1] == QDate(2025, 12, 31)
    assert (field.day(), field.problem()) == (D(2025, 12, 31), None)
    field.edit.editingFinished.emit()
    assert field.text() == "2025-12-31"  # shown in one shape once the clerk leaves the field


@pytest.mark.parametrize(("typed", "why"), [
    ("2025-12", "“2025-12”只写到月，请写出完整的年月日，例如 2025-12-31"),
    ("2025-02-30", "日期“2025-02-30”不存在（月份或日期不正确）"),
    ("31.12.2025", "无法识别日期“31.12.2025”，可写成 2025-12-31、2025/12/31、20251231、2025年12月31日、2025.12.31"),
    ("45000", "无法识别日期“45000”，可写成 2025-12-31、2025/12/31、20251231、2025年12月31日、2025.12.31"),
    ("", "请填写日期，例如 2025-12-31、2025/12/31、20251231、2025年12月31日、2025.12.31"),
])
def test_the_field_says_why_not(qtbot: QtBot, typed: str, why: str) -> None:
    field = shown_field(qtbot)
    field.setDate(D(2024, 1, 1))
    field.setText(typed)
    assert field.problem() == why
    assert field.message.isVisible() and field.message.text() == why
    assert field.day() == D(2024, 1, 1)  # the last good day stays; the caller refuses to save
    field.setText("2024-03-05")
    assert field.problem() is None and not field.message.isVisible()


def test_the_range_and_a_past_day_warning(qtbot: QtBot) -> None:
    field = shown_field(qtbot)
    field.setMaximumDate(D(2024, 9, 15))
    field.setDate(D(2024, 9, 30))
    assert field.day() == D(2024, 9, 15)  # setDate keeps inside the range, as QDateEdit did
    field.setText("2024-09-16")
    assert field.problem() == "日期 2024-09-16 晚于 2024-09-15"
    field.setMaximumDate(D(2099, 1, 1))
    field.set_warn_before(D(2024, 9, 15))
    field.setText("2024-06-30")
    assert field.problem() is None and field.warning() == "截止日期已过（今天是 2024-09-15）"
    field.setText("2024-12-31")
    assert field.warning() is None


@pytest.mark.qt_log_ignore("This plugin does not support")  # a popup on the offscreen platform
def test_the_calendar_picks_a_day(qtbot: QtBot) -> None:
    field = shown_field(qtbot)
    field.setDate(D(2024, 9, 15))
    calendar = field.show_calendar()
    assert calendar.selectedDate() == QDate(2024, 9, 15)
    calendar.clicked.emit(QDate(2024, 10, 1))
    assert field.day() == D(2024, 10, 1) and field.text() == "2024-10-01"


@pytest.fixture
def dialog(make_registry: Callable[..., Registry], qtbot: QtBot, taskman: TaskManager) -> TargetsDialog:
    reg = make_registry(COUNTY)
    dlg = TargetsDialog(reg, taskman, FENGDENG, scope_name="丰登镇", today=lambda: TODAY)
    qtbot.addWidget(dlg)
    dlg.show()
    qtbot.waitUntil(lambda: not dlg.busy, timeout=10000)
    return dlg


def test_a_typed_deadline_is_saved(dialog: TargetsDialog, qtbot: QtBot) -> None:
    dialog.clear_form()
    dialog.deadline.edit.clear()
    qtbot.keyClicks(dialog.deadline.edit, "20251231")
    with qtbot.waitSignal(dialog.targets_changed, timeout=10000):
        dialog.add_button.click()
    qtbot.waitUntil(lambda: not dialog.busy, timeout=10000)
    own = tgt.list_targets(dialog.registry, FENGDENG)
    assert [(r.measure, r.value, r.deadline) for r in own] == [(Measure.COVERAGE_RATE, 1.0, D(2025, 12, 31))]


def test_a_deadline_that_is_not_a_day_is_refused_before_saving(dialog: TargetsDialog, qtbot: QtBot) -> None:
    dialog.clear_form()
    dialog.deadline.setText("2025年12月")
    dialog.add_button.click()
    assert not dialog.busy
    assert dialog.form_error.text() == "截止日期：“2025年12月”只写到月，请写出完整的年月日，例如 2025-12-31"
    assert tgt.list_targets(dialog.registry, FENGDENG) == []


def test_a_past_deadline_is_flagged(dialog: TargetsDialog) -> None:
    dialog.deadline.setText("2024/6/30")
    assert dialog.deadline.warning() == "截止日期已过（今天是 2024-09-15）"
    dialog.deadline.setText("2024/12/31")
    assert dialog.deadline.warning() is None
