"""The user guide's pictures (resources/help/images), from the example data, with one command:

    .venv/bin/python tests/gui/guide_screenshots.py [--output resources/help/images]

Builds a registry of 平罗县 (640221) from the bundled codes and the example roster A01 (144 建制村, 88
stations) plus a target, and 中宁县 for the import wizard's example of a roster with errors (C09); drives
the window offscreen through tests/gui/screenshots.py (the project's screenshot script) and saves exactly
the pictures 用户手册.md shows, so the guide never shows an old window. Rerun it after changing the window;
tests/reports/test_guide_pdf.py fails when the guide names a picture this script does not make.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import shutil
import sys
import tempfile
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).resolve().parent))

import screenshots as shots  # the project's screenshot script (tests/gui/screenshots.py)
from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QApplication

from villagepost.core import guide
from villagepost.core.pacing import Measure
from villagepost.gui import fonts
from villagepost.gui.main_window import MainWindow
from villagepost.gui.print_dialogs import print_summary_dialog
from villagepost.gui.settings import Settings
from villagepost.services import divisions, imports, targets
from villagepost.services.registry import Registry

WIDTH, HEIGHT = 1180, 700
#: what tests/gui/screenshots.py saves that the guide shows
FROM_SCRIPT = ("import_2_mapping.png", "import_3_check.png", "import_4_result.png", "station_editor.png",
               "merge_dialog.png")
#: every picture the guide shows (tests/reports/test_guide_pdf.py checks the guide against this list)
PICTURES = (*FROM_SCRIPT, "first_start.png", "main_window.png", "dashboard.png", "print_summary.png")


def pingluo(work: Path) -> Registry:
    reg = Registry.open(work / "平罗县.sqlite", actor=shots.ACTOR)
    divisions.load(reg, ["640221"])
    imports.import_roster(reg, shots.ROSTER)
    targets.set_target(reg, "640221", Measure.COVERAGE_RATE, 0.85, dt.date(2027, 12, 31))
    return reg


def window_views(work: Path, out: Path) -> None:
    reg = pingluo(work)
    window = MainWindow(reg, settings=Settings())
    window.resize(WIDTH, HEIGHT)
    window.show()
    shots.wait_until(lambda: window.started)
    window.go_to("640221")
    window.tabs.setCurrentWidget(window.stations_tab)
    shots.wait_table(window.stations_tab)
    shots.save(window, out / "main_window.png")

    window.tabs.setCurrentWidget(window.dashboard)
    shots.wait_until(lambda: not window.dashboard._running)
    shots.settle(600)
    shots.save(window, out / "dashboard.png")

    dialog = print_summary_dialog(window, reg, "640221", taskman=window.taskman, lang="zh")
    shots.settle(400)
    shots.save(dialog, out / "print_summary.png")
    dialog.reject()

    empty = Registry.open(work / "新登记册.sqlite", actor=shots.ACTOR)
    first = MainWindow(empty, settings=Settings())
    first.resize(WIDTH, HEIGHT)
    first.show()
    shots.wait_until(lambda: first._first_start_dialog is not None)
    dialog_first = first._first_start_dialog
    assert dialog_first is not None
    if hasattr(dialog_first, "search"):
        dialog_first.search.setText("plx")
    dialog_first.select_scope("640221")
    shots.settle(300)
    shots.save(dialog_first, out / "first_start.png")
    dialog_first.reject()
    first.close()
    window.close()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--output", type=Path, default=guide.help_dir() / guide.IMAGES)
    args = parser.parse_args(argv)
    out: Path = args.output
    out.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix="villagepost-guide-shots-"))
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, str(work / "config"))
    app = QApplication(sys.argv[:1])
    app.setApplicationName("VillagePost")
    app.setOrganizationName("VillagePost")
    fonts.install_application_font(app)

    script_out = work / "script"
    script_out.mkdir()
    shots.tables_views(work, script_out, WIDTH, HEIGHT)
    for name in FROM_SCRIPT:
        shutil.copyfile(script_out / name, out / name)
    window_views(work, out)
    for stale in sorted(set(p.name for p in out.glob("*.png")) - set(PICTURES)):
        (out / stale).unlink()
    shutil.rmtree(work, ignore_errors=True)
    print(f"{len(PICTURES)} pictures in {out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
