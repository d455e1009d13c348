"""Benchmark: opening a registry with the integrity check of every open, beside its peers (not collected).

    .venv/bin/python tests/bench/open_registry.py --db /tmp/national.sqlite [--repeat 5]

Each figure is the median of `--repeat` runs in this process, after one warm-up (the file in the page cache,
as on a clerk's PC after the first start). Rows:
- ours: `Registry.open(db)` — header check, quick_check of the clerk's tables, merge partners, schema gate;
- ours without the check: `Registry.open(db, check=False)` — the floor our check adds to;
- sqlite3 quick_check: `PRAGMA quick_check` of the whole file (what a naive check on open would cost);
- sqlite3 integrity_check: `PRAGMA integrity_check` (what `db check` and every backup verification run).
The target: opening a national registry stays under 0.5 s.
"""

from __future__ import annotations

import argparse
import os
import sqlite3
import statistics
import time
from collections.abc import Callable
from pathlib import Path


def timed(fn: Callable[[], object], repeat: int) -> float:
    fn()
    runs = []
    for _ in range(repeat):
        started = time.perf_counter()
        fn()
        runs.append(time.perf_counter() - started)
    return statistics.median(runs)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--db", type=Path, required=True)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    os.environ.setdefault("VILLAGEPOST_AUTO_BACKUP", "0")
    from villagepost.services.registry import Registry

    def ours(check: bool) -> Callable[[], object]:
        return lambda: Registry.open(args.db, check=check).close()

    def pragma(name: str) -> Callable[[], object]:
        def run() -> object:
            con = sqlite3.connect(f"{args.db.resolve().as_uri()}?mode=ro", uri=True)
            try:
                return con.execute(f"PRAGMA {name}").fetchall()
            finally:
                con.close()
        return run

    con = sqlite3.connect(f"{args.db.resolve().as_uri()}?mode=ro", uri=True)
    stations = con.execute("SELECT count(*) FROM station").fetchone()[0]
    units = con.execute("SELECT count(*) FROM division").fetchone()[0]
    con.close()
    size = args.db.stat().st_size / 1024 / 1024
    print(f"registry: {args.db} — {size:.0f} MB, {units:,} units, {stations:,} stations; median of {args.repeat}")
    rows = [("ours: Registry.open (with the check)", timed(ours(True), args.repeat)),
            ("ours without the check (floor)", timed(ours(False), args.repeat)),
            ("sqlite3 PRAGMA quick_check (whole file)", timed(pragma("quick_check"), max(1, args.repeat // 2))),
            ("sqlite3 PRAGMA integrity_check", timed(pragma("integrity_check"), max(1, args.repeat // 2)))]
    width = max(len(r[0]) for r in rows)
    for name, seconds in rows:
        print(f"{name:<{width}}  {seconds:8.3f} s")


if __name__ == "__main__":
    main()
