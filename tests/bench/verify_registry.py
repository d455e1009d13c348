"""Benchmark: the whole-registry check (`db check`, every backup's verification) beside its floor (not collected).

    .venv/bin/python tests/bench/verify_registry.py --db /tmp/national.sqlite [--repeat 3] [--before DIR]

Each run is a fresh process timing one call (the file in the page cache after a warm-up run). Rows:
- ours: `registry_checks.verify_file(db)` — integrity_check, the UTF-8 check of every text value, the
  foreign keys, the merge partners, every station history replayed against its stored spans and covers,
  the 建制村 counts of every unit (what the day's first open makes the daily backup pass);
- before (with `--before DIR`): the same from another source tree (`git archive REV villagepost | tar -x -C DIR`);
- floor: `PRAGMA integrity_check` alone on a plain sqlite3 connection.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
from pathlib import Path

OURS = ("import sys, time; from pathlib import Path; from villagepost.storage.registry_checks import verify_file\n"
        "t = time.perf_counter(); problems = verify_file(Path(sys.argv[1]))\n"
        "print(time.perf_counter() - t, len(problems))")
FLOOR = ("import sqlite3, sys, time; from pathlib import Path\n"
         "con = sqlite3.connect(Path(sys.argv[1]).resolve().as_uri() + '?mode=ro', uri=True)\n"
         "t = time.perf_counter(); rows = con.execute('PRAGMA integrity_check').fetchall()\n"
         "print(time.perf_counter() - t, 0 if rows == [('ok',)] else len(rows))")


def one(code: str, db: Path, tree: Path | None) -> tuple[float, int]:
    env = {**os.environ, "PYTHONPATH": str(tree.resolve())} if tree is not None else None
    # Run outside the repository: `python -c` puts the working directory first on sys.path.
    out = subprocess.run([sys.executable, "-c", code, str(db.resolve())], capture_output=True, text=True,
                         check=True, env=env, cwd="/").stdout.split()
    return float(out[0]), int(out[1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--db", type=Path, required=True)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--before", type=Path, help="also run the check of this source tree (holding villagepost/)")
    args = parser.parse_args()
    peers: list[tuple[str, str, Path | None]] = [("ours: verify_file", OURS, None)]
    if args.before is not None:
        peers.append(("before: verify_file", OURS, args.before))
    peers.append(("floor: PRAGMA integrity_check", FLOOR, None))
    one(FLOOR, args.db, None)  # warm the page cache
    runs: dict[str, list[tuple[float, int]]] = {name: [] for name, _, _ in peers}
    for _ in range(args.repeat):
        for name, code, tree in peers:  # interleaved: drift of the shared machine hits every peer alike
            runs[name].append(one(code, args.db, tree))
    floor = statistics.median(r[0] for r in runs[peers[-1][0]])
    print(f"registry: {args.db} ({args.db.stat().st_size / 1e6:.0f} MB); median of {args.repeat}, in-process time")
    for name, _, _ in peers:
        seconds = statistics.median(r[0] for r in runs[name])
        print(f"{name:<32} {seconds:8.2f} s  {seconds / floor:5.2f}x floor  problems {runs[name][0][1]}")
    print(f"load average {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
