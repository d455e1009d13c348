"""The main window's navigation: the division tree (going to a unit, keeping what is open across refreshes,
the covered/total 建制村 beside each unit), the search box's hits, and the unit details that follow the
tree's selection. Every query runs on the background worker.
"""

from __future__ import annotations

import logging
from concurrent.futures import Future

from PySide6.QtCore import QModelIndex, QPersistentModelIndex
from PySide6.QtWidgets import QAbstractItemView
from shiboken6 import isValid

from villagepost.core.errors import KnownError
from villagepost.gui.ops import BackgroundOp, OpContext
from villagepost.gui.window_base import WindowBase
from villagepost.services import coverage, divisions, tables
from villagepost.services.divisions import UnitHit, UnitInfo
from villagepost.services.tables import StationHit
from villagepost.services.unit_figures import unit_figures

log = logging.getLogger(__name__)


class ScopeNavigation(WindowBase):
    """The tree, the search and the details of the selected unit (a part of MainWindow)."""

    def go_to(self, code: str) -> bool:
        """Expand the tree down to unit `code` and select it (its details follow). False when absent."""
        index = self.model.index_for_code(code)
        if not index.isValid():
            self.statusBar().showMessage(self.tr("目录中没有代码为 {code} 的单位").format(code=code), 5000)
            return False
        parent = index.parent()
        chain = []
        while parent.isValid():
            chain.append(parent)
            parent = parent.parent()
        for ancestor in reversed(chain):
            self.tree.expand(ancestor)
        self.tree.setCurrentIndex(index)
        self.tree.scrollTo(index, QAbstractItemView.ScrollHint.PositionAtCenter)
        return True

    def selected_code(self) -> str | None:
        return self.model.code_at(self.tree.currentIndex())

    def expanded_codes(self) -> list[str]:
        """The units open in the tree, top down (kept across imports and refreshes)."""
        out: list[str] = []
        pending = [QModelIndex()]
        while pending:
            parent = pending.pop(0)
            for row in range(self.model.rowCount(parent)):
                index = self.model.index(row, 0, parent)
                if self.tree.isExpanded(index):
                    code = self.model.code_at(index)
                    if code is not None:
                        out.append(code)
                    pending.append(index)
        return out

    def restore_tree(self, expanded: list[str], selected: str | None) -> None:
        """Open `expanded` again and select `selected` (units since removed are skipped)."""
        for code in expanded:
            index = self.model.index_for_code(code)
            if index.isValid():
                self.tree.expand(index)
        if selected is not None:
            index = self.model.index_for_code(selected)
            if index.isValid() and index != self.tree.currentIndex():
                self.tree.setCurrentIndex(index)
                self.tree.scrollTo(index)

    def _current_changed(self, current: QModelIndex | QPersistentModelIndex, _previous: object) -> None:
        code = self.model.code_at(current)
        if code is None:
            return
        self._details_code = code
        self.villages_tab.set_scope(code)
        self.stations_tab.set_scope(code)
        self.dashboard.set_scope(code)
        self.inspections.set_scope(code)
        registry = self.registry
        self.details.show_loading()
        (BackgroundOp(self, self.taskman, lambda _ctx: divisions.show(registry, code), lang=self.lang)
         .success(self._details_arrived)
         .run_in_background())

    def _details_arrived(self, info: UnitInfo) -> None:
        if info.code != self._details_code:
            return  # the clerk has clicked on since; a newer answer is on its way
        self.details.show_unit(info)
        self.details_shown.emit(info)
        registry, code = self.registry, info.code
        (BackgroundOp(self, self.taskman, lambda _ctx: unit_figures(registry, code), lang=self.lang)
         .success(self._figures_arrived)
         .failure(lambda exc: log.warning("the unit's figures could not be read: %s", exc))  # details stay
         .run_in_background())

    def _figures_arrived(self, figures: object) -> None:
        if isValid(self.details):
            self.details.show_figures(figures)  # type: ignore[arg-type]

    def _search(self, text: str, go: bool) -> None:
        registry = self.registry

        def job(_ctx: OpContext) -> tuple[list[UnitHit], list[StationHit]]:
            return divisions.find(registry, text), tables.find_stations(registry, text, limit=10)

        (BackgroundOp(self, self.taskman, job, lang=self.lang)
         .success(lambda found: self._hits_arrived(text, go, *found))
         .run_in_background())

    def _hits_arrived(self, text: str, go: bool, hits: list[UnitHit], stations: list[StationHit]) -> None:
        if not self.search.is_current(text):
            return
        self.search.show_hits(text, hits, stations)
        if go and hits:
            self.go_to(hits[0].code)
        elif go and stations:
            self.go_to_station(stations[0])

    def go_to_station(self, hit: StationHit) -> bool:
        """Select the station's village in the tree and the station's row in the 站点 tab."""
        if not self.go_to(hit.village_code):
            return False
        self.tabs.setCurrentWidget(self.stations_tab)
        self.stations_tab.set_scope(hit.village_code)
        return self.stations_tab.select_id(hit.id)

    def show_village_stations(self, code: str) -> None:
        """A village double-clicked in 村庄: select it in the tree and show its stations."""
        if self.go_to(code):
            self.tabs.setCurrentWidget(self.stations_tab)

    # --- coverage figures ----------------------------------------------------------------------
    def _request_covers(self, parent: str | None) -> None:
        """Ask services.coverage for the covered/total 建制村 of `parent`'s children, on the reader thread."""
        if self.taskman.closing:
            return
        registry = self.registry

        def job() -> dict[str, tuple[int, int]]:
            report = coverage.coverage(registry, parent or "")
            return {c.code: (c.villages_covered, c.villages_total) for c in report.children}

        def done(future: Future[dict[str, tuple[int, int]]]) -> None:
            if future.cancelled() or self.taskman.closing or registry is not self.registry:
                return
            exc = future.exception()
            if exc is None:
                self.model.set_cover(parent, future.result())
            elif not isinstance(exc, KnownError):  # a registry without units: nothing to show, not a bug
                raise exc

        self.taskman.run_read(job, done)

    def refresh_covers(self) -> None:
        """Stations changed: read the covers of every expanded level again."""
        for parent in self.model.fetched_parents():
            self._request_covers(parent)
