"""Coverage by scope, level and date: a county worked by hand, then properties over random registries."""

from __future__ import annotations

import datetime as dt
from itertools import pairwise

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from villagepost.core.coverage import (
    Coverage,
    CoverageIndex,
    CurvePoint,
    StationCover,
    add_months,
    counted_villages,
    month_end,
    month_ends,
    record_status_on,
    station_counts,
)
from villagepost.core.divisions import Level
from villagepost.core.history import Event, EventKind, Period, StationRecord, periods_by_station
from villagepost.core.pacing import Measure, Target, lagging_children, pace
from villagepost.core.stations import StationStatus, StationType
from villagepost.core.values import PartialDate

D = dt.date
POST, SHOP, COMBINED = StationType.VILLAGE_POST, StationType.EXPRESS_SHOP, StationType.COMBINED
COUNTY = "640221"
T1, T2, T3 = "640221100", "640221101", "640221200"
VILLAGES = [f"{T1}{v}" for v in (200, 201, 202, 203)] + [f"{T2}{v}" for v in (200, 201, 202)] + [
    f"{T3}{v}" for v in (200, 201, 202)]
REC = D(2021, 1, 1)


def _scenario(with_undo: bool = True) -> CoverageIndex:
    """The county: 3 townships, 10 建制村.

    S1 combined at T1-200 from 2023-03-15.                S2 村邮站 at T1-201 (2019) takes on S3's express
    service in 2024-05 (-> combined from 2024-05-31).    S4 combined at T2-200 serving T2-201 too, opened
    "2024" (-> 2024-12-31).                               S5 combined at T2-202, 2022-01-10 to closed 2024-06-30.
    S6 combined at T3-200 without a date, recorded 2025-01-15 (日期缺失).
    S7 村邮站 and S9 快递超市 at T3-201 merged into a new S8 on 2024-12-31 — undone on 2025-02-01.
    S10 combined at T1-202 from 2024-10-01, suspended 2024-11-15, reopened 2025-01-01.
    """
    def ev(station: str, kind: EventKind, known: PartialDate | None, seq: int, *, partners: tuple[str, ...] = (),
           new_type: StationType | None = None) -> Event:
        return Event.dated(station, kind, known, REC, seq=seq, partners=partners, new_type=new_type)

    merger = ev("S8", EventKind.MERGED, PartialDate(2024, 12, 31), 9, partners=("S7", "S9"))
    events = [
        ev("S1", EventKind.OPENED, PartialDate(2023, 3, 15), 1, new_type=COMBINED),
        ev("S2", EventKind.OPENED, PartialDate(2019), 2, new_type=POST),
        ev("S3", EventKind.OPENED, PartialDate(2021, 6), 3, new_type=SHOP),
        ev("S2", EventKind.MERGED, PartialDate(2024, 5), 4, partners=("S3",)),
        ev("S4", EventKind.OPENED, PartialDate(2024), 5, new_type=COMBINED),
        ev("S5", EventKind.OPENED, PartialDate(2022, 1, 10), 6, new_type=COMBINED),
        ev("S5", EventKind.CLOSED, PartialDate(2024, 6, 30), 7),
        Event.dated("S6", EventKind.OPENED, None, D(2025, 1, 15), seq=8),
        ev("S7", EventKind.OPENED, PartialDate(2020), 10, new_type=POST),
        ev("S9", EventKind.OPENED, PartialDate(2020), 11, new_type=SHOP),
        merger,
        ev("S10", EventKind.OPENED, PartialDate(2024, 10, 1), 12, new_type=COMBINED),
        ev("S10", EventKind.SUSPENDED, PartialDate(2024, 11, 15), 13),
        ev("S10", EventKind.REOPENED, PartialDate(2025, 1, 1), 14),
    ]
    if with_undo:
        events.append(merger.undo(15, D(2025, 2, 1)))
    stations = {  # key -> (recorded_on, current type, villages served: its own first)
        "S1": (REC, COMBINED, (f"{T1}200",)), "S2": (REC, COMBINED, (f"{T1}201",)),
        "S3": (REC, SHOP, (f"{T1}201",)), "S4": (REC, COMBINED, (f"{T2}200", f"{T2}201")),
        "S5": (REC, COMBINED, (f"{T2}202",)), "S6": (D(2025, 1, 15), COMBINED, (f"{T3}200",)),
        "S7": (REC, POST, (f"{T3}201",)), "S8": (REC, COMBINED, (f"{T3}201",)), "S9": (REC, SHOP, (f"{T3}201",)),
        "S10": (REC, COMBINED, (f"{T1}202",)),
    }
    per = periods_by_station(events, {k: (r, t) for k, (r, t, _v) in stations.items()})
    covers = [StationCover(k, stations[k][2], tuple(per[k])) for k in stations]
    # a residents' committee and a village of another county are served but never counted
    covers.append(StationCover("X", (f"{T1}001", "640222100200"), (Period(D(2020, 1, 1), None),)))
    return CoverageIndex(VILLAGES, covers)


def _numbers(covs: list[Coverage]) -> list[tuple[str, int, int]]:
    return [(c.scope, c.villages_covered, c.villages_total) for c in covs]


def test_county_on_the_target_date() -> None:
    index = _scenario()
    on = D(2024, 12, 31)
    county = index.at(COUNTY, on)
    assert (county.villages_covered, county.villages_total, county.rate) == (4, 10, 0.4)
    assert _numbers(index.children(COUNTY, Level.TOWNSHIP, on)) == [(T1, 2, 4), (T2, 2, 3), (T3, 0, 3)]
    assert index.covered_villages(COUNTY, on) == [f"{T1}200", f"{T1}201", f"{T2}200", f"{T2}201"]


def test_county_across_the_year() -> None:
    index = _scenario()
    assert index.at(COUNTY, D(2024, 6, 30)).villages_covered == 3  # S5 closes that day: still served
    assert index.at(COUNTY, D(2024, 7, 1)).villages_covered == 2
    assert index.at(COUNTY, D(2024, 5, 30)).villages_covered == 2  # "2024-05" counts from May 31
    assert index.at(COUNTY, D(2024, 5, 31)).villages_covered == 3
    assert _numbers(index.children(COUNTY, 9, D(2025, 3, 31))) == [(T1, 3, 4), (T2, 2, 3), (T3, 1, 3)]
    assert index.at(COUNTY, D(2025, 3, 31)).rate == 0.6


def test_a_station_without_date_covers_from_its_recording_and_is_flagged() -> None:
    index = _scenario()
    assert not index.covered_on(f"{T3}200", D(2025, 1, 14))
    assert index.covered_on(f"{T3}200", D(2025, 1, 15))
    assert index.covering_stations(f"{T3}200", D(2025, 3, 1)) == [("S6", True)]
    assert index.covering_stations(f"{T1}200", D(2025, 3, 1)) == [("S1", False)]
    assert index.covering_stations("640222100200", D(2025, 3, 1)) == []


def test_the_undone_merger_never_counted() -> None:
    with_merger = _scenario(with_undo=False)
    undone = _scenario()
    assert with_merger.at(COUNTY, D(2024, 12, 31)).villages_covered == 5
    assert with_merger.covered_on(f"{T3}201", D(2024, 12, 31))
    assert not undone.covered_on(f"{T3}201", D(2024, 12, 31))


def test_monthly_curve_of_the_county() -> None:
    curve = _scenario().curve(COUNTY, D(2024, 1, 1), D(2025, 3, 1))
    assert [p.month_end for p in curve][:3] == [D(2024, 1, 31), D(2024, 2, 29), D(2024, 3, 31)]
    assert [p.covered for p in curve] == [2, 2, 2, 2, 3, 3, 2, 2, 2, 3, 2, 4, 6, 6, 6]
    assert {p.total for p in curve} == {10}
    assert curve[-1].to_json() == {"month_end": "2025-03-31", "covered": 6, "total": 10, "rate": 0.6}


def test_levels_and_scopes() -> None:
    index = _scenario()
    on = D(2025, 3, 31)
    assert _numbers(index.children("", Level.PROVINCE, on)) == [("64", 6, 10)]
    assert _numbers(index.children("64", Level.CITY, on)) == [("6402", 6, 10)]
    assert _numbers(index.children(T2, Level.VILLAGE, on)) == [(f"{T2}200", 1, 1), (f"{T2}201", 1, 1),
                                                               (f"{T2}202", 0, 1)]
    assert index.at("640221000000", on).scope == COUNTY  # a padded code is the county
    assert index.at("640222", on).rate == 0.0 and index.at("640222", on).villages_total == 0
    extra = index.children(COUNTY, Level.TOWNSHIP, on, include=["640221001"])
    assert _numbers(extra)[0] == ("640221001", 0, 0) and extra[0].rate == 0.0
    with pytest.raises(ValueError, match="not below"):
        index.children(T1, Level.COUNTY, on)
    assert index.at(COUNTY, on).to_json() == {"scope": COUNTY, "on": "2025-03-31", "villages_total": 10,
                                              "villages_covered": 6, "rate": 0.6}


def test_counted_villages_follow_the_vvv_rule() -> None:
    codes = ["640221100001", "640221100200", "640221100399", "640221100400", "640221100500", "640221100600"]
    assert counted_villages(codes) == ["640221100200", "640221100399"]
    assert counted_villages(codes, include_village_like=True) == ["640221100200", "640221100399", "640221100500"]


def test_month_helpers() -> None:
    assert month_end(D(2024, 2, 10)) == D(2024, 2, 29)
    assert month_end(D(2024, 12, 1)) == D(2024, 12, 31)
    assert add_months(D(2025, 3, 15), 6) == D(2025, 9, 30)
    assert add_months(D(2025, 1, 31), -1) == D(2024, 12, 31)
    assert month_ends(D(2024, 11, 5), D(2025, 1, 1)) == [D(2024, 11, 30), D(2024, 12, 31), D(2025, 1, 31)]


def test_station_counts_from_records() -> None:
    records = [
        StationRecord("S1", f"{T1}200", COMBINED, StationStatus.OPERATING, REC, PartialDate(2023, 3, 15),
                      coop="邮快合作"),
        StationRecord("S5", f"{T2}202", COMBINED, StationStatus.CLOSED, REC, PartialDate(2022, 1, 10),
                      status_since=D(2024, 6, 30)),
        StationRecord("S6", f"{T3}200", COMBINED, StationStatus.OPERATING, D(2025, 1, 15)),
        StationRecord("P1", f"{T3}202", POST, StationStatus.PLANNED, D(2024, 3, 1)),
        StationRecord("S11", f"{T1}203", SHOP, StationStatus.SUSPENDED, REC, PartialDate(2024, 2),
                      status_since=D(2024, 9, 1), coop="快商合作"),
        StationRecord("Z", "640222100200", SHOP, StationStatus.OPERATING, REC, PartialDate(2020)),
    ]
    assert station_counts(records, D(2024, 6, 30), by=("type", "status"), scope=COUNTY) == {
        ("村邮站+快递超市", "operating"): 2, ("村邮站", "planned"): 1, ("快递超市", "operating"): 1}
    assert station_counts(records, D(2025, 1, 15), by=("status",), scope=COUNTY) == {
        ("operating",): 2, ("closed",): 1, ("planned",): 1, ("suspended",): 1}
    assert station_counts(records, D(2024, 6, 30), by=("coop",)) == {("邮快合作",): 1, (None,): 3, ("快商合作",): 1}
    assert record_status_on(records[4], D(2024, 2, 28)) is None
    with pytest.raises(ValueError, match="dimension"):
        station_counts(records, D(2024, 6, 30), by=("colour",))


def test_the_county_against_its_targets() -> None:
    """The hand-made county fed to pacing, as the services will (see test_pacing for the rules)."""
    index = _scenario()
    today = D(2025, 3, 15)
    curve = index.curve(COUNTY, D(2023, 12, 1), D(2025, 3, 1))
    first = Target(COUNTY, Measure.COVERAGE_RATE, 0.85, D(2024, 12, 31))
    full = Target(COUNTY, Measure.COVERAGE_RATE, 1.0, D(2025, 12, 31), created_on=D(2023, 12, 31))
    missed = pace(first, curve, today, current=index.at(COUNTY, today).villages_covered)
    assert (missed.goal, missed.gap, missed.value_on_deadline, missed.met_on_deadline) == (9, 3, 4.0, False)
    ahead = pace(full, curve, today, current=index.at(COUNTY, today).villages_covered)
    assert (ahead.gap, ahead.months_left, ahead.needed_per_month) == (4, 10, 0.4)
    assert ahead.trailing_per_month == pytest.approx(4 / 6) and ahead.projected_full == D(2025, 9, 30)
    children = index.children_curves(COUNTY, Level.TOWNSHIP, D(2023, 12, 1), D(2025, 3, 1))
    lag = lagging_children(children, full, today)
    assert [x.child for x in lag] == [T3, T2]
    assert [x.shortfall_villages for x in lag] == [1, 1]


# --- properties -------------------------------------------------------------------------------

TOWNSHIPS = ["110101001", "110101002", "110102001", "120101001"]


@st.composite
def registries(draw: st.DrawFn) -> tuple[list[str], list[StationCover]]:
    villages = sorted({t + str(v) for t in TOWNSHIPS
                       for v in draw(st.sets(st.integers(200, 210), max_size=5))})
    others = ["110101001001", "130101001200"]  # served but not counted
    pool = villages + others
    covers = []
    for k in range(draw(st.integers(0, 12))):
        served = tuple(draw(st.lists(st.sampled_from(pool), min_size=1, max_size=3)))
        spans = []
        for _ in range(draw(st.integers(0, 3))):
            start = draw(st.dates(D(2020, 1, 1), D(2025, 12, 31)))
            end = draw(st.none() | st.dates(start, D(2026, 6, 30)))
            spans.append(Period(start, end))
        covers.append(StationCover(f"S{k}", served, tuple(spans)))
    return villages, covers


def _brute(villages: list[str], covers: list[StationCover], scope: str, on: dt.date) -> tuple[int, int]:
    inside = [v for v in villages if v.startswith(scope)]
    covered = {v for c in covers for v in c.villages if v in inside and any(p.contains(on) for p in c.periods)}
    return len(covered), len(inside)


DAYS = st.dates(D(2019, 6, 1), D(2026, 12, 31))


@settings(max_examples=200, deadline=None)
@given(registries(), DAYS)
def test_coverage_matches_the_definition_and_never_exceeds_all(reg: tuple[list[str], list[StationCover]],
                                                               on: dt.date) -> None:
    villages, covers = reg
    index = CoverageIndex(villages, covers)
    for scope in ("", "11", "1101", "110101", "110101001", "12"):
        got = index.at(scope, on)
        assert (got.villages_covered, got.villages_total) == _brute(villages, covers, scope, on)
        assert 0 <= got.villages_covered <= got.villages_total
        assert 0.0 <= got.rate <= 1.0


@settings(max_examples=200, deadline=None)
@given(registries(), DAYS)
def test_children_sum_to_the_parent_at_every_level(reg: tuple[list[str], list[StationCover]], on: dt.date) -> None:
    index = CoverageIndex(*reg)
    lengths = [0, 2, 4, 6, 9, 12]
    for parent_len, child_len in pairwise(lengths):
        parents = [""] if parent_len == 0 else [c.scope for c in index.children("", parent_len, on)]
        for parent in parents:
            whole = index.at(parent, on)
            parts = index.children(parent, child_len, on)
            assert sum(c.villages_total for c in parts) == whole.villages_total
            assert sum(c.villages_covered for c in parts) == whole.villages_covered


@settings(max_examples=200, deadline=None)
@given(registries(), st.dates(D(2019, 1, 1), D(2026, 12, 1)), st.integers(0, 30))
def test_the_curve_agrees_with_point_queries(reg: tuple[list[str], list[StationCover]], first: dt.date,
                                             months: int) -> None:
    index = CoverageIndex(*reg)
    last = add_months(first, months)
    for scope in ("", "110101"):
        curve = index.curve(scope, first, last)
        assert len(curve) == months + 1
        assert curve == [CurvePoint(p.month_end, index.at(scope, p.month_end).villages_covered,
                                    index.total(scope)) for p in curve]


@settings(max_examples=200, deadline=None)
@given(registries(), DAYS, st.data())
def test_coverage_on_a_day_ignores_periods_starting_after_it(reg: tuple[list[str], list[StationCover]],
                                                             on: dt.date, data: st.DataObject) -> None:
    """Stations opened after D (any villages, any lengths) leave coverage on D as it was."""
    villages, covers = reg
    later = [StationCover(f"L{k}", (v,), (Period(start, None),))
             for k, (v, start) in enumerate(data.draw(st.lists(st.tuples(
                 st.sampled_from(villages or ["110101001200"]), st.dates(on + dt.timedelta(days=1),
                                                                        D(2030, 1, 1))), max_size=5)))]
    before = CoverageIndex(villages, covers)
    after = CoverageIndex(villages, covers + later)
    assert _numbers(before.children("", 9, on)) == _numbers(after.children("", 9, on))
