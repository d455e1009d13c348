"""Coverage of 建制村 for any scope, level and date; station counts; monthly curves (issue 5 item 3).

The rules are DOMAIN.md §6: a 建制村 is covered on D when an operating combined station serving it
operates on D. The history store has already turned every station's events into `village_cover`
periods (partial dates from the last day of their month or year, dateless stations from the day they
were recorded, mergers, closures, undos), so this module never re-derives a history: it counts.

* denominator: the 建制村 (VVV 200–399; 500–599 too when the registry's setting says so) of the
  official codes, kept per unit in `Division.villages` / `villages_like` — never what a roster listed;
* numerator: the `village_cover` rows containing D, for the same village classes;
* retired units count nowhere (they hold no covers and no counts).

The window (issue 7) and the printed summary (issue 6) call these functions; the CLI prints them.
"""

from __future__ import annotations

import datetime as dt
from bisect import bisect_right
from collections.abc import Sequence
from dataclasses import dataclass, field
from itertools import accumulate
from typing import Any

from villagepost.core import clock
from villagepost.core.coverage import CurvePoint, month_ends
from villagepost.core.divisions import Level
from villagepost.core.errors import KnownError
from villagepost.core.messages import tr
from villagepost.core.report_shapes import NATION_LEVEL, CoverageReport, UnitCoverage, _rate, level_name  # noqa: F401  (re-exported)
from villagepost.core.stations import StationStatus, StationType
from villagepost.services import coverage_messages as _messages  # noqa: F401  (registers the texts)
from villagepost.services import divisions as div_svc
from villagepost.services.registry import Registry
from villagepost.storage import coverage_queries as q
from villagepost.storage.audit_store import AuditBatch
from villagepost.storage.models import SETTING_INCLUDE_VILLAGE_LIKE, Setting


@dataclass(frozen=True)
class ScopeUnit:
    """A resolved scope: canonical code ('' = the whole country), official name, level (0 = country)."""

    code: str
    name: str
    level: int


def scope_unit(reg: Registry, scope: str) -> ScopeUnit:
    """The unit a user named (`640221`, `640221000000`, '' for the country), or the KnownError saying why not."""
    if not scope.strip():
        if not reg_has_units(reg):
            raise KnownError("div.empty_registry")
        return ScopeUnit("", tr("coverage.nation"), NATION_LEVEL)
    code = div_svc.parse_scope(scope)
    unit, _path = div_svc.require_unit(reg, code)
    return ScopeUnit(unit.code, unit.name, unit.level)


def reg_has_units(reg: Registry) -> bool:
    """Any division loaded (one indexed row, where counting 665k units would take a scan)."""
    with reg.read() as s:
        return q.any_unit(s.connection())


def child_level(unit: ScopeUnit, level: Level | None) -> Level | None:
    """The level children are listed at: `level`, else one below the scope; None under a village."""
    if level is None:
        return None if unit.level >= Level.VILLAGE else Level(unit.level + 1)
    if level <= unit.level:
        lower = [lv for lv in Level if lv > unit.level]
        allowed, allowed_zh = "/".join(lv.name.lower() for lv in lower), "、".join(lv.zh for lv in lower)
        if not lower:
            raise KnownError("coverage.no_level_below", scope=unit.code)
        raise KnownError("coverage.level_not_below", level=level.zh, level_en=level.name.lower(),
                         scope=unit.code or unit.name, scope_name=unit.name, scope_level=Level(unit.level).zh,
                         scope_level_en=level_name(unit.level), allowed=allowed_zh, allowed_en=allowed)
    return level


# --- the registry setting -------------------------------------------------------------------------


def include_village_like(reg: Registry) -> bool:
    """True when the registry counts 类似村委会 (VVV 500–599) as 建制村 too (a county's choice, DOMAIN.md §2)."""
    return reg.setting(SETTING_INCLUDE_VILLAGE_LIKE) == "1"


def set_include_village_like(reg: Registry, on: bool) -> None:
    """Switch the denominator option. It changes every figure of the registry, so only an actor whose
    scope is the whole registry may do it."""
    if not reg.actor.may_touch("") or not reg.actor.may_change_registry():
        raise KnownError("coverage.setting_not_allowed", actor=reg.actor.name, scopes=reg.actor.scope_text())
    with reg.write() as s:
        old = s.get(Setting, SETTING_INCLUDE_VILLAGE_LIKE)
        audit = AuditBatch(reg.actor)
        audit.changed("setting", SETTING_INCLUDE_VILLAGE_LIKE, "",
                      {"value": (None if old is None else old.value, "1" if on else "0")})
        s.merge(Setting(key=SETTING_INCLUDE_VILLAGE_LIKE, value="1" if on else "0"))
        audit.write(s)


# --- coverage on a date ---------------------------------------------------------------------------








def coverage(reg: Registry, scope: str, *, on: dt.date | None = None, level: Level | None = None) -> CoverageReport:
    """Coverage of `scope` on `on` (default today), and of its units at `level` (default one below).

    For a township, level VILLAGE lists its 建制村 with covered 0 or 1. Units with no 建制村 (街道 of
    residents' committees) are listed with total 0 and rate 0; retired units are not listed.
    """
    unit = scope_unit(reg, scope)
    below = child_level(unit, level)
    day = on or clock.today()
    with reg.read() as s:
        conn = s.connection()
        like = q.include_village_like(conn)
        total = q.unit_total(conn, unit.code, like)
        children: list[UnitCoverage] = []
        if below is None:
            covered, missing = q.covered_total(conn, unit.code, day, like)
        else:
            counts = q.covered_by_unit(conn, unit.code, below.code_length, day, like)
            # every covered 建制村 lies in exactly one unit of any level: one scan gives the scope's figures too
            covered, missing = sum(n for n, _ in counts.values()), sum(m for _, m in counts.values())
            children = [UnitCoverage(code, name, int(below), n, counts.get(code, (0, 0))[0])
                        for code, name, n in q.units_at_level(conn, unit.code, below, like)]
    return CoverageReport(unit.code, unit.name, unit.level, day, total, covered, children,
                          None if below is None else int(below), missing, like)


# --- station counts ---------------------------------------------------------------------------------

_TYPE_ORDER = {t.value: i for i, t in enumerate(StationType)}
_STATUS_ORDER = {s.value: i for i, s in enumerate(StationStatus)}


@dataclass(frozen=True)
class StationCount:
    """Stations of one type, status and cooperation mode on a date (status and type from the history)."""

    station_type: str | None
    status: str
    coop: str | None
    count: int

    def to_json(self) -> dict[str, Any]:
        return {"station_type": self.station_type, "status": self.status, "coop": self.coop, "count": self.count}


def station_counts(reg: Registry, scope: str, *, on: dt.date | None = None) -> list[StationCount]:
    """The stations standing in `scope`'s villages on `on` (default today) by type, status and coop.

    Closed and suspended stations are counted under their status; a station not yet opened (or
    planned only from a later day) is absent. Ordered by type, status, then cooperation mode.
    """
    unit = scope_unit(reg, scope)
    day = on or clock.today()
    with reg.read() as s:
        rows = q.station_counts(s.connection(), unit.code, day)
    out = [StationCount(t, st, c, n) for t, st, c, n in rows]
    out.sort(key=lambda r: (_TYPE_ORDER.get(r.station_type or "", len(_TYPE_ORDER)), r.station_type or "",
                            _STATUS_ORDER.get(r.status, len(_STATUS_ORDER)), r.coop or "\uffff"))
    return out


# --- curves -----------------------------------------------------------------------------------------


@dataclass
class Running:
    """Periods' starts and ends counted by day, for the number of periods containing any day:
    started on or before D minus ended on or before D (an end is exclusive)."""

    start_days: list[dt.date] = field(default_factory=list)
    start_totals: list[int] = field(default_factory=list)
    end_days: list[dt.date] = field(default_factory=list)
    end_totals: list[int] = field(default_factory=list)

    @classmethod
    def of(cls, changes: tuple[Sequence[tuple[dt.date, int]], Sequence[tuple[dt.date, int]]]) -> Running:
        starts, ends = changes
        return cls([d for d, _ in starts], list(accumulate(n for _, n in starts)),
                   [d for d, _ in ends], list(accumulate(n for _, n in ends)))

    def at(self, day: dt.date) -> int:
        i = bisect_right(self.start_days, day)
        j = bisect_right(self.end_days, day)
        return (self.start_totals[i - 1] if i else 0) - (self.end_totals[j - 1] if j else 0)

    @property
    def first_day(self) -> dt.date | None:
        return self.start_days[0] if self.start_days else None


def curve_points(running: Running, days: Sequence[dt.date], total: int) -> list[CurvePoint]:
    return [CurvePoint(day, running.at(day), total) for day in days]


def curve(reg: Registry, scope: str, first_month: dt.date, last_month: dt.date) -> list[CurvePoint]:
    """Covered 建制村 of `scope` at each month end from `first_month`'s month to `last_month`'s (inclusive),
    each point equal to `coverage(reg, scope, on=month_end).villages_covered`."""
    unit = scope_unit(reg, scope)
    with reg.read() as s:
        conn = s.connection()
        like = q.include_village_like(conn)
        total = q.unit_total(conn, unit.code, like)
        running = Running.of(q.cover_changes(conn, unit.code, like).get("", ([], [])))
    return curve_points(running, month_ends(first_month, last_month), total)
