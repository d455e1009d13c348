"""The import wizard's check page: a dry run listing every bad row (double-click shows the row with its bad
cells) and the stored stations the import would change; leaving it imports.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QSplitter,
    QTableView,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
    QWizard,
)

from villagepost.gui.import_errors import ErrorsModel, RowDialog, shown_value
from villagepost.gui.import_page import ImportPage
from villagepost.gui.ops import BackgroundOp, OpContext
from villagepost.services.imports import ImportReport
from villagepost.services.roster_rows import RosterCell, roster_row

if TYPE_CHECKING:
    from villagepost.gui.import_wizard import ImportWizard


class CheckPage(ImportPage):
    """Validation (a dry run: nothing is saved) with every bad row listed."""

    def __init__(self, wizard: ImportWizard) -> None:
        super().__init__(wizard)
        self.setTitle(self.tr("检查"))
        self.setSubTitle(self.tr("逐行检查花名册，尚未写入登记册。双击一条问题可查看该行。有问题的行不会导入，其他行照常导入。"
                                 "点“导入”才写入登记册。"))
        # The import happens when this page is left: its button says so, and there is no way back.
        self.setCommitPage(True)
        self.setButtonText(QWizard.WizardButton.CommitButton, self.tr("导入"))
        self.errors = ErrorsModel(self, wizard.lang)
        self.table = QTableView(self)
        self.table.setObjectName("errorTable")
        self.table.setModel(self.errors)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setWordWrap(False)
        self.table.verticalHeader().hide()
        self.table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        self.table.horizontalHeader().setStretchLastSection(True)
        char = self.fontMetrics().horizontalAdvance("村")
        for i, chars in enumerate((3, 7, 6, 8)):
            self.table.setColumnWidth(i, chars * char + 12)
        self.changes_label = QLabel(self)
        self.changes_label.setObjectName("changesLabel")
        self.changes = QTreeWidget(self)
        self.changes.setObjectName("changesTree")
        self.changes.setColumnCount(3)
        self.changes.setHeaderLabels([self.tr("将更新的站点 / 字段"), self.tr("原值"), self.tr("新值")])
        self.changes.setColumnWidth(0, 34 * char)
        self.changes.setColumnWidth(1, 14 * char)
        self.table.doubleClicked.connect(self.show_row)
        self.strict = QCheckBox(self.tr("有任何问题时整个文件都不导入"), self)
        self.strict.setObjectName("strictImport")
        self.report_button = QPushButton(self.tr("保存错误报告…"), self)
        self.report_button.setObjectName("saveReportButton")
        self.report_button.clicked.connect(lambda: self.w.save_report(self.w.check_report))
        bottom = QHBoxLayout()
        bottom.addWidget(self.strict)
        bottom.addStretch(1)
        bottom.addWidget(self.report_button)
        changes_box = QWidget(self)
        changes_layout = QVBoxLayout(changes_box)
        changes_layout.setContentsMargins(0, 0, 0, 0)
        changes_layout.addWidget(self.changes_label)
        changes_layout.addWidget(self.changes, 1)
        split = QSplitter(Qt.Orientation.Vertical, self)
        split.addWidget(self.table)
        split.addWidget(changes_box)
        split.setStretchFactor(0, 3)
        split.setStretchFactor(1, 2)
        layout = QVBoxLayout(self)
        layout.addWidget(self.message)
        layout.addWidget(split, 1)
        layout.addLayout(bottom)
        self.row_dialog: RowDialog | None = None

    def show_changes(self, report: ImportReport | None) -> None:
        """Each stored station the import will change, expandable to its fields (old → new)."""
        self.changes.clear()
        updates = report.updates if report is not None else []
        if not updates:
            self.changes_label.setText(self.tr("导入不会修改已登记的站点。") if report is not None else "")
            return
        self.changes_label.setText(
            self.tr("导入将修改已登记的站点 {n} 个（展开查看修改的内容）：").format(n=len(updates)))
        for update in updates:
            top = QTreeWidgetItem([self.tr("第{row}行 {village} {name}（{code}）").format(
                row=update.row, village=update.village, name=update.name, code=update.station),
                "", self.tr("{n} 项").format(n=len(update.changes))])
            for change in update.changes:
                top.addChild(QTreeWidgetItem([change.column, shown_value(change.old), shown_value(change.new)]))
            self.changes.addTopLevelItem(top)

    def initializePage(self) -> None:  # noqa: N802 (Qt override)
        self.errors.set_report(None)
        self.show_changes(None)
        self.report_button.setEnabled(False)
        self.say(self.tr("正在检查…"))
        self.w.validate(self._checked, lambda text: self.say(text, error=True))

    def _checked(self, report: ImportReport) -> None:
        self.errors.set_report(report)
        self.show_changes(report)
        bad = report.status in ("rejected", "no_data")
        self.say(report.message(self.w.lang), error=bad, ok=report.status == "ok", partial=report.status == "partial")
        self.report_button.setEnabled(bool(report.errors) and report.sheet is not None)
        self.completeChanged.emit()

    def isComplete(self) -> bool:  # noqa: N802 (Qt override)
        report = self.w.check_report
        return report is not None and report.status not in ("rejected", "no_data") and not self.w.running

    def show_row(self, index: QModelIndex) -> None:
        row = self.errors.row_at(index)
        job = self.w.job
        if row is None or job is None:
            return
        report = self.w.check_report
        problems = [e.message(self.w.lang) for e in (report.errors if report else []) if e.row == row]
        bad = frozenset(e.field for e in (report.errors if report else []) if e.row == row)

        def read(ctx: OpContext) -> list[RosterCell]:
            return roster_row(job, row, cancelled=ctx.cancelled)

        def shown(cells: list[RosterCell]) -> None:
            dialog = RowDialog(self, row, cells, problems, bad)
            dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
            self.row_dialog = dialog
            dialog.destroyed.connect(self._row_dialog_gone)
            dialog.open()

        (BackgroundOp(self, self.w.taskman, read, lang=self.w.lang)
         .with_progress(self.tr("正在读取第 {row} 行…").format(row=row))
         .success(shown)
         .run_in_background())

    def _row_dialog_gone(self) -> None:
        self.row_dialog = None
