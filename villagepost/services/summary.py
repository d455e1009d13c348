"""The numbers of the printed coverage summary, gathered once for the PDF and the workbook alike.

Every number comes from the coverage and pacing services (services.coverage, services.pacing,
services.targets), never recomputed here, so the paper says what `villagepost coverage` and
`villagepost pacing` say on the same date. The per-unit target is the unit's own coverage target with
the nearest deadline on or after the date (a later one once all have passed), else the scope's; the gap
is the 建制村 still missing to reach it (0 when reached).
"""

from __future__ import annotations

import datetime as dt
import math

from villagepost.core import clock
from villagepost.core.divisions import Level
from villagepost.core.pacing import Measure
from villagepost.core.report_shapes import Summary, UnitLine
from villagepost.services.coverage import coverage
from villagepost.services.divisions import require_unit
from villagepost.services.pacing import pacing
from villagepost.services.registry import Registry
from villagepost.services.targets import TargetRow, list_targets

_EPS = 1e-9





def next_target(rows: list[TargetRow], on: dt.date) -> TargetRow | None:
    """The coverage target that matters on `on`: the nearest deadline not passed, else the last one."""
    rates = sorted((r for r in rows if r.measure is Measure.COVERAGE_RATE), key=lambda r: (r.deadline, r.id))
    if not rates:
        return None
    coming = [r for r in rates if r.deadline >= on]
    return coming[0] if coming else rates[-1]


def gap_of(target: float | None, total: int, covered: int) -> int | None:
    if target is None:
        return None
    return max(0, math.ceil(target * total - covered - _EPS))


def summary(reg: Registry, scope: str, *, on: dt.date | None = None, level: Level | None = None,
            recorded_at: dt.datetime | None = None) -> Summary:
    """Gather the summary of `scope` on `on` (default today), its units one level below (or at `level`).

    recorded_at: the recording instant the figures reflect (naive UTC), printed on the summary; default now.
    The caller replays the registry to that instant (`as_recorded.replaying`) when it lies in the past.
    """
    day = on or clock.today()
    recorded = recorded_at or clock.utc_stamp()
    report = coverage(reg, scope, on=day, level=level)
    _, path = require_unit(reg, report.scope)
    pace_report = pacing(reg, report.scope, today=day)
    scope_target = next_target([t for t, _ in pace_report.paces], day)
    own: dict[str, list[TargetRow]] = {}
    for row in list_targets(reg, report.scope):
        own.setdefault(row.scope, []).append(row)
    units = []
    for child in report.children:
        target = next_target(own.get(child.code, []), day) or scope_target
        value = target.value if target is not None else None
        units.append(UnitLine(child.code, child.name, child.villages_total, child.villages_covered, child.rate, value,
                              target.deadline if target is not None else None,
                              gap_of(value, child.villages_total, child.villages_covered)))
    lagging = pace_report.lagging.get(scope_target.id, []) if scope_target is not None else []
    return Summary(report.scope, report.name, path, report.level, day, report, pace_report, units,
                   report.children_level, scope_target, lagging, recorded)
