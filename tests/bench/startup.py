"""Start-up of the command line against the floor of the same interpreter, in the same run.

    python tests/bench/startup.py [--runs 7] [--db registry.sqlite]

Rows: `python -c pass` (the floor), `python -c "import villagepost.cli"`, `villagepost --version`,
`villagepost --help`, `villagepost divisions show 640221` (needs a registry with Ningxia's codes; one
is made when --db is not given), the same answer through the full open (SQLAlchemy and the models: what
the command did before it read with plain sqlite3), and the `sqlite3` command-line tool running the same
queries (the floor of the read itself). The commands run interleaved, one of each
per round, so a burst of load from other jobs hits all of them alike. Wall time median and peak RSS of
the child. Targets: --version and --help under 0.15 s, divisions show under 0.4 s; compare with the floor
rows, since other work on the machine moves every figure.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

#: the queries `divisions show 640221` runs (unit, path, counts by level, village classes)
SHOW_SQL = """
SELECT code, name, level, parent_code, village_class, edition, retired, pinyin, initials
  FROM division WHERE code = '640221';
SELECT code, name FROM division WHERE code IN ('64', '6402', '640221');
SELECT level, count(*) FROM division
  WHERE code >= '640221' AND code <= '640221999999' AND code != '640221' AND retired = 0 GROUP BY level;
SELECT village_class, count(*) FROM division
  WHERE code >= '640221' AND code <= '640221999999' AND level = 5 AND retired = 0 GROUP BY village_class;
"""
#: the previous path, for comparison: the same answer through the full open (SQLAlchemy and the models)
FULL_SHOW = ("import sys; from villagepost.services.registry import Registry; from villagepost.services import "
             "divisions; reg = Registry.open(sys.argv[1], create=False); print(divisions.show(reg, '640221'))")


def _run_once(argv: list[str]) -> tuple[float, float]:
    started = time.perf_counter()
    proc = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _pid, status, usage = os.wait4(proc.pid, 0)
    elapsed = time.perf_counter() - started
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"failed: {' '.join(argv)}")
    return elapsed, usage.ru_maxrss / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--db", type=Path)
    args = parser.parse_args()
    py = sys.executable
    db = args.db
    if db is None:
        db = Path(tempfile.mkdtemp()) / "startup.sqlite"
        subprocess.run([py, "-m", "villagepost", "--db", str(db), "divisions", "load", "--scope", "64"],
                       check=True, capture_output=True)
    # One open first, so the day's automatic backup (made by the first open of a day) is not timed.
    subprocess.run([py, "-m", "villagepost", "--db", str(db), "db", "info"], check=True, capture_output=True)
    exe = [py, "-m", "villagepost"]
    rows: list[tuple[str, list[str], float | None]] = [
        ("python -c pass (floor)", [py, "-c", "pass"], None),
        ("import villagepost.cli", [py, "-c", "import villagepost.cli"], None),
        ("villagepost --version", [*exe, "--version"], 0.15),
        ("villagepost --help", [*exe, "--help"], 0.15),
        ("villagepost divisions show", [*exe, "--db", str(db), "divisions", "show", "640221"], 0.4),
        ("  same, full open (before)", [py, "-c", FULL_SHOW, str(db)], None),
    ]
    sqlite_cli = shutil.which("sqlite3")
    if sqlite_cli:
        rows.append(("  sqlite3 CLI, same queries", [sqlite_cli, "-readonly", str(db), SHOW_SQL], None))
    times: dict[str, list[float]] = {label: [] for label, _, _ in rows}
    peaks: dict[str, float] = dict.fromkeys(times, 0.0)
    for _ in range(args.runs):  # interleaved: one of each per round
        for label, argv, _target in rows:
            elapsed, peak = _run_once(argv)
            times[label].append(elapsed)
            peaks[label] = max(peaks[label], peak)
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    print(f"{args.runs} rounds, interleaved; load average {load:.1f}")
    print(f"{'command':<30}{'median s':>10}{'- floor s':>11}{'peak MB':>9}{'target s':>10}")
    floor = statistics.median(times[rows[0][0]])
    for label, _argv, target in rows:
        median = statistics.median(times[label])
        shown = "" if target is None else f"{target:.2f}"
        print(f"{label:<30}{median:>10.3f}{median - floor:>11.3f}{peaks[label]:>9.0f}{shown:>10}")


if __name__ == "__main__":
    main()
