"""The inspection entry form and the 检查 tab's panel offscreen, on 平罗县 with the stations of the real
roster (SQLite and PostgreSQL): answers stored exactly as entered, the service's refusals shown at their
fields, the lists and filters of a scope, printing a record, deleting one."""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from form_fixtures import CHENGGUAN, HEPING, PINGLUO, TODAY, Opened, pingluo
from pypdf import PdfReader
from PySide6.QtCore import QDate, Qt
from PySide6.QtWidgets import QMessageBox, QWidget
from pytestqt.qtbot import QtBot

from villagepost.core.checklists import Result, default_checklist
from villagepost.gui import crash
from villagepost.gui.form_parts import alive
from villagepost.gui.inspection_form import InspectionDialog
from villagepost.gui.inspections_panel import ALL, DUE, FAILED, InspectionsPanel
from villagepost.gui.ops import TaskManager
from villagepost.services import inspections as svc
from villagepost.services.registry import Registry

pytestmark = pytest.mark.gui

ITEMS = default_checklist().items
XINLI = "640221100204-01"  # 城关镇 新利村快递综合服务站
XINMIN = "640221100205-01"  # 城关镇 新民村综合服务站


@pytest.fixture
def parent(qtbot: QtBot) -> QWidget:
    widget = QWidget()
    qtbot.addWidget(widget)
    return widget


@pytest.fixture
def taskman(parent: QWidget) -> Iterator[TaskManager]:
    manager = TaskManager(parent)
    yield manager
    manager.shutdown()


@pytest.fixture
def reg(make_registry: Callable[..., Registry]) -> Registry:
    return pingluo(make_registry)


Forms = Callable[[str], InspectionDialog]


@pytest.fixture
def open_form(qtbot: QtBot, parent: QWidget, taskman: TaskManager, reg: Registry) -> Forms:
    """station code -> a shown form that has read the station and its checklist (today = TODAY)."""

    def make(code: str) -> InspectionDialog:
        form = InspectionDialog(parent, taskman, reg, code, today=TODAY)
        qtbot.addWidget(form)
        with qtbot.waitSignal(form.loaded, timeout=10000):
            form.show()
        return form

    return make


def record(reg: Registry, station: str, on: dt.date, fail: tuple[int, ...] = ()) -> int:
    answers = [svc.Answer(i.text, Result.FAIL if n in fail else Result.PASS) for n, i in enumerate(ITEMS, 1)]
    return svc.record_inspection(reg, svc.InspectionDraft(station, on, "王五", answers), today=TODAY)


def wait_saved(qtbot: QtBot, form: InspectionDialog) -> None:
    qtbot.waitUntil(lambda: not form.busy, timeout=10000)


def test_the_form_stores_what_was_entered(qtbot: QtBot, open_form: Forms, reg: Registry) -> None:
    form = open_form(HEPING)
    assert form.heading.text() == "和平村村邮站（640221100201-01）"
    assert form.place.text().startswith("宁夏回族自治区 / 石嘴山市 / 平罗县 / 城关镇 / 和平村委会")
    assert form.place.text().endswith("检查表：村级寄递物流综合服务站检查表（17 项）")
    assert [(r.number, r.text) for r in form.rows] == [(n, i.text) for n, i in enumerate(ITEMS, 1)]
    assert form.date_edit.maximumDate() == QDate(2026, 11, 23)
    form.date_edit.setDate(QDate(2026, 11, 24))  # after today: the field does not take it
    assert form.date_edit.date() == QDate(2026, 11, 23)
    assert form.counts.text() == "是 0 项　否 0 项　不适用 0 项　未填 17 项"

    form.date_edit.setDate(QDate(2026, 11, 2))
    form.inspector.setText(" 李四、赵六 ")
    form.operator.setText("罗德")
    form.row(12).buttons[Result.FAIL].click()
    form.row(12).remark.setText("灭火器过期")
    form.row(13).buttons[Result.NA].click()
    form.fill_unanswered()
    assert form.counts.text() == "是 15 项　否 1 项　不适用 1 项　未填 0 项"
    form.opinion.setPlainText("限期一周更换灭火器。")
    with qtbot.waitSignal(form.recorded, timeout=10000) as got:
        form.save_button.click()
    assert got.args is not None
    new_id = int(got.args[0])
    assert new_id == form.inspection_id and not form.isVisible()
    stored = svc.get_inspection(reg, new_id)
    assert (stored.station_code, stored.inspected_on, stored.inspector, stored.operator, stored.remark) == (
        HEPING, dt.date(2026, 11, 2), "李四、赵六", "罗德", "限期一周更换灭火器。")
    assert [(i.number, i.text, i.result) for i in stored.items] == [
        (n, i.text, Result.FAIL if n == 12 else Result.NA if n == 13 else Result.PASS)
        for n, i in enumerate(ITEMS, 1)]
    assert [i.remark for i in stored.items if i.remark] == ["灭火器过期"]


def test_refusals_are_shown_at_their_fields_and_nothing_is_stored(
        qtbot: QtBot, open_form: Forms, reg: Registry) -> None:
    form = open_form(HEPING)
    form.save()
    wait_saved(qtbot, form)
    assert form.inspector_error.text() == "请填写检查人" and form.inspector_error.isVisible()

    form.inspector.setText("李四")
    form.row(1).buttons[Result.PASS].click()
    form.row(2).buttons[Result.FAIL].click()
    form.save()
    wait_saved(qtbot, form)
    assert not form.inspector_error.isVisible()
    assert form.error.text() == ("有 15 个检查项目没有填写结果（是/否/不适用），已用红色标出："
                                 "第 3、4、5、6、7、8、9、10、11、12、13、14、15、16、17 项。")
    red = [r.number for r in form.rows if "b00020" in r.text_label.styleSheet()]
    assert red == list(range(3, 18))
    form.row(3).buttons[Result.PASS].click()  # answering clears the mark
    assert "b00020" not in form.row(3).text_label.styleSheet()

    form.fill_unanswered()
    form.opinion.setPlainText("长" * 501)
    form.save()
    wait_saved(qtbot, form)
    assert form.opinion_error.text() == "检查意见过长（最多 500 字）" and not form.error.isVisible()

    form.opinion.setPlainText("")
    form.row(5).remark.setText("备" * 501)
    form.save()
    wait_saved(qtbot, form)
    assert form.error.text() == "第 5 项备注过长（最多 500 字）"

    form.row(5).remark.setText("")
    form.operator.setText("罗" * 51)
    form.save()
    wait_saved(qtbot, form)
    assert form.operator_error.text() == "检查人姓名过长（最多 50 字）" and not form.inspector_error.isVisible()
    assert svc.list_inspections(reg, PINGLUO) == [] and form.isVisible()


def test_an_unknown_station_cannot_be_inspected(qtbot: QtBot, parent: QWidget, taskman: TaskManager,
                                                reg: Registry) -> None:
    form = InspectionDialog(parent, taskman, reg, "640221100201-09", today=TODAY)
    qtbot.addWidget(form)
    form.show()
    qtbot.waitUntil(form.error.isVisible, timeout=10000)
    assert form.heading.text() == "无法登记检查"
    assert form.error.text() == "找不到站点“640221100201-09”"
    assert not form.save_button.isEnabled() and form.cancel_button.isEnabled()


@pytest.fixture
def panel(qtbot: QtBot, taskman: TaskManager, reg: Registry, tmp_path: Path) -> InspectionsPanel:
    widget = InspectionsPanel(taskman, None, today=TODAY, opener=Opened(), output_dir=tmp_path / "records")
    qtbot.addWidget(widget)
    widget.resize(1000, 500)
    widget.show()
    widget.set_registry(reg)
    return widget


def shown(panel: InspectionsPanel) -> list[list[str]]:
    model = panel.model
    return [[str(model.data(model.index(r, c))) for c in range(model.columnCount())] for r in range(model.rowCount())]


def scope(qtbot: QtBot, panel: InspectionsPanel, code: str) -> None:
    with qtbot.waitSignal(panel.refreshed, timeout=10000):
        panel.set_scope(code)


def test_panel_lists_filters_and_due_stations(qtbot: QtBot, panel: InspectionsPanel, reg: Registry) -> None:
    first = record(reg, HEPING, dt.date(2026, 3, 1), fail=(5, 12))
    second = record(reg, HEPING, dt.date(2026, 10, 9), fail=(12,))
    old = record(reg, XINLI, dt.date(2025, 10, 1))
    recent = record(reg, XINMIN, dt.date(2026, 9, 1))
    scope(qtbot, panel, CHENGGUAN)
    assert panel.heading.text() == "城关镇（640221100）的站点检查"
    assert [panel.model.headerData(c, Qt.Orientation.Horizontal) for c in range(6)] == [
        "检查日期", "站点编码", "站点名称", "检查人", "不合格项", "记录号"]
    assert shown(panel) == [
        ["2026-10-09", HEPING, "和平村村邮站", "王五", "1", str(second)],
        ["2026-09-01", XINMIN, "新民村综合服务站", "王五", "0", str(recent)],
        ["2026-03-01", HEPING, "和平村村邮站", "王五", "2", str(first)],
        ["2025-10-01", XINLI, "新利村快递综合服务站", "王五", "0", str(old)]]
    assert panel.count.text() == "共 4 条检查记录"
    assert not panel.new_button.isEnabled() and not panel.view_button.isEnabled()

    with qtbot.waitSignal(panel.refreshed, timeout=10000):
        panel.set_mode(FAILED)
    assert [r[5] for r in shown(panel)] == [str(second), str(first)]
    assert panel.count.text() == "2 条检查记录有不合格项" and not panel.due_options.isVisible()

    with qtbot.waitSignal(panel.refreshed, timeout=10000):
        panel.set_mode(DUE)
    assert panel.due_options.isVisible()
    rows = shown(panel)
    assert len(rows) == 8 and panel.count.text() == "8 个运营或暂停中的站点待检查"
    assert [r[6] for r in rows] == ["从未检查"] * 6 + ["超过检查周期", "不合格项待复查"]
    assert rows[-2:] == [[XINLI, "新利村快递综合服务站", "运营", "2025-10-01", "0", "2026-10-01", "超过检查周期"],
                         [HEPING, "和平村村邮站", "运营", "2026-10-09", "1", "2026-11-09", "不合格项待复查"]]
    with qtbot.waitSignal(panel.refreshed, timeout=10000):
        panel.months.setValue(2)  # a shorter interval makes the recent one due as well
    assert len(shown(panel)) == 9 and XINMIN in [r[0] for r in shown(panel)]

    # a scope changed while a query runs: only the newest answer is shown
    with qtbot.waitSignal(panel.refreshed, timeout=10000):
        panel.set_mode(ALL)
    panel.set_scope(PINGLUO)
    with qtbot.waitSignal(panel.refreshed, timeout=10000):
        panel.set_scope("640221101")  # 黄渠桥镇: no inspections
    assert shown(panel) == [] and panel.heading.text() == "黄渠桥镇（640221101）的站点检查"
    qtbot.waitUntil(lambda: not panel.taskman.busy, timeout=10000)
    assert shown(panel) == [] and panel.count.text() == "共 0 条检查记录"


def test_panel_new_view_and_delete(qtbot: QtBot, panel: InspectionsPanel, reg: Registry,
                                  monkeypatch: pytest.MonkeyPatch) -> None:
    earlier = record(reg, XINLI, dt.date(2026, 5, 20), fail=(3,))
    panel.set_mode(DUE)
    scope(qtbot, panel, CHENGGUAN)
    assert [r[0] for r in shown(panel)][:2] == [HEPING, XINMIN]  # never inspected first, by code
    panel.select_row(0)
    assert panel.new_button.isEnabled() and not panel.view_button.isEnabled()
    panel.new_button.click()
    form = panel.dialog
    assert form is not None and form.station_code == HEPING
    qtbot.waitUntil(lambda: form.data is not None, timeout=10000)
    form.inspector.setText("李四")
    form.fill_unanswered()
    with qtbot.waitSignal(panel.refreshed, timeout=10000):
        form.save_button.click()
    new_id = form.inspection_id
    assert new_id is not None and HEPING not in [r[0] for r in shown(panel)]

    with qtbot.waitSignal(panel.refreshed, timeout=10000):
        panel.set_mode(ALL)
    assert [r[5] for r in shown(panel)] == [str(new_id), str(earlier)]
    panel.select_row(1)
    panel.view_button.click()
    opened = panel.opener
    assert isinstance(opened, Opened)
    qtbot.waitUntil(lambda: len(opened) == 1, timeout=20000)
    assert opened[0].name == f"检查记录{earlier}_{XINLI}_新利村快递综合服务站.pdf"  # the station named too
    assert panel.count.text() == f"检查记录已保存：{opened[0]}"  # the clerk is told where it went
    pdf = PdfReader(opened[0])
    text = "".join(page.extract_text() or "" for page in pdf.pages)
    assert len(pdf.pages) == 2 and f"检查记录（编号 {earlier}）" in text and XINLI in text
    assert "检查日期：2026 年 5 月 20 日" in text and "检查人（签字）： 王五" in text

    asked: list[str] = []

    def question(_parent: QWidget, _title: str, text: str, *_a: object) -> QMessageBox.StandardButton:
        asked.append(text)
        return QMessageBox.StandardButton.Yes

    monkeypatch.setattr(QMessageBox, "question", staticmethod(question))
    with qtbot.waitSignal(panel.refreshed, timeout=10000):
        panel.delete_button.click()
    assert asked == [f"删除 2026-05-20 对“新利村快递综合服务站”的检查记录（记录号 {earlier}）？删除后不能恢复。"]
    assert [r.id for r in svc.list_inspections(reg, PINGLUO)] == [new_id]
    assert [r[5] for r in shown(panel)] == [str(new_id)]


def test_a_form_closed_while_it_reads_drops_the_answer(qtbot: QtBot, panel: InspectionsPanel,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    crashes: list[BaseException] = []
    monkeypatch.setattr(crash, "handle_exception", lambda _t, exc, _tb: crashes.append(exc))
    release = threading.Event()
    panel.taskman.run(lambda: release.wait(30), lambda _f: None)  # the form's read waits behind this
    form = panel.new_inspection(HEPING)
    assert form is not None and panel.dialog is form
    form.reject()  # the clerk closes it at once; WA_DeleteOnClose deletes it
    qtbot.waitUntil(lambda: not alive(form), timeout=5000)
    release.set()
    qtbot.waitUntil(lambda: not panel.taskman.busy, timeout=10000)
    assert crashes == [] and panel.dialog is None
