"""The coverage queries: 建制村 totals from the division table, covered villages from `village_cover`.

Why these shapes (issue 5's speed targets, DOMAIN.md §6):

* **Totals** are never counted from 620k village rows: every unit keeps its 建制村 count
  (`Division.villages`, plus `villages_like` when the registry counts 类似村委会), so the units of one
  level under a scope are one read of `ix_division_level_code`.
* **Covered** villages on a day D are the `village_cover` rows containing D. A village's periods are
  disjoint, so that is at most one row per village and a plain `COUNT(*)` is a count of villages;
  `village_cover` is a WITHOUT ROWID table clustered on (village_code, start_on), so one GROUP BY
  over a code range reads the scope's rows in order and nothing else.
* The 建制村 rule is on the code itself: VVV 200–399 is `substr(village_code, 10, 1) IN ('2', '3')`,
  and 500–599 adds '5'. Residents' committees a station happens to serve never count.
* **Curves** (covered at every month end) need no query per month: covered(D) = #periods started on
  or before D − #periods ended on or before D, so the starts and the ends grouped by day (a few
  thousand rows even for a province) are enough for any number of month ends.

Everything here takes a Core `Connection` and plain values, and returns plain tuples and dicts.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Sequence
from typing import Any

from sqlalchemy import ColumnElement, Connection, and_, case, func, literal_column, or_, select

from villagepost.core.divisions import Level
from villagepost.core.stations import StationStatus
from villagepost.storage.models import (
    SETTING_INCLUDE_VILLAGE_LIKE,
    Division,
    Setting,
    Station,
    StationSpan,
    VillageCover,
)
from villagepost.storage.queries import prefix_filter

#: sorts after every digit and after '-': `code < scope + AFTER` bounds station codes `<village>-NN` too
AFTER = ":"


def include_village_like(conn: Connection) -> bool:
    """The registry's denominator option: 类似村委会 (VVV 500–599) count as 建制村 too."""
    return conn.execute(select(Setting.value).where(Setting.key == SETTING_INCLUDE_VILLAGE_LIKE)).scalar() == "1"


def counted_digits(include_village_like: bool) -> tuple[str, ...]:
    """The first digit of VVV for the village-level units rural coverage counts (DOMAIN.md §2)."""
    return ("2", "3", "5") if include_village_like else ("2", "3")


def _counted(column: Any, include_village_like: bool) -> ColumnElement[bool]:
    return func.substr(column, literal_column("10"), literal_column("1")).in_(counted_digits(include_village_like))


def _under(column: Any, scope: str) -> ColumnElement[bool] | None:
    """`column` lies under `scope` ('' = the whole country: no condition)."""
    return prefix_filter(column, scope) if scope else None


def _station_under(column: Any, scope: str) -> ColumnElement[bool] | None:
    """A station code (`<village>-NN`) lies under `scope`: a key range, so the primary key serves it."""
    return and_(column >= scope, column < scope + AFTER) if scope else None


def _prefix(column: Any, length: int) -> ColumnElement[str]:
    """The first `length` characters of `column`, with the numbers inline: PostgreSQL only accepts a
    GROUP BY expression that is textually the selected one, and bound parameters would differ."""
    return func.substr(column, literal_column("1"), literal_column(str(int(length))))


def _where(*conditions: ColumnElement[bool] | None) -> list[ColumnElement[bool]]:
    return [c for c in conditions if c is not None]


def _contains(start: Any, end: Any, day: dt.date) -> ColumnElement[bool]:
    """The half-open period [start, end) contains `day` (end NULL = still so)."""
    return and_(start <= day, or_(end.is_(None), end > day))


# --- units and totals --------------------------------------------------------------------------------


def units_at_level(conn: Connection, scope: str, level: Level, include_village_like: bool
                   ) -> list[tuple[str, str, int]]:
    """(code, name, 建制村) of the current units of `level` under `scope`, in code order.

    At the village level only the units that count are listed (a 建制村 has `villages` = 1, a 类似村委会
    `villages_like` = 1): a township's residents' committees are not villages to cover.
    """
    total = Division.villages + Division.villages_like if include_village_like else Division.villages
    stmt = (select(Division.code, Division.name, total)
            .where(Division.level == int(level), Division.retired.is_(False),
                   *_where(_under(Division.code, scope)))
            .order_by(Division.code))
    if level is Level.VILLAGE:
        stmt = stmt.where(total > 0)
    return [(code, name, int(n)) for code, name, n in conn.execute(stmt)]


def any_unit(conn: Connection) -> bool:
    """True once any division unit is loaded."""
    return conn.execute(select(Division.code).limit(1)).first() is not None


def unit_total(conn: Connection, scope: str, include_village_like: bool) -> int:
    """The 建制村 of `scope` ('' = the country: the sum over the provinces)."""
    total = Division.villages + Division.villages_like if include_village_like else Division.villages
    if scope:
        value = conn.execute(select(total).where(Division.code == scope)).scalar()
    else:
        value = conn.execute(select(func.sum(total)).where(Division.level == int(Level.PROVINCE),
                                                          Division.retired.is_(False))).scalar()
    return int(value or 0)


# --- covered villages ---------------------------------------------------------------------------------


def covered_by_unit(conn: Connection, scope: str, length: int, on: dt.date, include_village_like: bool
                    ) -> dict[str, tuple[int, int]]:
    """Unit code prefix of `length` -> (covered 建制村, of them covered only through a 日期缺失 period) on `on`.

    One GROUP BY over the scope's `village_cover` rows; units without a covered village are absent.
    """
    vc = VillageCover
    unit = _prefix(vc.village_code, length)
    missing = func.sum(case((vc.date_missing.is_(True), 1), else_=0))
    stmt = (select(unit, func.count(), missing)
            .where(_contains(vc.start_on, vc.end_on, on), _counted(vc.village_code, include_village_like),
                   *_where(_under(vc.village_code, scope)))
            .group_by(unit))
    return {u: (int(n), int(m or 0)) for u, n, m in conn.execute(stmt)}


def covered_total(conn: Connection, scope: str, on: dt.date, include_village_like: bool) -> tuple[int, int]:
    """(covered 建制村, of them 日期缺失) of the whole `scope` on `on`."""
    vc = VillageCover
    missing = func.sum(case((vc.date_missing.is_(True), 1), else_=0))
    stmt = select(func.count(), missing).where(
        _contains(vc.start_on, vc.end_on, on), _counted(vc.village_code, include_village_like),
        *_where(_under(vc.village_code, scope)))
    n, m = conn.execute(stmt).one()
    return int(n), int(m or 0)


def first_cover_day(conn: Connection, scope: str, include_village_like: bool) -> dt.date | None:
    """The day the first 建制村 of `scope` became covered (None: never)."""
    vc = VillageCover
    stmt = select(func.min(vc.start_on)).where(_counted(vc.village_code, include_village_like),
                                               *_where(_under(vc.village_code, scope)))
    value = conn.execute(stmt).scalar()
    return _as_date(value)


def _as_date(value: Any) -> dt.date | None:
    # min() over a Date column comes back as text on SQLite (the aggregate loses the column type)
    if value is None or isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(str(value))


# --- changes by day, for curves ----------------------------------------------------------------------

#: per unit (or '' for the scope as a whole): sorted (day, +starts) and (day, +ends)
DayCounts = dict[str, tuple[list[tuple[dt.date, int]], list[tuple[dt.date, int]]]]


def _by_day(conn: Connection, stmt: Any) -> dict[str, list[tuple[dt.date, int]]]:
    out: dict[str, list[tuple[dt.date, int]]] = defaultdict(list)
    for unit, day, n in conn.execute(stmt).all():  # fetchall: one call, not one per row
        out[unit].append((_as_date(day), int(n)))  # type: ignore[arg-type]
    for days in out.values():
        days.sort()
    return out


def _split(conn: Connection, start: Any, end: Any, conditions: Sequence[ColumnElement[bool]], unit: Any
           ) -> DayCounts:
    starts = _by_day(conn, select(unit, start, func.count()).where(*conditions).group_by(unit, start))
    ends = _by_day(conn, select(unit, end, func.count()).where(end.is_not(None), *conditions).group_by(unit, end))
    return {u: (starts.get(u, []), ends.get(u, [])) for u in sorted(set(starts) | set(ends))}


def cover_changes(conn: Connection, scope: str, include_village_like: bool, length: int | None = None
                  ) -> DayCounts:
    """The covering periods of the scope's 建制村, as starts and ends counted by day.

    length None: one entry '' for the whole scope; else one entry per unit prefix of that length
    (the children of a pacing report).
    """
    vc = VillageCover
    unit = _prefix(vc.village_code, length or 0)
    conditions = _where(_counted(vc.village_code, include_village_like), _under(vc.village_code, scope))
    return _split(conn, vc.start_on, vc.end_on, conditions, unit)


def merged(changes: DayCounts) -> tuple[list[tuple[dt.date, int]], list[tuple[dt.date, int]]]:
    """The units' starts and ends summed day by day: the changes of the scope they divide."""
    starts: dict[dt.date, int] = defaultdict(int)
    ends: dict[dt.date, int] = defaultdict(int)
    for unit_starts, unit_ends in changes.values():
        for day, n in unit_starts:
            starts[day] += n
        for day, n in unit_ends:
            ends[day] += n
    return sorted(starts.items()), sorted(ends.items())


def station_changes(conn: Connection, scope: str, station_type: str) -> DayCounts:
    """Operating stations of `station_type` standing under `scope`, as span starts and ends by day
    (entry ''). A station's spans are disjoint and equal neighbours are joined, so spans containing D
    are stations operating as that type on D."""
    sp = StationSpan
    conditions = _where(sp.station_type == station_type, sp.status == StationStatus.OPERATING.value,
                        _station_under(sp.station_code, scope))
    return _split(conn, sp.start_on, sp.end_on, conditions, _prefix(sp.station_code, 0))


def stations_operating(conn: Connection, scope: str, station_type: str, on: dt.date) -> int:
    """Stations of `station_type` under `scope` operating on `on`."""
    sp = StationSpan
    stmt = select(func.count()).where(sp.station_type == station_type, sp.status == StationStatus.OPERATING.value,
                                      _contains(sp.start_on, sp.end_on, on),
                                      *_where(_station_under(sp.station_code, scope)))
    return int(conn.execute(stmt).scalar_one())


# --- station counts -----------------------------------------------------------------------------------


def station_counts(conn: Connection, scope: str, on: dt.date) -> list[tuple[str | None, str, str | None, int]]:
    """(type, status, coop, stations) of the stations standing under `scope` as they were on `on`.

    Type and status come from the span containing `on` (the history), the cooperation mode from the
    station row (it has no history). Stations that did not exist yet on `on` have no such span.
    """
    sp, st = StationSpan, Station
    stmt = (select(sp.station_type, sp.status, st.coop, func.count())
            .join(st, st.code == sp.station_code)
            .where(_contains(sp.start_on, sp.end_on, on), *_where(_station_under(sp.station_code, scope)))
            .group_by(sp.station_type, sp.status, st.coop))
    return [(t, s, c, int(n)) for t, s, c, n in conn.execute(stmt)]
