"""Benchmark: the place checks an import adds, at national scale (not collected by pytest).

    .venv/bin/python tests/bench/place_checks.py [--repeat 3]

Rows, side by side in one run (wall seconds, median of --repeat; the machine is shared, so read the ratios):
- province extents: `core.places.province_problem` for 487,144 rows (the national roster's size), against
  its floor, a bare dict lookup and four comparisons per row;
- far from the county: `CountyPositions.all_far` for 162,381 located stations in 2,846 counties (the
  national registry's shape, ~57 per county), against the naive peer (`far` per station: the median of
  the others recomputed for each) and the floor (sorting each county's longitudes and latitudes once).
The database query that gathers the positions (`storage.place_queries.county_positions`) is one indexed
scan of the station table and is not timed here.
"""

from __future__ import annotations

import argparse
import random
import statistics
import time
from collections.abc import Callable

from villagepost.core.places import CountyPositions, province_extents, province_problem

ROWS = 487_144
STATIONS = 162_381
COUNTIES = 2_846


def _time(fn: Callable[[], object], repeat: int) -> float:
    runs = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        runs.append(time.perf_counter() - start)
    return statistics.median(runs)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    rng = random.Random(1)
    extents = province_extents()
    provinces = sorted(extents)
    rows = []
    for _ in range(ROWS):
        e = extents[rng.choice(provinces)]
        rows.append((f"{e.code}0000000000", rng.uniform(e.min_lon, e.max_lon), rng.uniform(e.min_lat, e.max_lat)))

    def ours_rows() -> None:
        for code, lon, lat in rows:
            province_problem(code, lon, lat)

    def floor_rows() -> None:
        for code, lon, lat in rows:
            e = extents.get(code[:2])
            _ = e is not None and e.min_lon <= lon <= e.max_lon and e.min_lat <= lat <= e.max_lat

    counties: list[dict[str, tuple[float, float]]] = [{} for _ in range(COUNTIES)]
    for i in range(STATIONS):
        c = i % COUNTIES
        counties[c][f"{c:06d}-{i}"] = (100 + c % 30 + rng.uniform(-0.5, 0.5), 30 + c % 15 + rng.uniform(-0.5, 0.5))

    def ours_far() -> None:
        for positions in counties:
            CountyPositions(positions).all_far(list(positions))

    def naive_far() -> None:
        for positions in counties:
            county = CountyPositions(positions)
            for code, (lon, lat) in positions.items():
                county.far(lon, lat, own=code)

    def floor_far() -> None:
        for positions in counties:
            sorted(p[0] for p in positions.values())
            sorted(p[1] for p in positions.values())

    table = [
        ("province extents, 487,144 rows: ours", _time(ours_rows, args.repeat)),
        ("province extents: floor (dict + 4 comparisons)", _time(floor_rows, args.repeat)),
        ("far from county, 162,381 stations: ours (rank median)", _time(ours_far, args.repeat)),
        ("far from county: naive peer (median recomputed per station)", _time(naive_far, args.repeat)),
        ("far from county: floor (one sort per county and axis)", _time(floor_far, args.repeat)),
    ]
    print(f"place checks — median of {args.repeat} (wall s)")
    for name, seconds in table:
        print(f"{name:<64} {seconds:8.3f}")


if __name__ == "__main__":
    main()
