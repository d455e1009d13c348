"""Pacing of a scope against its targets (issue 5 item 5, DOMAIN.md §4): the actual cumulative curve by
month and, for each target, achieved today, gap, the monthly rate needed, the trailing six-month rate
with the projected date of full coverage, and the children (townships of a county) below their line.

The maths is `core.pacing` (tested by hand there); this module feeds it exact figures from the
registry:

* the curve runs from the first month in which a 建制村 of the scope was covered (or the month the
  earliest target was set, if earlier) to `today`'s month. Its last point is `today` itself, not the
  end of today's month: a point at 2025-03-31 computed on 2025-03-15 would count events dated after
  today. Every point is exact (periods containing the day, as `coverage` counts them);
* a target inherited from an ancestor (a township paced against its county's "100% by 2025") is a
  coverage target only: a county's count of stations says nothing about one township's share;
* lagging children are listed for scopes whose children are townships or larger units. Below a
  township the children are single villages, each 0% or 100%: "lagging" would just list every
  uncovered village, which the village list already shows.
"""

from __future__ import annotations

import datetime as dt

from villagepost.core import clock
from villagepost.core.coverage import month_ends
from villagepost.core.divisions import Level
from villagepost.core.pacing import Measure, Pace, lagging_children, pace
from villagepost.core.report_shapes import LagRow, PacingReport
from villagepost.services.coverage import Running, curve_points, scope_unit
from villagepost.services.registry import Registry
from villagepost.services.targets import TargetRow, targets_for
from villagepost.storage import coverage_queries as q


def curve_days(first: dt.date, today: dt.date) -> list[dt.date]:
    """The month ends from `first`'s month before `today`, then `today` (see the module docstring)."""
    first = min(first, today)
    return [m for m in month_ends(first, today) if m < today] + [today]


def pacing(reg: Registry, scope: str, *, today: dt.date | None = None) -> PacingReport:
    """The pacing report of `scope` on `today` (default: the real today)."""
    unit = scope_unit(reg, scope)
    day = today or clock.today()
    rows, owner = targets_for(reg, unit.code) if unit.code else ([], "")
    inherited = owner if rows and owner != unit.code else None
    if inherited is not None:
        rows = [r for r in rows if r.measure is Measure.COVERAGE_RATE]
    with_children = unit.level < Level.TOWNSHIP  # the children are townships or larger
    child = Level(min(unit.level + 1, Level.VILLAGE))  # a village has no children: `with_children` is False
    with reg.read() as s:
        conn = s.connection()
        like = q.include_village_like(conn)
        total = q.unit_total(conn, unit.code, like)
        kids: dict[str, tuple[str, int, Running]] = {}
        if with_children and any(r.measure is Measure.COVERAGE_RATE for r in rows):
            changes = q.cover_changes(conn, unit.code, like, child.code_length)
            kids = {code: (name, n, Running.of(changes.get(code, ([], []))))
                    for code, name, n in q.units_at_level(conn, unit.code, child, like)}
            # the children divide the scope: their changes summed are the scope's (one scan, not two)
            running = Running.of(q.merged(changes))
        else:
            running = Running.of(q.cover_changes(conn, unit.code, like).get("", ([], [])))
        starts = [d for d in (running.first_day, *(r.created_on for r in rows)) if d is not None]
        days = curve_days(min(starts) if starts else day, day)
        station_running = {r.station_type: Running.of(q.station_changes(conn, unit.code, r.station_type)
                                                      .get("", ([], [])))
                           for r in rows if r.measure is Measure.STATION_COUNT and r.station_type is not None}
    points = curve_points(running, days, total)
    station_curves = {t: [(d, run.at(d)) for d in days] for t, run in station_running.items()}
    paces: list[tuple[TargetRow, Pace]] = []
    lagging: dict[int, list[LagRow]] = {}
    for row in rows:
        target = row.core(unit.code)
        passed = row.deadline < day
        if row.measure is Measure.COVERAGE_RATE:
            p = pace(target, points, day, total, current=running.at(day),
                     value_on_deadline=running.at(row.deadline) if passed else None)
            if kids:
                curves = {code: curve_points(run, days, n) for code, (_name, n, run) in kids.items()}
                current = {code: float(run.at(day)) for code, (_name, _n, run) in kids.items()}
                lagging[row.id] = [LagRow(lag.child, kids[lag.child][0], lag)
                                   for lag in lagging_children(curves, target, day, current=current)]
        else:
            assert row.station_type is not None
            run = station_running[row.station_type]
            p = pace(target, station_curves[row.station_type], day, current=run.at(day),
                     value_on_deadline=run.at(row.deadline) if passed else None)
        paces.append((row, p))
    return PacingReport(unit.code, unit.name, unit.level, day, total, running.at(day), points, paces, lagging,
                        inherited, station_curves)

