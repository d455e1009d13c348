"""Benchmark: 1,000 checklists printed from the window's print dialog — how long, and whether the window stays
responsive meanwhile (issue 7: long work never freezes the window).

Run on demand (not collected by pytest):  .venv/bin/python tests/bench/print_dialog.py [--repeat 3]

The registry: Jilin with its roster imported, as tests/bench/printing.py caches it (/tmp/villagepost-bench/
print-22.sqlite; run that benchmark first), copied to a temporary folder. Rows, side by side (medians):

- service alone: `services.printing.print_checklists(stations=[1,000 codes])` called directly, no Qt event
  loop — what the command line costs for the same selection.
- dialog: `PrintChecklistsDialog` for the same 1,000 stations, 打印 pressed, offscreen; the print runs on the
  window's background worker while the GUI thread keeps a 10 ms timer ticking. Reported: the wall time from
  the click to the dialog's result, and the GUI thread's longest gap between ticks (what a clerk would feel
  as a stall; the worker shares the GIL with it) and the 99th percentile of the gaps.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QCoreApplication, QElapsedTimer, QSettings, QTimer
from PySide6.QtWidgets import QApplication, QWidget

from villagepost.core.actor import Actor
from villagepost.gui import fonts
from villagepost.gui.ops import TaskManager
from villagepost.gui.print_dialogs import PrintChecklistsDialog
from villagepost.services.printing import print_checklists
from villagepost.services.registry import Registry
from villagepost.services.stations import list_stations

CACHE = Path("/tmp/villagepost-bench/print-22.sqlite")
COUNT = 1000


class Ticks:
    """A 10 ms timer on the GUI thread recording the gaps between its ticks."""

    def __init__(self) -> None:
        self.clock = QElapsedTimer()
        self.gaps: list[float] = []
        self.last = 0
        self.timer = QTimer()
        self.timer.setInterval(10)
        self.timer.timeout.connect(self._tick)

    def start(self) -> None:
        self.gaps.clear()
        self.clock.start()
        self.last = 0
        self.timer.start()

    def stop(self) -> None:
        self.timer.stop()

    def _tick(self) -> None:
        now = self.clock.elapsed()
        self.gaps.append((now - self.last) / 1000)
        self.last = now


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args(argv)
    if not CACHE.exists():
        print(f"{CACHE} is missing: run tests/bench/printing.py first", file=sys.stderr)
        return 2
    work = Path(tempfile.mkdtemp(prefix="villagepost-bench-dialog-"))
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, str(work / "config"))
    shutil.copyfile(CACHE, work / "reg.sqlite")
    app = QApplication(sys.argv[:1])
    fonts.install_application_font(app)
    reg = Registry.open(work / "reg.sqlite", actor=Actor(name="bench"))
    codes = [s.code for s in list_stations(reg, "22")][:COUNT]
    assert len(codes) == COUNT, f"the cached registry holds {len(codes)} stations"

    bare: list[float] = []
    for i in range(args.repeat):
        start = time.perf_counter()
        result = print_checklists(reg, work / f"bare-{i}.pdf", stations=codes)
        bare.append(time.perf_counter() - start)
        assert result.sheets == COUNT

    window = QWidget()
    window.taskman = TaskManager(window)  # type: ignore[attr-defined]
    ticks = Ticks()
    walls: list[float] = []
    longest: list[float] = []
    p99: list[float] = []
    for i in range(args.repeat):
        dialog = PrintChecklistsDialog(window, reg, station_codes=codes, opener=lambda _p: None)
        dialog.show()
        dialog.path_edit.setText(str(work / f"dialog-{i}.pdf"))
        ticks.start()
        start = time.perf_counter()
        dialog.print_button.click()
        while dialog.op is not None:
            QCoreApplication.processEvents()
            time.sleep(0.001)
        walls.append(time.perf_counter() - start)
        ticks.stop()
        assert dialog.print_result is not None and dialog.print_result.sheets == COUNT
        gaps = sorted(ticks.gaps)
        longest.append(gaps[-1])
        p99.append(gaps[int(len(gaps) * 0.99)])
        dialog.close()

    print(f"{COUNT:,} checklists (Jilin), median of {args.repeat}")
    print(f"{'case':<44}{'seconds':>10}{'GUI longest gap':>18}{'GUI p99 gap':>14}")
    print(f"{'service alone (no event loop)':<44}{statistics.median(bare):>10.2f}{'—':>18}{'—':>14}")
    print(f"{'dialog: worker + responsive window':<44}{statistics.median(walls):>10.2f}"
          f"{statistics.median(longest) * 1000:>15.0f} ms{statistics.median(p99) * 1000:>11.0f} ms")
    window.taskman.shutdown()  # type: ignore[attr-defined]
    reg.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
