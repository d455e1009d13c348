"""The division tree as a lazy Qt model: a node asks the registry for its children only when expanded.

Why lazy: a national registry holds 665k units; building them all would take seconds and hundreds of MB.
Like Anki's browser model, the model holds little (code, name, level per node already seen) and fetches
on demand through `canFetchMore`/`fetchMore`, which the view calls when a node is expanded. One fetch is a
single indexed query for one parent (a township's villages: at most a few hundred rows, a few ms), so it
runs on the GUI thread; everything slower (details, search, loads) goes through the background worker.

The model starts empty and fetches nothing until `set_source` is called, which the window does after its
first paint, so start-up never waits for the database.

The 覆盖 column (covered/total 建制村 today) is not part of a fetch: the country by province is a scan of
every cover (~0.1 s), so `children_fetched` tells the window, which asks services.coverage on its reader
thread and hands the answer back with `set_cover`. Until then the column is empty.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from PySide6.QtCore import QAbstractItemModel, QModelIndex, QObject, QPersistentModelIndex, Qt, Signal
from PySide6.QtGui import QBrush, QColor

from villagepost.core.divisions import ancestors_of
from villagepost.services.divisions import TreeNode

#: code (None for the top level) -> the units directly below it, in code order
ChildrenSource = Callable[[str | None], list[TreeNode]]

NAME_COLUMN, CODE_COLUMN, COVER_COLUMN = 0, 1, 2
COLUMNS = 3
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
    #: (covered, total) 建制村 today, once the window has asked
    cover: tuple[int, int] | None = None


class DivisionTreeModel(QAbstractItemModel):
    """Columns 名称, 代码 and 覆盖; CODE_ROLE gives a unit's code, LEVEL_ROLE its level (1 province … 5 village)."""

    #: the children of a unit (argument: its code, None for the top level) were fetched
    children_fetched = Signal(object)

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

    def fetched_parents(self) -> list[str | None]:
        """Codes of the units whose children are fetched (None: the top level), to refresh their covers."""
        out: list[str | None] = []
        stack = [self._root]
        while stack:
            node = stack.pop()
            if node.children:
                out.append(node.code)
                stack.extend(node.children)
        return out

    def set_cover(self, parent: str | None, covers: dict[str, tuple[int, int]]) -> None:
        """Show (covered, total) for the children of `parent` (units absent from `covers` show nothing)."""
        node = self._root if parent is None else self._find(parent)
        if node is None or not node.children:
            return
        for child in node.children:
            child.cover = covers.get(child.code) if child.code is not None else None
        parent_index = QModelIndex() if node is self._root else self.createIndex(node.row, 0, node)
        self.dataChanged.emit(self.index(0, COVER_COLUMN, parent_index),
                              self.index(len(node.children) - 1, COVER_COLUMN, parent_index))

    def _find(self, code: str) -> _Node | None:
        """A fetched unit by code (no fetching)."""
        node = self._root
        for step in [*ancestors_of(code), code]:
            child = node.by_code.get(step)
            if child is None:
                return None
            node = child
        return node

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
        if node.children is None or not (0 <= row < len(node.children)) or not (0 <= column < COLUMNS):
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
        return COLUMNS

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
        self.children_fetched.emit(node.code)

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if not index.isValid():
            return None
        node = self._node(index)
        if role == Qt.ItemDataRole.DisplayRole:
            if index.column() == CODE_COLUMN:
                return node.code
            if index.column() == COVER_COLUMN:
                return None if node.cover is None or node.cover[1] == 0 else f"{node.cover[0]:,}/{node.cover[1]:,}"
            return node.name + (self.tr("（已撤销）") if node.retired else "")
        if role == Qt.ItemDataRole.TextAlignmentRole and index.column() == COVER_COLUMN:
            return Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
        if role == CODE_ROLE:
            return node.code
        if role == LEVEL_ROLE:
            return node.level
        if role == Qt.ItemDataRole.ForegroundRole and node.retired:
            return self._retired_brush
        if role == Qt.ItemDataRole.ToolTipRole and index.column() == NAME_COLUMN:
            return f"{node.name}  {node.code}"
        if role == Qt.ItemDataRole.ToolTipRole and index.column() == COVER_COLUMN and node.cover and node.cover[1]:
            covered, total = node.cover
            return self.tr("今日已覆盖建制村 {covered:,} 个，共 {total:,} 个（{rate:.1%}）").format(
                covered=covered, total=total, rate=covered / total)
        return None

    def headerData(self, section: int, orientation: Qt.Orientation,  # noqa: N802 (Qt override)
                   role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return (self.tr("名称"), self.tr("代码"), self.tr("覆盖"))[section] if 0 <= section < COLUMNS else None
        return None

    def flags(self, index: AnyIndex) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
