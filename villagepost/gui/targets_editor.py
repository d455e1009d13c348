"""The targets editor: a scope's own targets (add, change, remove) and the ones it inherits, marked.

A target is a plan (DOMAIN.md §4): a coverage rate of 建制村 or a number of stations of one type, by a
deadline. Everything goes through services.targets — the same rules and the same Chinese refusals as
`villagepost target set|list|remove` — on the window's database worker.

What the dialog shows and why:
* the scope's own targets, editable, and the targets of the nearest unit above that has some, read-only
  and marked 上级: a township without targets of its own is paced against those (coverage ones only),
  and a clerk must see what their township is measured against before adding a target of its own;
* the form takes the value as a spin box (覆盖率 in %, or 站点数 with the station type), the deadline
  from a calendar and a note. Refusals come back from the service and are shown next to the field they
  are about (value, type) or above the form (scope, permissions);
* changing a target's deadline, measure or type makes it another target (the service keys targets on
  them): the dialog saves the new one with the old one's 设定日期 — each unit's lag line starts there
  — then removes the old one. Changing only the value or the note updates it in place.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from PySide6.QtCore import QCoreApplication, Signal
from PySide6.QtGui import QBrush, QColor, QFont
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFormLayout,
    QFrame,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QScrollArea,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from villagepost.core import clock
from villagepost.core.divisions import parent_of
from villagepost.core.errors import KnownError
from villagepost.core.messages import DEFAULT_LANG
from villagepost.core.messages import tr as catalogue_text  # not `tr`: lupdate would take its keys for texts
from villagepost.core.pacing import Measure
from villagepost.core.stations import StationType
from villagepost.gui.day_edit import DayEdit
from villagepost.gui.ops import BackgroundOp, TaskManager, default_failure, saving_label, waiting_for_writers
from villagepost.gui.window_sizing import settle_layout
from villagepost.services import targets as tgt
from villagepost.services.registry import Registry
from villagepost.services.targets import TargetRow

translate = QCoreApplication.translate

#: which form field a service refusal is about (the rest are shown above the form)
FIELD_OF_ERROR = {
    "target.rate_range": "value",
    "target.rate_not_number": "value",
    "target.count_invalid": "value",
    "target.count_needs_type": "type",
    "target.type_unknown": "type",
    "target.rate_with_type": "type",
}


def column_titles() -> list[str]:
    """The table's headers (literal translate calls, so lupdate finds each)."""
    return [translate("TargetsDialog", "编号"), translate("TargetsDialog", "所属"), translate("TargetsDialog", "指标"),
            translate("TargetsDialog", "目标值"), translate("TargetsDialog", "截止日期"),
            translate("TargetsDialog", "设定于"), translate("TargetsDialog", "备注")]

_ERROR_STYLE = "color: #b00020;"


@dataclass(frozen=True)
class TargetLists:
    """The scope's own targets and those of the nearest unit above it that has any."""

    own: list[TargetRow]
    inherited: list[TargetRow]
    inherited_from: str


def read_targets(reg: Registry, scope: str) -> TargetLists:
    """Own targets of `scope` (canonical code) and the nearest ancestor's (worker thread)."""
    rows, owner = tgt.targets_for(reg, scope)
    own = rows if owner == scope else []
    above = parent_of(scope) if scope else None
    inherited, inherited_from = tgt.targets_for(reg, above) if above else ([], "")
    return TargetLists(own, inherited, inherited_from if inherited else "")


@dataclass(frozen=True)
class TargetForm:
    """What the form says, as services.targets.set_target takes it."""

    measure: Measure
    value: float
    deadline: dt.date
    station_type: str | None
    note: str


def measure_text(row: TargetRow) -> str:
    if row.measure is Measure.COVERAGE_RATE:
        return translate("TargetsDialog", "覆盖率")
    return translate("TargetsDialog", "站点数：{type}").format(type=row.station_type or "")


def value_text(row: TargetRow) -> str:
    if row.measure is Measure.COVERAGE_RATE:
        return f"{row.value * 100:g}%"
    return translate("TargetsDialog", "{n} 个").format(n=f"{row.value:g}")


class TargetsDialog(QDialog):
    """Targets of one scope (a province, city, county or township); see the module docstring."""

    #: a target was added, changed or removed (the dashboard re-reads)
    targets_changed = Signal()
    #: the list was (re)read and shown
    refreshed = Signal()

    def __init__(self, registry: Registry, taskman: TaskManager, scope: str, *, scope_name: str | None = None,
                 lang: str = DEFAULT_LANG, today: Callable[[], dt.date] | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("targetsDialog")
        self.registry = registry
        self.taskman = taskman
        self.scope = scope
        self.lang = lang
        self._today = today
        self.lists = TargetLists([], [], "")
        #: the table's rows: (target, own?)
        self.rows: list[tuple[TargetRow, bool]] = []
        self.busy = False
        self._select_after: int | None = None
        unit = f"{scope_name}（{scope}）" if scope_name else scope
        self.setWindowTitle(self.tr("目标 — {unit}").format(unit=unit))

        self.intro = QLabel(self)
        self.intro.setObjectName("targetsIntro")
        self.intro.setWordWrap(True)

        titles = column_titles()
        self.table = QTableWidget(0, len(titles), self)
        self.table.setObjectName("targetsTable")
        self.table.setHorizontalHeaderLabels(titles)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.verticalHeader().setVisible(False)
        header = self.table.horizontalHeader()
        char = self.fontMetrics().horizontalAdvance("村")
        for column, chars in enumerate((3, 13, 9, 5, 6, 6)):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.Interactive)
            header.resizeSection(column, chars * char + 16)
        header.setStretchLastSection(True)
        rows = self.table.verticalHeader()
        rows.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        rows.setDefaultSectionSize(self.fontMetrics().height() + 8)
        self.table.setMinimumHeight(rows.defaultSectionSize() * 6 + header.height())
        self.table.itemSelectionChanged.connect(self._selection_changed)

        # -- the form ---------------------------------------------------------------------------------
        form_box = QGroupBox(self.tr("目标"), self)
        self.form_error = self._error_label(form_box, "formError")
        self.measure = QComboBox(form_box)
        self.measure.setObjectName("targetMeasure")
        self.measure.addItem(self.tr("覆盖率（建制村覆盖比例）"), Measure.COVERAGE_RATE.value)
        self.measure.addItem(self.tr("站点数（某类站点的个数）"), Measure.STATION_COUNT.value)
        self.station_type = QComboBox(form_box)
        self.station_type.setObjectName("targetType")
        self.station_type.addItem(self.tr("（请选择站点类型）"), None)
        for stype in StationType:
            self.station_type.addItem(stype.value, stype.value)
        self.type_error = self._error_label(form_box, "typeError")
        self.value = QDoubleSpinBox(form_box)
        self.value.setObjectName("targetValue")
        self.value_error = self._error_label(form_box, "valueError")
        self.deadline = DayEdit(form_box, lang=self.lang)
        self.deadline.setObjectName("targetDeadline")
        self.deadline.set_warn_before(self.today())  # a past deadline is flagged, and may still be recorded
        self.note = QLineEdit(form_box)
        self.note.setObjectName("targetNote")
        self.note.setPlaceholderText(self.tr("例如文件依据：××县农村寄递物流体系建设实施方案"))
        form = QFormLayout()
        form.addRow(self.tr("指标："), self.measure)
        form.addRow(self.tr("站点类型："), self.station_type)
        form.addRow("", self.type_error)
        form.addRow(self.tr("目标值："), self.value)
        form.addRow("", self.value_error)
        form.addRow(self.tr("截止日期："), self.deadline)
        form.addRow(self.tr("备注："), self.note)

        self.add_button = QPushButton(self.tr("新增目标"), form_box)
        self.add_button.setObjectName("targetAdd")
        self.save_button = QPushButton(self.tr("保存修改"), form_box)
        self.save_button.setObjectName("targetSave")
        self.remove_button = QPushButton(self.tr("删除目标"), form_box)
        self.remove_button.setObjectName("targetRemove")
        self.new_button = QPushButton(self.tr("清空表单"), form_box)
        self.add_button.clicked.connect(self.add_target)
        self.save_button.clicked.connect(self.save_target)
        self.remove_button.clicked.connect(self.remove_target)
        self.new_button.clicked.connect(self.clear_form)
        actions = QHBoxLayout()
        for button in (self.add_button, self.save_button, self.remove_button, self.new_button):
            actions.addWidget(button)
        actions.addStretch(1)
        box_layout = QVBoxLayout(form_box)
        box_layout.addWidget(self.form_error)
        box_layout.addLayout(form)
        box_layout.addLayout(actions)

        self.message = QLabel(self)
        self.message.setObjectName("targetsMessage")
        self.message.setWordWrap(True)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        buttons.button(QDialogButtonBox.StandardButton.Close).setText(self.tr("关闭"))
        buttons.rejected.connect(self.reject)

        # Everything but the Close button sits in a scroll area: on a small screen (or with large fonts) the
        # form scrolls instead of being cut, and lines appearing in it (refusals, the saved message) never
        # change the dialog's own size constraints.
        body = QWidget(self)
        content = QVBoxLayout(body)
        content.setContentsMargins(0, 0, 0, 0)
        content.addWidget(self.intro)
        content.addWidget(self.table, 1)
        content.addWidget(form_box)
        content.addWidget(self.message)
        scroll = QScrollArea(self)
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setWidget(body)
        layout = QVBoxLayout(self)
        layout.addWidget(scroll, 1)
        layout.addWidget(buttons)
        self.resize(char * 68, char * 48)  # 816×576 with a 12 px font: fits 1366×768 with the taskbar

        self.measure.currentIndexChanged.connect(self._measure_changed)
        for signal in (self.measure.currentIndexChanged, self.station_type.currentIndexChanged,
                       self.value.valueChanged, self.deadline.dateChanged, self.note.textEdited):
            signal.connect(self._clear_errors)
        #: asks the user to confirm removing a target (replaceable in tests)
        self.confirm: Callable[[str], bool] = self._confirm
        self.clear_form()
        settle_layout(self)  # error lines appearing later must not renegotiate the dialog's size
        self.refresh()

    @staticmethod
    def _error_label(parent: QWidget, name: str) -> QLabel:
        label = QLabel(parent)
        label.setObjectName(name)
        label.setWordWrap(True)
        label.setStyleSheet(_ERROR_STYLE)
        label.hide()
        return label

    def today(self) -> dt.date:
        return self._today() if self._today is not None else clock.today()

    # --- reading -----------------------------------------------------------------------------------
    def refresh(self) -> None:
        registry, scope = self.registry, self.scope
        self._set_busy(True)
        (BackgroundOp(self, self.taskman, lambda _ctx: read_targets(registry, scope), lang=self.lang)
         .success(self._show_lists).failure(self._failed).run_in_background())

    def _show_lists(self, lists: TargetLists) -> None:
        self._set_busy(False)
        self.lists = lists
        self.rows = [(row, True) for row in lists.own] + [(row, False) for row in lists.inherited]
        self.table.setRowCount(len(self.rows))
        grey = QBrush(QColor("#757575"))
        italic = QFont(self.table.font())
        italic.setItalic(True)
        select = None
        for r, (row, own) in enumerate(self.rows):
            owner = self.tr("本级") if own else self.tr("上级：{unit}").format(unit=f"{row.scope_name}（{row.scope}）")
            if not own and row.measure is Measure.STATION_COUNT:
                owner += self.tr("，不沿用")  # services.pacing inherits coverage targets only
            cells = [f"#{row.id}", owner, measure_text(row), value_text(row), row.deadline.isoformat(),
                     row.created_on.isoformat(), row.note or ""]
            for c, text in enumerate(cells):
                item = QTableWidgetItem(text)
                item.setToolTip(text)
                if not own:
                    item.setForeground(grey)
                    item.setFont(italic)
                self.table.setItem(r, c, item)
            if own and row.id == self._select_after:
                select = r
        self._select_after = None
        self.intro.setText(self._intro())
        if select is not None:
            self.table.selectRow(select)
        else:
            self.table.clearSelection()
        self._selection_changed()
        self.refreshed.emit()

    def _intro(self) -> str:
        lists = self.lists
        if lists.own:
            text = self.tr("本级目标 {n} 个，可修改、删除。进度按本级目标计算。").format(n=len(lists.own))
            if lists.inherited:
                text += self.tr("灰色斜体为上级单位的目标，仅供参考。")
            return text
        if lists.inherited:
            owner = lists.inherited[0]
            return self.tr("本级还没有自己的目标：进度沿用上级 {unit} 的覆盖率目标（灰色斜体，只能在上级修改；"
                           "站点数目标只算上级本身，不沿用）。在下方新增后，改按本级目标计算。").format(
                unit=f"{owner.scope_name}（{owner.scope}）")
        return self.tr("本级和上级都还没有目标。在下方填写指标、目标值和截止日期后点“新增目标”。")

    # --- selection and form --------------------------------------------------------------------------
    def selected(self) -> tuple[TargetRow, bool] | None:
        rows = self.table.selectionModel().selectedRows()
        if not rows:
            return None
        return self.rows[rows[0].row()]

    def _selection_changed(self) -> None:
        chosen = self.selected()
        if chosen is not None:
            self._fill(chosen[0])
        self._update_buttons()

    def _update_buttons(self) -> None:
        chosen = self.selected()
        own = chosen is not None and chosen[1]
        self.add_button.setEnabled(not self.busy)
        self.save_button.setEnabled(not self.busy and own)
        self.remove_button.setEnabled(not self.busy and own)
        if chosen is not None and not chosen[1]:
            self.save_button.setToolTip(self.tr("上级的目标只能在上级单位修改；可以用“新增目标”把它设为本级目标"))
        else:
            self.save_button.setToolTip("")

    def _set_busy(self, busy: bool) -> None:
        self.busy = busy
        self._update_buttons()

    def _fill(self, row: TargetRow) -> None:
        self.measure.setCurrentIndex(self.measure.findData(row.measure.value))
        self._measure_changed()
        if row.measure is Measure.COVERAGE_RATE:
            self.value.setValue(row.value * 100)
            self.station_type.setCurrentIndex(0)
        else:
            self.value.setValue(row.value)
            self.station_type.setCurrentIndex(max(0, self.station_type.findData(row.station_type)))
        self.deadline.setDate(row.deadline)
        self.note.setText(row.note or "")
        self._clear_errors()

    def clear_form(self) -> None:
        """An empty form for a new target: 100% by the end of this year."""
        self.table.clearSelection()
        self.measure.setCurrentIndex(0)
        self._measure_changed()
        self.value.setValue(100)
        self.station_type.setCurrentIndex(0)
        year = self.today().year
        self.deadline.setDate(dt.date(year, 12, 31))
        self.note.clear()
        self._clear_errors()

    def _measure_changed(self) -> None:
        rate = self.current_measure() is Measure.COVERAGE_RATE
        self.station_type.setEnabled(not rate)
        if rate:
            self.station_type.setCurrentIndex(0)
            self.value.setDecimals(1)
            self.value.setRange(0, 100)
            self.value.setSuffix(" %")
        else:
            self.value.setDecimals(0)
            self.value.setRange(0, 1_000_000)
            self.value.setSuffix(self.tr(" 个"))

    def current_measure(self) -> Measure:
        return Measure(self.measure.currentData())

    def form_values(self) -> TargetForm:
        measure = self.current_measure()
        value = self.value.value()
        return TargetForm(measure, value / 100 if measure is Measure.COVERAGE_RATE else float(value),
                          self.deadline.day(), self.station_type.currentData(), self.note.text())

    def _form_refused(self) -> bool:
        """A typed deadline that is not a day: said above the form, nothing is sent."""
        problem = self.deadline.problem()
        if problem is None:
            return False
        self._clear_errors()
        self.form_error.setText(self.tr("截止日期：{problem}").format(problem=problem))
        self.form_error.show()
        self.deadline.setFocus()
        return True

    def _clear_errors(self) -> None:
        for label in (self.form_error, self.type_error, self.value_error):
            label.clear()
            label.hide()

    def show_error(self, exc: KnownError) -> None:
        """A refusal next to the field it is about, or above the form."""
        label = {"value": self.value_error, "type": self.type_error}.get(FIELD_OF_ERROR.get(exc.key, ""),
                                                                          self.form_error)
        label.setText(exc.message(self.lang))
        label.show()

    # --- writing -----------------------------------------------------------------------------------
    def _write(self, job: Callable[[], TargetRow | None], done: Callable[[TargetRow | None], str]) -> None:
        self._clear_errors()
        self.message.clear()
        self._set_busy(True)

        def succeeded(row: TargetRow | None) -> None:
            self.message.setStyleSheet("")
            self.message.setText(done(row))
            self._select_after = row.id if row is not None else None
            self.targets_changed.emit()
            self.refresh()

        # another program's write (an import) holds the registry: wait behind a note naming it
        (BackgroundOp(self, self.taskman, waiting_for_writers(lambda _ctx: job(), self.lang), lang=self.lang)
         .with_progress(saving_label(), describe=lambda text: text)
         .success(succeeded).failure(self._failed).run_in_background())

    def _failed(self, exc: BaseException) -> None:
        self._set_busy(False)
        if isinstance(exc, KnownError):
            self.show_error(exc)
            if exc.key == "target.not_found":  # removed meanwhile (another window): show what is there now
                self.refresh()
            return
        default_failure(self, exc, self.lang)

    def _saved_text(self, row: TargetRow | None) -> str:
        assert row is not None
        return catalogue_text("target.saved", self.lang, {"id": row.id, "text": row.describe(self.lang)})

    def add_target(self) -> None:
        """Save the form as a target of the scope (the same scope, measure, type and deadline as an
        existing one updates that one: the service's rule)."""
        if self._form_refused():
            return
        form, registry, scope, today = self.form_values(), self.registry, self.scope, self.today()
        self._write(lambda: tgt.set_target(registry, scope, form.measure, form.value, form.deadline,
                                           station_type=form.station_type, note=form.note, today=today),
                    self._saved_text)

    def save_target(self) -> None:
        """Save the form over the selected own target (see the module docstring for a changed key)."""
        chosen = self.selected()
        if chosen is None or not chosen[1] or self._form_refused():
            return
        old = chosen[0]
        form, registry, scope = self.form_values(), self.registry, self.scope
        same_key = (form.measure, form.deadline, form.station_type) == (old.measure, old.deadline, old.station_type)

        def job() -> TargetRow:
            row = tgt.set_target(registry, scope, form.measure, form.value, form.deadline,
                                 station_type=form.station_type, note=form.note, today=old.created_on)
            if not same_key and row.id != old.id:
                tgt.remove_target(registry, old.id)
            return row

        self._write(job, self._saved_text)

    def remove_target(self) -> None:
        chosen = self.selected()
        if chosen is None or not chosen[1]:
            return
        row = chosen[0]
        question = self.tr("删除目标 #{id}（{text}）？\n目标是计划，删除后不留记录；进度将不再对照它。")
        if not self.confirm(question.format(id=row.id, text=row.describe(self.lang))):
            return
        registry = self.registry

        def job() -> None:
            tgt.remove_target(registry, row.id)

        self._write(job, lambda _r: catalogue_text("target.removed", self.lang, {"id": row.id}))

    def _confirm(self, text: str) -> bool:
        answer = QMessageBox.question(self, self.tr("删除目标"), text,
                                      QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
                                      QMessageBox.StandardButton.No)
        return answer == QMessageBox.StandardButton.Yes
