"""Pacing of 金凤区 (tests/coverage_county.py) against four targets set on 2024-01-15, worked out by hand.

Today is 2024-09-15; the county has 20 建制村 and 10 are covered. Targets:

    T1  85% by 2024-12-31    T2  100% by 2025-12-31    T3  50% by 2024-06-30 (past)
    T4  5 stations of type 综合服务站 by 2025-06-30

Curve: from 2022-12 (C covers from 2022-12-31) to 2024-08 by month end, then today: 22 points.
Trailing six months: 2024-02-29 (8 covered: A B C D E F G×2) → 2024-08-31 (10: F reopened, J, L;
F's closure is undone by its reopening) = 2 in 6 months = 1/3 a month.

T1: goal ceil(0.85 × 20) = 17, gap 17 − 10 = 7, 35 percentage points; months left September to December
    = 4, needed 7 / 4 = 1.75 a month; at 1/3 a month the goal takes 21 months (2026-06-30) and all 20
    villages 30 months (2027-03-31).
T2: goal 20, gap 10 (50 points), 16 months left (2024-09 … 2025-12), needed 10 / 16 = 0.625.
T3: deadline passed; on 2024-06-30 8 were covered (F closed, L not yet) < goal 10: missed. Gap today 0.
T4: operating 综合服务站 today: B, C, F (reopened) and I (it stands in a 居委会, but it is a station of the
    county) = 4; gap 1; 10 months left (2024-09 … 2025-06): 0.1 a month; the count did not grow over the
    last six months (4 on 2024-02-29 and on 2024-08-31): "not at the current pace".

Lagging townships. Each line starts from the township's own rate at the plan's start (the last month end
on or before 2024-01-15, i.e. 2023-12-31: 满城北街 0/1, 黄河东路 2/4, 良田镇 3/8, 丰登镇 2/7) and runs by days to
the target on its deadline. 2024-01-15 → 2024-09-15 is 244 days; → 2024-12-31 351; → 2025-12-31 716.

T1 (share 244/351): 满城北街 line 0.85·244/351 = 0.5909 vs 0 → lags by 59.09 points, 1 village;
    黄河东路 0.5 + 0.35·244/351 = 0.7433 vs 0.75 → on track; 良田镇 0.375 + 0.475·244/351 = 0.7052 vs 0.5 → 20.52
    points, ceil(8 × 0.7052) − 4 = 2 villages; 丰登镇 2/7 + (0.85 − 2/7)·244/351 = 0.6780 vs 3/7 → 24.94
    points, ceil(7 × 0.6780) − 3 = 2 villages. Worst first: 满城北街, 丰登镇, 良田镇.
T2 (share 244/716): 满城北街 0.3408 vs 0 (34.08, 1); 黄河东路 0.6704 vs 0.75 on track; 良田镇 0.5880 vs 0.5
    (8.80, ceil(4.704) − 4 = 1); 丰登镇 0.5291 vs 0.4286 (10.06, ceil(3.704) − 3 = 1).
    Order: 满城北街, 丰登镇, 良田镇.
T3 (past: the line is the target, 50%): 满城北街 0 (50 points), 丰登镇 3/7 (7.14 points); 良田镇 at exactly
    50% is not below it; 黄河东路 75%.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest
from coverage_county import COUNTY, FENGDENG, HUANGHE, LIANGTIAN, MANCHENG, SET_ON, TODAY, build, set_targets

from villagepost.core.coverage import CurvePoint
from villagepost.core.pacing import Measure
from villagepost.services import coverage as cov
from villagepost.services import pacing as svc
from villagepost.services import targets as tgt
from villagepost.services.registry import Registry

D = dt.date


@pytest.fixture
def county(make_registry: Callable[..., Registry]) -> tuple[Registry, list[tgt.TargetRow]]:
    reg = make_registry(COUNTY)
    build(reg)
    return reg, set_targets(reg)


def test_the_curve(county: tuple[Registry, list[tgt.TargetRow]]) -> None:
    reg, _ = county
    report = svc.pacing(reg, COUNTY, today=TODAY)
    assert (report.villages_total, report.villages_covered, report.rate, report.inherited_from) == (20, 10, 0.5, None)
    days = [p.month_end for p in report.curve]
    assert len(days) == 22 and days[0] == D(2022, 12, 31) and days[-2:] == [D(2024, 8, 31), TODAY]
    for p in report.curve:
        assert p.covered == cov.coverage(reg, COUNTY, on=p.month_end).villages_covered
        assert p.total == 20


def test_paces_worked_out_by_hand(county: tuple[Registry, list[tgt.TargetRow]]) -> None:
    reg, (t1, t2, t3, t4) = county
    report = svc.pacing(reg, COUNTY, today=TODAY)
    paces = {row.id: p for row, p in report.paces}
    assert [row.id for row, _ in report.paces] == [t3.id, t1.id, t4.id, t2.id]  # by deadline

    p1 = paces[t1.id]
    assert (p1.achieved, p1.total, p1.goal, p1.gap, p1.months_left) == (10, 20, 17, 7, 4)
    assert p1.gap_points == pytest.approx(35.0) and p1.needed_per_month == pytest.approx(1.75)
    assert (p1.trailing_per_month, p1.trailing_months) == (pytest.approx(1 / 3), 6)
    assert (p1.projected_goal, p1.projected_full) == (D(2026, 6, 30), D(2027, 3, 31))
    assert (p1.deadline_passed, p1.met_on_deadline) == (False, None)

    p2 = paces[t2.id]
    assert (p2.goal, p2.gap, p2.months_left, p2.gap_points) == (20, 10, 16, pytest.approx(50.0))
    assert p2.needed_per_month == pytest.approx(0.625) and p2.projected_full == D(2027, 3, 31)

    p3 = paces[t3.id]
    assert (p3.goal, p3.gap, p3.needed_per_month, p3.months_left) == (10, 0, 0.0, 0)
    assert (p3.deadline_passed, p3.value_on_deadline, p3.met_on_deadline) == (True, 8.0, False)

    p4 = paces[t4.id]
    assert (p4.achieved, p4.total, p4.goal, p4.gap, p4.months_left) == (4, None, 5, 1, 10)
    assert p4.needed_per_month == pytest.approx(0.1)
    assert (p4.trailing_per_month, p4.projected_full, p4.on_current_pace) == (0.0, None, False)
    assert report.station_curves["综合服务站"][-1] == (TODAY, 4)


def test_lagging_townships_worked_out_by_hand(county: tuple[Registry, list[tgt.TargetRow]]) -> None:
    reg, (t1, t2, t3, t4) = county
    report = svc.pacing(reg, COUNTY, today=TODAY)

    def lags(row: tgt.TargetRow) -> list[tuple[str, str, float, int]]:
        return [(lag.code, lag.name, round(lag.lag.shortfall_points, 2), lag.lag.shortfall_villages)
                for lag in report.lagging[row.id]]

    assert lags(t1) == [(MANCHENG, "满城北街街道", 59.09, 1), (FENGDENG, "丰登镇", 24.94, 2),
                        (LIANGTIAN, "良田镇", 20.52, 2)]
    assert lags(t2) == [(MANCHENG, "满城北街街道", 34.08, 1), (FENGDENG, "丰登镇", 10.06, 1),
                        (LIANGTIAN, "良田镇", 8.8, 1)]
    assert lags(t3) == [(MANCHENG, "满城北街街道", 50.0, 1), (FENGDENG, "丰登镇", 7.14, 1)]
    assert t4.id not in report.lagging  # a count of stations has no line per township
    first = report.lagging[t1.id][1].lag
    assert (first.start, first.start_rate, first.rate) == (SET_ON, pytest.approx(2 / 7), pytest.approx(3 / 7))
    assert first.line == pytest.approx(2 / 7 + (0.85 - 2 / 7) * 244 / 351)
    assert HUANGHE not in {lag.code for lags_ in report.lagging.values() for lag in lags_}


def test_json(county: tuple[Registry, list[tgt.TargetRow]]) -> None:
    reg, (t1, _t2, t3, t4) = county
    doc = svc.pacing(reg, COUNTY, today=TODAY).to_json()
    assert (doc["scope"], doc["name"], doc["level"], doc["today"]) == (COUNTY, "金凤区", "county", "2024-09-15")
    assert (doc["villages_total"], doc["villages_covered"], doc["rate"], doc["inherited_from"]) == (20, 10, 0.5, None)
    assert doc["curve"][0] == {"month_end": "2022-12-31", "covered": 1, "total": 20, "rate": 0.05}
    assert doc["curve"][-1] == {"month_end": "2024-09-15", "covered": 10, "total": 20, "rate": 0.5}
    by_id = {t["id"]: t for t in doc["targets"]}
    one = by_id[t1.id]
    assert (one["measure"], one["value"], one["deadline"], one["created_on"]) == (
        "coverage_rate", 0.85, "2024-12-31", "2024-01-15")
    assert (one["pace"]["gap"], one["pace"]["projected_full"], one["pace"]["on_current_pace"]) == (
        7, "2027-03-31", True)
    assert [lag["code"] for lag in one["lagging"]] == [MANCHENG, FENGDENG, LIANGTIAN]
    assert set(one["lagging"][0]) == {"code", "name", "total", "covered", "rate", "line", "start", "start_rate",
                                      "shortfall_points", "shortfall_villages", "against_deadline"}
    assert by_id[t3.id]["pace"]["met_on_deadline"] is False
    assert by_id[t4.id]["pace"]["projected_full"] is None
    assert by_id[t4.id]["curve"][-1] == {"month_end": "2024-09-15", "count": 4}
    assert "curve" not in one


def test_a_township_inherits_the_county_coverage_targets(county: tuple[Registry, list[tgt.TargetRow]]) -> None:
    reg, (t1, t2, t3, _t4) = county
    report = svc.pacing(reg, FENGDENG, today=TODAY)
    assert report.inherited_from == COUNTY
    assert [row.id for row, _ in report.paces] == [t3.id, t1.id, t2.id]  # the station count stays the county's
    p1 = dict((row.id, p) for row, p in report.paces)[t1.id]
    # 丰登镇: 3 of 7; goal ceil(0.85 × 7) = 6; gap 3; 3 / 4 months; trailing: 2024-02-29 2 (E F) → 08-31 3 (E F J)
    assert (p1.achieved, p1.total, p1.goal, p1.gap, p1.months_left) == (3, 7, 6, 3, 4)
    assert p1.needed_per_month == pytest.approx(0.75) and p1.trailing_per_month == pytest.approx(1 / 6)
    assert p1.target.scope == FENGDENG
    assert report.lagging == {}  # below a township the children are single villages


def test_a_township_with_its_own_target_and_no_targets_at_all(make_registry: Callable[..., Registry]) -> None:
    reg = make_registry(COUNTY)
    build(reg)
    report = svc.pacing(reg, COUNTY, today=TODAY)
    assert (report.paces, report.lagging, report.inherited_from) == ([], {}, None)
    assert report.curve[0].month_end == D(2022, 12, 31)  # the first month a 建制村 was covered
    own = tgt.set_target(reg, LIANGTIAN, Measure.COVERAGE_RATE, 1.0, D(2025, 6, 30), today=D(2020, 3, 10))
    report = svc.pacing(reg, LIANGTIAN, today=TODAY)
    assert report.inherited_from is None and [row.id for row, _ in report.paces] == [own.id]
    assert report.curve[0] == CurvePoint(D(2020, 3, 31), 0, 8)  # from the month the target was set


def test_an_empty_county_is_not_at_the_current_pace(make_registry: Callable[..., Registry]) -> None:
    reg = make_registry(COUNTY)
    row = tgt.set_target(reg, COUNTY, Measure.COVERAGE_RATE, 1.0, D(2025, 12, 31), today=SET_ON)
    report = svc.pacing(reg, COUNTY, today=TODAY)
    (_, p), = report.paces
    assert (p.achieved, p.gap, p.projected_full, p.on_current_pace) == (0, 20, None, False)
    assert [lag.code for lag in report.lagging[row.id]] == [MANCHENG, HUANGHE, LIANGTIAN, FENGDENG]
    assert len(report.curve) == 9  # 2024-01 … 2024-08 and today
