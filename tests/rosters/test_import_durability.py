"""An import is one transaction: killed at any moment, the registry is as it was before, never between."""

from __future__ import annotations

import hashlib
import os
import signal
import sqlite3
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

from roster_fixtures import DATA

from villagepost.services.registry import Registry

# Runs an import that writes its stations in batches of 100 (so rows are really in the database when the
# kill comes) and says KILLME after 1,500 rows, then waits to be killed.
CHILD = r"""
import sys, time
import villagepost.services.station_writer as sw
sw.BATCH = 100
from villagepost.services.registry import Registry
from villagepost.services.imports import import_roster

def progress(done, total, text):
    if done >= 1500:
        print("KILLME", flush=True)
        time.sleep(60)

with Registry.open(sys.argv[1]) as reg:
    import_roster(reg, sys.argv[2], progress=progress)
print("FINISHED", flush=True)
"""


def _dump(db: Path) -> tuple[int, str]:
    con = sqlite3.connect(db)
    try:
        assert con.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        rows = con.execute("SELECT * FROM station ORDER BY code").fetchall()
        return len(rows), hashlib.sha256(repr(rows).encode()).hexdigest()
    finally:
        con.close()


def test_kill_mid_import_leaves_the_registry_as_before(sqlite_registry: Callable[..., Registry]) -> None:
    reg = sqlite_registry("64")
    db = reg.location.path
    assert db is not None
    reg.close()
    before = _dump(db)
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    proc = subprocess.Popen([sys.executable, "-c", CHILD, str(db), str(DATA / "E01_ningxia_province_all.xlsx")],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
    assert proc.stdout is not None
    line = proc.stdout.readline()
    assert line.strip() == "KILLME", proc.stderr.read() if proc.stderr else line
    # Stations have been written inside the open transaction by now (batches of 100).
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait(timeout=30)
    assert proc.returncode == -signal.SIGKILL
    assert _dump(db) == before
    # The registry opens and imports normally afterwards.
    with Registry.open(db) as again:
        from villagepost.services.imports import import_roster

        report = import_roster(again, DATA / "E01_ningxia_province_all.xlsx")
        assert (report.status, report.stations_created) == ("ok", 1392)
    assert _dump(db)[0] == 1392


def test_killed_before_commit_even_with_written_batches(sqlite_registry: Callable[..., Registry]) -> None:
    """The same, checked from a second connection while the importer is paused: nothing is visible."""
    reg = sqlite_registry("64")
    db = reg.location.path
    assert db is not None
    reg.close()
    proc = subprocess.Popen([sys.executable, "-c", CHILD, str(db), str(DATA / "E01_ningxia_province_all.xlsx")],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    assert proc.stdout is not None
    try:
        assert proc.stdout.readline().strip() == "KILLME"
        con = sqlite3.connect(db)
        assert con.execute("SELECT count(*) FROM station").fetchone() == (0,)
        con.close()
    finally:
        proc.kill()
        proc.wait(timeout=30)
