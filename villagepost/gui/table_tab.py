"""What the 村庄 and 站点 tabs share: a filter bar, a lazy table view, a line saying how many rows.

Why the view is set up this way: on a model of 620k rows anything "to contents" measures every row (the
issue's pitfall: resizeRowsToContents freezes the window). So rows have one fixed height, columns get
widths from the font's metrics and the column's width in characters, and the vertical header is fixed.

A tab scopes itself to the tree's selection (`set_scope`), but a hidden tab only remembers the scope and
reads when it is shown: clicking through the tree costs one table query, not two.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QCoreApplication, QItemSelectionModel, Qt, QTimer, Signal
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from villagepost.gui.table_model import LazyTableModel
from villagepost.services.registry import Registry

translate = QCoreApplication.translate

#: pause after typing in a filter before querying (one query per pause, not per keystroke)
FILTER_DELAY_MS = 300


class TableTab(QWidget):
    """A filter bar (subclasses add their widgets to `filters`), the table, a count line."""

    #: emitted when the rows of a new query are shown (argument: total)
    rows_shown = Signal(int)

    def __init__(self, model: LazyTableModel[Any, Any], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.model = model
        self.scope: str | None = None
        self._stale = True
        self._data_changed = False
        self._pending_select: int | None = None

        self.filters = QHBoxLayout()
        self.filters.setContentsMargins(0, 0, 0, 0)
        self.text_filter = QLineEdit(self)
        self.text_filter.setClearButtonEnabled(True)
        self.text_filter.setObjectName("tableTextFilter")
        self.filters.addWidget(self.text_filter, 2)
        self._filter_timer = QTimer(self)
        self._filter_timer.setSingleShot(True)
        self._filter_timer.setInterval(FILTER_DELAY_MS)
        self._filter_timer.timeout.connect(self.apply_filters)
        self.text_filter.textEdited.connect(lambda _t: self._filter_timer.start())
        self.text_filter.returnPressed.connect(self.apply_filters)

        self.view = QTableView(self)
        self.view.setModel(model)
        self.view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.view.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.view.setAlternatingRowColors(True)
        self.view.setWordWrap(False)
        self.view.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.view.setHorizontalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        rows = self.view.verticalHeader()
        rows.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        rows.setDefaultSectionSize(self.fontMetrics().height() + 6)
        rows.setMinimumWidth(self.fontMetrics().horizontalAdvance("620,573") + 12)
        header = self.view.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(True)
        header.setSortIndicatorShown(True)
        header.setSortIndicator(model.sort_column, model.sort_order)
        char = self.fontMetrics().horizontalAdvance("村")
        for i, column in enumerate(model.source.columns):
            header.resizeSection(i, column.chars * char + 16)
        self.view.setSortingEnabled(True)

        self.count_label = QLabel(self)
        self.count_label.setObjectName("tableCount")
        self.message_label = QLabel(self)
        self.message_label.setObjectName("tableMessage")
        self.message_label.setWordWrap(True)
        self.message_label.setStyleSheet("color: #b00020;")
        self.message_label.hide()

        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.addLayout(self.filters)
        layout.addWidget(self.message_label)
        layout.addWidget(self.view, 1)
        layout.addWidget(self.count_label)

        model.loaded.connect(self._loaded)
        model.ids_complete.connect(self._ids_complete)
        model.failed.connect(self._failed)
        model.sort_applied.connect(self._sort_applied)
        model.modelAboutToBeReset.connect(self._hide_message)

    # --- scope and filters ----------------------------------------------------------------------
    def set_scope(self, scope: str | None) -> None:
        """Show the rows under division `scope` (None: the whole registry); read now only if visible."""
        if scope == self.scope and not self._stale:
            return
        self.scope = scope
        self._stale = True
        if self.isVisible():
            self.apply_filters()

    def set_registry(self, registry: Registry) -> None:
        """Another database was opened: show its whole registry when next visible."""
        self.model.source.registry = registry
        self.scope = None
        self.mark_stale()

    def mark_stale(self) -> None:
        """The data changed (an edit, an import, another database): re-read when next shown (now, if visible)."""
        self._data_changed = True
        if self.isVisible():
            self.apply_filters()

    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802 (Qt override)
        super().showEvent(event)
        if self._stale or self._data_changed:
            self.apply_filters()

    def current_query(self) -> object:
        """The model's query for the scope and the filter widgets (subclasses build theirs)."""
        raise NotImplementedError

    def apply_filters(self) -> None:
        self._filter_timer.stop()
        self._stale = False
        query = self.current_query()
        if self._data_changed:  # the same query may answer differently now: read it again, rows too
            self._data_changed = False
            self.model.query = query
            self.model.refresh()
        elif query == self.model.query and self.model.generation > 0:
            return
        else:
            self.model.set_query(query)
        self.count_label.setText(translate("TableTab", "正在读取…"))

    # --- selection ------------------------------------------------------------------------------
    def selected_ids(self) -> list[int]:
        ids = [self.model.id_at(index.row()) for index in self.view.selectionModel().selectedRows()]
        return [i for i in ids if i is not None]

    def current_id(self) -> int | None:
        index = self.view.currentIndex()
        return self.model.id_at(index.row()) if index.isValid() else None

    def select_id(self, row_id: int) -> bool:
        """Select and show the row of `row_id` now, or as soon as the ids are in. False if not in the query."""
        if not self.model.complete or self.model.loading:
            self._pending_select = row_id
            return True
        row = self.model.row_of(row_id)
        if row is None:
            return False
        index = self.model.index(row, 0)
        self.view.selectionModel().setCurrentIndex(
            index, QItemSelectionModel.SelectionFlag.ClearAndSelect | QItemSelectionModel.SelectionFlag.Rows)
        self.view.scrollTo(index, QAbstractItemView.ScrollHint.PositionAtCenter)
        return True

    # --- model signals --------------------------------------------------------------------------
    def _loaded(self, total: int) -> None:
        self.count_label.setText(self.count_text(total))
        self.rows_shown.emit(total)

    def _ids_complete(self) -> None:
        self.count_label.setText(self.count_text(self.model.total))
        if self._pending_select is not None:
            pending, self._pending_select = self._pending_select, None
            self.select_id(pending)

    def count_text(self, total: int) -> str:
        raise NotImplementedError

    def _failed(self, message: str) -> None:
        self.message_label.setText(message)
        self.message_label.show()
        if not self.model.loading:
            self.count_label.setText(self.count_text(self.model.total))

    def _hide_message(self) -> None:
        self.message_label.hide()

    def _sort_applied(self, column: int, order: Qt.SortOrder) -> None:
        header = self.view.horizontalHeader()
        blocked = header.blockSignals(True)
        header.setSortIndicator(column, order)
        header.blockSignals(blocked)
