"""Pacing against targets: hand-computed numbers for a 10-village county, and properties."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from villagepost.core.coverage import CurvePoint, add_months, month_ends
from villagepost.core.pacing import (
    Measure,
    Target,
    lagging_children,
    line_value,
    months_left,
    pace,
    targets_in_order,
    trailing_rate,
    value_at,
)
from villagepost.core.stations import StationType

D = dt.date
COUNTY = "640221"
#: covered villages of the county (10 建制村) at each month end from 2024-01 to 2025-03
COVERED = [2, 2, 2, 2, 3, 3, 2, 2, 2, 3, 2, 4, 6, 6, 6]
CURVE = [CurvePoint(m, c, 10) for m, c in zip(month_ends(D(2024, 1, 1), D(2025, 3, 1)), COVERED, strict=True)]
TODAY = D(2025, 3, 15)
BY_2024 = Target(COUNTY, Measure.COVERAGE_RATE, 0.85, D(2024, 12, 31))
BY_2025 = Target(COUNTY, Measure.COVERAGE_RATE, 1.0, D(2025, 12, 31))


def test_a_target_still_ahead() -> None:
    p = pace(BY_2025, CURVE, TODAY)
    assert (p.achieved, p.achieved_rate, p.goal, p.gap) == (6.0, 0.6, 10, 4)
    assert p.gap_points == pytest.approx(40.0)
    assert p.months_left == 10  # March (today is the 15th) to December
    assert p.needed_per_month == pytest.approx(0.4)
    # last six complete months: 2024-08-31 (2) to 2025-02-28 (6)
    assert (p.trailing_per_month, p.trailing_months) == (pytest.approx(4 / 6), 6)
    assert p.projected_full == D(2025, 9, 30) and p.projected_goal == D(2025, 9, 30)
    assert not p.deadline_passed and p.met_on_deadline is None and p.on_current_pace


def test_a_missed_deadline() -> None:
    p = pace(BY_2024, CURVE, TODAY)
    assert (p.goal, p.gap, p.months_left, p.needed_per_month) == (9, 3, 0, None)  # 85% of 10 is 9 villages
    assert p.gap_points == pytest.approx(25.0)
    assert (p.deadline_passed, p.value_on_deadline, p.met_on_deadline) == (True, 4.0, False)
    assert pace(BY_2024, CURVE, TODAY, value_on_deadline=9).met_on_deadline is True


def test_not_at_the_current_pace_when_the_curve_is_flat() -> None:
    flat = [CurvePoint(m, 3, 10) for m in month_ends(D(2024, 1, 1), D(2025, 2, 1))]
    p = pace(BY_2025, flat, TODAY)
    assert p.trailing_per_month == 0.0 and p.projected_full is None and not p.on_current_pace
    assert p.to_json()["projected_full"] is None and p.to_json()["on_current_pace"] is False
    falling = [CurvePoint(m, c, 10) for m, c in zip(month_ends(D(2024, 9, 1), D(2025, 2, 1)),
                                                    [6, 6, 5, 5, 4, 4], strict=True)]
    assert pace(BY_2025, falling, TODAY).projected_full is None


def test_exact_current_value_and_full_already() -> None:
    p = pace(BY_2025, CURVE, TODAY, current=10)
    assert (p.gap, p.needed_per_month, p.projected_full) == (0, 0.0, TODAY)


def test_station_count_target() -> None:
    target = Target(COUNTY, Measure.STATION_COUNT, 20, D(2025, 12, 31), station_type=StationType.COMBINED)
    counts = [(m, float(c)) for m, c in zip(month_ends(D(2024, 9, 1), D(2025, 2, 1)), [4, 6, 8, 10, 12, 14],
                                            strict=True)]
    p = pace(target, counts, TODAY)
    assert (p.achieved, p.goal, p.gap, p.gap_points, p.achieved_rate) == (14.0, 20, 6, None, None)
    # the curve has five months of increases before March: (14 - 4) / 5
    assert (p.trailing_per_month, p.trailing_months) == (2.0, 5)
    assert p.projected_goal == D(2025, 6, 30)
    assert p.to_json()["target"]["station_type"] == "村邮站+快递超市"


def test_targets_are_validated_and_ordered() -> None:
    with pytest.raises(ValueError, match="rate"):
        Target(COUNTY, Measure.COVERAGE_RATE, 85, D(2024, 12, 31))
    with pytest.raises(ValueError, match="type"):
        Target(COUNTY, Measure.STATION_COUNT, 3000, D(2021, 12, 31))
    with pytest.raises(ValueError, match="建制村"):
        pace(BY_2025, [(D(2025, 1, 31), 3.0)], TODAY)
    assert targets_in_order([BY_2025, BY_2024, Target("640222", Measure.COVERAGE_RATE, 1, D(2025, 1, 1))],
                            COUNTY) == [BY_2024, BY_2025]
    assert BY_2024.goal(20) == 17 and BY_2024.goal(0) == 0


def test_months_left_and_value_at() -> None:
    assert months_left(D(2024, 6, 15), D(2024, 12, 31)) == 7
    assert months_left(D(2024, 6, 30), D(2024, 12, 31)) == 6
    assert months_left(D(2025, 1, 1), D(2024, 12, 31)) == 0
    assert value_at(CURVE, D(2024, 1, 30)) == 0.0
    assert value_at(CURVE, D(2024, 5, 31)) == 3.0
    assert trailing_rate(CURVE[:1], TODAY) == (0.0, 0)


def _child(code: str, total: int, covered: list[int]) -> tuple[str, list[CurvePoint]]:
    return code, [CurvePoint(m, c, total) for m, c in zip(month_ends(D(2023, 12, 1), D(2025, 2, 1)), covered,
                                                              strict=True)]


def test_lagging_townships() -> None:
    """Start 2023-12-31, deadline 2025-12-31 (731 days), today 2025-03-15 (440 days in): 60.19% of the way."""
    target = Target(COUNTY, Measure.COVERAGE_RATE, 1.0, D(2025, 12, 31), created_on=D(2023, 12, 31))
    share = 440 / 731
    children = dict([
        _child("640221100", 4, [1] * 5 + [2] * 7 + [3] * 3),  # from 25% to 75%: line 70.1% -> on track
        _child("640221101", 3, [1] * 12 + [2] * 3),  # from 1/3 to 2/3: line 73.5% -> lags by 1 village
        _child("640221200", 3, [0] * 13 + [1] * 2),  # from 0 to 1/3: line 60.2% -> lags by 1 village
        _child("640221300", 0, [0] * 15),  # no 建制村: never lags
    ])
    lag = lagging_children(children, target, TODAY)
    assert [x.child for x in lag] == ["640221200", "640221101"]
    assert lag[0].line == pytest.approx(share) and lag[0].start_rate == 0.0
    assert lag[1].line == pytest.approx(1 / 3 + 2 / 3 * share)
    assert [x.shortfall_villages for x in lag] == [1, 1]
    assert lag[0].shortfall_points == pytest.approx((share - 1 / 3) * 100)
    assert lag[0].to_json()["start"] == "2023-12-31"
    # an exact value today puts 640221101 back on its line
    assert [x.child for x in lagging_children(children, target, TODAY, current={"640221101": 3})] == ["640221200"]
    # without a creation date the line starts at each child's first month end (2023-12-31 here too)
    plain = Target(COUNTY, Measure.COVERAGE_RATE, 1.0, D(2025, 12, 31))
    assert [x.child for x in lagging_children(children, plain, TODAY)] == ["640221200", "640221101"]
    # a later configured start, 2024-12-31 (74 of 365 days gone): 640221200 was at 0 then, its line is
    # at 20.3% and it is at 33.3%; 640221100 and 640221101 have not moved since and fall behind their lines
    later = lagging_children(children, plain, TODAY, start=D(2024, 12, 31))
    assert [x.child for x in later] == ["640221101", "640221100"]
    assert later[1].line == pytest.approx(0.75 + 0.25 * 74 / 365)
    with pytest.raises(ValueError, match="coverage"):
        lagging_children(children, Target(COUNTY, Measure.STATION_COUNT, 5, D(2025, 12, 31),
                                          station_type=StationType.COMBINED), TODAY)


def test_the_line() -> None:
    target = Target(COUNTY, Measure.COVERAGE_RATE, 0.85, D(2024, 12, 31))
    start = D(2024, 1, 1)
    assert line_value(start, 0.25, target, D(2023, 6, 1)) == 0.25
    assert line_value(start, 0.25, target, D(2025, 6, 1)) == 0.85
    assert line_value(start, 0.95, target, D(2024, 12, 31)) == 0.85
    assert line_value(D(2025, 1, 1), 0.25, target, D(2024, 6, 1)) == 0.85


# --- properties -------------------------------------------------------------------------------


@st.composite
def curves(draw: st.DrawFn) -> tuple[int, list[CurvePoint]]:
    total = draw(st.integers(0, 50))
    first = draw(st.dates(D(2020, 1, 1), D(2025, 1, 1)))
    steps = draw(st.lists(st.integers(-2, 5), min_size=1, max_size=40))
    covered, value = [], 0
    for step in steps:
        value = min(total, max(0, value + step))
        covered.append(value)
    ends = month_ends(first, add_months(first, len(steps) - 1))
    return total, [CurvePoint(m, c, total) for m, c in zip(ends, covered, strict=True)]


@settings(max_examples=300, deadline=None)
@given(curves(), st.floats(0.05, 1.0), st.dates(D(2020, 1, 1), D(2028, 12, 31)),
       st.dates(D(2020, 1, 1), D(2028, 12, 31)))
def test_pace_is_consistent(curve: tuple[int, list[CurvePoint]], value: float, deadline: dt.date,
                            today: dt.date) -> None:
    total, points = curve
    target = Target(COUNTY, Measure.COVERAGE_RATE, value, deadline)
    p = pace(target, points, today)
    assert 0 <= p.achieved <= total and p.goal <= total
    assert p.gap == max(0, p.goal - int(p.achieved))
    assert p.gap_points is not None and 0 <= p.gap_points <= 100
    if p.needed_per_month is not None and p.months_left:
        assert p.needed_per_month * p.months_left == pytest.approx(p.gap)
    if p.trailing_per_month <= 0 and p.achieved < total:
        assert p.projected_full is None
    if p.projected_full is not None:
        assert p.projected_full >= today
    assert (p.met_on_deadline is None) == (deadline >= today)
