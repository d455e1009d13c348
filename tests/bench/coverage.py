"""Benchmark: coverage and pacing on a national registry (issue 5's speed paragraph).

Run on demand (not collected by pytest):  .venv/bin/python tests/bench/coverage.py [--repeat 9] [--rebuild]
(pandas is only needed here: `.venv/bin/pip install -e '.[bench]'`.)

The registry: every unit of the bundled 2023 codes (620,573 village-level units, 487,144 建制村) and
300,000 synthetic stations written through the import's bulk path (`services.station_writer`: station
rows, opening events, spans and village covers derived in the same transaction), then 15,000 closures
and 5,000 reopenings recorded as events and derived through `storage.history_store.refresh`. Types,
opening dates (some month-only, year-only or missing) and villages are drawn with a fixed seed. Built
once and cached as /tmp/villagepost-bench/coverage-nation.sqlite (from registry-nation.sqlite when that
cache exists, which is copied first: opening it upgrades it).

Cases, each a warm median of --repeat calls, side by side:
- ours: the service call the window and the CLI make (`services.coverage.coverage`, `services.pacing.pacing`);
- SQL floor: bare sqlite3 running only the covering-index GROUP BY over `village_cover` (no totals, no
  names, no Python objects);
- pandas: the same groupby on DataFrames already in memory (`village_cover` and the division totals,
  read before timing — the time to load them is printed apart).
Targets: national coverage by county < 250 ms; one county by township < 10 ms; a province's pacing < 0.5 s.
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import shutil
import sqlite3
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from sqlalchemy import select

from villagepost.core.actor import Actor
from villagepost.core.coverage import month_ends
from villagepost.core.divisions import Level
from villagepost.core.pacing import Measure
from villagepost.services import coverage as cov
from villagepost.services import divisions as div_svc
from villagepost.services import pacing as pac
from villagepost.services import targets as tgt
from villagepost.services.registry import Registry
from villagepost.services.station_writer import StationInput, StationWriter
from villagepost.storage import history_store
from villagepost.storage.bulk import insert_rows
from villagepost.storage.models import Division, StationEvent, StationSpan

CACHE = Path("/tmp/villagepost-bench")
SOURCE = CACHE / "registry-nation.sqlite"
TARGET = CACHE / "coverage-nation.sqlite"
STATIONS = 300_000
CLOSED, REOPENED = 15_000, 5_000
TODAY = dt.date(2025, 11, 1)
ON = dt.date(2025, 6, 30)
FIRST_DAY = dt.date(2016, 1, 1)
PROVINCE = "41"  # 河南: the most 建制村 of any province
ACTOR = Actor("bench")
TYPES = [("村邮站+快递超市", 35), ("综合服务站", 25), ("村邮站", 25), ("快递超市", 15)]


def _opened(rng: random.Random) -> str | None:
    day = FIRST_DAY + dt.timedelta(days=rng.randrange((ON - FIRST_DAY).days))
    kind = rng.random()
    if kind < 0.05:
        return None
    if kind < 0.10:
        return str(day.year)
    if kind < 0.20:
        return day.isoformat()[:7]
    return day.isoformat()


def build(path: Path) -> None:
    """The national registry with 300k synthetic stations and some closures (see the module docstring)."""
    print(f"building {path} …", file=sys.stderr)
    started = time.perf_counter()
    path.unlink(missing_ok=True)
    if SOURCE.exists():
        shutil.copyfile(SOURCE, path)
    with Registry.open(path, actor=ACTOR) as reg:
        if reg.schema.backup is not None:
            reg.schema.backup.unlink(missing_ok=True)
        if div_svc.is_empty(reg):
            div_svc.load(reg)
        with reg.read() as s:
            villages = list(s.scalars(select(Division.code).where(Division.level == 5,
                                                                  Division.village_class == "村委会")))
        rng = random.Random(2023)
        chosen = rng.sample(villages, STATIONS - 30_000) + rng.sample(villages, 30_000)
        chosen.sort()
        names, weights = zip(*TYPES, strict=True)
        present = frozenset({"station_type", "opened"})
        with reg.connection() as conn:
            writer = StationWriter(conn, ACTOR, TODAY)
            seen: dict[str, int] = {}
            for village in chosen:
                seen[village] = seen.get(village, 0) + 1
                stype = rng.choices(names, weights)[0]
                writer.apply(village, StationInput(f"服务站{seen[village]}", station_type=stype, opened=_opened(rng)),
                             present)
            writer.flush()
        print(f"  stations written in {time.perf_counter() - started:.1f} s", file=sys.stderr)
        with reg.connection() as conn:
            rows = conn.execute(select(StationSpan.station_code, StationSpan.start_on)
                                .where(StationSpan.combined.is_(True), StationSpan.start_on < ON)).all()
            picked = rng.sample(sorted(rows), CLOSED)
            events: list[dict[str, Any]] = []
            for i, (code, start) in enumerate(picked):
                closed = start + dt.timedelta(days=rng.randrange(1, max(2, (ON - start).days + 200)))
                closed = min(closed, TODAY - dt.timedelta(days=2))
                events.append(_event(code, "closed", closed))
                if i < REOPENED:
                    events.append(_event(code, "reopened", closed + dt.timedelta(days=rng.randrange(1, 300))))
            events = [e for e in events if e["effective_on"] < TODAY]
            insert_rows(conn, StationEvent.__table__, events)  # type: ignore[arg-type]
            history_store.refresh(conn, sorted({code for code, _ in picked}), today=TODAY)
        tgt.set_target(reg, PROVINCE, Measure.COVERAGE_RATE, 0.85, dt.date(2026, 12, 31), today=dt.date(2024, 1, 1))
        tgt.set_target(reg, PROVINCE, Measure.COVERAGE_RATE, 1.0, dt.date(2027, 12, 31), today=dt.date(2024, 1, 1))
        with reg.engine.connect() as conn:
            conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
            conn.exec_driver_sql("ANALYZE")
    print(f"  built in {time.perf_counter() - started:.1f} s", file=sys.stderr)


def _event(code: str, kind: str, day: dt.date) -> dict[str, Any]:
    return {"station_code": code, "kind": kind, "effective_on": day, "known": day.isoformat(), "new_type": None,
            "recorded_on": TODAY, "actor": ACTOR.name}


def timed(fn: Callable[[], Any], repeat: int) -> tuple[float, Any]:
    """Warm median in milliseconds, and the last result."""
    result = fn()
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        result = fn()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times), result


FLOOR_SQL = ("SELECT substr(village_code, 1, {length}), count(*) FROM village_cover "
             "WHERE {where} start_on <= ? AND (end_on IS NULL OR end_on > ?) "
             "AND substr(village_code, 10, 1) IN ('2', '3') GROUP BY 1")


def floor_by(con: sqlite3.Connection, scope: str, length: int) -> dict[str, int]:
    where = "village_code BETWEEN ? AND ? AND" if scope else ""
    params: list[Any] = [scope, scope + "9" * (12 - len(scope))] if scope else []
    sql = FLOOR_SQL.format(length=length, where=where)
    return dict(con.execute(sql, [*params, ON.isoformat(), ON.isoformat()]).fetchall())


def floor_curve(con: sqlite3.Connection, scope: str, days: list[dt.date]) -> list[int]:
    """The province's curve the bare way: starts and ends grouped by day, then running sums per month end."""
    cond = "village_code BETWEEN ? AND ? AND substr(village_code, 10, 1) IN ('2', '3')"
    bounds = [scope, scope + "9" * (12 - len(scope))]
    starts = con.execute(f"SELECT start_on, count(*) FROM village_cover WHERE {cond} GROUP BY 1", bounds).fetchall()
    ends = con.execute(f"SELECT end_on, count(*) FROM village_cover WHERE {cond} AND end_on IS NOT NULL GROUP BY 1",
                       bounds).fetchall()
    out = []
    for day in days:
        iso = day.isoformat()
        out.append(sum(n for d, n in starts if d <= iso) - sum(n for d, n in ends if d <= iso))
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeat", type=int, default=9)
    parser.add_argument("--rebuild", action="store_true")
    args = parser.parse_args()
    CACHE.mkdir(parents=True, exist_ok=True)
    if args.rebuild or not TARGET.exists():
        build(TARGET)
    import pandas as pd

    reg = Registry.open(TARGET, actor=ACTOR)
    con = sqlite3.connect(f"file:{TARGET}?mode=ro", uri=True)
    with reg.read() as s:
        counts = s.connection().exec_driver_sql(
            "SELECT (SELECT count(*) FROM station), (SELECT count(*) FROM village_cover), "
            "(SELECT count(*) FROM division WHERE level = 5)").one()
    print(f"registry: {counts[2]:,} village-level units, {counts[0]:,} stations, {counts[1]:,} village covers")

    load_start = time.perf_counter()
    covers = pd.read_sql_query("SELECT village_code, start_on, end_on FROM village_cover", con)
    units = pd.read_sql_query("SELECT code, name, level, villages FROM division WHERE retired = 0", con)
    covers = covers[covers.village_code.str[9].isin(["2", "3"])]
    print(f"pandas: DataFrames read in {time.perf_counter() - load_start:.2f} s (not in the times below)")
    on = ON.isoformat()

    def pandas_by(scope: str, level: int, length: int) -> dict[str, int]:
        frame = covers
        if scope:
            frame = frame[frame.village_code.str.startswith(scope)]
        frame = frame[(frame.start_on <= on) & (frame.end_on.isna() | (frame.end_on > on))]
        covered = frame.groupby(frame.village_code.str[:length]).size()
        level_units = units[units.level == level]
        if scope:
            level_units = level_units[level_units.code.str.startswith(scope)]
        table = level_units.set_index("code").join(covered.rename("covered")).fillna({"covered": 0})
        return {code: int(n) for code, n in table.covered.items() if n}

    with reg.read() as s:
        county = s.connection().exec_driver_sql(
            "SELECT code FROM division WHERE level = 3 ORDER BY villages DESC, code LIMIT 1").scalar_one()
    rows: list[tuple[str, float, float, float, float]] = []

    ours, report = timed(lambda: cov.coverage(reg, "", on=ON, level=Level.COUNTY), args.repeat)
    floor, floor_counts = timed(lambda: floor_by(con, "", 6), args.repeat)
    panda, panda_counts = timed(lambda: pandas_by("", 3, 6), args.repeat)
    got = {c.code: c.villages_covered for c in report.children if c.villages_covered}
    assert got == floor_counts == panda_counts, "the three disagree"
    rows.append((f"national coverage by county ({len(report.children):,} counties)", ours, floor, panda, 250))

    ours, report = timed(lambda: cov.coverage(reg, county, on=ON), args.repeat)
    floor, floor_counts = timed(lambda: floor_by(con, county, 9), args.repeat)
    panda, panda_counts = timed(lambda: pandas_by(county, 4, 9), args.repeat)
    got = {c.code: c.villages_covered for c in report.children if c.villages_covered}
    assert got == floor_counts == panda_counts, "the three disagree"
    rows.append((f"one county by township ({county} {report.name}, {report.villages_total} 建制村)", ours, floor,
                 panda, 10))

    ours, pacing = timed(lambda: pac.pacing(reg, PROVINCE, today=TODAY), args.repeat)
    days = [p.month_end for p in pacing.curve]
    floor, floor_points = timed(lambda: floor_curve(con, PROVINCE, days), args.repeat)
    def pandas_curve() -> list[int]:
        prov = covers[covers.village_code.str.startswith(PROVINCE)]
        index = pd.Index([d.isoformat() for d in days])
        starts = prov.groupby("start_on").size().sort_index().cumsum()
        ends = prov.dropna(subset=["end_on"]).groupby("end_on").size().sort_index().cumsum()
        started = starts.reindex(starts.index.union(index)).ffill().fillna(0).reindex(index)
        ended = ends.reindex(ends.index.union(index)).ffill().fillna(0).reindex(index)
        return [int(n) for n in (started - ended)]

    panda, panda_points = timed(pandas_curve, args.repeat)
    assert [p.covered for p in pacing.curve] == floor_points == panda_points, "the curves disagree"
    rows.append((f"province pacing ({PROVINCE} {pacing.name}: {len(days)} months, {len(pacing.paces)} targets, "
                 "lagging cities)", ours, floor, panda, 500))

    width = max(len(r[0]) for r in rows)
    print(f"\n{'case':<{width}}  {'ours ms':>9}  {'SQL floor ms':>12}  {'pandas ms':>9}  {'target ms':>9}")
    for name, o, f, p, t in rows:
        print(f"{name:<{width}}  {o:9.1f}  {f:12.1f}  {p:9.1f}  {t:9.0f}{'' if o < t else '  (over)'}")
    print(f"\n(median of {args.repeat} warm runs; pandas times exclude reading the tables into DataFrames; "
          f"the province's curve runs {month_ends(days[0], days[-1])[0]:%Y-%m} to {TODAY})")
    con.close()
    reg.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
