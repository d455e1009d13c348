"""The 检查 tab (InspectionsPanel): what a county needs to follow up — all inspections of a scope, those that
found failures, and the stations due for (re-)inspection (services.inspections.due_inspections with its
interval options). Every query and write runs on the background worker; a scope changed while a query runs
discards its answer. The entry form it opens is inspection_form.InspectionDialog.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import QCoreApplication, QModelIndex, QPersistentModelIndex, Qt, Signal
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLayout,
    QMessageBox,
    QPushButton,
    QSizePolicy,
    QSpinBox,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from villagepost.core.messages import DEFAULT_LANG
from villagepost.gui.file_prompts import FilePrompts, Opener, open_in_system_viewer, pdf_filter, safe_file_name
from villagepost.gui.inspection_form import InspectionDialog, _status
from villagepost.gui.list_model import Column, RowListModel
from villagepost.gui.ops import BackgroundOp, OpContext, TaskManager, default_failure
from villagepost.services import inspections as svc
from villagepost.services.divisions import require_unit
from villagepost.services.registry import Registry

translate = QCoreApplication.translate


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
            # reportlab loads with the first print, not with the window (start to first paint)
            from villagepost.services.printing import print_inspection

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
