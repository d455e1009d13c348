"""The place rules' arithmetic: the province table, distances, and the median of the county's other stations."""

from __future__ import annotations

import random
import statistics

import pytest

from villagepost.core.places import FAR_KM, MIN_OTHERS, CountyPositions, distance_km, province_problem


def test_distances_on_known_pairs() -> None:
    assert distance_km(106.0, 38.0, 106.0, 38.0) == 0.0
    assert distance_km(106.0, 38.0, 106.0, 39.0) == pytest.approx(111.2, abs=0.2)  # one degree of latitude
    assert distance_km(116.397, 39.917, 106.230, 38.487) == pytest.approx(885, abs=10)  # 北京 - 银川


def test_province_problem_names_the_province_and_leaves_unknown_codes_and_half_pairs_alone() -> None:
    problem = province_problem("640221106200", 116.4, 39.9)
    assert problem is not None and problem.kind == "coord_out_of_range"
    assert problem.params["province"] == "宁夏回族自治区"
    assert province_problem("640221106200", 106.4, 38.9) is None
    assert province_problem("110101001001", 116.4, 39.9) is None
    assert province_problem("990000000000", 116.4, 39.9) is None  # no such province: the code rules answer
    assert province_problem("640221106200", 116.4, None) is None
    # the margin: just outside Ningxia's boundary box (107.659 E) is still inside its extent (107.76 E)
    assert province_problem("640221106200", 107.70, 38.9) is None
    assert province_problem("640221106200", 107.80, 38.9) is not None


def test_too_few_others_give_no_warning() -> None:
    positions = {f"s{i}": (106.0, 38.0) for i in range(MIN_OTHERS)}
    positions["far"] = (106.0, 36.0)
    county = CountyPositions(positions)
    assert county.far(106.0, 36.0, own="far") is not None  # 3 others: compared
    del positions["s0"]
    assert CountyPositions(positions).far(106.0, 36.0, own="far") is None  # 2 others: too few
    assert CountyPositions(positions).all_far(list(positions)) == {}


def test_all_far_equals_far_for_every_station() -> None:
    """The rank trick (median without one element) agrees with recomputing the median for each station."""
    rng = random.Random(7)
    for n in (4, 5, 6, 7, 40, 41):
        positions = {f"s{i}": (106 + rng.uniform(-1.5, 1.5), 38 + rng.uniform(-1.2, 1.2)) for i in range(n)}
        positions["x"] = (106.0, 36.3)
        county = CountyPositions(positions)
        expected = {code: county.far(*pos, own=code) for code, pos in positions.items()}
        got = county.all_far(list(positions))
        assert got == {c: f for c, f in expected.items() if f is not None}
        for code, far in got.items():
            others = [p for c, p in positions.items() if c != code]
            mlon = statistics.median(p[0] for p in others)
            mlat = statistics.median(p[1] for p in others)
            assert far.km == pytest.approx(distance_km(*positions[code], mlon, mlat))
            assert far.km > FAR_KM and far.others == n


def test_all_far_equals_far_near_the_threshold() -> None:
    """Counties spread over ~3.5 degrees, so many stations lie near 150 km from the others' median: the
    shortcut (an upper bound of the distance) never hides a far station nor invents one."""
    rng = random.Random(11)
    near_threshold = 0
    for n in range(4, 60):
        positions = {f"s{i}": (rng.uniform(100, 103.5), rng.uniform(30, 33.5)) for i in range(n)}
        county = CountyPositions(positions)
        expected = {}
        for code, pos in positions.items():
            far = county.far(*pos, own=code)
            if far is not None:
                expected[code] = far
            others = [p for c, p in positions.items() if c != code]
            km = distance_km(*pos, statistics.median(p[0] for p in others), statistics.median(p[1] for p in others))
            near_threshold += abs(km - FAR_KM) < 20
        assert county.all_far(list(positions)) == expected
    assert near_threshold > 50


def test_one_misplaced_station_does_not_move_the_reference() -> None:
    positions = {f"s{i}": (106.4 + 0.01 * i, 38.9) for i in range(5)}
    positions["typo"] = (116.4, 38.9)  # a digit off: 10 degrees east
    far = CountyPositions(positions).all_far(list(positions))
    assert list(far) == ["typo"]  # the median ignores it; a mean would have moved ~140 km toward it
