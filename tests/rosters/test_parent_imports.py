"""The command line's import reads the roster in a forked child (`rosters.prefetch`); its parent, which checks
and writes the rows, loads none of the reader stack (calamine, openpyxl, defusedxml, the byte scans, the
parser): ~50 ms of a province import's start. What crosses the pipe (the layout, the rows' cell problems,
a refusal) unpickles from modules of their own. Timed by tests/bench/import_roster.py; this guards the
imports that made it slower."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from villagepost.services import divisions
from villagepost.services.registry import Registry

DATA = Path(__file__).parent / "data"
READER_STACK = ("python_calamine", "openpyxl", "defusedxml", "villagepost.rosters.reader",
                "villagepost.rosters.parse", "villagepost.rosters.safety", "villagepost.rosters.layout")
#: runs `villagepost ARGS`, then names the reader-stack modules this (the parent) process loaded
_PROBE = """
import json, sys
from villagepost.cli import main
code = main(sys.argv[1:])
stack = sorted(m for m in sys.modules if m.split(".")[0] in {"python_calamine", "openpyxl", "defusedxml"}
               or m.startswith(("villagepost.rosters.reader", "villagepost.rosters.parse",
                                "villagepost.rosters.safety", "villagepost.rosters.layout")))
sys.stderr.write("LOADED " + json.dumps(stack) + "\\n")
raise SystemExit(code)
"""


def _run(args: list[str]) -> tuple[int, dict[str, object], list[str]]:
    done = subprocess.run([sys.executable, "-c", _PROBE, *args], capture_output=True, text=True, timeout=120,
                          check=False, env={**os.environ, "VILLAGEPOST_AUTO_BACKUP": "0"})
    loaded = next(line for line in done.stderr.splitlines() if line.startswith("LOADED "))
    return done.returncode, json.loads(done.stdout), json.loads(loaded.removeprefix("LOADED "))


@pytest.mark.skipif(not hasattr(os, "fork"), reason="the reading child is forked (POSIX)")
def test_the_importing_parent_loads_no_reader(tmp_path: Path) -> None:
    db = tmp_path / "平罗县.sqlite"
    with Registry.open(db, create=True) as reg:
        divisions.load(reg, ["640221"])
    roster = DATA / "A01_pingluo_clean.xlsx"
    code, doc, loaded = _run(["--db", str(db), "import", str(roster), "--json"])
    assert (code, doc["status"], doc["rows_read"]) == (0, "ok", 144)
    assert doc["villages_imported"] == 144
    assert loaded == []


@pytest.mark.skipif(not hasattr(os, "fork"), reason="the reading child is forked (POSIX)")
def test_cell_problems_and_a_refusal_cross_without_the_reader(tmp_path: Path) -> None:
    db = tmp_path / "宁夏三县.sqlite"
    with Registry.open(db, create=True) as reg:
        divisions.load(reg, ["640221", "640323", "640521"])
    code, doc, loaded = _run(["--db", str(db), "import", str(DATA / "C09_mixed_errors.xlsx"), "--json"])
    assert (code, doc["status"], doc["rows_read"], doc["rows_rejected"]) == (3, "partial", 134, 9)
    assert len(doc["errors"]) == 10
    # found by the child's parser, not by the registry checks
    assert {e["kind"] for e in doc["errors"]} >= {"future_date", "unknown_station_type", "phone_format"}
    assert loaded == []
    code, doc, loaded = _run(["--db", str(db), "import", str(DATA / "D06_truncated.xlsx"), "--json"])
    assert (code, doc["status"], doc["reason"]) == (2, "rejected", "damaged")
    assert loaded == []
