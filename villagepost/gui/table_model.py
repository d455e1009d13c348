"""A lazy table model over hundreds of thousands of rows: ids in SQL order, rows fetched by page and cached.

After Anki's browser model (qt/aqt/browser/table/model.py): the model holds the ids of every row of the
current query (an int64 array: 5 MB for the 620k village-level units of the whole country) and a bounded
cache of display rows. `data()` answers unused roles at once; a row it has not got triggers one read of
its whole page (PAGE ids by primary key, a few ms), so scrolling reads a page per PAGE rows.

Why two phases for big queries: sorting 620k rows by pinyin takes SQLite ~0.7 s, but the first and the
last page alone are a top-N each (~0.13 s). A query above FULL_LOAD_LIMIT rows therefore delivers
count + first page + last page first (the table shows, and Ctrl+End works), then the full id list,
which replaces the partial one without moving anything the clerk sees. Rows in between show "…" until
then. All id queries run on the TaskManager's reader lane; a newer query makes older answers stale
(a generation counter), and a stale job stops before its next query.

The model knows nothing of villages or stations: a `TableSource` says what the columns are, how to
count, order and read rows, and how to show a row.
"""

from __future__ import annotations

import logging
from abc import abstractmethod
from collections import OrderedDict
from collections.abc import Callable, Sequence
from concurrent.futures import Future
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QObject, QPersistentModelIndex, Qt, Signal
from PySide6.QtGui import QBrush, QColor

from villagepost.core.errors import KnownError
from villagepost.core.messages import DEFAULT_LANG
from villagepost.gui.ops import TaskManager
from villagepost.services.registry import Registry
from villagepost.services.tables import IdArray

log = logging.getLogger(__name__)

Q = TypeVar("Q")  # the query: a filter dataclass the source understands
R = TypeVar("R")  # a display row

#: rows per page read (Anki reads rows one by one; a page by primary key costs about the same as one)
PAGE = 200
#: at most this many display rows are cached (~10 MB); the oldest pages go first
CACHE_LIMIT = 20_000
#: queries up to this many rows load their ids in one go; bigger ones show first and last page first
FULL_LOAD_LIMIT = 50_000
#: the role that gives a row's id (a village code as an integer, a station's id)
ID_ROLE = Qt.ItemDataRole.UserRole + 1
LOADING_TEXT = "…"

AnyIndex = QModelIndex | QPersistentModelIndex


@dataclass(frozen=True)
class Column:
    """One column: its sort key (also its name), header, width in characters, and whether it sorts."""

    key: str
    title: str
    chars: int
    sortable: bool = True
    right: bool = False


class TableSource(Generic[Q, R]):
    """What the lazy model asks of a table: columns, count, ids in order, rows by id, how a row shows.

    `count`, `ids` and `rows` run on worker threads (ids) or the GUI thread (rows): they must only read.
    """

    columns: tuple[Column, ...]
    registry: Registry

    @abstractmethod
    def count(self, query: Q) -> int: ...

    @abstractmethod
    def ids(self, query: Q, sort: str, *, descending: bool, limit: int | None, rows: int,
            column: str) -> IdArray: ...

    @abstractmethod
    def rows(self, ids: Sequence[int]) -> dict[int, R]: ...

    @abstractmethod
    def display(self, row: R, column: int) -> str: ...

    def foreground(self, row: R, column: int) -> QColor | None:
        return None

    def tooltip(self, row: R, column: int) -> str | None:
        return None


@dataclass
class _Load:
    """What one query's id phase delivers."""

    generation: int
    total: int
    ids: IdArray | None = None  # the full list (phase 2, or the only phase of a small query)
    head: IdArray | None = None
    tail: IdArray | None = None


class LazyTableModel(QAbstractTableModel, Generic[Q, R]):
    """Rows of the current query of a `TableSource`; set_query/sort/refresh reload ids in the background."""

    #: the first answer to a query is shown (argument: total rows)
    loaded = Signal(int)
    #: the full id list of the current query is in (row_of works for every row)
    ids_complete = Signal()
    #: a query or a sort was refused or failed (argument: the message to show)
    failed = Signal(str)
    #: the sort in effect changed (column, Qt.SortOrder): after a refused sort, the one still in effect
    sort_applied = Signal(int, Qt.SortOrder)

    def __init__(self, source: TableSource[Q, R], taskman: TaskManager, query: Q, *, lang: str = DEFAULT_LANG,
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.source = source
        self.taskman = taskman
        self.lang = lang
        self.query = query
        self.sort_column = 0
        self.sort_order = Qt.SortOrder.AscendingOrder
        self.generation = 0
        self.loading = False
        self._total = 0
        self._ids: IdArray | None = None
        self._head: IdArray | None = None
        self._tail: IdArray | None = None
        self._cache: OrderedDict[int, R | None] = OrderedDict()
        self._failed_pages: set[int] = set()
        self._missing_brush = QBrush(QColor("#b36b00"))
        self._started = False
        #: called with every finished load (tests and the benchmark wait on it)
        self.on_settled: Callable[[], None] | None = None

    # --- what the tabs call ---------------------------------------------------------------------
    def set_query(self, query: Q) -> None:
        """Show the rows of `query` (the cached rows stay: a row's content does not depend on the query)."""
        self.query = query
        self.reload()

    def refresh(self) -> None:
        """The data changed (an edit, an import): forget cached rows and read the ids again."""
        self._cache.clear()
        self.reload()

    def reload(self) -> None:
        self._started = True
        self.generation += 1
        self._failed_pages.clear()
        self.loading = True
        generation, query = self.generation, self.query
        column = self.source.columns[self.sort_column]
        sort, descending = column.key, self.sort_order == Qt.SortOrder.DescendingOrder
        source, taskman = self.source, self.taskman

        # Only the order changed: the count is known (a re-sort saves the count query).
        known_total = self._total if query == self._shown_query and self._ids is not None else None

        def job() -> _Load | None:
            total = source.count(query) if known_total is None else known_total
            if self.generation != generation:
                return None
            if total > FULL_LOAD_LIMIT:
                head = source.ids(query, sort, descending=descending, limit=PAGE, rows=total, column=column.title)
                first = _Load(generation, total, head=head)
                taskman.post(lambda: self._deliver(first))
                tail = source.ids(query, sort, descending=not descending, limit=PAGE, rows=total,
                                  column=column.title)[::-1]
                taskman.post(lambda: self._deliver_tail(generation, tail))
                if self.generation != generation:
                    return None
            ids = source.ids(query, sort, descending=descending, limit=None, rows=total, column=column.title)
            return _Load(generation, total, ids=ids)

        taskman.run_read(job, self._job_done)

    @property
    def total(self) -> int:
        return self._total

    @property
    def complete(self) -> bool:
        """Every row's id is known (not only the first and last page)."""
        return self._ids is not None

    def id_at(self, row: int) -> int | None:
        """The id shown on `row`, None while it is still coming."""
        if not 0 <= row < self._total:
            return None
        if self._ids is not None:
            return int(self._ids[row])
        if self._head is not None and row < len(self._head):
            return int(self._head[row])
        if self._tail is not None and row >= self._total - len(self._tail):
            return int(self._tail[row - (self._total - len(self._tail))])
        return None

    def row_of(self, row_id: int) -> int | None:
        """The row showing `row_id`, if the full id list is in and holds it."""
        if self._ids is None:
            return None
        import numpy as np  # loaded by the id list already (storage.table_queries.fetch_ids)

        found = np.flatnonzero(self._ids == row_id)
        return int(found[0]) if len(found) else None

    def row_data(self, row: int) -> R | None:
        """The display row on `row` (read now if needed), None while its id is coming or if it is gone."""
        row_id = self.id_at(row)
        if row_id is None:
            return None
        if row_id not in self._cache:
            self._read_page(row)
        return self._cache.get(row_id)

    def cached_rows(self) -> int:
        return len(self._cache)

    # --- delivery (GUI thread) ------------------------------------------------------------------
    def _job_done(self, future: Future[_Load | None]) -> None:
        if future.cancelled() or self.taskman.closing:
            return
        exc = future.exception()
        if exc is not None:
            if isinstance(exc, KnownError):
                self._refused(exc)
                return
            raise exc
        result = future.result()
        if result is not None:
            self._deliver(result)

    def _refused(self, exc: KnownError) -> None:
        """A sort the source refuses: go back to the order still shown, say why."""
        self.loading = False
        self.sort_column, self.sort_order = self._shown_sort
        self.sort_applied.emit(self.sort_column, self.sort_order)
        self.failed.emit(exc.message(self.lang))
        if self.on_settled is not None:
            self.on_settled()

    def _deliver(self, load: _Load) -> None:
        if load.generation != self.generation or self.taskman.closing:
            return  # an answer to a query the clerk has replaced since
        if load.ids is not None and self._ids is None and load.total == self._total and self._head is not None \
                and self._shown_generation == load.generation:
            # phase 2 of a big query: the same rows in the same order, now all of them
            self._ids, self._head, self._tail = load.ids, None, None
            if len(load.ids) != self._total:  # the data changed between the count and the ids
                self._reset(load)
            elif self._total:
                self.dataChanged.emit(self.index(0, 0), self.index(self._total - 1, self.columnCount() - 1))
        else:
            self._reset(load)
        if load.ids is not None:
            self.loading = False
            self.ids_complete.emit()
            if self.on_settled is not None:
                self.on_settled()

    def _deliver_tail(self, generation: int, tail: IdArray) -> None:
        """The last page of a big query, so Ctrl+End shows rows before the full id list is in."""
        if generation != self.generation or self._shown_generation != generation or self._ids is not None:
            return
        self._tail = tail
        first = max(self._total - len(tail), 0)
        if self._total:
            self.dataChanged.emit(self.index(first, 0), self.index(self._total - 1, self.columnCount() - 1))

    _shown_generation = -1
    _shown_query: object = None
    _shown_sort: tuple[int, Qt.SortOrder] = (0, Qt.SortOrder.AscendingOrder)

    def _reset(self, load: _Load) -> None:
        self.beginResetModel()
        self._ids, self._head, self._tail = load.ids, load.head, load.tail
        self._total = len(load.ids) if load.ids is not None else load.total
        self._shown_generation = load.generation
        self._shown_query = self.query
        self._shown_sort = (self.sort_column, self.sort_order)
        self.endResetModel()
        self.loaded.emit(self._total)

    def _read_page(self, row: int) -> None:
        page = row // PAGE
        if page in self._failed_pages:
            return
        start = page * PAGE
        wanted = [i for i in (self.id_at(r) for r in range(start, min(start + PAGE, self._total)))
                  if i is not None and i not in self._cache]
        if not wanted:
            return
        try:
            found = self.source.rows(wanted)
        except KnownError as exc:  # e.g. the database went away: say so once, do not retry on every paint
            log.warning("reading rows failed: %s", exc)
            self._failed_pages.add(page)
            self.failed.emit(exc.message(self.lang))
            return
        for row_id in wanted:
            self._cache[row_id] = found.get(row_id)
        while len(self._cache) > CACHE_LIMIT:
            self._cache.popitem(last=False)

    # --- QAbstractTableModel --------------------------------------------------------------------
    def rowCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else self._total

    def columnCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(self.source.columns)

    _ROLES = frozenset({Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ForegroundRole, Qt.ItemDataRole.ToolTipRole,
                        Qt.ItemDataRole.TextAlignmentRole, ID_ROLE})

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role not in self._ROLES or not index.isValid():
            return None  # fast: the view asks for many roles per cell and we use few
        column = index.column()
        if role == Qt.ItemDataRole.TextAlignmentRole:
            right = self.source.columns[column].right
            return (Qt.AlignmentFlag.AlignRight if right else Qt.AlignmentFlag.AlignLeft) \
                | Qt.AlignmentFlag.AlignVCenter
        if role == ID_ROLE:
            return self.id_at(index.row())
        row = self.row_data(index.row())
        if row is None:
            return LOADING_TEXT if role == Qt.ItemDataRole.DisplayRole else None
        if role == Qt.ItemDataRole.DisplayRole:
            return self.source.display(row, column)
        if role == Qt.ItemDataRole.ForegroundRole:
            color = self.source.foreground(row, column)
            return None if color is None else QBrush(color)
        return self.source.tooltip(row, column)

    def headerData(self, section: int, orientation: Qt.Orientation,  # noqa: N802 (Qt override)
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        if orientation == Qt.Orientation.Horizontal:
            return self.source.columns[section].title if 0 <= section < len(self.source.columns) else None
        return f"{section + 1:,}"

    def flags(self, index: AnyIndex) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        """Re-sort in SQL (the view calls this when a header is clicked); unsortable columns are ignored."""
        if not 0 <= column < len(self.source.columns) or not self.source.columns[column].sortable:
            self.sort_applied.emit(self.sort_column, self.sort_order)
            return
        if (column, order) == (self.sort_column, self.sort_order) and self._started:
            return
        self.sort_column, self.sort_order = column, order
        if self._started:
            self.reload()
