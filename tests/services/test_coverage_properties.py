"""Properties of the coverage service on a real county (金凤区 640106, 20 建制村) with random histories.

Each example records random stations and events through the station service (the one path the editor
and the CLI use), then checks:

* coverage is never above 100%, and the townships' covered and total sum to the county's;
* coverage on D never depends on events dated after D (record more of them, compare);
* the service's SQL equals `core.coverage.CoverageIndex` built from the same histories (events read
  back and replayed by `core.history.periods`), on any date, by township and as a monthly curve.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from sqlalchemy import delete, select

from villagepost.core.coverage import CoverageIndex, StationCover, counted_villages
from villagepost.core.divisions import Level
from villagepost.core.errors import KnownError
from villagepost.core.history import periods
from villagepost.services import coverage as svc
from villagepost.services import station_ops as ops
from villagepost.services.registry import Registry
from villagepost.storage import history_store
from villagepost.storage.models import (
    Division,
    Station,
    StationEvent,
    StationEventPartner,
    StationSpan,
    StationVillage,
    VillageCover,
)

D = dt.date
COUNTY = "640106"
#: the county's 20 建制村 and one residents' committee (a station there must never count)
VILLAGES = ["640106001200", "640106002201", "640106002202", "640106002210", "640106002220",
            *(f"640106100{v}" for v in range(200, 208)), *(f"640106101{v}" for v in range(201, 208)),
            "640106001002"]
TYPES = ["村邮站", "快递超市", "村邮站+快递超市", "综合服务站"]
#: combined types drawn more often, so most examples cover something
DRAWN_TYPES = [*TYPES, "村邮站+快递超市", "综合服务站"]
FIRST, LAST = D(2020, 1, 1), D(2024, 12, 31)
days = st.dates(FIRST, LAST)
#: the days asked about: mostly after the first openings
asked = st.dates(D(2021, 1, 1), D(2025, 6, 30))


@st.composite
def partial_dates(draw: st.DrawFn) -> str | None:
    day = draw(days)
    precision = draw(st.sampled_from(["day", "day", "month", "year", "none"]))
    return {"day": day.isoformat(), "month": day.isoformat()[:7], "year": str(day.year), "none": None}[precision]


stations = st.lists(st.tuples(st.sampled_from(VILLAGES), st.sampled_from(DRAWN_TYPES), partial_dates(), days,
                              st.lists(st.sampled_from(VILLAGES), max_size=2)), min_size=2, max_size=8)
actions = st.lists(st.tuples(st.sampled_from(["close", "suspend", "reopen", "merge", "retype", "undo"]),
                             st.integers(0, 20), st.integers(0, 20), days, days), max_size=8)


def _reset(reg: Registry) -> None:
    """Forget every station (hypothesis runs many examples on one registry)."""
    with reg.connection() as conn:
        for table in (VillageCover, StationSpan, StationEventPartner, StationEvent, StationVillage, Station):
            conn.execute(delete(table))


def _record(reg: Registry, new: list[tuple[str, str, str | None, dt.date, list[str]]],
            todo: list[tuple[str, int, int, dt.date, dt.date]], *, not_before: dt.date = FIRST) -> None:
    """Add the stations and try the actions; refusals (a closed station closed again …) are skipped."""
    codes: list[str] = []
    for i, (village, stype, opened, drawn_day, drawn_served) in enumerate(new):
        if opened is not None and opened < not_before.isoformat()[: len(opened)]:
            continue
        recorded = max(drawn_day, not_before, _last_day(opened))
        served = [v for v in drawn_served if v != village] or None
        draft = ops.StationDraft(village, f"站点{not_before:%Y%m%d}-{i}", station_type=stype, opened=opened,
                                 served=served)
        try:
            codes.append(ops.add_station(reg, draft, today=recorded))
        except KnownError:
            continue
    with reg.read() as s:
        codes = list(s.scalars(select(Station.code).order_by(Station.code)))
        event_ids = list(s.scalars(select(StationEvent.id)))
    if not codes:
        return
    for kind, a, b, on, recorded in todo:
        if on < not_before:
            continue
        station, other = codes[a % len(codes)], codes[b % len(codes)]
        today = max(on, recorded)
        try:
            if kind == "close":
                ops.close_station(reg, station, on, today=today)
            elif kind == "suspend":
                ops.suspend_station(reg, station, on, today=today)
            elif kind == "reopen":
                ops.reopen_station(reg, station, on, today=today)
            elif kind == "merge":
                ops.merge_stations(reg, station, [other], on, today=today)
            elif kind == "retype":
                ops.edit_station(reg, station, {"station_type": TYPES[b % len(TYPES)]}, on=on, today=today)
            elif kind == "undo" and event_ids and not_before == FIRST:
                ops.undo_event(reg, event_ids[b % len(event_ids)], today=today)
        except KnownError:
            continue


def _last_day(opened: str | None) -> dt.date:
    if opened is None:
        return FIRST
    if len(opened) == 4:
        return D(int(opened), 12, 31)
    if len(opened) == 7:
        nxt = D(int(opened[:4]) + int(opened[5:]) // 12, int(opened[5:]) % 12 + 1, 1)
        return nxt - dt.timedelta(days=1)
    return D.fromisoformat(opened)


def _index(reg: Registry) -> CoverageIndex:
    """CoverageIndex from the stored histories, replayed by core.history (not the derived tables)."""
    with reg.connection() as conn:
        village_codes = list(conn.execute(select(Division.code).where(Division.level == 5,
                                                                      Division.code.like(f"{COUNTY}%"))).scalars())
        codes = list(conn.execute(select(Station.code)).scalars())
        states = history_store.load_states(conn, codes)
        events = history_store.load_events(conn, codes)
    covers = [StationCover(code, (state.village, *state.served),
                           tuple(periods(events.get(code, ()), state.recorded_on, state.station_type, code)))
              for code, state in states.items()]
    return CoverageIndex(counted_villages(village_codes), covers)


@pytest.fixture
def county(make_registry: Callable[..., Registry]) -> Registry:
    return make_registry(COUNTY)


PROPERTY = settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                          HealthCheck.too_slow])


@PROPERTY
@given(new=stations, todo=actions, on=asked)
def test_bounded_and_children_sum_to_the_county(county: Registry, new: list, todo: list, on: dt.date) -> None:
    _reset(county)
    _record(county, new, todo)
    report = svc.coverage(county, COUNTY, on=on)
    event(f"covered {min(report.villages_covered, 3)}+ missing {report.date_missing_villages > 0}")
    assert 0 <= report.villages_covered <= report.villages_total == 20
    assert 0 <= report.rate <= 1
    assert sum(c.villages_covered for c in report.children) == report.villages_covered
    assert sum(c.villages_total for c in report.children) == report.villages_total
    for child in report.children:
        assert 0 <= child.villages_covered <= child.villages_total
        villages = svc.coverage(county, child.code, on=on)
        assert sum(v.villages_covered for v in villages.children) == child.villages_covered
    assert report.date_missing_villages <= report.villages_covered
    city = svc.coverage(county, "6401", on=on, level=Level.TOWNSHIP)
    assert sum(c.villages_covered for c in city.children) == city.villages_covered == report.villages_covered


@PROPERTY
@given(now=st.tuples(stations, actions), later=st.tuples(stations, actions), on=asked)
def test_coverage_on_a_day_ignores_later_events(county: Registry, now: tuple[list, list], later: tuple[list, list],
                                                on: dt.date) -> None:
    _reset(county)
    _record(county, *now)
    before = svc.coverage(county, COUNTY, on=on)
    villages = {t.code: svc.coverage(county, t.code, on=on, level=Level.VILLAGE).children for t in before.children}
    # more stations and events, every one dated (and recorded) after `on`
    _record(county, *later, not_before=on + dt.timedelta(days=1))
    after = svc.coverage(county, COUNTY, on=on)
    assert after == before
    assert {t.code: svc.coverage(county, t.code, on=on, level=Level.VILLAGE).children
            for t in after.children} == villages


@PROPERTY
@given(new=stations, todo=actions, on=asked)
def test_the_sql_equals_the_core_index(county: Registry, new: list, todo: list, on: dt.date) -> None:
    _reset(county)
    _record(county, new, todo)
    index = _index(county)
    report = svc.coverage(county, COUNTY, on=on)
    assert report.villages_covered == index.at(COUNTY, on).villages_covered
    expected = {c.scope: (c.villages_covered, c.villages_total)
                for c in index.children(COUNTY, Level.TOWNSHIP, on)}
    got = {c.code: (c.villages_covered, c.villages_total) for c in report.children if c.villages_total}
    assert got == expected
    village_level = svc.coverage(county, COUNTY, on=on, level=Level.VILLAGE)
    assert [c.code for c in village_level.children if c.villages_covered] == index.covered_villages(COUNTY, on)
    assert svc.curve(county, COUNTY, FIRST, LAST) == index.curve(COUNTY, FIRST, LAST)
