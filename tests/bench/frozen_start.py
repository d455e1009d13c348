"""Benchmark: start to a painted window of the frozen bundle (installed or in dist/) against the source tree.

Run on demand (not collected by pytest):

    .venv/bin/python tests/bench/frozen_start.py [--bundle /opt/villagepost] [--repeat 7]

The bundle defaults to /opt/villagepost when the .deb is installed, else dist/villagepost. Every case opens
the same county registry (640221, built once) offscreen with VILLAGEPOST_EXIT_AFTER_PAINT=1 and reports the
window's own figure (seconds since its process was created, at its first paint). Peers in the same run:
- the source tree: `python -m villagepost` from the virtualenv, bytecode cached (what a developer sees);
- bare Qt: a QLabel window that quits at its first paint, from the virtualenv (PySide6's own floor);
- the bundle's `--version` (its process start and imports of the command line, no window).
The first run of each case is discarded (disk cache). The machine is shared: compare within one run.
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

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(Path(__file__).resolve().parent))

from gui_start import BARE_QT, MARK  # noqa: E402  (the GUI start benchmark's peer and mark)


def _env(work: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTHON", "VILLAGEPOST_DB"))}
    env.update(QT_QPA_PLATFORM="offscreen", VILLAGEPOST_EXIT_AFTER_PAINT="1", XDG_CONFIG_HOME=str(work / "config"),
               PYTHONPYCACHEPREFIX=str(work / "pycache"))
    return env


def _once(cmd: list[str], env: dict[str, str]) -> tuple[float, float | None]:
    started = time.perf_counter()
    done = subprocess.run(cmd, env=env, capture_output=True, text=True, check=False, timeout=120)
    wall = time.perf_counter() - started
    if done.returncode != 0:
        raise RuntimeError(f"{' '.join(cmd)} failed ({done.returncode}):\n{done.stderr}")
    inside = next((float(line.split()[1]) for line in done.stdout.splitlines() if line.startswith(MARK)), None)
    return wall, inside


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    installed = Path("/opt/villagepost")
    default = installed if (installed / "villagepost").exists() else REPO / "dist" / "villagepost"
    parser.add_argument("--bundle", type=Path, default=default)
    parser.add_argument("--repeat", type=int, default=7)
    args = parser.parse_args(argv)
    work = Path(tempfile.mkdtemp(prefix="villagepost-bench-frozen-"))
    env = _env(work)
    county = work / "county-640221.sqlite"
    subprocess.run([str(args.bundle / "villagepost"), "--db", str(county), "divisions", "load", "--scope", "640221"],
                   check=True, capture_output=True, env=env)
    py = sys.executable
    cases = [
        ("frozen window, county", [str(args.bundle / "villagepost-window"), "--db", str(county)]),
        ("source tree window, county", [py, "-m", "villagepost", "--db", str(county)]),
        ("bare Qt window (venv)", [py, "-c", BARE_QT]),
        ("frozen --version (no window)", [str(args.bundle / "villagepost"), "--version"]),
    ]
    size = sum(p.stat().st_size for p in args.bundle.rglob("*") if p.is_file() and not p.is_symlink())
    print(f"start to first paint, {args.repeat} runs each after one discarded (median / min seconds); "
          f"bundle {args.bundle} ({size / 2**20:.1f} MB)")
    header = f"{'case':<30} {'in-process med':>15} {'min':>7} {'wall med':>9} {'min':>7}"
    print(header)
    print("-" * len(header))
    for label, cmd in cases:
        _once(cmd, env)
        runs = [_once(cmd, env) for _ in range(args.repeat)]
        walls = [w for w, _ in runs]
        insides = [i for _, i in runs if i is not None]
        inside = f"{statistics.median(insides):>15.3f} {min(insides):>7.3f}" if insides else f"{'—':>15} {'—':>7}"
        print(f"{label:<30} {inside} {statistics.median(walls):>9.3f} {min(walls):>7.3f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
