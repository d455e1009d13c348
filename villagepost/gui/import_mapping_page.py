"""The import wizard's mapping page: the detected sheet, header rows and columns beside a preview of the
roster's first rows; every column choice can be changed and is detected again when the page is left.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
)

from villagepost.core.values import column_letter
from villagepost.gui.import_errors import cell_display, field_title
from villagepost.gui.import_page import ImportPage
from villagepost.rosters.layout import FIELDS
from villagepost.services.imports import RosterImport

if TYPE_CHECKING:
    from villagepost.gui.import_wizard import ImportWizard


#: the preview's header rows
HEADER_BRUSH = QBrush(QColor("#e8eef7"))


class MappingPage(ImportPage):
    """The detected sheet, header rows and columns, with a preview; every column choice can be changed."""

    def __init__(self, wizard: ImportWizard) -> None:
        super().__init__(wizard)
        self.setTitle(self.tr("核对表头和各列"))
        self.setSubTitle(self.tr("下面是识别出的工作表、表头行和每个字段对应的列。识别有误时请在右侧改正；预览中蓝色为表头行。"))
        self.sheet_combo = QComboBox(self)
        self.sheet_combo.setObjectName("sheetCombo")
        self.sheet_combo.activated.connect(self._sheet_chosen)
        self.header_label = QLabel(self)
        self.header_label.setObjectName("headerRows")
        top = QHBoxLayout()
        top.addWidget(QLabel(self.tr("工作表："), self))
        top.addWidget(self.sheet_combo)
        top.addSpacing(16)
        top.addWidget(self.header_label, 1)
        self.combos: dict[str, QComboBox] = {}
        grid = QGridLayout()
        grid.setHorizontalSpacing(8)
        for i, name in enumerate(FIELDS):
            combo = QComboBox(self)
            combo.setObjectName(f"map_{name}")
            combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
            combo.setMinimumContentsLength(10)
            combo.activated.connect(self._mapping_edited)
            self.combos[name] = combo
            grid.addWidget(QLabel(field_title(name) + "：", self), i // 2, (i % 2) * 2)
            grid.addWidget(combo, i // 2, (i % 2) * 2 + 1)
        self.preview = QTableWidget(self)
        self.preview.setObjectName("previewTable")
        self.preview.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.preview.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        self.preview.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 6)
        side = QVBoxLayout()
        side.addLayout(grid)
        side.addStretch(1)
        body = QHBoxLayout()
        body.addWidget(self.preview, 3)
        body.addLayout(side, 2)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addLayout(body, 1)
        layout.addWidget(self.message)
        self._edited = False

    def initializePage(self) -> None:  # noqa: N802 (Qt override)
        self.show_layout()

    def show_layout(self) -> None:
        layout = self.w.roster_layout
        if layout is None:
            return
        self.sheet_combo.clear()
        self.sheet_combo.addItems(layout.sheet_names)
        self.sheet_combo.setCurrentText(layout.sheet)
        rows = "、".join(str(r) for r in layout.header_rows)
        self.header_label.setText(self.tr("表头在第 {rows} 行，数据从第 {first} 行开始").format(
            rows=rows, first=layout.first_data_row))
        cells = layout.header_cells
        for name, combo in self.combos.items():
            combo.clear()
            combo.addItem(self.tr("（不导入）"), -1)
            for index, header in enumerate(cells):
                text = " ".join(str(header).split())
                if text:
                    combo.addItem(f"{column_letter(index)} {text}", index)
            ref = layout.columns.get(name)
            combo.setCurrentIndex(max(combo.findData(ref.index), 0) if ref is not None else 0)
        self._fill_preview()
        self._edited = False
        self.say("")

    def _fill_preview(self) -> None:
        layout, preview = self.w.roster_layout, self.w.preview
        assert layout is not None
        width = max([len(values) for _row, values in preview] + [len(layout.header_cells)])
        mapped = {ref.index: name for name, ref in layout.columns.items()}
        self.preview.clear()
        self.preview.setColumnCount(width)
        self.preview.setRowCount(len(preview))
        self.preview.setHorizontalHeaderLabels([
            f"{column_letter(i)}\n{field_title(mapped[i])}" if i in mapped else column_letter(i)
            for i in range(width)])
        self.preview.setVerticalHeaderLabels([str(row) for row, _values in preview])
        for r, (row, values) in enumerate(preview):
            for c, value in enumerate(values):
                item = QTableWidgetItem(cell_display(value))
                if row in layout.header_rows:
                    item.setBackground(HEADER_BRUSH)
                self.preview.setItem(r, c, item)
        char = self.fontMetrics().horizontalAdvance("村")
        for c in range(width):
            self.preview.setColumnWidth(c, 6 * char)

    def mapping(self) -> dict[str, int]:
        return {name: int(combo.currentData()) for name, combo in self.combos.items() if combo.currentData() >= 0}

    def _mapping_edited(self) -> None:
        self._edited = True
        chosen = [c for c in self.mapping().values()]
        if len(chosen) != len(set(chosen)):
            self.say(self.tr("两个字段不能对应同一列，请改正。"), error=True)
        else:
            self.say(self.tr("已修改对应关系；点“下一步”时按新的对应关系检查。"))
        self.completeChanged.emit()

    def isComplete(self) -> bool:  # noqa: N802 (Qt override)
        chosen = list(self.mapping().values())
        return len(chosen) == len(set(chosen)) and not self.w.running

    def _sheet_chosen(self, _index: int) -> None:
        sheet = self.sheet_combo.currentText()
        assert self.w.job is not None
        if sheet == (self.w.roster_layout.sheet if self.w.roster_layout else None):
            return
        self.w.detect(RosterImport(self.w.registry, self.w.job.path, sheet=sheet), on_done=self.show_layout,
                      on_refused=lambda text: self.say(text, error=True))

    def validatePage(self) -> bool:  # noqa: N802 (Qt override)
        if not self._edited:
            return True
        job = self.w.job
        assert job is not None
        job.use_mapping(self.mapping())

        def done() -> None:
            self.show_layout()
            self.w.next()

        self.w.detect(job, on_done=done, on_refused=lambda text: self.say(text, error=True))
        return False
