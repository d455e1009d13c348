"""The division tree as a lazy Qt model: a node asks the registry for its children only when expanded.

Why lazy: a national registry holds 665k units; building them all would take seconds and hundreds of MB.
Like Anki's browser model, the model holds little (code, name, level per node already seen) and fetches
on demand through `canFetchMore`/`fetchMore`, which the view calls when a node is expanded. One fetch is a
single indexed query for one parent (a township's villages: at most a few hundred rows, a few ms), so it
runs on the GUI thread; everything slower (details, search, loads) goes through the background worker.

The model starts empty and fetches nothing until `set_source` is called, which the window does after its
first paint, so start-up never waits for the database.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from PySide6.QtCore import QAbstractItemModel, QModelIndex, QObject, QPersistentModelIndex, Qt
from PySide6.QtGui import QBrush, QColor

from villagepost.core.divisions import ancestors_of
from villagepost.services.divisions import TreeNode

#: code (None for the top level) -> the units directly below it, in code order
ChildrenSource = Callable[[str | None], list[TreeNode]]

NAME_COLUMN, CODE_COLUMN = 0, 1
CODE_ROLE = Qt.ItemDataRole.UserRole + 1
LEVEL_ROLE = Qt.ItemDataRole.UserRole + 2

AnyIndex = QModelIndex | QPersistentModelIndex



@dataclass(eq=False)
class _Node:
    """A unit the model has seen. `children` is None until fetched."""

    code: str | None
    name: str
    level: int
    has_children: bool
    retired: bool = False
    parent: _Node | None = None
    row: int = 0
    children: list[_Node] | None = None
    by_code: dict[str, _Node] = field(default_factory=dict)


class DivisionTreeModel(QAbstractItemModel):
    """Columns 名称 and 代码; CODE_ROLE gives a unit's code, LEVEL_ROLE its level (1 province … 5 village)."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._source: ChildrenSource | None = None
        self._root = self._new_root(fetched=True)
        self._retired_brush = QBrush(QColor("#888888"))

    @staticmethod
    def _new_root(*, fetched: bool) -> _Node:
        return _Node(code=None, name="", level=0, has_children=True, children=[] if fetched else None)

    # --- what the window calls ----------------------------------------------------------------
    def set_source(self, source: ChildrenSource | None) -> None:
        """Show the registry behind `source` (None: show nothing). Nothing is fetched until the view asks."""
        self.beginResetModel()
        self._source = source
        self._root = self._new_root(fetched=source is None)
        self.endResetModel()

    def reload(self) -> None:
        """Forget everything fetched (after a load changed the registry)."""
        self.set_source(self._source)

    def code_at(self, index: AnyIndex) -> str | None:
        node = self._node(index)
        return None if node is self._root else node.code

    def index_for_code(self, code: str) -> QModelIndex:
        """The index of unit `code`, fetching its ancestors' children as needed; invalid when absent."""
        node = self._root
        for step in [*ancestors_of(code), code]:
            self._ensure_fetched(node)
            child = node.by_code.get(step)
            if child is None:
                return QModelIndex()
            node = child
        return self.createIndex(node.row, NAME_COLUMN, node)

    def top_level_codes(self) -> list[str]:
        """Codes of the fetched top level (for the status bar's scope)."""
        return [n.code for n in self._root.children or [] if n.code is not None]

    # --- QAbstractItemModel --------------------------------------------------------------------
    def _node(self, index: AnyIndex) -> _Node:
        if index.isValid():
            node = index.internalPointer()
            if isinstance(node, _Node):
                return node
        return self._root

    def index(self, row: int, column: int, parent: AnyIndex = QModelIndex()) -> QModelIndex:  # noqa: B008
        node = self._node(parent)
        if node.children is None or not (0 <= row < len(node.children)) or not (0 <= column < 2):
            return QModelIndex()
        return self.createIndex(row, column, node.children[row])

    def parent(self, index: AnyIndex = QModelIndex()) -> QModelIndex:  # type: ignore[override]  # noqa: B008
        if not index.isValid():
            return QModelIndex()
        node = self._node(index).parent
        if node is None or node is self._root:
            return QModelIndex()
        return self.createIndex(node.row, NAME_COLUMN, node)

    def rowCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008, N802
        if parent.isValid() and parent.column() != NAME_COLUMN:
            return 0
        children = self._node(parent).children
        return 0 if children is None else len(children)

    def columnCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008, N802
        return 2

    def hasChildren(self, parent: AnyIndex = QModelIndex()) -> bool:  # noqa: B008, N802
        if parent.isValid() and parent.column() != NAME_COLUMN:
            return False
        node = self._node(parent)
        if node.children is not None:
            return bool(node.children)
        return node.has_children and self._source is not None

    def canFetchMore(self, parent: AnyIndex) -> bool:  # noqa: N802 (Qt override)
        node = self._node(parent)
        return self._source is not None and node.children is None and node.has_children

    def fetchMore(self, parent: AnyIndex) -> None:  # noqa: N802 (Qt override)
        self._ensure_fetched(self._node(parent), announce_parent=parent)

    def _ensure_fetched(self, node: _Node, announce_parent: AnyIndex | None = None) -> None:
        if node.children is not None or self._source is None:
            return
        found = self._source(node.code)
        kids = [_Node(t.code, t.name, t.level, t.has_children, t.retired, parent=node, row=i)
                for i, t in enumerate(found)]
        if announce_parent is None:
            announce_parent = QModelIndex() if node is self._root else self.createIndex(node.row, 0, node)
        if not kids:
            node.children = []
            node.has_children = False
            self.dataChanged.emit(announce_parent, announce_parent)
            return
        self.beginInsertRows(announce_parent, 0, len(kids) - 1)
        node.children = kids
        node.by_code = {k.code: k for k in kids if k.code is not None}
        self.endInsertRows()

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if not index.isValid():
            return None
        node = self._node(index)
        if role == Qt.ItemDataRole.DisplayRole:
            if index.column() == CODE_COLUMN:
                return node.code
            return node.name + (self.tr("（已撤销）") if node.retired else "")
        if role == CODE_ROLE:
            return node.code
        if role == LEVEL_ROLE:
            return node.level
        if role == Qt.ItemDataRole.ForegroundRole and node.retired:
            return self._retired_brush
        if role == Qt.ItemDataRole.ToolTipRole and index.column() == NAME_COLUMN:
            return f"{node.name}  {node.code}"
        return None

    def headerData(self, section: int, orientation: Qt.Orientation,  # noqa: N802 (Qt override)
                   role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return (self.tr("名称"), self.tr("代码"))[section] if section in (0, 1) else None
        return None

    def flags(self, index: AnyIndex) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
