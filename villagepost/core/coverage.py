"""Coverage of 建制村 by operating combined stations, at any date, for any scope and level (DOMAIN.md §6).

A 建制村 is covered on D when at least one combined station serving it (where it stands, or recorded as
serving it) operates on D. The rate of a scope is covered / all 建制村 of the scope, the denominator
taken from the division codes the caller passes (never from what a roster listed), and 0 for a scope
without any 建制村. Counts roll up by code prefix: village (12) → township (9) → county (6) → city (4) →
province (2).

Input shape for the storage layer (plain values, no ORM objects):

* the 建制村 of the registry as 12-digit codes (`counted_villages` applies the VVV rule: 200–399, and
  500–599 when the registry setting says so);
* one `StationCover` per station: its key, the villages it serves (its own first) and its combined
  periods (`history.periods`, or `history.periods_by_station` for many stations at once).

How it stays fast at national size (620k villages, 300k stations): `CoverageIndex` sorts the village
codes once, so every scope is a contiguous range found by bisection, and stores each village's covering
periods already joined into disjoint intervals (day ordinals) in one flat array in village order
(compressed-row layout). Because a village's intervals are disjoint, "villages covered on D" equals
"intervals containing D", which needs no per-village bookkeeping:

* building: O(S·k + I log I) for S stations serving k villages each, I intervals;
* one scope on one date: O(log V + I_scope) — one pass over the scope's intervals;
* children at a level: the same pass, cut at the children's boundaries (precomputed per level);
* a monthly curve: sort the scope's starts and ends once, then two bisections per month:
  O(I_scope log I_scope + M log I_scope).
"""

from __future__ import annotations

import datetime as dt
from bisect import bisect_left, bisect_right
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from itertools import compress
from typing import Any

from villagepost.core.divisions import CODE_LENGTHS, Level, VillageClass, village_class
from villagepost.core.history import Period, StationRecord
from villagepost.core.stations import StationStatus

#: ordinal standing for "no end yet" (after any real date)
_OPEN_END = dt.date.max.toordinal() + 1
#: sorts after every digit, so `scope + _AFTER` bounds the codes starting with `scope`
_AFTER = ":"
#: scopes with fewer 建制村 than this are cut into children directly, not via the level tables
_LOCAL_SCAN = 20_000


def counted_villages(codes: Iterable[str], include_village_like: bool = False) -> list[str]:
    """The codes that rural coverage counts: 村委会 (VVV 200–399), plus 类似村委会 (500–599) when the
    registry's setting includes them (DOMAIN.md §2)."""
    wanted = {VillageClass.VILLAGE, VillageClass.VILLAGE_LIKE} if include_village_like else {VillageClass.VILLAGE}
    return [c for c in codes if village_class(c) in wanted]


@dataclass(frozen=True, slots=True)
class StationCover:
    """What one station contributes: the villages it serves (its own first) and its combined periods."""

    station: str
    villages: tuple[str, ...]
    periods: tuple[Period, ...]


@dataclass(frozen=True, slots=True)
class Coverage:
    """Coverage of one scope on one date."""

    scope: str
    on: dt.date
    villages_total: int
    villages_covered: int

    @property
    def rate(self) -> float:
        """covered / total as 0..1; 0 for a scope without 建制村 (nothing to cover is not 'all covered')."""
        return self.villages_covered / self.villages_total if self.villages_total else 0.0

    @property
    def level(self) -> Level | None:
        return Level.from_code_length(len(self.scope)) if self.scope else None

    def to_json(self) -> dict[str, Any]:
        return {"scope": self.scope, "on": self.on.isoformat(), "villages_total": self.villages_total,
                "villages_covered": self.villages_covered, "rate": self.rate}


@dataclass(frozen=True, slots=True)
class CurvePoint:
    """The cumulative coverage of a scope at the end of one month."""

    month_end: dt.date
    covered: int
    total: int

    @property
    def rate(self) -> float:
        return self.covered / self.total if self.total else 0.0

    def to_json(self) -> dict[str, Any]:
        return {"month_end": self.month_end.isoformat(), "covered": self.covered, "total": self.total,
                "rate": self.rate}


def month_end(day: dt.date) -> dt.date:
    """The last day of `day`'s month."""
    nxt = dt.date(day.year + day.month // 12, day.month % 12 + 1, 1)
    return nxt - dt.timedelta(days=1)


def add_months(day: dt.date, months: int) -> dt.date:
    """The last day of the month `months` after `day`'s month (negative goes back)."""
    index = day.year * 12 + day.month - 1 + months
    return month_end(dt.date(index // 12, index % 12 + 1, 1))


def month_ends(first: dt.date, last: dt.date) -> list[dt.date]:
    """The month ends from `first`'s month to `last`'s month, both included."""
    count = (last.year - first.year) * 12 + last.month - first.month + 1
    return [add_months(first, i) for i in range(count)]


def _scope_prefix(scope: str) -> str:
    """Canonical scope: '' is everything; a 12-digit padded code ('640221000000') is unpadded."""
    if scope and len(scope) not in CODE_LENGTHS.values():
        raise ValueError(f"not a division code: {scope!r}")
    if len(scope) == 12 and scope.endswith("000"):
        stripped = scope
        for length in (9, 6, 4, 2):
            if stripped[length:].strip("0") == "":
                stripped = stripped[:length]
        return stripped
    return scope


class CoverageIndex:
    """The 建制村 of a registry and their covering intervals, ready for date/scope/level queries.

    Villages served by a station but absent from `villages` (a residents' committee, a village of
    another scope) do not count: the denominator and the numerator are over the same codes.
    """

    def __init__(self, villages: Iterable[str], covers: Iterable[StationCover]) -> None:
        self.codes: list[str] = sorted(set(villages))
        position = {code: i for i, code in enumerate(self.codes)}
        spans: dict[int, list[tuple[int, int]]] = defaultdict(list)
        self._stations: dict[int, list[tuple[str, tuple[Period, ...]]]] = defaultdict(list)
        for cover in covers:
            if not cover.periods:
                continue
            ords = [(p.start.toordinal(), _OPEN_END if p.end is None else p.end.toordinal()) for p in cover.periods]
            for village in dict.fromkeys(cover.villages):
                i = position.get(village)
                if i is not None:
                    spans[i].extend(ords)
                    self._stations[i].append((cover.station, cover.periods))
        starts: list[int] = []
        ends: list[int] = []
        offsets = [0]
        for i in range(len(self.codes)):
            own = spans.get(i)
            if own is not None:
                if len(own) == 1 and own[0][0] < own[0][1]:
                    starts.append(own[0][0])
                    ends.append(own[0][1])
                else:
                    for s, e in _joined(own):
                        starts.append(s)
                        ends.append(e)
            offsets.append(len(starts))
        self._starts = starts
        self._ends = ends
        self._offsets = offsets
        self._groups: dict[int, tuple[list[str], list[int]]] = {}

    @classmethod
    def from_village_periods(cls, villages: Iterable[str],
                             covering: Mapping[str, Iterable[Period]]) -> CoverageIndex:
        """An index from periods already attached to villages (village code -> periods of any stations)."""
        return cls(villages, (StationCover(code, (code,), tuple(ps)) for code, ps in covering.items()))

    # --- ranges ---------------------------------------------------------------------------------

    def _village_range(self, scope: str) -> tuple[int, int]:
        if not scope:
            return 0, len(self.codes)
        return bisect_left(self.codes, scope), bisect_left(self.codes, scope + _AFTER)

    def _count(self, v0: int, v1: int, day: int) -> int:
        a, b = self._offsets[v0], self._offsets[v1]
        return sum(1 for s, e in zip(self._starts[a:b], self._ends[a:b], strict=True) if s <= day < e)

    def _level_groups(self, length: int) -> tuple[list[str], list[int]]:
        """Per level: each unit's code prefix and the index of its first village (sorted codes)."""
        groups = self._groups.get(length)
        if groups is None:
            prefixes: list[str] = []
            firsts: list[int] = []
            last = None
            for i, code in enumerate(self.codes):
                prefix = code[:length]
                if prefix != last:
                    prefixes.append(prefix)
                    firsts.append(i)
                    last = prefix
            groups = self._groups[length] = (prefixes, firsts)
        return groups

    # --- queries --------------------------------------------------------------------------------

    def total(self, scope: str = "") -> int:
        """The 建制村 of `scope`."""
        v0, v1 = self._village_range(_scope_prefix(scope))
        return v1 - v0

    def at(self, scope: str, on: dt.date) -> Coverage:
        """Coverage of `scope` ('' = all) on `on`."""
        scope = _scope_prefix(scope)
        v0, v1 = self._village_range(scope)
        return Coverage(scope, on, v1 - v0, self._count(v0, v1, on.toordinal()))

    def children(self, scope: str, level: Level | int, on: dt.date, include: Iterable[str] = ()) -> list[Coverage]:
        """Coverage of each unit at `level` (a `Level`, or a code length 2/4/6/9/12) within `scope` on `on`.

        Units come from the 建制村 codes, in code order; `include` adds units of that level the caller
        knows of that have no 建制村 (a 街道 of residents' committees), reported with total 0 and rate 0.
        """
        scope = _scope_prefix(scope)
        length = level.code_length if isinstance(level, Level) else int(level)
        if length not in CODE_LENGTHS.values() or length < len(scope):
            raise ValueError(f"level of {length} digits is not below scope {scope!r}")
        v0, v1 = self._village_range(scope)
        if length in self._groups or v1 - v0 > _LOCAL_SCAN:
            prefixes, firsts = self._level_groups(length)
            g0 = bisect_left(prefixes, scope)
            g1 = bisect_left(prefixes, scope + _AFTER) if scope else len(prefixes)
            units, bounds = prefixes[g0:g1], [*firsts[g0:g1], v1]
        else:  # a small scope: cutting its own codes beats building the level's table for the country
            units, bounds = [], []
            for i in range(v0, v1):
                prefix = self.codes[i][:length]
                if not units or units[-1] != prefix:
                    units.append(prefix)
                    bounds.append(i)
            bounds.append(v1)
        day = on.toordinal()
        out = [Coverage(u, on, bounds[g + 1] - bounds[g], self._count(bounds[g], bounds[g + 1], day))
               for g, u in enumerate(units)]
        extra = {u for u in include if len(u) == length and u.startswith(scope)} - set(units)
        if extra:
            out.extend(Coverage(u, on, 0, 0) for u in extra)
            out.sort(key=lambda c: c.scope)
        return out

    def curve(self, scope: str, first_month: dt.date, last_month: dt.date) -> list[CurvePoint]:
        """Cumulative coverage of `scope` at each month end from `first_month` to `last_month` (inclusive).

        Equal, point by point, to `at(scope, month_end)`; computed with one sort and two bisections
        per month.
        """
        scope = _scope_prefix(scope)
        v0, v1 = self._village_range(scope)
        a, b = self._offsets[v0], self._offsets[v1]
        starts = sorted(self._starts[a:b])
        ends = sorted(self._ends[a:b])
        total = v1 - v0
        out = []
        for end in month_ends(first_month, last_month):
            day = end.toordinal()
            out.append(CurvePoint(end, bisect_right(starts, day) - bisect_right(ends, day), total))
        return out

    def children_curves(self, scope: str, level: Level | int, first_month: dt.date,
                        last_month: dt.date) -> dict[str, list[CurvePoint]]:
        """`curve` of every unit at `level` within `scope` (input to `pacing.lagging_children`)."""
        length = level.code_length if isinstance(level, Level) else int(level)
        units = [c.scope for c in self.children(scope, length, first_month)]
        return {u: self.curve(u, first_month, last_month) for u in units}

    def covered_on(self, village: str, on: dt.date) -> bool:
        """True when the 建制村 `village` is covered on `on` (False for codes not counted)."""
        i = bisect_left(self.codes, village)
        if i == len(self.codes) or self.codes[i] != village:
            return False
        return self._count(i, i + 1, on.toordinal()) > 0

    def covered_villages(self, scope: str, on: dt.date) -> list[str]:
        """The covered 建制村 of `scope` on `on`, in code order (for lists and checklists)."""
        v0, v1 = self._village_range(_scope_prefix(scope))
        day = on.toordinal()
        offsets, starts, ends = self._offsets, self._starts, self._ends
        flags = (any(starts[k] <= day < ends[k] for k in range(offsets[i], offsets[i + 1])) for i in range(v0, v1))
        return list(compress(self.codes[v0:v1], flags))

    def covering_stations(self, village: str, on: dt.date) -> list[tuple[str, bool]]:
        """The stations covering `village` on `on`, each with its 日期缺失 flag (the covering period's
        start rests on a recording day, not on a known date)."""
        i = bisect_left(self.codes, village)
        if i == len(self.codes) or self.codes[i] != village:
            return []
        out = []
        for station, spans in self._stations.get(i, ()):
            for p in spans:
                if p.contains(on):
                    out.append((station, p.date_missing))
                    break
        return out


def _joined(spans: Iterable[tuple[int, int]]) -> list[tuple[int, int]]:
    """Half-open intervals joined where they overlap or touch; empty ones dropped."""
    out: list[tuple[int, int]] = []
    for s, e in sorted(spans):
        if e <= s:
            continue
        if out and s <= out[-1][1]:
            if e > out[-1][1]:
                out[-1] = (out[-1][0], e)
        else:
            out.append((s, e))
    return out


# --- station counts from plain records -------------------------------------------------------------


def record_status_on(record: StationRecord, on: dt.date) -> StationStatus | None:
    """A plain record's status during `on`, by the same rules as its implied history
    (`history.events_from_record`): None before it existed.

    * planned: PLANNED from the day it was recorded;
    * otherwise it operates from its opening (last day of a partial date; recorded_on when dateless);
    * a suspended or closed station still served on the day its status began (§6: "not closed before
      D"), and is suspended/closed after it; with no such day known, after its opening day.
    The type is the record's current type: records carry no type history (events do).
    """
    if record.status is StationStatus.PLANNED:
        return StationStatus.PLANNED if on >= record.recorded_on else None
    start = record.opened.last_day if record.opened is not None else record.recorded_on
    if on < start:
        return None
    if record.status in (StationStatus.SUSPENDED, StationStatus.CLOSED):
        since = record.status_since if record.status_since is not None and record.status_since >= start else start
        if on > since:
            return record.status
    return StationStatus.OPERATING


_DIMENSIONS = ("type", "status", "coop")


def station_counts(records: Iterable[StationRecord], on: dt.date, by: Sequence[str] = _DIMENSIONS,
                   scope: str = "") -> dict[tuple[str | None, ...], int]:
    """Stations of `scope` (by the village they stand in) existing on `on`, counted by the dimensions
    `by` (any of 'type', 'status', 'coop', in the order wanted): key tuple -> count. O(S)."""
    for name in by:
        if name not in _DIMENSIONS:
            raise ValueError(f"unknown dimension {name!r}; use {_DIMENSIONS}")
    scope = _scope_prefix(scope)
    counts: Counter[tuple[str | None, ...]] = Counter()
    for record in records:
        if scope and not record.village.startswith(scope):
            continue
        status = record_status_on(record, on)
        if status is None:
            continue
        values = {"type": None if record.station_type is None else record.station_type.value,
                  "status": status.value, "coop": record.coop}
        counts[tuple(values[name] for name in by)] += 1
    return dict(counts)
