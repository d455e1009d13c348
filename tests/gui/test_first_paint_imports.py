"""The window paints before it loads what only later actions need: at its first paint no charting (pyqtgraph,
numpy), workbook (openpyxl, calamine), PDF (reportlab, Pillow) or decryption library is imported — they load
with the 统计 tab, the first export, the first print. Start to a painted window is measured by
tests/bench/frozen_start.py; this guards the imports that made it slow."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from villagepost.services import divisions
from villagepost.services.registry import Registry

pytestmark = pytest.mark.gui

LATER = ("pyqtgraph", "numpy", "openpyxl", "python_calamine", "reportlab", "PIL", "msoffcrypto", "cryptography",
         "alembic", "markdown_it")
#: runs the window like `villagepost --db X`, noting the loaded top-level packages at its first paint
_PROBE = """
import json, sys
from villagepost.gui import app
measured = app.seconds_since_process_start
def noted():
    print("LOADED " + json.dumps(sorted({m.split(".")[0] for m in sys.modules})), flush=True)
    return measured()
app.seconds_since_process_start = noted
from villagepost.cli import main
raise SystemExit(main(sys.argv[1:]))
"""


def test_the_first_paint_waits_for_no_later_library(tmp_path: Path) -> None:
    db = tmp_path / "平罗县.sqlite"
    with Registry.open(db, create=True) as reg:
        divisions.load(reg, ["640221"])
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", HOME=str(tmp_path / "home"),
               XDG_CONFIG_HOME=str(tmp_path / "config"), VILLAGEPOST_EXIT_AFTER_PAINT="1")
    env.pop("VILLAGEPOST_DB", None)
    done = subprocess.run([sys.executable, "-c", _PROBE, "--db", str(db)], env=env, capture_output=True,
                          text=True, timeout=180, check=False)
    assert done.returncode == 0, done.stderr
    line = next(line for line in done.stdout.splitlines() if line.startswith("LOADED "))
    loaded = set(json.loads(line.removeprefix("LOADED ")))
    assert {"PySide6", "sqlalchemy", "villagepost"} <= loaded  # the probe sees what the window did load
    assert loaded & set(LATER) == set()
