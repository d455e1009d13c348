"""Benchmark: loading the national division codes (665,276 units) into an empty SQLite registry.

Run on demand (not collected by pytest):  .venv/bin/python tests/bench/load_divisions.py [--repeat 3]

Peers, in the same run and on the same schema (created by our migrations, indexes included):
- floor: raw sqlite3 — the same decompressed rows (parsed with the csv module) inserted with one
  executemany in one transaction, secondary indexes built after the insert;
- core: SQLAlchemy Core `conn.execute(insert(Division), rows_as_dicts)`;
- ours: `villagepost.services.divisions.load(registry)` end to end: reading the bundled files, pinyin
  index, foreign keys on, synchronous=FULL.
Prints median seconds over the repeats, the ratio to the floor, and the database size.
"""

from __future__ import annotations

import argparse
import csv
import gzip
import lzma
import sqlite3
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from sqlalchemy import insert

from villagepost.core.divisions import Level, village_class
from villagepost.services import divisions as div_svc
from villagepost.services.registry import Registry
from villagepost.storage.division_loader import COLUMNS
from villagepost.storage.division_source import LEVEL_FILES, PINYIN_FILE, edition_dir
from villagepost.storage.models import Division


def _csv_rows() -> list[tuple[object, ...]]:
    """The rows to insert, read the plain way: lzma + csv module + the pinyin index."""
    folder = edition_dir()
    with gzip.open(folder / PINYIN_FILE, "rt", encoding="utf-8") as fh:
        keys = fh.read().split("\n")[1:]
    rows: list[tuple[object, ...]] = []
    i = 0
    for filename, level in LEVEL_FILES:
        with lzma.open(folder / filename, "rt", encoding="utf-8", newline="") as fh:
            reader = csv.reader(fh)
            next(reader)
            for row in reader:
                py, _, ini = keys[i].partition("\t")
                vc = village_class(row[0]) if level is Level.VILLAGE else None
                rows.append((row[0], row[1], int(level), row[2] if len(row) > 2 else None,
                             vc.value if vc else None, 2023, False, py, ini))
                i += 1
    return rows


def _fresh(tmp: Path, name: str) -> Registry:
    reg = Registry.open(tmp / f"{name}.sqlite")
    return reg


def run_floor(tmp: Path) -> tuple[float, int]:
    reg = _fresh(tmp, f"floor-{time.monotonic_ns()}")
    path = reg.location.path
    reg.close()
    assert path is not None
    start = time.perf_counter()
    rows = _csv_rows()
    con = sqlite3.connect(path, isolation_level=None)
    con.execute("PRAGMA journal_mode=WAL")
    con.execute("BEGIN")
    con.execute("DROP INDEX ix_division_parent_code")
    con.execute("DROP INDEX ix_division_initials")
    con.executemany(f"INSERT INTO division ({', '.join(COLUMNS)}) VALUES ({', '.join('?' * len(COLUMNS))})", rows)
    con.execute("CREATE INDEX ix_division_parent_code ON division (parent_code, code)")
    con.execute("CREATE INDEX ix_division_initials ON division (initials)")
    con.execute("COMMIT")
    con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    con.close()
    return time.perf_counter() - start, path.stat().st_size


def run_core(tmp: Path) -> tuple[float, int]:
    reg = _fresh(tmp, f"core-{time.monotonic_ns()}")
    start = time.perf_counter()
    rows = [dict(zip(COLUMNS, r, strict=True)) for r in _csv_rows()]
    with reg.engine.begin() as conn:
        conn.execute(insert(Division), rows)
    elapsed = time.perf_counter() - start
    with reg.engine.connect() as conn:
        conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    size = reg.location.path.stat().st_size  # type: ignore[union-attr]
    reg.close()
    return elapsed, size


def run_ours(tmp: Path) -> tuple[float, int]:
    reg = _fresh(tmp, f"ours-{time.monotonic_ns()}")
    start = time.perf_counter()
    result = div_svc.load(reg)
    elapsed = time.perf_counter() - start
    assert result.inserted == 665_276
    with reg.engine.connect() as conn:
        conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    size = reg.location.path.stat().st_size  # type: ignore[union-attr]
    reg.close()
    return elapsed, size


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--skip-core", action="store_true")
    args = parser.parse_args()
    peers: list[tuple[str, Callable[[Path], tuple[float, int]]]] = [("floor: raw sqlite3 executemany", run_floor)]
    if not args.skip_core:
        peers.append(("SQLAlchemy Core executemany", run_core))
    peers.append(("ours: divisions.load", run_ours))
    results: dict[str, list[tuple[float, int]]] = {name: [] for name, _ in peers}
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        for _ in range(args.repeat):
            for name, fn in peers:  # interleaved, so drift hits every peer alike
                results[name].append(fn(tmp))
    floor = statistics.median(t for t, _ in results[peers[0][0]])
    print(f"national load: 665,276 units, median of {args.repeat} runs (python {sys.version.split()[0]})")
    print(f"{'variant':<34} {'median s':>9} {'min s':>7} {'max s':>7} {'x floor':>8} {'db MB':>7}")
    for name, _ in peers:
        times = [t for t, _ in results[name]]
        size = results[name][-1][1] / 1e6
        med = statistics.median(times)
        print(f"{name:<34} {med:9.2f} {min(times):7.2f} {max(times):7.2f} {med / floor:8.2f} {size:7.1f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
