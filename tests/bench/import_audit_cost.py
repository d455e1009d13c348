"""Benchmark: what the audit trail costs an import (not collected by pytest).

    .venv/bin/python tests/bench/import_audit_cost.py --repeat 3                # the nation: 487,144 rows
    .venv/bin/python tests/bench/import_audit_cost.py --scope 64 --repeat 3     # Ningxia

The same `villagepost --db COPY import ROSTER --json` twice over, alternating, each in a fresh process on a
fresh copy of the registry (rosters and registries generated as import_roster.py does, in the same cache):
- ours: the import as shipped, audit rows included;
- ours-no-audit: the same command with AuditBatch.write made a no-op in the child — the import as it was
  before the audit trail.
Prints wall and CPU seconds (user + system, the child's waited-for children included) of each run, the
medians and their ratios; the budget is 1.15x. On a shared machine the CPU ratio is the steadier one.
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

NO_AUDIT = ("import sys\n"
            "from villagepost.storage import audit_store\n"
            "audit_store.AuditBatch.write = lambda self, target: None\n"
            "from villagepost.cli import main\n"
            "raise SystemExit(main(sys.argv[1:]))")


def run(cmd: list[str]) -> tuple[float, float, float, str]:
    """Wall seconds, CPU seconds, peak RSS in MB, and stdout of a child process."""
    started = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    assert proc.stdout is not None
    out = proc.stdout.read()
    _, _status, usage = os.wait4(proc.pid, 0)
    return time.perf_counter() - started, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024, out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--scope", default="", help="province/city/county prefix (default: the nation)")
    parser.add_argument("--cache", type=Path, default=Path("/tmp/villagepost-bench"))
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    cache: Path = args.cache
    cache.mkdir(parents=True, exist_ok=True)
    tag = args.scope or "nation"
    roster = cache / f"roster-{tag}.xlsx"
    if not roster.exists():
        generate(roster, args.scope)
    template = cache / f"registry-{tag}.sqlite"
    if not template.exists():
        cmd = [sys.executable, "-m", "villagepost", "--db", str(template), "divisions", "load"]
        subprocess.run(cmd + (["--scope", args.scope] if args.scope else []), check=True, capture_output=True)
    peers = ("ours", "ours-no-audit")
    runs: dict[str, list[tuple[float, float, float, str]]] = {p: [] for p in peers}
    for _ in range(args.repeat):
        for peer in peers:  # alternating, so a noisy minute hurts both alike
            db = cache / "audit-work.sqlite"
            for suffix in ("", "-wal", "-shm"):
                Path(str(db) + suffix).unlink(missing_ok=True)
            shutil.copyfile(template, db)
            head = [sys.executable, "-m", "villagepost"] if peer == "ours" else [sys.executable, "-c", NO_AUDIT]
            runs[peer].append(run([*head, "--db", str(db), "import", str(roster), "--json"]))
    print(f"{'peer':<14} {'rows':>9} {'wall s':>8} {'CPU s':>8} {'peak MB':>8}  runs (wall / CPU)")
    medians: dict[str, tuple[float, float]] = {}
    for peer, got in runs.items():
        wall = statistics.median(r[0] for r in got)
        cpu = statistics.median(r[1] for r in got)
        medians[peer] = (wall, cpu)
        rows = json.loads(got[0][3])["rows_read"]
        each = " ".join(f"{r[0]:.1f}/{r[1]:.1f}" for r in got)
        print(f"{peer:<14} {rows:>9,} {wall:>8.2f} {cpu:>8.2f} {max(r[2] for r in got):>8.0f}  {each}")
    (w1, c1), (w0, c0) = medians["ours"], medians["ours-no-audit"]
    print(f"audit cost: wall {w1 / w0:.3f}x, CPU {c1 / c0:.3f}x (median of {args.repeat}; budget 1.15x)")


if __name__ == "__main__":
    main()
