"""Save screenshots of the 统计 tab and the targets dialog, offscreen, for a person to look at.

    .venv/bin/python tests/gui/dashboard_screenshots.py OUTPUT_FOLDER [--nation PATH]

Not a test (pytest collects only test_*.py). It builds 金凤区 (tests/coverage_county.py: 20 建制村, a worked
station history) with four targets, and shows the dashboard as the main window holds it — a tab on
the right of a 1366×768 window whose left third is the division tree — for the county, a township
that inherits the county's targets, a village and the whole registry; the exported PNGs; the targets
dialog with its own, inherited and refused entries. With `--nation PATH` (a national registry with
stations, e.g. the coverage benchmark's /tmp/villagepost-bench/coverage-nation.sqlite; it is copied
first, never opened in place) it also shows the whole country and one province, and prints how long
each read took.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import shutil
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # tests/: the worked example

from coverage_county import COUNTY, FENGDENG, TODAY, build
from PySide6.QtCore import QCoreApplication, QElapsedTimer, QSettings
from PySide6.QtWidgets import QApplication, QLabel, QSplitter, QTabWidget, QTreeWidget, QWidget
from screen_size import use_screen  # tests/gui/screen_size.py: the scripts run from this folder

from villagepost.core.actor import Actor
from villagepost.core.pacing import Measure
from villagepost.gui import fonts
from villagepost.gui.dashboard import DashboardTab
from villagepost.gui.ops import TaskManager
from villagepost.gui.targets_editor import TargetsDialog
from villagepost.services import divisions
from villagepost.services import targets as tgt
from villagepost.services.registry import Registry

ACTOR = Actor(name="screenshot")
D = dt.date


def wait_until(condition: Callable[[], bool], timeout_ms: int = 60000) -> None:
    timer = QElapsedTimer()
    timer.start()
    while not condition():
        if timer.elapsed() > timeout_ms:
            raise TimeoutError("the dashboard did not get there in time")
        QCoreApplication.processEvents()
        threading.Event().wait(0.01)


def settle(ms: int = 200) -> None:
    timer = QElapsedTimer()
    timer.start()
    while timer.elapsed() < ms:
        QCoreApplication.processEvents()
        threading.Event().wait(0.01)


def save(widget: QWidget, path: Path) -> None:
    settle()
    if not widget.grab().save(str(path)):
        raise OSError(f"could not write {path}")
    print(f"{path}  {widget.width()}×{widget.height()}")


class Host(QSplitter):
    """The main window's right-hand side as the lead will wire it: tree on the left, tabs on the right."""

    def __init__(self, dashboard_factory: Callable[[QWidget], DashboardTab]) -> None:
        super().__init__()
        tree = QTreeWidget(self)
        tree.setHeaderLabels(["名称", "代码"])
        self.addWidget(tree)
        self.tabs = QTabWidget(self)
        for name in ("站点", "村庄"):
            self.tabs.addTab(QLabel(name), name)
        self.dashboard = dashboard_factory(self.tabs)
        self.tabs.addTab(self.dashboard, "统计")
        self.tabs.addTab(QLabel("检查"), "检查")
        self.addWidget(self.tabs)
        self.setStretchFactor(0, 2)
        self.setStretchFactor(1, 3)
        self.tabs.setCurrentWidget(self.dashboard)


def show_scope(dash: DashboardTab, scope: str, day: dt.date | None = None) -> float:
    """Scope the dashboard and wait for its read; returns the seconds it took."""
    started = time.perf_counter()
    got: list[bool] = []
    dash.loaded.connect(lambda: got.append(True))
    if day is not None:
        dash.set_date(day)
    dash.set_scope(scope)
    dash.reload()
    wait_until(lambda: bool(got) and not dash._running)
    dash.loaded.disconnect()
    return time.perf_counter() - started


def shoot_dashboard(host: Host, out: Path, name: str) -> None:
    save(host, out / f"{name}.png")
    body = host.dashboard.scroll_area.widget()
    save(body, out / f"{name}_full.png")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("output", type=Path, help="folder for the PNG files")
    parser.add_argument("--nation", type=Path, help="a national registry with stations (copied first)")
    parser.add_argument("--size", default="1366x768", help="screen size, WIDTHxHEIGHT (default 1366x768)")
    args = parser.parse_args(argv)
    screen_size = tuple(int(n) for n in args.size.lower().split("x"))
    out: Path = args.output
    out.mkdir(parents=True, exist_ok=True)

    work = Path(tempfile.mkdtemp(prefix="villagepost-dash-shots-"))
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, str(work / "config"))
    use_screen(*screen_size)  # the windows fit the screen they open on: give them one of this size
    app = QApplication(sys.argv[:1])
    fonts.install_application_font(app)
    taskman = TaskManager(app)

    reg = Registry.open(work / "jinfeng.sqlite", actor=ACTOR)
    divisions.load(reg, [COUNTY])
    build(reg)
    set_on = D(2024, 1, 15)
    tgt.set_target(reg, COUNTY, Measure.COVERAGE_RATE, 0.85, D(2024, 12, 31), today=set_on, note="东昌府区同款")
    tgt.set_target(reg, COUNTY, Measure.COVERAGE_RATE, 1.0, D(2025, 12, 31), today=set_on)
    tgt.set_target(reg, COUNTY, Measure.COVERAGE_RATE, 0.5, D(2024, 6, 30), today=set_on)
    tgt.set_target(reg, COUNTY, Measure.STATION_COUNT, 5, D(2025, 6, 30), station_type="综合服务站", today=set_on)

    host = Host(lambda parent: DashboardTab(reg, taskman, parent=parent))
    host.resize(*screen_size)
    host.setSizes([520, 846])
    host.show()
    dash = host.dashboard
    show_scope(dash, COUNTY, TODAY)
    shoot_dashboard(host, out, "dashboard_county")
    for which in ("bars", "curve"):
        target = out / f"export_{which}.png"
        dash.ask_save_path = lambda _suggested, target=target: target
        dash.export_chart(which)
        print(f"{target}  exported")

    show_scope(dash, FENGDENG)
    shoot_dashboard(host, out, "dashboard_township_inherited")
    show_scope(dash, "640106101201")
    save(host, out / "dashboard_village.png")
    show_scope(dash, "")
    save(host, out / "dashboard_whole_registry.png")

    host.resize(1024, 600)
    show_scope(dash, COUNTY)
    save(host, out / "dashboard_county_1024x600.png")
    host.resize(*screen_size)

    dialog = TargetsDialog(reg, taskman, COUNTY, scope_name="金凤区", today=lambda: TODAY, parent=host)
    dialog.show()
    wait_until(lambda: not dialog.busy)
    dialog.table.selectRow(1)
    save(dialog, out / "targets_dialog_county.png")
    dialog.clear_form()
    dialog.value.setValue(0)
    dialog.add_target()
    wait_until(lambda: not dialog.busy)
    save(dialog, out / "targets_dialog_refused_rate.png")
    dialog.measure.setCurrentIndex(1)
    dialog.value.setValue(3)
    dialog.add_target()
    wait_until(lambda: not dialog.busy)
    save(dialog, out / "targets_dialog_refused_type.png")
    dialog.close()

    inherited = TargetsDialog(reg, taskman, FENGDENG, scope_name="丰登镇", today=lambda: TODAY, parent=host)
    inherited.show()
    wait_until(lambda: not inherited.busy)
    save(inherited, out / "targets_dialog_township_inherited.png")
    inherited.close()

    if args.nation is not None:
        copy = work / "nation.sqlite"
        shutil.copyfile(args.nation, copy)
        nation = Registry.open(copy, actor=ACTOR)
        dash.set_registry(nation)
        for scope, name in (("", "dashboard_nation"), ("41", "dashboard_province_41"), ("4101", "dashboard_city")):
            seconds = show_scope(dash, scope)
            assert dash.data is not None
            started = time.perf_counter()
            dash.show_data(dash.data)
            drawn = time.perf_counter() - started
            print(f"{name}: read and drawn in {seconds * 1000:.0f} ms, of which drawing (GUI thread) "
                  f"{drawn * 1000:.0f} ms")
            shoot_dashboard(host, out, name)
        nation.close()
    taskman.shutdown()
    reg.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
