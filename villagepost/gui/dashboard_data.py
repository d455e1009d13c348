"""What the 统计 tab shows for one scope and day, read in one background job, and the choices made on it.

No Qt here: `load_dashboard` runs on the database worker and returns plain values; the decisions the
charts make (which target a bar is compared with, which units get bars, the station count grid) are
functions of those values, so they are the same wherever they are drawn and are tested as such.

Every number comes from the services the CLI prints (`coverage`, `pacing`, `station_counts`), so the
window can never disagree with `villagepost coverage` / `villagepost pacing`.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from villagepost.core.divisions import Level
from villagepost.core.pacing import Measure, Pace
from villagepost.core.stations import StationStatus, StationType
from villagepost.services import coverage as cov
from villagepost.services import pacing as pac
from villagepost.services.registry import Registry
from villagepost.services.targets import TargetRow


@dataclass(frozen=True)
class DashboardData:
    """One scope on one day.

    pacing is None for a village: there is nothing below it to compare, and its own coverage is a
    yes/no the headline already says (services.pacing has no level below a village to list).
    """

    scope: str
    on: dt.date
    coverage: cov.CoverageReport
    pacing: pac.PacingReport | None
    counts: list[cov.StationCount]

    @property
    def is_village(self) -> bool:
        return self.coverage.level >= Level.VILLAGE

    def coverage_paces(self) -> list[tuple[TargetRow, Pace]]:
        """The coverage-rate targets the scope is paced against (own or inherited), by deadline."""
        if self.pacing is None:
            return []
        return [(row, p) for row, p in self.pacing.paces if row.measure is Measure.COVERAGE_RATE]

    def reference_target(self) -> TargetRow | None:
        """The target bars are coloured against: the next coverage deadline on or after the day shown,
        else (all deadlines past) the latest one — "are the units where they must be by then?"."""
        rows = [row for row, _p in self.coverage_paces()]
        if not rows:
            return None
        upcoming = [r for r in rows if r.deadline >= self.on]
        if upcoming:
            return min(upcoming, key=lambda r: (r.deadline, r.value))
        return max(rows, key=lambda r: (r.deadline, r.value))

    def bar_units(self) -> list[cov.UnitCoverage]:
        """The child units drawn as bars: those with 建制村. A 街道 of residents' committees has nothing to
        cover; a 0% bar for it would read as "behind"."""
        return [u for u in self.coverage.children if u.villages_total > 0]

    def units_without_villages(self) -> list[cov.UnitCoverage]:
        return [u for u in self.coverage.children if u.villages_total == 0]


#: what a province's name ends with, longest first; the rest is its usual short name (新疆, 广西, 北京)
_PROVINCE_SUFFIXES = ("维吾尔自治区", "壮族自治区", "回族自治区", "特别行政区", "自治区", "省", "市")


def bar_label(unit: cov.UnitCoverage) -> str:
    """The name under a unit's bar: a province by its usual short name (内蒙古, 宁夏), which 31 narrow bars
    can carry; other units by their official name (the tooltip always has the full name and code)."""
    if unit.level == Level.PROVINCE:
        for suffix in _PROVINCE_SUFFIXES:
            if unit.name.endswith(suffix) and len(unit.name) > len(suffix) + 1:
                return unit.name[: -len(suffix)]
    return unit.name


def load_dashboard(reg: Registry, scope: str, on: dt.date) -> DashboardData:
    """Coverage with the children one level down, the pacing report and the station counts of `scope` on
    `on` ('' = the whole country). Runs on the worker: three reads, each one a few indexed queries."""
    report = cov.coverage(reg, scope, on=on)
    pacing = None if report.level >= Level.VILLAGE else pac.pacing(reg, report.scope, today=on)
    counts = cov.station_counts(reg, report.scope, on=on)
    return DashboardData(report.scope, on, report, pacing, counts)


def bar_state(rate: float, reference: TargetRow | None) -> str:
    """'met' (at or above the reference target's rate), 'below', or 'none' (no target to compare with)."""
    if reference is None:
        return "none"
    return "met" if rate + 1e-9 >= reference.value else "below"


#: the statuses as columns of the station grid, in the order a clerk reads them
STATUS_COLUMNS = (StationStatus.OPERATING, StationStatus.SUSPENDED, StationStatus.CLOSED, StationStatus.PLANNED)


@dataclass(frozen=True)
class CountGrid:
    """Stations by type (rows, StationType order; None = no type recorded) and status (STATUS_COLUMNS)."""

    types: list[str | None]
    cells: dict[tuple[str | None, str], int]

    def cell(self, station_type: str | None, status: StationStatus) -> int:
        return self.cells.get((station_type, status.value), 0)

    def row_total(self, station_type: str | None) -> int:
        return sum(n for (t, _s), n in self.cells.items() if t == station_type)

    def column_total(self, status: StationStatus) -> int:
        return sum(n for (_t, s), n in self.cells.items() if s == status.value)

    @property
    def total(self) -> int:
        return sum(self.cells.values())


def count_grid(counts: list[cov.StationCount]) -> CountGrid:
    """Fold the service's (type, status, coop) counts into type × status (the coop dimension summed)."""
    cells: dict[tuple[str | None, str], int] = {}
    for c in counts:
        key = (c.station_type, c.status)
        cells[key] = cells.get(key, 0) + c.count
    present = {t for t, _s in cells}
    order: list[str | None] = [t.value for t in StationType if t.value in present]
    order += sorted(t for t in present if t is not None and t not in order)
    if None in present:
        order.append(None)
    return CountGrid(list(order), cells)
