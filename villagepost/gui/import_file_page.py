"""The import wizard's first page: choosing the roster file (detection starts when it is left).
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtWidgets import QFileDialog, QHBoxLayout, QLineEdit, QPushButton, QVBoxLayout

from villagepost.gui import settings as opts
from villagepost.gui.import_page import ImportPage
from villagepost.services.imports import RosterImport

if TYPE_CHECKING:
    from villagepost.gui.import_wizard import ImportWizard


class FilePage(ImportPage):
    """Choose the roster file."""

    def __init__(self, wizard: ImportWizard) -> None:
        super().__init__(wizard)
        self.setTitle(self.tr("选择花名册"))
        self.setSubTitle(self.tr("选择乡镇报来的花名册：Excel（.xlsx/.xls/.xlsb）、WPS、ODS 或 CSV 都可以。"
                                 "表格可以是任何样式：程序会找出表头、各列的含义和数据行，下一步可以核对和修改。"))
        self.path_edit = QLineEdit(self)
        self.path_edit.setObjectName("importPath")
        self.path_edit.setPlaceholderText(self.tr("花名册文件路径"))
        self.path_edit.textChanged.connect(self._path_changed)
        browse = QPushButton(self.tr("浏览…"), self)
        browse.clicked.connect(self.browse)
        row = QHBoxLayout()
        row.addWidget(self.path_edit, 1)
        row.addWidget(browse)
        layout = QVBoxLayout(self)
        layout.addLayout(row)
        layout.addWidget(self.message)
        layout.addStretch(1)
        self.say("")

    def browse(self) -> None:
        start = self.w.settings.get(opts.LAST_DIRECTORY)
        path, _ = QFileDialog.getOpenFileName(self, self.tr("选择花名册"), start,
                                              self.tr("花名册 (*.xlsx *.xlsm *.xltx *.xls *.xlsb *.et *.ods "
                                                      "*.csv *.txt);;所有文件 (*)"))
        if path:
            self.w.settings.set(opts.LAST_DIRECTORY, str(Path(path).parent))
            self.path_edit.setText(path)

    def _path_changed(self) -> None:
        self.say("")
        self.completeChanged.emit()

    def isComplete(self) -> bool:  # noqa: N802 (Qt override)
        text = self.path_edit.text().strip()
        return bool(text) and Path(text).is_file() and not self.w.running

    def validatePage(self) -> bool:  # noqa: N802 (Qt override)
        path = Path(self.path_edit.text().strip())
        if self.w.job is not None and self.w.job.path == path and self.w.roster_layout is not None:
            return True
        self.w.detect(RosterImport(self.w.registry, path), on_done=self.w.next, on_refused=self._refused)
        return False

    def _refused(self, text: str) -> None:
        self.say(text, error=True)
