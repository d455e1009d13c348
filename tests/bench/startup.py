"""Start-up of the command line against the floor of the same interpreter, in the same run.

    python tests/bench/startup.py [--runs 7] [--db registry.sqlite]

Rows: `python -c pass` (the floor), `python -c "import villagepost.cli"`, `villagepost --version`,
`villagepost --help`, `villagepost divisions show 640221` (needs a registry with Ningxia's codes; one
is made when --db is not given). Wall time median and peak RSS of the child. Targets: --version and
--help under 0.15 s, divisions show under 0.4 s; compare with the floor row, since other work on the
machine moves every figure.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path


def _measure(argv: list[str], runs: int) -> tuple[float, float]:
    times: list[float] = []
    peaks: list[float] = []
    for _ in range(runs):
        started = time.perf_counter()
        proc = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        _pid, status, usage = os.wait4(proc.pid, 0)
        times.append(time.perf_counter() - started)
        peaks.append(usage.ru_maxrss / 1024)
        if os.waitstatus_to_exitcode(status) != 0:
            raise SystemExit(f"failed: {' '.join(argv)}")
    return statistics.median(times), max(peaks)


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
    exe = [py, "-m", "villagepost"]
    rows = [
        ("python -c pass (floor)", [py, "-c", "pass"], None),
        ("import villagepost.cli", [py, "-c", "import villagepost.cli"], None),
        ("villagepost --version", [*exe, "--version"], 0.15),
        ("villagepost --help", [*exe, "--help"], 0.15),
        ("villagepost divisions show", [*exe, "--db", str(db), "divisions", "show", "640221"], 0.4),
    ]
    print(f"{'command':<30}{'median s':>10}{'- floor s':>11}{'peak MB':>9}{'target s':>10}")
    floor = 0.0
    for label, argv, target in rows:
        median, peak = _measure(argv, args.runs)
        if label.endswith("(floor)"):
            floor = median
        shown = "" if target is None else f"{target:.2f}"
        print(f"{label:<30}{median:>10.3f}{median - floor:>11.3f}{peak:>9.0f}{shown:>10}")


if __name__ == "__main__":
    main()
