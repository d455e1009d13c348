"""The import wizard's last page: the import itself, then what it did and the township's error report.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QPushButton, QVBoxLayout

from villagepost.gui.import_page import ImportPage
from villagepost.services.imports import ImportReport

if TYPE_CHECKING:
    from villagepost.gui.import_wizard import ImportWizard


class ResultPage(ImportPage):
    """The import itself, then what it did."""

    def __init__(self, wizard: ImportWizard) -> None:
        super().__init__(wizard)
        self.setTitle(self.tr("导入"))
        self.setFinalPage(True)
        self.counts = QLabel(self)
        self.counts.setObjectName("importCounts")
        self.counts.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.report_button = QPushButton(self.tr("保存错误报告（发回乡镇改正）…"), self)
        self.report_button.setObjectName("saveResultReportButton")
        self.report_button.clicked.connect(lambda: self.w.save_report(self.w.result_report))
        layout = QVBoxLayout(self)
        layout.addWidget(self.message)
        layout.addWidget(self.counts)
        layout.addWidget(self.report_button, 0, Qt.AlignmentFlag.AlignLeft)
        layout.addStretch(1)

    def initializePage(self) -> None:  # noqa: N802 (Qt override)
        self.counts.clear()
        self.report_button.hide()
        self.say(self.tr("正在导入…"))
        self.w.commit(self._imported, self._not_imported, strict=self.w.check_page.strict.isChecked())

    def _imported(self, report: ImportReport) -> None:
        self.say(report.message(self.w.lang), ok=report.status == "ok", error=report.status == "rejected",
                 partial=report.status == "partial")
        n = report.counts()
        self.counts.setText(self.tr(
            "读取 {rows_read} 行；导入 {villages_imported} 个村，其中站点 {stations_imported} 个"
            "（新增 {stations_created}、更新 {stations_updated}、未变 {stations_unchanged}）；"
            "未导入 {rows_rejected} 行。"
        ).format(**n))
        self.report_button.setVisible(bool(report.errors) and report.sheet is not None)
        self.completeChanged.emit()

    def _not_imported(self, text: str) -> None:
        self.say(text, error=True)
        self.completeChanged.emit()

    def isComplete(self) -> bool:  # noqa: N802 (Qt override)
        return not self.w.running
