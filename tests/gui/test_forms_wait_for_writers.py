"""The targets dialog and the inspection form while another program writes the SQLite registry.

A real second process holds the write lock (as an import does for minutes). A save waits behind a progress
note naming the holder, and goes through once the holder is done; if the holder keeps the lock past the
window's patience, the form shows the refusal naming it, stores nothing, and can be used again.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest
from coverage_county import COUNTY
from form_fixtures import HEPING, TODAY, pingluo
from PySide6.QtCore import QDate
from PySide6.QtWidgets import QProgressDialog, QWidget
from pytestqt.qtbot import QtBot

from tests.gui.write_lock import HOLDER, holding_write_lock
from villagepost.core.checklists import Result
from villagepost.gui import ops
from villagepost.gui.inspection_form import InspectionDialog
from villagepost.gui.ops import TaskManager
from villagepost.gui.targets_editor import TargetsDialog
from villagepost.services import inspections
from villagepost.services import targets as tgt
from villagepost.services.registry import Registry

pytestmark = pytest.mark.gui


def _waiting_note(parent: QWidget, pid: int) -> Callable[[], bool]:
    """True once a visible progress dialog of `parent` says it waits for the holder (its name and pid)."""

    def shown() -> bool:
        return any(d.isVisible() and "正在等待其他程序写完数据库" in d.labelText() and HOLDER in d.labelText()
                   for d in parent.findChildren(QProgressDialog))

    return shown


@pytest.fixture
def short_waits(monkeypatch: pytest.MonkeyPatch) -> None:
    """Each try waits 0.3 s for the lock; the window gives up after 2 s (900 s in use)."""
    monkeypatch.setenv("VILLAGEPOST_BUSY_TIMEOUT", "0.3")
    monkeypatch.setattr(ops, "WRITER_PATIENCE_S", 2.0)


def _targets_dialog(qtbot: QtBot, taskman: TaskManager, reg: Registry) -> TargetsDialog:
    dialog = TargetsDialog(reg, taskman, COUNTY, scope_name="金凤区", today=lambda: dt.date(2024, 9, 15))
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitUntil(lambda: not dialog.busy, timeout=10000)
    dialog.clear_form()
    dialog.value.setValue(90)
    dialog.deadline.setDate(QDate(2025, 3, 31))
    return dialog


def test_a_target_saved_during_another_write_waits_then_saves(
        qtbot: QtBot, taskman: TaskManager, sqlite_registry: Callable[..., Registry], short_waits: None) -> None:
    reg = sqlite_registry(COUNTY)
    dialog = _targets_dialog(qtbot, taskman, reg)
    assert reg.location.path is not None
    with holding_write_lock(reg.location.path) as pid:
        dialog.add_button.click()
        qtbot.waitUntil(_waiting_note(dialog, pid), timeout=10000)
        assert dialog.busy and not dialog.add_button.isEnabled()
        assert tgt.list_targets(reg, COUNTY) == []
    qtbot.waitUntil(lambda: not dialog.busy, timeout=10000)
    (row,) = tgt.list_targets(reg, COUNTY)
    assert (row.value, row.deadline) == (0.9, dt.date(2025, 3, 31))
    assert dialog.message.text() == f"已保存目标 #{row.id}：2025-03-31 前覆盖率达到 90.0%"
    assert not any(d.isVisible() for d in dialog.findChildren(QProgressDialog))


def test_a_target_save_gives_up_after_the_wait_naming_the_writer(
        qtbot: QtBot, taskman: TaskManager, sqlite_registry: Callable[..., Registry], short_waits: None) -> None:
    reg = sqlite_registry(COUNTY)
    dialog = _targets_dialog(qtbot, taskman, reg)
    assert reg.location.path is not None
    with holding_write_lock(reg.location.path) as pid:
        dialog.add_button.click()
        qtbot.waitUntil(lambda: not dialog.busy, timeout=20000)
        text = dialog.form_error.text()
    assert dialog.form_error.isVisible()
    assert "正被其他程序写入" in text and f"用户 {HOLDER}" in text and f"进程 {pid}" in text
    assert "本次没有保存任何修改" in text
    assert dialog.message.text() == ""
    assert tgt.list_targets(reg, COUNTY) == []
    assert dialog.add_button.isEnabled()  # usable again: the clerk saves once the import is done
    dialog.add_button.click()
    qtbot.waitUntil(lambda: not dialog.busy and dialog.message.text() != "", timeout=10000)
    assert [r.value for r in tgt.list_targets(reg, COUNTY)] == [0.9]


@pytest.fixture
def parent(qtbot: QtBot) -> QWidget:
    """The form's parent window (kept alive by the fixture: the form is its child)."""
    widget = QWidget()
    qtbot.addWidget(widget)
    return widget


def _inspection_form(qtbot: QtBot, taskman: TaskManager, reg: Registry, parent: QWidget) -> InspectionDialog:
    form = InspectionDialog(parent, taskman, reg, HEPING, today=TODAY)
    qtbot.addWidget(form)
    with qtbot.waitSignal(form.loaded, timeout=10000):
        form.show()
    form.date_edit.setDate(QDate(2026, 11, 2))
    form.inspector.setText("李四")
    form.fill_unanswered()
    form.row(3).buttons[Result.FAIL].click()
    return form


def test_an_inspection_saved_during_another_write_waits_then_is_recorded(
        qtbot: QtBot, taskman: TaskManager, sqlite_registry: Callable[..., Registry], short_waits: None,
        parent: QWidget) -> None:
    reg = pingluo(sqlite_registry)
    form = _inspection_form(qtbot, taskman, reg, parent)
    assert reg.location.path is not None
    with holding_write_lock(reg.location.path) as pid:
        form.save_button.click()
        qtbot.waitUntil(_waiting_note(form, pid), timeout=10000)
        assert form.busy and not form.save_button.isEnabled() and form.isVisible()
    with qtbot.waitSignal(form.recorded, timeout=10000) as got:
        pass
    assert got.args is not None
    stored = inspections.get_inspection(reg, int(got.args[0]))
    assert (stored.station_code, stored.inspected_on, stored.inspector) == (HEPING, dt.date(2026, 11, 2), "李四")
    assert [i.number for i in stored.items if i.result is Result.FAIL] == [3]
    assert not form.isVisible()


def test_an_inspection_save_gives_up_after_the_wait_naming_the_writer(
        qtbot: QtBot, taskman: TaskManager, sqlite_registry: Callable[..., Registry], short_waits: None,
        parent: QWidget) -> None:
    reg = pingluo(sqlite_registry)
    form = _inspection_form(qtbot, taskman, reg, parent)
    assert reg.location.path is not None
    with holding_write_lock(reg.location.path) as pid:
        form.save_button.click()
        qtbot.waitUntil(lambda: not form.busy, timeout=20000)
        text = form.error.text()
    assert "正被其他程序写入" in text and f"用户 {HOLDER}" in text and f"进程 {pid}" in text
    assert form.isVisible() and form.save_button.isEnabled()
    assert inspections.list_inspections(reg, HEPING[:9]) == []
    with qtbot.waitSignal(form.recorded, timeout=10000):
        form.save_button.click()
