"""Benchmark: importing a roster end to end, beside its peers (not collected by pytest).

    .venv/bin/python tests/bench/import_roster.py --scope 22          # Jilin: 9,321 village committees
    .venv/bin/python tests/bench/import_roster.py                     # the nation: 487,144 rows
    .venv/bin/python tests/bench/import_roster.py --cache /tmp/vp-bench   # keep generated files between runs
    .venv/bin/python tests/bench/import_roster.py --scope 64 --file tests/rosters/data/E01_ningxia_province_all.xlsx \
        --repeat 3 --skip pandas                                       # the Ningxia example roster (E01)
    .venv/bin/python tests/bench/import_roster.py --scope 64 --file /tmp/E01.xls --repeat 5 --skip pandas openpyxl
                                                                       # the same roster saved as .xls

Generates the roster with read_roster.generate (every 村委会 of the scope, a station on every third row, or
with `--stations most` on 5 rows of 8),
and a registry with the scope's division codes loaded. Then, each in a fresh process, timed with its
peak RSS from wait4():
- ours: `villagepost --db COPY import ROSTER --json` — safety scan, layout, parse, registry checks,
  station writes, one transaction, commit;
- pandas: `pandas.read_excel(dtype=str)` + `DataFrame.to_sql` into SQLite (reads and stores, checks nothing);
- openpyxl: bare read-only iteration of the values;
- calamine: bare python-calamine iteration;
- calamine+sqlite: a bare calamine read plus a bare SQLite executemany of the same rows (the floor for a
  province .xls, which openpyxl cannot read: `--file ROSTER.xls --skip pandas openpyxl`);
- registry-writes: what ours stored (station, event, span, served village, cover and audit rows), written
  again by bare sqlite3 executemany into a fresh copy of the registry, with the registry's own pragmas
  (WAL, synchronous FULL, foreign keys on), in one transaction: the floor of the writes alone. Its seconds
  are the inserts and the commit only (reading the rows back is not counted); it runs after ours;
- before (with `--before DIR`): ours, run from another source tree (e.g. `git archive main villagepost | tar
  -x -C DIR`), for an A/B of a change in the same run.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from read_roster import generate

PEER_CODE = {
    "pandas": (
        "import sys, sqlite3, pandas as pd\n"
        "df = pd.read_excel(sys.argv[1], dtype=str)\n"
        "con = sqlite3.connect(sys.argv[2]); df.to_sql('roster', con, index=False); con.commit()\n"
        "print(len(df))"
    ),
    "openpyxl": (
        "import sys, openpyxl\n"
        "wb = openpyxl.load_workbook(sys.argv[1], read_only=True, data_only=True)\n"
        "print(sum(1 for _ in wb.worksheets[0].iter_rows(values_only=True)) - 1)"
    ),
    "calamine": (
        "import sys, python_calamine\n"
        "b = python_calamine.CalamineWorkbook.from_path(sys.argv[1])\n"
        "print(sum(1 for _ in b.get_sheet_by_name(b.sheet_names[0]).iter_rows()) - 1)"
    ),
    # the floor the issue sets for an .xls: a bare calamine read plus a bare SQLite insert of the same rows
    "calamine+sqlite": (
        "import sys, sqlite3, python_calamine\n"
        "b = python_calamine.CalamineWorkbook.from_path(sys.argv[1])\n"
        "rows = b.get_sheet_by_name(b.sheet_names[0]).to_python()\n"
        "width = max(len(r) for r in rows)\n"
        "con = sqlite3.connect(sys.argv[2])\n"
        "con.execute('CREATE TABLE roster (' + ', '.join(f'c{i}' for i in range(width)) + ')')\n"
        "con.executemany('INSERT INTO roster VALUES (' + ', '.join('?' * width) + ')',\n"
        "                (list(r) + [None] * (width - len(r)) for r in rows[1:]))\n"
        "con.commit(); print(len(rows) - 1)"
    ),
    # the writes of an import alone: the rows ours stored, inserted again by bare sqlite3 (argv: the imported
    # registry, a fresh copy of the empty one); prints the rows and the seconds of the inserts and the commit
    "registry-writes": (
        "import sqlite3, sys, time\n"
        "src = sqlite3.connect(sys.argv[1]); data = []\n"
        "for t in ('station', 'station_village', 'station_event', 'station_span', 'village_cover', 'audit_log'):\n"
        "    cur = src.execute(f'SELECT * FROM {t}'); cols = [d[0] for d in cur.description]\n"
        "    data.append((t, cols, cur.fetchall()))\n"
        "con = sqlite3.connect(sys.argv[2], isolation_level=None)\n"
        "for p in ('foreign_keys = ON', 'journal_mode = WAL', 'synchronous = FULL', 'temp_store = MEMORY',\n"
        "          'cache_size = -65536'):\n"
        "    con.execute('PRAGMA ' + p)\n"
        "started = time.perf_counter(); con.execute('BEGIN IMMEDIATE')\n"
        "for t, cols, rows in data:\n"
        "    marks = ', '.join('?' * len(cols))\n"
        "    con.executemany(f'INSERT INTO {t} ({\", \".join(cols)}) VALUES ({marks})', rows)\n"
        "con.execute('COMMIT')\n"
        "print(sum(len(r) for _, _, r in data), time.perf_counter() - started)"
    ),
}


#: --stations: (`of` rows in every `per` name a station, the generated file's name suffix)
STATION_SHARES = {"third": ((3, 1), ""), "most": ((8, 5), "-most")}


def run(cmd: list[str], env: dict[str, str] | None = None, cwd: Path | None = None) -> tuple[float, float, str]:
    """Wall seconds, peak RSS in MB, and stdout of a child process."""
    started = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, env=env, cwd=cwd)
    assert proc.stdout is not None
    out = proc.stdout.read()
    _, status, usage = os.wait4(proc.pid, 0)
    proc.returncode = os.waitstatus_to_exitcode(status)
    return time.perf_counter() - started, usage.ru_maxrss / 1024, out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--scope", default="", help="province/city/county prefix (default: the nation)")
    parser.add_argument("--cache", type=Path, default=Path("/tmp/villagepost-bench"))
    parser.add_argument("--skip", nargs="*", default=[],
                        choices=["ours", "pandas", "openpyxl", "calamine", "calamine+sqlite", "registry-writes"])
    parser.add_argument("--file", type=Path, help="import this roster instead of a generated one")
    parser.add_argument("--repeat", type=int, default=1, help="runs of each peer; the median is shown")
    parser.add_argument("--before", type=Path, help="also run ours from this source tree (holding villagepost/)")
    parser.add_argument("--stations", choices=["third", "most"], default="third",
                        help="which generated rows name a station: every third (default; 162,381 nationally) or 5 "
                             "of every 8 (304,465: a national roster of about 300,000 stations)")
    parser.add_argument("--opened-today", action="store_true",
                        help="the registry was already opened today: its daily backup exists, so each run makes "
                             "only the pre-import backup (default: each run is the day's first open)")
    args = parser.parse_args()
    cache: Path = args.cache.resolve()
    cache.mkdir(parents=True, exist_ok=True)
    tag = args.scope or "nation"
    (per, of), suffix = STATION_SHARES[args.stations]
    roster = (args.file or cache / f"roster-{tag}{suffix}.xlsx").resolve()
    if not roster.exists():
        started = time.perf_counter()
        n = generate(roster, args.scope, per, of)
        print(f"generated {n:,} rows in {time.perf_counter() - started:.0f} s ({roster.stat().st_size / 1e6:.1f} MB)")
    template = cache / f"registry-{tag}.sqlite"
    if not template.exists():
        # In a child process: this process must stay small, or fork would lend its size to every child's peak.
        cmd = [sys.executable, "-m", "villagepost", "--db", str(template), "divisions", "load"]
        subprocess.run(cmd + (["--scope", args.scope] if args.scope else []), check=True, capture_output=True)
        code = "import sqlite3,sys; sqlite3.connect(sys.argv[1]).execute('PRAGMA wal_checkpoint(TRUNCATE)')"
        subprocess.run([sys.executable, "-c", code, str(template)], check=True)

    print(f"{'peer':<15} {'rows':>9} {'seconds':>8} {'rows/s':>9} {'peak MB':>8}  what it does"
          + (f"  (median of {args.repeat}, process start included)" if args.repeat > 1 else ""))
    floor = xls_floor = None
    peers = [p for p in ("ours", "pandas", "openpyxl", "calamine", "calamine+sqlite", "registry-writes")
             if p not in args.skip and (p != "registry-writes" or "ours" not in args.skip)]
    if args.before is not None:
        peers.insert(1, "before")
    measured: dict[str, list[tuple[float, float, int, str]]] = {p: [] for p in peers}
    daily = _daily_backups(cache, template) if args.opened_today else None
    for _ in range(args.repeat):
        for peer in peers:  # interleaved, so drift of the shared machine hits every peer alike
            measured[peer].append(_one(peer, cache, template, roster, args.before, daily))
    for peer in peers:
        runs = measured[peer]
        seconds = statistics.median(r[0] for r in runs)
        peak = max(r[1] for r in runs)
        rows, what = runs[0][2], runs[0][3]
        print(f"{peer:<15} {rows:>9,} {seconds:>8.2f} {rows / seconds:>9,.0f} {peak:>8.0f}  {what}")
        if peer == "openpyxl":
            floor = seconds
        if peer == "calamine+sqlite":
            xls_floor = seconds
        if peer == "registry-writes":
            writes = seconds
        if peer == "ours":
            ours = seconds
        if peer == "before":
            before = seconds
    if xls_floor and "ours" not in args.skip:
        print(f"ours / (calamine bare read + SQLite insert): {ours / xls_floor:.2f}x")
    if "registry-writes" in peers:
        print(f"ours / its writes alone (bare sqlite3): {ours / writes:.2f}x")
    if floor and "ours" not in args.skip:
        print(f"ours / openpyxl bare read: {ours / floor:.2f}x")
        if args.before is not None:
            print(f"before / openpyxl bare read: {before / floor:.2f}x")
    print(f"load average {os.getloadavg()[0]:.1f}")


def _daily_backups(cache: Path, template: Path) -> Path:
    """A backups folder holding the day's verified daily backup of `template`, made by opening a copy of it
    (as the window's first start of the day would), to be copied beside each run's registry."""
    db = cache / "opened.sqlite"
    folder = cache / "opened-backups"
    shutil.rmtree(folder, ignore_errors=True)
    for suffix in ("", "-wal", "-shm"):
        Path(str(db) + suffix).unlink(missing_ok=True)
    shutil.copyfile(template, db)
    subprocess.run([sys.executable, "-m", "villagepost", "--db", str(db), "db", "check"], check=True,
                   capture_output=True, cwd=cache)
    return folder


def _one(peer: str, cache: Path, template: Path, roster: Path,  # noqa: PLR0917
         before: Path | None = None, daily: Path | None = None) -> tuple[float, float, int, str]:
    """One run of `peer` in a fresh process: seconds, peak MB, rows, what it did."""
    if peer in ("ours", "before"):
        db = cache / "work.sqlite"
        for suffix in ("", "-wal", "-shm"):
            Path(str(db) + suffix).unlink(missing_ok=True)
        # Each run is a first import of the day on its own: the daily backup and the pre-import one; or,
        # with `daily`, an import into a registry opened before today (only the pre-import backup).
        shutil.rmtree(cache / "work-backups", ignore_errors=True)
        shutil.copyfile(template, db)
        if daily is not None:
            shutil.copytree(daily, cache / "work-backups")
        env = None if peer == "ours" else {**os.environ, "PYTHONPATH": str(before.resolve())}
        # Run from the cache folder: `python -m` puts the working directory first on sys.path, so run from the
        # source tree it would import that tree's villagepost for "before" too.
        seconds, peak, out = run([sys.executable, "-m", "villagepost", "--db", str(db), "import", str(roster),
                                  "--json"], env, cwd=cache)
        doc = json.loads(out)
        rows = doc["rows_read"]
        what = (f"status {doc['status']}, {doc['villages_imported']:,} villages, "
                f"{doc['stations_created']:,} stations")
    elif peer == "registry-writes":
        target = cache / "writes.sqlite"
        for suffix in ("", "-wal", "-shm"):
            Path(str(target) + suffix).unlink(missing_ok=True)
        shutil.copyfile(template, target)
        _, peak, out = run([sys.executable, "-c", PEER_CODE[peer], str(cache / "work.sqlite"), str(target)])
        count, seconds = out.split()
        rows, seconds = int(count), float(seconds)
        what = "the rows ours stored, bare executemany + commit (in-process seconds)"
    else:
        target = cache / "pandas.sqlite"
        target.unlink(missing_ok=True)
        seconds, peak, out = run([sys.executable, "-c", PEER_CODE[peer], str(roster), str(target)])
        rows = int(out.strip() or 0)
        what = {"pandas": "read_excel + to_sql, no checks", "openpyxl": "read-only iteration",
                "calamine": "bare iteration", "calamine+sqlite": "bare read + bare SQLite insert"}[peer]
    return seconds, peak, rows, what


if __name__ == "__main__":
    main()
