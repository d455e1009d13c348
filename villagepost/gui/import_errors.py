"""The import wizard's row errors: roster fields and columns as clerks name them, the table of a check's
errors and warnings, and the dialog showing one roster row with its bad cells marked in red.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QAbstractTableModel, QCoreApplication, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QFormLayout, QLabel, QLineEdit, QVBoxLayout, QWidget

from villagepost.core.messages import DEFAULT_LANG
from villagepost.gui.window_sizing import settle_layout
from villagepost.services.imports import ImportReport
from villagepost.services.roster_rows import RosterCell

translate = QCoreApplication.translate

ERROR_COLOR = QColor("#b00020")
OK_COLOR = QColor("#1b7a2e")


def field_title(name: str) -> str:
    """A roster field by the standard header the exports write (what clerks know it as)."""
    return {
        "province": translate("ImportWizard", "省"),
        "city": translate("ImportWizard", "地级市"),
        "county": translate("ImportWizard", "县（区）"),
        "township": translate("ImportWizard", "乡镇（街道）"),
        "village": translate("ImportWizard", "行政村"),
        "code": translate("ImportWizard", "区划代码"),
        "station_name": translate("ImportWizard", "站点名称"),
        "station_type": translate("ImportWizard", "站点类型"),
        "coop": translate("ImportWizard", "合作模式"),
        "lon": translate("ImportWizard", "经度"),
        "lat": translate("ImportWizard", "纬度"),
        "opened": translate("ImportWizard", "建成日期"),
        "contact": translate("ImportWizard", "联系人"),
        "phone": translate("ImportWizard", "联系电话"),
        "services": translate("ImportWizard", "服务项目"),
        "brands": translate("ImportWizard", "快递品牌"),
        "floor_area": translate("ImportWizard", "面积（㎡）"),
        "served": translate("ImportWizard", "服务村"),
    }.get(name, name)


def cell_display(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


class ErrorsModel(QAbstractTableModel):
    """The report's errors (then warnings) as a table; a national roster may have thousands of them."""

    COLUMNS = ("row", "village", "column", "value", "message")

    def __init__(self, parent: QWidget | None = None, lang: str = DEFAULT_LANG) -> None:
        super().__init__(parent)
        self.lang = lang
        self.issues: list[tuple[Any, bool]] = []
        self.villages: dict[int, str] = {}

    def set_report(self, report: ImportReport | None) -> None:
        self.beginResetModel()
        self.issues = [] if report is None else [(e, True) for e in report.errors] + [
            (w, False) for w in report.warnings]
        self.villages = {} if report is None else dict(report.row_villages)
        self.endResetModel()

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(self.issues)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(self.COLUMNS)

    def headerData(self, section: int, orientation: Qt.Orientation,  # noqa: N802 (Qt override)
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role != Qt.ItemDataRole.DisplayRole or orientation != Qt.Orientation.Horizontal:
            return None
        return (self.tr("行"), self.tr("村"), self.tr("列"), self.tr("单元格内容"), self.tr("问题"))[section]

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        issue, is_error = self.issues[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            column = self.COLUMNS[index.column()]
            if column == "row":
                return str(issue.row)
            if column == "village":
                return self.villages.get(issue.row, "")
            if column == "column":
                return issue.column
            if column == "value":
                return issue.value
            return issue.message(self.lang) if is_error else self.tr("提醒：") + issue.message(self.lang)
        if role == Qt.ItemDataRole.ForegroundRole and is_error and index.column() == 4:
            return QBrush(ERROR_COLOR)
        if role == Qt.ItemDataRole.ToolTipRole and index.column() == 4:
            return issue.message(self.lang)
        return None

    def row_at(self, index: QModelIndex) -> int | None:
        return self.issues[index.row()][0].row if index.isValid() else None


class RowDialog(QDialog):
    """One roster row as written, its cells beside their headers, with what is wrong in it."""

    #: read-only cells look like labels; the cells a problem names are marked in red
    PLAIN_STYLE = "QLineEdit { background: palette(window); border: 1px solid palette(mid); }"
    BAD_STYLE = "QLineEdit { background: #fde7ea; color: #b00020; border: 2px solid #b00020; font-weight: bold; }"

    def __init__(self, parent: QWidget, row: int, cells: list[RosterCell], problems: list[str],
                 bad_fields: frozenset[str] = frozenset()) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("第 {row} 行").format(row=row))
        self.setObjectName("rosterRowDialog")
        layout = QVBoxLayout(self)
        if not cells:
            layout.addWidget(QLabel(self.tr("第 {row} 行不是数据行（空行、合计行或表头）。").format(row=row), self))
        form = QFormLayout()
        self.values: dict[str, QLineEdit] = {}
        for cell in cells:
            value = QLineEdit(cell.value, self)
            value.setReadOnly(True)
            value.setObjectName(f"cell_{cell.field}")
            value.setProperty("bad", cell.field in bad_fields)
            value.setStyleSheet(self.BAD_STYLE if cell.field in bad_fields else self.PLAIN_STYLE)
            self.values[cell.field] = value
            form.addRow(f"{cell.header.strip() or field_title(cell.field)}：", value)
        layout.addLayout(form)
        for text in problems:
            label = QLabel(text, self)
            label.setWordWrap(True)
            label.setStyleSheet("color: #b00020;")
            layout.addWidget(label)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        buttons.button(QDialogButtonBox.StandardButton.Close).setText(self.tr("关闭"))
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.setMinimumWidth(460)

    def setVisible(self, visible: bool) -> None:  # noqa: N802 (Qt override)
        if visible:
            settle_layout(self)
        super().setVisible(visible)


def shown_value(value: object) -> str:
    if isinstance(value, (list, tuple)):  # served villages: codes
        return "、".join(map(str, value)) or "（空）"
    return "（空）" if value is None or value == "" else str(value)
