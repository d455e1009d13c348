"""Benchmark: process start to the main window's first paint, on a county and on a national registry.

Run on demand (not collected by pytest):  .venv/bin/python tests/bench/gui_start.py [--repeat 7] [--work DIR]

Each run spawns `python -m villagepost --db X` under QT_QPA_PLATFORM=offscreen with
VILLAGEPOST_EXIT_AFTER_PAINT=1: the window prints the seconds since its process was created at its first
paint (`VILLAGEPOST_FIRST_PAINT 0.812`) and quits. Two clocks are reported: that in-process figure
(Linux: /proc start time, 10 ms resolution) and the parent's wall clock from spawn to that line.

Peers, in the same run, to show what part of the time is ours:
- python: `python -c pass` (interpreter and site start-up);
- cli import: `python -c "import villagepost.cli"` (what every `villagepost` command pays, SQLAlchemy included);
- bare Qt: a QLabel window that quits at its first paint (PySide6 import, QApplication, one paint);
- direct: `villagepost.gui.app.run(db)` called without the CLI in front, which separates the window's own
  cost from what the CLI imports before it hands over (its parser registers every command module).

Bytecode: this sandbox sets PYTHONDONTWRITEBYTECODE, so by default our own modules would be compiled from
source on every start, which an installed copy never does. The runs use a private PYTHONPYCACHEPREFIX
(warmed by one discarded run) so they measure what a clerk's installed copy does; `--cold-bytecode`
measures the compile-every-time case instead. Registries are built once in --work (national: ~30 s).
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
MARK = "VILLAGEPOST_FIRST_PAINT"

BARE_QT = """
import sys
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QLabel
app = QApplication(sys.argv[:1])
class Label(QLabel):
    painted = False
    def paintEvent(self, event):
        super().paintEvent(event)
        if not self.painted:
            self.painted = True
            QTimer.singleShot(0, app.quit)
w = Label("村邮通")
w.show()
app.exec()
print("%s 0" % "VILLAGEPOST_FIRST_PAINT", flush=True)
"""

DIRECT = "import sys; from villagepost.gui.app import run; sys.exit(run(sys.argv[1], 'zh'))"


def _env(work: Path, cold: bool) -> dict[str, str]:
    env = dict(os.environ)
    env["QT_QPA_PLATFORM"] = "offscreen"
    env["VILLAGEPOST_EXIT_AFTER_PAINT"] = "1"
    env["XDG_CONFIG_HOME"] = str(work / "config")  # the window's settings, not the user's
    env.pop("VILLAGEPOST_DB", None)
    if cold:
        env["PYTHONDONTWRITEBYTECODE"] = "1"
        env.pop("PYTHONPYCACHEPREFIX", None)
    else:
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        env["PYTHONPYCACHEPREFIX"] = str(work / "pycache")
    return env


def _run(args: list[str], env: dict[str, str]) -> tuple[float, float | None]:
    """(wall seconds from spawn to the mark line or exit, the in-process figure if printed)."""
    started = time.perf_counter()
    proc = subprocess.Popen(args, cwd=REPO, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    inside: float | None = None
    wall: float | None = None
    assert proc.stdout is not None
    for line in proc.stdout:
        if line.startswith(MARK):
            wall = time.perf_counter() - started
            inside = float(line.split()[1])
    _, err = proc.communicate(timeout=120)
    if proc.returncode != 0:
        raise RuntimeError(f"{' '.join(args)} failed ({proc.returncode}):\n{err}")
    return (wall if wall is not None else time.perf_counter() - started), inside


def _ensure_db(work: Path, name: str, scopes: list[str]) -> Path:
    path = work / f"{name}.sqlite"
    if not path.exists():
        print(f"building {path} ({' '.join(scopes) or 'whole country'}) …", file=sys.stderr, flush=True)
        partial = path.with_suffix(".part")
        partial.unlink(missing_ok=True)
        cmd = [sys.executable, "-m", "villagepost", "--db", str(partial), "divisions", "load"]
        for scope in scopes:
            cmd += ["--scope", scope]
        subprocess.run(cmd, cwd=REPO, check=True, capture_output=True)
        for suffix in ("-wal", "-shm"):
            Path(str(partial) + suffix).unlink(missing_ok=True)
        partial.rename(path)
    return path


def _units(path: Path) -> int:
    import sqlite3

    with sqlite3.connect(path) as conn:
        return int(conn.execute("SELECT count(*) FROM division").fetchone()[0])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument("--work", type=Path, default=Path(tempfile.gettempdir()) / "villagepost-bench-gui")
    parser.add_argument("--cold-bytecode", action="store_true", help="compile our modules on every start")
    args = parser.parse_args(argv)
    work: Path = args.work
    work.mkdir(parents=True, exist_ok=True)
    env = _env(work, args.cold_bytecode)
    county = _ensure_db(work, "county-640221", ["640221"])
    national = _ensure_db(work, "national", [])

    py = sys.executable
    cases: list[tuple[str, list[str], str]] = [
        ("python -c pass", [py, "-c", "pass"], ""),
        ("import villagepost.cli", [py, "-c", "import villagepost.cli"], ""),
        ("bare Qt window", [py, "-c", BARE_QT], ""),
        ("villagepost, county 640221", [py, "-m", "villagepost", "--db", str(county)], f"{_units(county):,} units"),
        ("villagepost, national", [py, "-m", "villagepost", "--db", str(national)], f"{_units(national):,} units"),
        ("direct app.run, county", [py, "-c", DIRECT, str(county)], f"{_units(county):,} units"),
        ("direct app.run, national", [py, "-c", DIRECT, str(national)], f"{_units(national):,} units"),
    ]
    print(f"start to first paint, {args.repeat} runs each (median / min seconds); "
          f"bytecode {'compiled every start' if args.cold_bytecode else 'cached'}; Python {sys.version.split()[0]}")
    header = f"{'case':<28} {'registry':>14} {'in-process med':>15} {'min':>7} {'wall med':>9} {'min':>7}"
    print(header)
    print("-" * len(header))
    for label, cmd, note in cases:
        _run(cmd, env)  # warm the OS file cache and the bytecode cache
        walls: list[float] = []
        insides: list[float] = []
        for _ in range(args.repeat):
            wall, inside = _run(cmd, env)
            walls.append(wall)
            if inside is not None and inside > 0:
                insides.append(inside)
        in_med = f"{statistics.median(insides):.3f}" if insides else "—"
        in_min = f"{min(insides):.3f}" if insides else "—"
        print(f"{label:<28} {note:>14} {in_med:>15} {in_min:>7} {statistics.median(walls):>9.3f} {min(walls):>7.3f}")
    print("\nbudget: under 1 s from process start to the first painted window on an existing registry")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
