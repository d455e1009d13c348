"""The shapes of the coverage, pacing and summary answers: plain data the services compute and the reports
(PDF, workbook), the CLI and the window read.

Why here: the printed summary's data lived in services while reports imported it upward; as core data
both layers may use them (no database, no Qt, no file format). The services re-export them under their
old names.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from villagepost.core.coverage import CurvePoint
from villagepost.core.divisions import Level
from villagepost.core.pacing import Lag, Measure, Pace, Target
from villagepost.core.stations import StationType

#: the level of the whole country (a scope of '')
NATION_LEVEL = 0


def level_name(level: int | None) -> str | None:
    """'county' for Level.COUNTY, 'country' for the nation, as JSON documents carry levels."""
    if level is None:
        return None
    return "country" if level == NATION_LEVEL else Level(level).name.lower()


def _rate(covered: int, total: int) -> float:
    return covered / total if total else 0.0


@dataclass(frozen=True)
class UnitCoverage:
    """One child unit's 建制村 on the report's date."""

    code: str
    name: str
    level: int
    villages_total: int
    villages_covered: int

    @property
    def rate(self) -> float:
        """covered / total, 0..1; 0 for a unit without 建制村 (a 街道: nothing to cover is not 'all covered')."""
        return _rate(self.villages_covered, self.villages_total)

    def to_json(self) -> dict[str, Any]:
        return {"code": self.code, "name": self.name, "villages_total": self.villages_total,
                "villages_covered": self.villages_covered, "rate": self.rate}


@dataclass(frozen=True)
class CoverageReport:
    """Coverage of a scope on one date, with its children at one level.

    date_missing_villages: covered 建制村 whose covering period starts on a recording day rather than a
    known date (日期缺失) — covered today, but the county should fill in the date.
    """

    scope: str
    name: str
    level: int
    on: dt.date
    villages_total: int
    villages_covered: int
    children: list[UnitCoverage]
    children_level: int | None
    date_missing_villages: int = 0
    include_village_like: bool = False

    @property
    def rate(self) -> float:
        return _rate(self.villages_covered, self.villages_total)

    def to_json(self) -> dict[str, Any]:
        return {"scope": self.scope, "name": self.name, "level": level_name(self.level), "on": self.on.isoformat(),
                "villages_total": self.villages_total, "villages_covered": self.villages_covered, "rate": self.rate,
                "date_missing_villages": self.date_missing_villages,
                "include_village_like": self.include_village_like,
                "children_level": level_name(self.children_level),
                "children": [c.to_json() for c in self.children]}


@dataclass(frozen=True)
class TargetRow:
    """A stored target as lists, the pacing report and the window show it."""

    id: int
    scope: str
    scope_name: str
    measure: Measure
    #: a rate 0..1 (coverage_rate) or a number of stations (station_count)
    value: float
    deadline: dt.date
    station_type: str | None
    created_on: dt.date
    note: str | None

    def core(self, scope: str | None = None) -> Target:
        """The `core.pacing.Target` (for `scope` when it is inherited by a unit below)."""
        return Target(scope if scope is not None else self.scope, self.measure, self.value, self.deadline,
                      None if self.station_type is None else StationType(self.station_type), self.created_on)

    def describe(self, lang: str = "zh") -> str:
        """'2025-12-31 前覆盖率达到 100.0%' / 'coverage 100.0% by 2025-12-31' for lists and messages."""
        day = self.deadline.isoformat()
        if self.measure is Measure.COVERAGE_RATE:
            pct = f"{self.value * 100:.1f}%"
            return f"coverage {pct} by {day}" if lang == "en" else f"{day} 前覆盖率达到 {pct}"
        n = f"{self.value:g}"
        return (f"{n} stations of type {self.station_type} by {day}" if lang == "en"
                else f"{day} 前{self.station_type}达到 {n} 个")

    def to_json(self) -> dict[str, Any]:
        return {"id": self.id, "scope": self.scope, "scope_name": self.scope_name, "measure": self.measure.value,
                "value": self.value, "deadline": self.deadline.isoformat(), "station_type": self.station_type,
                "created_on": self.created_on.isoformat(), "note": self.note}


@dataclass(frozen=True)
class LagRow:
    """A child below its line for one target, with its name."""

    code: str
    name: str
    lag: Lag

    def to_json(self) -> dict[str, Any]:
        doc = self.lag.to_json()
        doc.pop("child")
        return {"code": self.code, "name": self.name, **doc}


@dataclass(frozen=True)
class PacingReport:
    """Where a scope stands on `today` against each of its targets (own or inherited)."""

    scope: str
    name: str
    level: int
    today: dt.date
    villages_total: int
    villages_covered: int
    curve: list[CurvePoint]
    paces: list[tuple[TargetRow, Pace]]
    #: target id -> children below the target's line today, worst first
    lagging: dict[int, list[LagRow]]
    #: the ancestor whose targets these are; None when they are the scope's own (or there are none)
    inherited_from: str | None
    #: station type -> operating stations of that type per curve point (for station count targets)
    station_curves: dict[str, list[tuple[dt.date, int]]] = field(default_factory=dict)

    @property
    def rate(self) -> float:
        return self.villages_covered / self.villages_total if self.villages_total else 0.0

    def to_json(self) -> dict[str, Any]:
        targets = []
        for row, p in self.paces:
            doc: dict[str, Any] = {**row.to_json(), "pace": p.to_json(),
                                   "lagging": [lag.to_json() for lag in self.lagging.get(row.id, [])]}
            if row.measure is Measure.STATION_COUNT and row.station_type in self.station_curves:
                doc["curve"] = [{"month_end": d.isoformat(), "count": n}
                                for d, n in self.station_curves[row.station_type]]
            targets.append(doc)
        return {"scope": self.scope, "name": self.name, "level": level_name(self.level),
                "today": self.today.isoformat(), "villages_total": self.villages_total,
                "villages_covered": self.villages_covered, "rate": self.rate, "inherited_from": self.inherited_from,
                "curve": [p.to_json() for p in self.curve], "targets": targets}


@dataclass(frozen=True)
class UnitLine:
    """One row of the summary table."""

    code: str
    name: str
    total: int
    covered: int
    rate: float
    target: float | None
    deadline: dt.date | None
    gap: int | None


@dataclass(frozen=True)
class Summary:
    """Everything the summary prints."""

    scope: str
    name: str
    path: str
    level: int
    on: dt.date
    report: CoverageReport
    pacing: PacingReport
    units: list[UnitLine]
    units_level: int | None
    #: the coverage target the lagging list is measured against, and the units below its line
    lag_target: TargetRow | None
    lagging: list[LagRow]
    #: the recording instant the figures reflect (naive UTC): now, or the `--as-recorded-on` instant
    recorded_at: dt.datetime | None = None

    @property
    def coverage_paces(self) -> list[tuple[TargetRow, Pace]]:
        return [(t, p) for t, p in self.pacing.paces if t.measure is Measure.COVERAGE_RATE]

    @property
    def curve(self) -> list[CurvePoint]:
        return self.pacing.curve
