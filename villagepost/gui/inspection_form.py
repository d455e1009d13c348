"""Inspections in the window: the entry form for one station (InspectionDialog) and the 检查 tab's list of
a scope's inspections (InspectionsPanel).

Why the form looks like the paper: inspectors come back with the printed checklist filled in by hand, and
a clerk types it in; the same numbered items under the same 一、二、… headings, each with 是/否/不适用 and a
remark, make that a straight copy. The items are those of the checklist that applies to the station now
(services.checklists.checklist_for), and services.inspections.record_inspection checks the whole record
again (every item answered, a date not after today, an inspector), so the window can never store what the
command line would refuse. Its refusals are shown in Chinese under the field they concern; unanswered
items turn red.

The panel lists what a county needs to follow up: all inspections, those that found failures, and the
stations due for (re-)inspection (services.inspections.due_inspections with its interval options). Every
query and write runs on the background worker; a scope changed while a query runs discards its answer.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import QCoreApplication, QDate, QModelIndex, QPersistentModelIndex, Qt, Signal
from PySide6.QtGui import QFont, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QButtonGroup,
    QComboBox,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLayout,
    QLineEdit,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QRadioButton,
    QScrollArea,
    QSizePolicy,
    QSpinBox,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from villagepost.core import clock
from villagepost.core.checklists import MAX_REMARK, Checklist, Result
from villagepost.core.errors import Cancelled, KnownError
from villagepost.core.messages import DEFAULT_LANG
from villagepost.core.stations import STATUS_ZH, StationStatus
from villagepost.gui.day_edit import DayEdit
from villagepost.gui.file_prompts import FilePrompts, Opener, open_in_system_viewer, pdf_filter, safe_file_name
from villagepost.gui.form_parts import ErrorLabel, SettledDialog, alive
from villagepost.gui.list_model import Column, RowListModel
from villagepost.gui.ops import BackgroundOp, OpContext, TaskManager, default_failure
from villagepost.gui.window_sizing import fit_to_screen
from villagepost.reports.checklist_pdf import chinese_number
from villagepost.services import inspections as svc
from villagepost.services.checklists import checklist_for
from villagepost.services.divisions import require_unit
from villagepost.services.printing import print_inspection
from villagepost.services.registry import Registry
from villagepost.services.station_ops import StationDetails, station_details

translate = QCoreApplication.translate

#: the order of the answer buttons on every row, as on the printed form
RESULTS = (Result.PASS, Result.FAIL, Result.NA)
UNANSWERED_STYLE = "color: #b00020; font-weight: bold;"


@dataclasses.dataclass(frozen=True)
class FormData:
    """What the form shows before anything is typed: the station and the checklist it is inspected with."""

    station: StationDetails
    checklist: Checklist


def read_form_data(reg: Registry, station_code: str) -> FormData:
    """The station and its applicable checklist (runs on the worker)."""
    station = station_details(reg, station_code)
    return FormData(station, checklist_for(reg, station.village_code))


def _status(code: str) -> str:
    """运营 / 暂停 / 关闭 / 筹建 (a value this version does not know stays as stored)."""
    try:
        return STATUS_ZH[StationStatus(code)]
    except ValueError:
        return code



class ItemRow:
    """The widgets of one checklist item: its number label, three answer buttons and the remark."""

    def __init__(self, parent: QWidget, number: int, text: str) -> None:
        self.number = number
        self.text = text
        self.number_label = QLabel(str(number), parent)
        self.number_label.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        self.text_label = QLabel(text, parent)
        self.text_label.setWordWrap(True)
        self.text_label.setTextFormat(Qt.TextFormat.PlainText)
        self.group = QButtonGroup(parent)
        self.buttons: dict[Result, QRadioButton] = {}
        for result in RESULTS:
            button = QRadioButton(result.zh, parent)
            button.setObjectName(f"item{number}_{result.value}")
            self.group.addButton(button)
            self.buttons[result] = button
        self.remark = QLineEdit(parent)
        self.remark.setObjectName(f"item{number}_remark")
        self.remark.setPlaceholderText(translate("InspectionDialog", "备注"))

    def result(self) -> Result | None:
        return next((r for r, b in self.buttons.items() if b.isChecked()), None)

    def set_result(self, result: Result) -> None:
        self.buttons[result].setChecked(True)

    def mark(self, unanswered: bool) -> None:
        for label in (self.number_label, self.text_label):
            label.setStyleSheet(UNANSWERED_STYLE if unanswered else "")


class InspectionDialog(SettledDialog):
    """Record one inspection of one station; `recorded(id)` and accept() when stored."""

    #: emitted once the station and its checklist are shown
    loaded = Signal()
    #: emitted with the new inspection's id after it was stored
    recorded = Signal(int)

    def __init__(self, parent: QWidget, taskman: TaskManager, registry: Registry, station_code: str, *,
                 lang: str = DEFAULT_LANG, today: dt.date | None = None) -> None:
        super().__init__(parent)
        self.taskman = taskman
        self.registry = registry
        self.station_code = station_code
        self.lang = lang
        self.today = today or clock.today()
        self.data: FormData | None = None
        self.rows: list[ItemRow] = []
        self.inspection_id: int | None = None
        self.busy = False
        self.setObjectName("inspectionDialog")
        self.setWindowTitle(self.tr("登记检查结果"))

        self.heading = QLabel(self.tr("正在读取站点和检查表…"), self)
        self.heading.setObjectName("stationHeading")
        font = self.heading.font()
        font.setPointSizeF(font.pointSizeF() * 1.15)
        font.setBold(True)
        self.heading.setFont(font)
        self.place = QLabel(self)
        self.place.setObjectName("stationPlace")
        self.place.setWordWrap(True)

        self.date_edit = DayEdit(self, lang=lang)
        self.date_edit.setObjectName("inspectedOn")
        self.date_edit.setMaximumDate(QDate(self.today.year, self.today.month, self.today.day))
        self.date_edit.setMinimumDate(QDate(2000, 1, 1))
        self.date_edit.setDate(QDate(self.today.year, self.today.month, self.today.day))
        self.inspector = QLineEdit(self)
        self.inspector.setObjectName("inspector")
        self.inspector.setPlaceholderText(self.tr("必填，多人用顿号隔开"))
        self.operator = QLineEdit(self)
        self.operator.setObjectName("operator")
        self.operator.setPlaceholderText(self.tr("在检查表上签字的站点负责人"))
        self.date_error = ErrorLabel(self, "dateError")
        self.inspector_error = ErrorLabel(self, "inspectorError")
        self.operator_error = ErrorLabel(self, "operatorError")

        fields = QGridLayout()
        fields.addWidget(QLabel(self.tr("检查日期："), self), 0, 0)
        fields.addWidget(self.date_edit, 0, 1)
        fields.addWidget(QLabel(self.tr("检查人："), self), 0, 2)
        fields.addWidget(self.inspector, 0, 3)
        fields.addWidget(QLabel(self.tr("站点负责人："), self), 0, 4)
        fields.addWidget(self.operator, 0, 5)
        fields.addWidget(self.date_error, 1, 1)
        fields.addWidget(self.inspector_error, 1, 3)
        fields.addWidget(self.operator_error, 1, 5)
        fields.setColumnStretch(3, 1)
        fields.setColumnStretch(5, 1)

        self.items_widget = QWidget(self)
        self.items_widget.setObjectName("inspectionItems")
        self.items_grid = QGridLayout(self.items_widget)
        self.items_grid.setColumnStretch(1, 1)
        self.items_grid.setHorizontalSpacing(10)
        self.items_scroll = QScrollArea(self)
        self.items_scroll.setWidgetResizable(True)
        self.items_scroll.setWidget(self.items_widget)
        self.items_scroll.setFrameShape(QFrame.Shape.StyledPanel)

        self.fill_button = QPushButton(self.tr("其余未填项目设为“是”"), self)
        self.fill_button.setObjectName("fillRest")
        self.fill_button.setAutoDefault(False)
        self.fill_button.clicked.connect(self.fill_unanswered)
        self.counts = QLabel(self)
        self.counts.setObjectName("answerCounts")
        tools = QHBoxLayout()
        tools.addWidget(self.fill_button)
        tools.addStretch(1)
        tools.addWidget(self.counts)

        self.opinion = QPlainTextEdit(self)
        self.opinion.setObjectName("opinion")
        self.opinion.setPlaceholderText(self.tr("检查意见：发现的问题、整改要求和期限"))
        self.opinion.setFixedHeight(self.fontMetrics().lineSpacing() * 3 + 14)
        self.opinion_error = ErrorLabel(self, "opinionError")
        self.error = ErrorLabel(self, "formError")

        self.save_button = QPushButton(self.tr("保存"), self)
        self.save_button.setObjectName("saveInspection")
        self.save_button.setDefault(True)
        self.save_button.setShortcut(QKeySequence.StandardKey.Save)
        self.save_button.clicked.connect(self.save)
        self.cancel_button = QPushButton(self.tr("取消"), self)
        self.cancel_button.setAutoDefault(False)
        self.cancel_button.clicked.connect(self.reject)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.save_button)
        buttons.addWidget(self.cancel_button)

        layout = QVBoxLayout(self)
        layout.addWidget(self.heading)
        layout.addWidget(self.place)
        layout.addLayout(fields)
        layout.addWidget(self.items_scroll, 1)
        layout.addLayout(tools)
        layout.addWidget(QLabel(self.tr("检查意见："), self))
        layout.addWidget(self.opinion)
        layout.addWidget(self.opinion_error)
        layout.addWidget(self.error)
        layout.addLayout(buttons)
        fit_to_screen(self, 940, 680)
        self._set_busy(True)
        registry_ = registry
        (BackgroundOp(self, taskman, lambda _ctx: read_form_data(registry_, station_code), lang=lang)
         .success(self._show)
         .failure(self._load_failed)
         .run_in_background())

    # --- showing ---------------------------------------------------------------------------------------
    def _show(self, data: FormData) -> None:
        if not alive(self):
            return
        self.data = data
        st = data.station
        status = _status(st.status)
        self.heading.setText(self.tr("{name}（{code}）").format(name=st.name, code=st.code))
        self.place.setText(self.tr("{path}　{type}　{status}\n检查表：{title}（{count} 项）").format(
            path=" / ".join(name for _, name in st.village_path), type=st.station_type or self.tr("类型未填"),
            status=status, title=data.checklist.title, count=len(data.checklist.items)))
        self.operator.setText(st.contact or st.operator or "")
        bold = QFont(self.font())
        bold.setBold(True)
        grid_row = 0
        for g, (category, items) in enumerate(data.checklist.groups(), 1):
            heading = QLabel(f"{chinese_number(g)}、{category}", self.items_widget)
            heading.setFont(bold)
            self.items_grid.addWidget(heading, grid_row, 0, 1, 6)
            grid_row += 1
            for number, item in items:
                row = ItemRow(self.items_widget, number, item.text)
                row.group.buttonToggled.connect(lambda *_: self._update_counts())
                self.items_grid.addWidget(row.number_label, grid_row, 0)
                self.items_grid.addWidget(row.text_label, grid_row, 1)
                for c, result in enumerate(RESULTS, 2):
                    self.items_grid.addWidget(row.buttons[result], grid_row, c)
                self.items_grid.addWidget(row.remark, grid_row, 5)
                row.remark.setFixedWidth(self.fontMetrics().horizontalAdvance("备") * 14)
                self.rows.append(row)
                grid_row += 1
        self.items_grid.setRowStretch(grid_row, 1)
        self._update_counts()
        self._set_busy(False)
        self.inspector.setFocus()
        self.loaded.emit()

    def _load_failed(self, exc: BaseException) -> None:
        if not alive(self):
            return
        self.busy = False
        if isinstance(exc, KnownError) and not isinstance(exc, Cancelled):
            self.heading.setText(self.tr("无法登记检查"))
            self.error.show_text(exc.message(self.lang))
            self.cancel_button.setEnabled(True)
            return
        default_failure(self, exc, self.lang)

    def row(self, number: int) -> ItemRow:
        """The row of item `number` (1-based, as printed)."""
        return self.rows[number - 1]

    def unanswered(self) -> list[ItemRow]:
        return [r for r in self.rows if r.result() is None]

    def fill_unanswered(self) -> None:
        """Answer 是 for every item still unanswered (most items of most inspections pass)."""
        for row in self.unanswered():
            row.set_result(Result.PASS)
            row.mark(False)

    def _update_counts(self) -> None:
        results = [r.result() for r in self.rows]
        self.counts.setText(self.tr("是 {p} 项　否 {f} 项　不适用 {n} 项　未填 {u} 项").format(
            p=results.count(Result.PASS), f=results.count(Result.FAIL), n=results.count(Result.NA),
            u=results.count(None)))
        for row in self.rows:
            if row.result() is not None:
                row.mark(False)

    # --- saving ----------------------------------------------------------------------------------------
    def draft(self) -> svc.InspectionDraft:
        """What the form holds, as the service takes it (unanswered items are left out: it names them)."""
        day = self.date_edit.date()
        answers = [svc.Answer(r.text, result, r.remark.text()) for r in self.rows
                   if (result := r.result()) is not None]
        return svc.InspectionDraft(self.station_code, dt.date(day.year(), day.month(), day.day()),
                                   self.inspector.text(), answers, operator=self.operator.text(),
                                   remark=self.opinion.toPlainText())

    def save(self) -> None:
        if self.busy or self.data is None:
            return
        for label in (self.date_error, self.inspector_error, self.operator_error, self.opinion_error, self.error):
            label.clear_text()
        for row in self.rows:
            row.mark(False)
        if self.date_edit.problem() is not None:  # shown under the field already; nothing is sent
            self.date_edit.setFocus()
            return
        draft, registry, today = self.draft(), self.registry, self.today
        self._set_busy(True)
        (BackgroundOp(self, self.taskman, lambda _ctx: svc.record_inspection(registry, draft, today=today),
                      lang=self.lang)
         .success(self._saved)
         .failure(self._refused)
         .run_in_background())

    def _saved(self, inspection_id: int) -> None:
        if not alive(self):
            return
        self._set_busy(False)
        self.inspection_id = inspection_id
        self.recorded.emit(inspection_id)
        self.accept()

    def _refused(self, exc: BaseException) -> None:
        if not alive(self):
            return
        self._set_busy(False)
        if not isinstance(exc, KnownError) or isinstance(exc, Cancelled):
            default_failure(self, exc, self.lang)
            return
        text = exc.message(self.lang)
        key = exc.key
        if key in ("inspection.future_date", "inspection.bad_date", "inspection.no_date"):
            self.date_error.show_text(text)
            self.date_edit.setFocus()
        elif key == "inspection.no_inspector":
            self.inspector_error.show_text(text)
            self.inspector.setFocus()
        elif key == "inspection.inspector_too_long":
            # the service uses one message for both names: show it at the one that is too long
            too_long = len(" ".join(self.inspector.text().split())) > svc.MAX_NAME
            (self.inspector_error if too_long else self.operator_error).show_text(text)
            (self.inspector if too_long else self.operator).setFocus()
        elif key == "inspection.remark_too_long" and exc.params.get("what") == "检查意见":
            self.opinion_error.show_text(text)
            self.opinion.setFocus()
        elif key == "inspection.missing_items" and self.unanswered():
            # the service lists every text; under the form, the numbers and the red rows say it shorter
            numbers = "、".join(str(r.number) for r in self.unanswered())
            self.error.show_text(
                self.tr("有 {n} 个检查项目没有填写结果（是/否/不适用），已用红色标出：第 {numbers} 项。")
                .format(n=len(self.unanswered()), numbers=numbers))
            self._point_at_items(key)
        else:
            self.error.show_text(text)
            self._point_at_items(key)

    def _point_at_items(self, key: str) -> None:
        """Unanswered items turn red (and the first is scrolled to); a remark too long gets the focus."""
        if key == "inspection.missing_items":
            missing = self.unanswered()
            for row in missing:
                row.mark(True)
            if missing:
                self.items_scroll.ensureWidgetVisible(missing[0].text_label)
        elif key == "inspection.remark_too_long":
            long_remark = next((r for r in self.rows if len(r.remark.text().strip()) > MAX_REMARK), None)
            if long_remark is not None:
                self.items_scroll.ensureWidgetVisible(long_remark.remark)
                long_remark.remark.setFocus()

    def _set_busy(self, busy: bool) -> None:
        self.busy = busy
        for widget in (self.date_edit, self.inspector, self.operator, self.items_widget, self.fill_button,
                       self.opinion, self.save_button):
            widget.setEnabled(not busy)

    def reject(self) -> None:
        """Closing while the record is being stored waits for it (it is one transaction either way)."""
        if self.busy and self.data is not None:
            return
        super().reject()


# --- the 检查 tab ----------------------------------------------------------------------------------------

ALL, FAILED, DUE = "all", "failed", "due"


def _date(day: dt.date | None) -> str:
    return day.isoformat() if day is not None else "—"


def _reason(due: svc.DueStation) -> str:
    return {"never": translate("InspectionsPanel", "从未检查"),
            "interval": translate("InspectionsPanel", "超过检查周期"),
            "failed": translate("InspectionsPanel", "不合格项待复查")}.get(due.reason, due.reason)


def inspection_columns() -> list[Column[svc.InspectionRow]]:
    return [
        Column(translate("InspectionsPanel", "检查日期"), lambda r: r.inspected_on.isoformat()),
        Column(translate("InspectionsPanel", "站点编码"), lambda r: r.station_code),
        Column(translate("InspectionsPanel", "站点名称"), lambda r: r.station_name, stretch=True),
        Column(translate("InspectionsPanel", "检查人"), lambda r: r.inspector),
        Column(translate("InspectionsPanel", "不合格项"), lambda r: str(r.failed), numeric=True),
        Column(translate("InspectionsPanel", "记录号"), lambda r: str(r.id), numeric=True),
    ]


def due_columns() -> list[Column[svc.DueStation]]:
    return [
        Column(translate("InspectionsPanel", "站点编码"), lambda d: d.station_code),
        Column(translate("InspectionsPanel", "站点名称"), lambda d: d.station_name, stretch=True),
        Column(translate("InspectionsPanel", "状态"), lambda d: _status(d.status)),
        Column(translate("InspectionsPanel", "上次检查"), lambda d: _date(d.last_on)),
        Column(translate("InspectionsPanel", "不合格项"), lambda d: str(d.last_failed) if d.last_on else "—",
               numeric=True),
        Column(translate("InspectionsPanel", "应检日期"), lambda d: _date(d.due_on)),
        Column(translate("InspectionsPanel", "原因"), _reason),
    ]


@dataclasses.dataclass(frozen=True)
class PanelRows:
    """One answer of the panel's query: which filter and scope it is for, and its rows."""

    generation: int
    mode: str
    scope_name: str
    rows: list[Any]


class InspectionsPanel(QWidget):
    """The 检查 tab: a scope's inspections (全部 / 有不合格项) or its stations due for inspection (待检查)."""

    #: emitted after the list shows the answer of the latest query
    refreshed = Signal()
    #: emitted with the id of an inspection that was recorded from the panel
    inspection_recorded = Signal(int)

    def __init__(self, taskman: TaskManager, parent: QWidget | None = None, *, lang: str = DEFAULT_LANG,
                 today: dt.date | None = None, opener: Opener | None = None,
                 output_dir: Path | None = None, prompts: FilePrompts | None = None) -> None:
        super().__init__(parent)
        self.taskman = taskman
        self.lang = lang
        self.today = today
        self.opener = opener if opener is not None else open_in_system_viewer
        self.prompts = prompts if prompts is not None else FilePrompts.for_printing()
        self.last_written: Path | None = None
        self.output_dir = output_dir
        self.registry: Registry | None = None
        self.scope: str | None = None
        self.busy = False
        self._generation = 0
        self._shown_mode = ALL
        self.dialog: InspectionDialog | None = None
        self.setObjectName("inspectionsPanel")

        self.heading = QLabel(self.tr("请在左侧选择一个地区。"), self)
        self.heading.setObjectName("inspectionsHeading")
        bold = self.heading.font()
        bold.setBold(True)
        self.heading.setFont(bold)
        self.filter = QComboBox(self)
        self.filter.setObjectName("inspectionFilter")
        self.filter.addItem(self.tr("全部检查记录"), ALL)
        self.filter.addItem(self.tr("有不合格项的检查"), FAILED)
        self.filter.addItem(self.tr("待检查的站点"), DUE)
        self.filter.currentIndexChanged.connect(lambda _i: self.refresh())
        self.months = QSpinBox(self)
        self.months.setObjectName("dueMonths")
        self.months.setRange(1, 120)
        self.months.setValue(svc.DEFAULT_MONTHS)
        self.months.setSuffix(self.tr(" 个月"))
        self.recheck = QSpinBox(self)
        self.recheck.setObjectName("recheckMonths")
        self.recheck.setRange(1, 120)
        self.recheck.setValue(svc.DEFAULT_RECHECK_MONTHS)
        self.recheck.setSuffix(self.tr(" 个月"))
        for spin in (self.months, self.recheck):
            spin.valueChanged.connect(lambda _v: self.refresh())
        self.due_options = QWidget(self)
        options = QHBoxLayout(self.due_options)
        options.setContentsMargins(0, 0, 0, 0)
        options.addWidget(QLabel(self.tr("检查周期："), self.due_options))
        options.addWidget(self.months)
        options.addWidget(QLabel(self.tr("不合格复查："), self.due_options))
        options.addWidget(self.recheck)
        # The options take their room whether shown or not, and the texts never widen the panel: switching
        # the filter or the scope must not move the table or resize the window around it.
        keep = self.due_options.sizePolicy()
        keep.setRetainSizeWhenHidden(True)
        self.due_options.setSizePolicy(keep)
        self.due_options.hide()
        self.heading.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)

        self.model: RowListModel[Any] = RowListModel(self)
        self.table = QTableView(self)
        self.table.setObjectName("inspectionsTable")
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setAlternatingRowColors(True)
        self.table.verticalHeader().hide()
        self.table.horizontalHeader().setStretchLastSection(False)
        self.table.doubleClicked.connect(self._activated)
        self.table.selectionModel().selectionChanged.connect(lambda *_: self._update_buttons())
        self.count = QLabel(self)
        self.count.setObjectName("inspectionsCount")
        self.count.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)

        self.new_button = self._button(self.tr("新建检查…"), self._new_for_selected, "newInspection")
        self.new_button.setShortcut(QKeySequence("Ctrl+Shift+N"))
        self.view_button = self._button(self.tr("查看/打印"), self.view_selected, "viewInspection")
        self.view_button.setShortcut(QKeySequence.StandardKey.Print)
        self.delete_button = self._button(self.tr("删除"), self.delete_selected, "deleteInspection")
        self.refresh_button = self._button(self.tr("刷新"), self.refresh, "refreshInspections")
        self.refresh_button.setShortcut(QKeySequence.StandardKey.Refresh)

        top = QHBoxLayout()
        top.addWidget(self.heading, 1)
        top.addWidget(QLabel(self.tr("显示："), self))
        top.addWidget(self.filter)
        top.addWidget(self.due_options)
        # A disabled 新建检查 says why, where the clerk looks (a tooltip does not show on a disabled button)
        self.new_hint = QLabel(self)
        self.new_hint.setObjectName("newInspectionHint")
        self.new_hint.setStyleSheet("color: #666666;")
        bottom = QHBoxLayout()
        bottom.addWidget(self.count, 1)
        bottom.addWidget(self.new_hint)
        for button in (self.new_button, self.view_button, self.delete_button, self.refresh_button):
            bottom.addWidget(button)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.table, 1)
        layout.addLayout(bottom)
        # Embedded in the window's tabs the window decides the size; shown alone (tests, screenshots), a
        # longer heading must not make Qt renegotiate the window's minimum size with the platform either.
        layout.setSizeConstraint(QLayout.SizeConstraint.SetNoConstraint)
        self._update_buttons()

    def _button(self, text: str, slot: Callable[[], Any], name: str) -> QPushButton:
        button = QPushButton(text, self)
        button.setObjectName(name)
        button.clicked.connect(lambda _checked=False: slot())
        return button

    # --- scope and filter ------------------------------------------------------------------------------
    def set_registry(self, registry: Registry | None) -> None:
        """Show another registry (the window opened another database); the scope is chosen again."""
        self.registry = registry
        self.scope = None
        self._generation += 1
        self.model.set_rows(inspection_columns(), [])
        self.heading.setText(self.tr("请在左侧选择一个地区。"))
        self.count.clear()
        self._update_buttons()

    def set_scope(self, code: str | None) -> None:
        """List the inspections of the stations under `code` (a province … village)."""
        self.scope = code
        self.refresh()

    def mode(self) -> str:
        return str(self.filter.currentData())

    def set_mode(self, mode: str) -> None:
        self.filter.setCurrentIndex(self.filter.findData(mode))

    def refresh(self) -> None:
        """Query the current filter for the current scope on the worker (an older answer is dropped)."""
        self._generation += 1
        mode = self.mode()
        self.due_options.setVisible(mode == DUE)
        registry, scope = self.registry, self.scope
        if registry is None or not scope:
            return
        generation, months, recheck, today = self._generation, self.months.value(), self.recheck.value(), self.today

        def job(_ctx: OpContext) -> PanelRows:
            unit, _ = require_unit(registry, scope)
            rows: list[Any]
            if mode == DUE:
                rows = svc.due_inspections(registry, scope, months=months, recheck_months=recheck, today=today)
            else:
                rows = svc.list_inspections(registry, scope)
                if mode == FAILED:
                    rows = [r for r in rows if r.failed]
            return PanelRows(generation, mode, f"{unit.name}（{unit.code}）", rows)

        self.busy = True
        self._update_buttons()
        (BackgroundOp(self, self.taskman, job, lang=self.lang)
         .success(self._rows_arrived)
         .failure(self._query_failed)
         .run_in_background())

    def _rows_arrived(self, answer: PanelRows) -> None:
        if answer.generation != self._generation:
            return  # the clerk has moved on; a newer query is on its way
        self.busy = False
        self._shown_mode = answer.mode
        columns: list[Any] = due_columns() if answer.mode == DUE else inspection_columns()
        self.model.set_rows(columns, answer.rows)
        header = self.table.horizontalHeader()
        for c, column in enumerate(columns):
            header.setSectionResizeMode(c, QHeaderView.ResizeMode.Stretch if column.stretch
                                        else QHeaderView.ResizeMode.ResizeToContents)
        n = len(answer.rows)
        self.heading.setText(self.tr("{scope}的站点检查").format(scope=answer.scope_name))
        self.count.setText({
            ALL: self.tr("共 {n} 条检查记录"), FAILED: self.tr("{n} 条检查记录有不合格项"),
            DUE: self.tr("{n} 个运营或暂停中的站点待检查")}[answer.mode].format(n=n))
        self._update_buttons()
        self.refreshed.emit()

    def _query_failed(self, exc: BaseException) -> None:
        self.busy = False
        self._update_buttons()
        default_failure(self, exc, self.lang)

    # --- the selected row ------------------------------------------------------------------------------
    def selected(self) -> Any:
        rows = self.table.selectionModel().selectedRows()
        return self.model.row_at(rows[0]) if rows else None

    def select_row(self, row: int) -> None:
        self.table.selectRow(row)

    def _update_buttons(self) -> None:
        picked = self.selected()
        ready = self.registry is not None and not self.busy
        self.new_button.setEnabled(ready and picked is not None)
        hint = "" if picked is not None else self.tr("先在站点表中选择一个站点")
        self.new_button.setToolTip(hint)
        self.new_hint.setText(hint)
        self.new_hint.setVisible(bool(hint) and ready)
        is_record = isinstance(picked, svc.InspectionRow)
        self.view_button.setEnabled(ready and is_record)
        self.delete_button.setEnabled(ready and is_record)
        self.refresh_button.setEnabled(self.registry is not None and bool(self.scope))

    def _activated(self, index: QModelIndex | QPersistentModelIndex) -> None:
        row = self.model.row_at(index)
        if isinstance(row, svc.InspectionRow):
            self.view_selected()
        elif row is not None:
            self.new_inspection(row.station_code)

    def _new_for_selected(self) -> None:
        picked = self.selected()
        if picked is not None:
            self.new_inspection(picked.station_code)

    # --- actions ---------------------------------------------------------------------------------------
    def new_inspection(self, station_code: str) -> InspectionDialog | None:
        """Open the entry form for `station_code` (window-modal); the list refreshes when it is stored."""
        if self.registry is None:
            return None
        dialog = InspectionDialog(self, self.taskman, self.registry, station_code, lang=self.lang, today=self.today)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.setWindowModality(Qt.WindowModality.WindowModal)
        dialog.recorded.connect(self._recorded)
        dialog.finished.connect(self._dialog_closed)
        self.dialog = dialog
        dialog.open()
        return dialog

    def _dialog_closed(self) -> None:
        self.dialog = None

    def _recorded(self, inspection_id: int) -> None:
        self.inspection_recorded.emit(inspection_id)
        self.refresh()

    def view_selected(self) -> None:
        """Print the selected inspection as its filled checklist PDF and open it in the system viewer."""
        picked = self.selected()
        if not isinstance(picked, svc.InspectionRow) or self.registry is None:
            return
        registry, today = self.registry, self.today
        name = safe_file_name(f"检查记录{picked.id}_{picked.station_code}_{picked.station_name}") + ".pdf"
        if self.output_dir is not None:
            out: Path | None = self.output_dir / name
        else:  # asked, as the print dialogs do: a record kept in a temp folder is lost to the clerk
            out = self.prompts.save_file(self, self.tr("保存检查记录"), self.prompts.default_folder() / name,
                                         pdf_filter())
        if out is None:
            return
        target = out

        def job(_ctx: OpContext) -> Path:
            target.parent.mkdir(parents=True, exist_ok=True)
            return Path(print_inspection(registry, picked.id, target, today=today).paths[0])

        (BackgroundOp(self, self.taskman, job, lang=self.lang)
         .with_progress(self.tr("正在生成检查记录…"), cancellable=False)
         .success(self._record_written)
         .run_in_background())

    def _record_written(self, path: Path) -> None:
        """Say where the record went (it opens in the viewer as well)."""
        self.last_written = path
        self.count.setText(self.tr("检查记录已保存：{path}").format(path=path))
        self.count.setToolTip(str(path))
        self.opener(path)

    def delete_selected(self) -> None:
        """Delete the selected inspection (entered by mistake) after asking."""
        picked = self.selected()
        if not isinstance(picked, svc.InspectionRow) or self.registry is None:
            return
        answer = QMessageBox.question(
            self, self.tr("删除检查记录"),
            self.tr("删除 {date} 对“{name}”的检查记录（记录号 {id}）？删除后不能恢复。").format(
                date=picked.inspected_on.isoformat(), name=picked.station_name, id=picked.id))
        if answer != QMessageBox.StandardButton.Yes:
            return
        registry = self.registry
        (BackgroundOp(self, self.taskman, lambda _ctx: svc.delete_inspection(registry, picked.id), lang=self.lang)
         .success(lambda _none: self.refresh())
         .run_in_background())
