"""Targets and pacing: how far a scope is from each dated target, and whether it is keeping up.

A target (DOMAIN.md §4) is a scope, a measure — the share of 建制村 covered, or a count of stations
of one type — a value and a deadline; a scope may have several (85% by 2024-12-31, 100% by
2025-12-31). Pacing reads the actual cumulative curve (one value per month end, from
`coverage.CoverageIndex.curve` or a station count per month) and answers, for a day `today`:

* achieved: the value today, and for coverage the rate;
* goal and gap: the villages (or stations) the target needs — ceil(value × total): 85% of 10 villages
  is 9 villages, since 8 would be 80% — and how many are missing, also in percentage points;
* months_left: the month ends still to come up to the deadline's month (today 2024-06-15, deadline
  2024-12-31: June to December = 7), and the monthly rate needed = gap / months_left;
* the trailing six-month rate: the average monthly increase over the last six complete months (the
  months that ended before today's month; fewer when the curve is shorter), and the projected date
  of full coverage at that rate — None, shown as "not at the current pace", when the rate is ≤ 0;
* for a deadline already past: the value on the deadline and whether the target was met then.

`lagging_children` names the children (townships of a county) whose coverage today is below the
straight line from their own coverage at the start of the plan to the target value at the deadline.
Why each child's own line rather than the county's rate: a township that started at 20% cannot be
expected to be at the county's 70% today, but it must be on its way to the same deadline.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from villagepost.core.coverage import CurvePoint, add_months, month_end
from villagepost.core.stations import StationType

#: tolerance for float comparisons of rates (85% of 20 is 17.000000000000004 in binary)
_EPS = 1e-9
#: the months the trailing rate averages over
TRAILING_MONTHS = 6


class Measure(StrEnum):
    COVERAGE_RATE = "coverage_rate"
    STATION_COUNT = "station_count"


@dataclass(frozen=True, slots=True)
class Target:
    """scope: a division code; value: a rate 0..1 (coverage_rate) or a count (station_count, with the
    station type counted); created_on: when the target was set — the default start of the lag line."""

    scope: str
    measure: Measure
    value: float
    deadline: dt.date
    station_type: StationType | None = None
    created_on: dt.date | None = None

    def __post_init__(self) -> None:
        if self.measure is Measure.COVERAGE_RATE:
            if not 0 < self.value <= 1:
                raise ValueError(f"a coverage target is a rate in (0, 1], not {self.value}")
            if self.station_type is not None:
                raise ValueError("a coverage target counts villages, not stations of a type")
        else:
            if self.value < 0:
                raise ValueError("a station count target is not negative")
            if self.station_type is None:
                raise ValueError("a station count target names the station type it counts")

    def goal(self, total: int | None) -> int:
        """The villages (coverage: ceil(value × total)) or stations (ceil(value)) the target needs."""
        if self.measure is Measure.COVERAGE_RATE:
            if total is None:
                raise ValueError("a coverage target needs the scope's number of 建制村")
            return math.ceil(self.value * total - _EPS)
        return math.ceil(self.value - _EPS)

    def to_json(self) -> dict[str, Any]:
        return {"scope": self.scope, "measure": self.measure.value, "value": self.value,
                "deadline": self.deadline.isoformat(),
                "station_type": None if self.station_type is None else self.station_type.value,
                "created_on": None if self.created_on is None else self.created_on.isoformat()}


def targets_in_order(targets: Sequence[Target], scope: str) -> list[Target]:
    """The targets of `scope` by deadline (then value): the order a pacing report lists them in."""
    return sorted((t for t in targets if t.scope == scope), key=lambda t: (t.deadline, t.measure, t.value))


Curve = Sequence[CurvePoint] | Sequence[tuple[dt.date, float]]


def _points(curve: Curve) -> list[tuple[dt.date, float]]:
    out = [(p.month_end, float(p.covered)) if isinstance(p, CurvePoint) else (p[0], float(p[1])) for p in curve]
    out.sort(key=lambda p: p[0])
    return out


def value_at(curve: Curve, day: dt.date) -> float:
    """The curve's value at the last month end on or before `day`; 0 before the curve starts."""
    value = 0.0
    for when, v in _points(curve):
        if when > day:
            break
        value = v
    return value


def months_left(today: dt.date, deadline: dt.date) -> int:
    """Month ends after `today` up to the deadline's month end; 0 once the deadline is reached."""
    if deadline <= today:
        return 0
    count = (deadline.year - today.year) * 12 + deadline.month - today.month
    return count + (1 if today < month_end(today) else 0)


def trailing_rate(curve: Curve, today: dt.date, months: int = TRAILING_MONTHS) -> tuple[float, int]:
    """(average monthly increase, months averaged) over the last `months` complete months before
    today's month. A curve starting later is averaged over the months it has; (0, 0) without any."""
    points = _points(curve)
    last = add_months(today, -1)
    points = [p for p in points if p[0] <= last]
    if len(points) < 2:
        return 0.0, 0
    first_wanted = add_months(last, -months)
    base_day = max(first_wanted, points[0][0])
    span = (last.year - base_day.year) * 12 + last.month - base_day.month
    if span <= 0:
        return 0.0, 0
    return (value_at(points, last) - value_at(points, base_day)) / span, span


@dataclass(frozen=True, slots=True)
class Pace:
    """Where a scope stands against one target on `today`. Counts are villages (coverage) or stations.

    needed_per_month None: the deadline is reached and a gap remains (no rate can close it).
    projected_full None: "not at the current pace" — the trailing rate is zero or negative.
    projected_full is the month end when the scope reaches 100% (coverage) or the target's count
    (stations) at the trailing rate; today when it is there already.
    """

    target: Target
    today: dt.date
    achieved: float
    total: int | None
    goal: int
    gap: int
    gap_points: float | None
    months_left: int
    needed_per_month: float | None
    trailing_per_month: float
    trailing_months: int
    projected_goal: dt.date | None
    projected_full: dt.date | None
    deadline_passed: bool
    value_on_deadline: float | None
    met_on_deadline: bool | None

    @property
    def achieved_rate(self) -> float | None:
        if self.target.measure is not Measure.COVERAGE_RATE or self.total is None:
            return None
        return self.achieved / self.total if self.total else 0.0

    @property
    def on_current_pace(self) -> bool:
        """False means the report says "not at the current pace" (按当前进度无法实现)."""
        return self.projected_full is not None

    def to_json(self) -> dict[str, Any]:
        def day(value: dt.date | None) -> str | None:
            return None if value is None else value.isoformat()

        return {
            "target": self.target.to_json(), "today": self.today.isoformat(), "achieved": self.achieved,
            "achieved_rate": self.achieved_rate, "total": self.total, "goal": self.goal, "gap": self.gap,
            "gap_points": self.gap_points, "months_left": self.months_left,
            "needed_per_month": self.needed_per_month, "trailing_per_month": self.trailing_per_month,
            "trailing_months": self.trailing_months, "projected_goal": day(self.projected_goal),
            "projected_full": day(self.projected_full), "on_current_pace": self.on_current_pace,
            "deadline_passed": self.deadline_passed, "value_on_deadline": self.value_on_deadline,
            "met_on_deadline": self.met_on_deadline,
        }


def _projected(remaining: float, rate: float, today: dt.date) -> dt.date | None:
    if remaining <= _EPS:
        return today
    if rate <= _EPS:
        return None
    return add_months(today, math.ceil(remaining / rate - _EPS))


def pace(target: Target, curve: Curve, today: dt.date, total: int | None = None, *, current: float | None = None,
         value_on_deadline: float | None = None) -> Pace:
    """The pacing of `target` on `today`.

    curve: (month_end, value) pairs or `CurvePoint`s — covered villages for a coverage target, stations
        of the target's type for a count target; cumulative, one per month.
    total: the scope's 建制村 (coverage targets; taken from CurvePoints when omitted).
    current: the value today if known exactly (e.g. `CoverageIndex.at(scope, today)`); by default the
        curve at the last month end on or before today.
    value_on_deadline: the exact value on a past deadline that is not a month end; by default the curve
        at the last month end on or before the deadline.
    """
    if total is None and target.measure is Measure.COVERAGE_RATE:
        totals = {p.total for p in curve if isinstance(p, CurvePoint)}
        if len(totals) != 1:
            raise ValueError("a coverage target needs the scope's number of 建制村 (total=)")
        total = totals.pop()
    achieved = value_at(curve, today) if current is None else float(current)
    goal = target.goal(total)
    gap = max(0, math.ceil(goal - achieved - _EPS))
    gap_points = None
    if target.measure is Measure.COVERAGE_RATE and total is not None:
        # a scope without 建制村 has nothing left to cover: no gap, although its rate is 0
        gap_points = max(0.0, (target.value - achieved / total) * 100) if total else 0.0
    left = months_left(today, target.deadline)
    needed = (gap / left if left else None) if gap else 0.0
    rate, span = trailing_rate(curve, today)
    full = float(total) if target.measure is Measure.COVERAGE_RATE and total is not None else float(goal)
    passed = target.deadline < today
    on_deadline = None
    met = None
    if passed:
        on_deadline = value_at(curve, target.deadline) if value_on_deadline is None else float(value_on_deadline)
        met = on_deadline + _EPS >= goal
    return Pace(target, today, achieved, total, goal, gap, gap_points, left, needed, rate, span,
                _projected(goal - achieved, rate, today), _projected(full - achieved, rate, today),
                passed, on_deadline, met)


@dataclass(frozen=True, slots=True)
class Lag:
    """A child below its line: its rate today, the line's value today, and the shortfall."""

    child: str
    total: int
    covered: float
    rate: float
    line: float
    start: dt.date
    start_rate: float
    #: the plan starts today (the target was set today): the child is measured against the target value
    #: at the deadline, not a line that has not moved yet (which no child could fall below)
    against_deadline: bool = False

    @property
    def shortfall_points(self) -> float:
        return (self.line - self.rate) * 100

    @property
    def shortfall_villages(self) -> int:
        """Villages to cover to be back on the line today."""
        return max(0, math.ceil(self.line * self.total - _EPS) - math.ceil(self.covered - _EPS))

    def to_json(self) -> dict[str, Any]:
        return {"child": self.child, "total": self.total, "covered": self.covered, "rate": self.rate,
                "line": self.line, "start": self.start.isoformat(), "start_rate": self.start_rate,
                "shortfall_points": self.shortfall_points, "shortfall_villages": self.shortfall_villages,
                "against_deadline": self.against_deadline}


def line_value(start: dt.date, start_rate: float, target: Target, day: dt.date) -> float:
    """The lag line on `day`: straight (by days) from `start_rate` on `start` to the target value on
    the deadline; before the start it is the start rate, from the deadline on (or when the deadline
    is not after the start) the target value. A
    child already above the target at the start has a line that falls to the target, so it never
    lags while it stays at or above the line."""
    if target.deadline <= start or day >= target.deadline:
        return target.value
    if day <= start:
        return start_rate
    share = (day - start).days / (target.deadline - start).days
    return start_rate + (target.value - start_rate) * share


def plan_starts_on(target: Target, today: dt.date) -> bool:
    """Whether the plan of `target` starts `today` (set today): then children are ranked against the deadline."""
    return target.created_on is not None and target.created_on >= today


def count_text(value: float) -> str:
    """A count of villages or stations: whole, never with decimals (a curve value can be fractional)."""
    return f"{round(value):,}"


def rate_text(value: float) -> str:
    """A monthly rate (villages or stations a month): at most one decimal, none when whole (95, 7.3)."""
    text = f"{value:,.1f}"
    return text[:-2] if text.endswith(".0") else text


def lagging_children(children_curves: Mapping[str, Sequence[CurvePoint]], target: Target, today: dt.date, *,
                     start: dt.date | None = None, current: Mapping[str, float] | None = None) -> list[Lag]:
    """The children whose coverage today is below their line (see `line_value`), worst first.

    children_curves: child code -> its monthly curve (`CoverageIndex.children_curves`).
    start: the start of the plan; default the target's `created_on`, else the child's first month end.
        The child's start rate is its curve at the last month end on or before the start (0 before
        the curve begins).
    current: child -> covered villages today, when known exactly; default the curve as in `pace`.
    Children without 建制村 never lag. Only coverage targets have a line per child: a station count
    set for a county says nothing about how it divides among townships.
    """
    if target.measure is not Measure.COVERAGE_RATE:
        raise ValueError("lagging children are measured against a coverage target")
    out: list[Lag] = []
    for child, curve in children_curves.items():
        if not curve:
            continue
        total = curve[0].total
        if total == 0:
            continue
        begin = start or target.created_on or min(p.month_end for p in curve)
        start_rate = value_at(curve, begin) / total
        covered = value_at(curve, today) if current is None or child not in current else float(current[child])
        rate = covered / total
        fresh = begin >= today
        line = target.value if fresh else line_value(begin, start_rate, target, today)
        if rate + _EPS < line:
            out.append(Lag(child, total, covered, rate, line, begin, start_rate, fresh))
    out.sort(key=lambda lag: (-lag.shortfall_points, lag.child))
    return out
