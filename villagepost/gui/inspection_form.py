"""Inspections in the window: the entry form for one station (InspectionDialog); the 检查 tab's list of a
scope's inspections is inspections_panel.InspectionsPanel.

Why the form looks like the paper: inspectors come back with the printed checklist filled in by hand, and
a clerk types it in; the same numbered items under the same 一、二、… headings, each with 是/否/不适用 and a
remark, make that a straight copy. The items are those of the checklist that applies to the station now
(services.checklists.checklist_for), and services.inspections.record_inspection checks the whole record
again (every item answered, a date not after today, an inspector), so the window can never store what the
command line would refuse. Its refusals are shown in Chinese under the field they concern; unanswered
items turn red.

"""

from __future__ import annotations

import dataclasses
import datetime as dt

from PySide6.QtCore import QCoreApplication, QDate, Qt, Signal
from PySide6.QtGui import QFont, QKeySequence
from PySide6.QtWidgets import (
    QButtonGroup,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QRadioButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from villagepost.core import clock
from villagepost.core.checklists import MAX_REMARK, Checklist, Result, chinese_number
from villagepost.core.errors import Cancelled, KnownError
from villagepost.core.messages import DEFAULT_LANG
from villagepost.core.stations import STATUS_ZH, StationStatus
from villagepost.gui.day_edit import DayEdit
from villagepost.gui.form_parts import ErrorLabel, SettledDialog, alive
from villagepost.gui.ops import BackgroundOp, TaskManager, default_failure, saving_label, waiting_for_writers
from villagepost.gui.window_sizing import fit_to_screen
from villagepost.services import inspections as svc
from villagepost.services.checklists import checklist_for
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
        # another program's write (an import) holds the registry: wait behind a note naming it
        (BackgroundOp(self, self.taskman,
                      waiting_for_writers(lambda _ctx: svc.record_inspection(registry, draft, today=today),
                                          self.lang), lang=self.lang)
         .with_progress(saving_label(), describe=lambda text: text)
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
