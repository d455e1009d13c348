"""A read-only table model over a list of rows already fetched, with one function per column.

Why not the window's lazy id model: the inspection lists of a scope are small (a county records a few
hundred inspections a year) and come whole from one service call; what they need is columns defined in
one place and rows replaced in one reset, without QTableWidget's item per cell.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Generic, TypeVar

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QObject, QPersistentModelIndex, Qt

R = TypeVar("R")
Index = QModelIndex | QPersistentModelIndex


@dataclass(frozen=True)
class Column(Generic[R]):
    """A column: its header, the text a row shows in it (right-aligned for counts), and whether it takes the
    width left over (a name) while the others fit their contents."""

    header: str
    text: Callable[[R], str]
    numeric: bool = False
    stretch: bool = False


class RowListModel(QAbstractTableModel, Generic[R]):
    """Rows of one kind under a set of columns; `set_rows` replaces both at once."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.columns: Sequence[Column[R]] = ()
        self.rows: list[R] = []

    def set_rows(self, columns: Sequence[Column[R]], rows: list[R]) -> None:
        self.beginResetModel()
        self.columns = columns
        self.rows = rows
        self.endResetModel()

    def row_at(self, index: Index) -> R | None:
        return self.rows[index.row()] if index.isValid() and index.row() < len(self.rows) else None

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: N802, B008 (Qt override)
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: N802, B008 (Qt override)
        return 0 if parent.isValid() else len(self.columns)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if not index.isValid():
            return None
        column = self.columns[index.column()]
        if role == Qt.ItemDataRole.DisplayRole:
            return column.text(self.rows[index.row()])
        if role == Qt.ItemDataRole.TextAlignmentRole and column.numeric:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None

    def headerData(self, section: int, orientation: Qt.Orientation,  # noqa: N802 (Qt override)
                   role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal \
                and 0 <= section < len(self.columns):
            return self.columns[section].header
        return None
