"""Save screenshots of the forms — checklist template editor, inspection form, 检查 panel, print dialogs — for a
person to look at.

    .venv/bin/python tests/gui/form_screenshots.py OUTPUT_FOLDER      (e.g. /tmp/shots-forms)

Not a test (pytest collects only test_*.py): it builds 平罗县 (640221) with the stations of the clean roster in
a temporary folder, renders offscreen with the bundled font, and writes PNGs of every dialog and panel in the
states a clerk meets (empty, filled, refused, busy, done), each within a 1366×768 screen.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import sys
import tempfile
import threading
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QDate, QSettings
from PySide6.QtWidgets import QApplication, QWidget
from screen_size import use_screen  # tests/gui/screen_size.py: the scripts run from this folder

from villagepost.core import clock
from villagepost.core.actor import Actor
from villagepost.core.checklists import Result, default_checklist
from villagepost.gui import fonts
from villagepost.gui.checklist_editor import TEXT_COLUMN, ChecklistEditorDialog
from villagepost.gui.inspection_form import InspectionDialog
from villagepost.gui.inspections_panel import DUE, FAILED, InspectionsPanel
from villagepost.gui.ops import TaskManager
from villagepost.gui.print_dialogs import PrintChecklistsDialog, PrintSummaryDialog
from villagepost.services import checklists, divisions
from villagepost.services import inspections as svc
from villagepost.services.imports import import_roster
from villagepost.services.registry import Registry

sys.path.insert(0, str(Path(__file__).parent))
from screenshots import save, settle, wait_until

ROSTER = Path(__file__).parents[1] / "rosters" / "data" / "A01_pingluo_clean.xlsx"
TODAY = clock.today()
SCREEN = (1366, 768)


def check_fits(widget: QWidget) -> None:
    if widget.width() > SCREEN[0] or widget.height() > SCREEN[1] - 40:
        raise SystemExit(f"{widget.objectName()} is {widget.width()}×{widget.height()}: too big for 1366×768")


def shot(widget: QWidget, path: Path) -> None:
    check_fits(widget)
    save(widget, path)


def record(reg: Registry, station: str, on: dt.date, fail: dict[int, str]) -> int:
    items = default_checklist().items
    answers = [svc.Answer(i.text, Result.FAIL if n in fail else Result.PASS, fail.get(n))
               for n, i in enumerate(items, 1)]
    return svc.record_inspection(reg, svc.InspectionDraft(station, on, "李四", answers))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("output", type=Path, help="folder for the PNG files")
    parser.add_argument("--size", default="1366x768", help="screen size, WIDTHxHEIGHT (default 1366x768)")
    args = parser.parse_args(argv)
    global SCREEN
    SCREEN = tuple(int(n) for n in args.size.lower().split("x"))  # type: ignore[assignment]
    screen_size = SCREEN
    out: Path = args.output
    out.mkdir(parents=True, exist_ok=True)

    work = Path(tempfile.mkdtemp(prefix="villagepost-form-shots-"))
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, str(work / "config"))
    use_screen(*screen_size)  # the windows fit the screen they open on: give them one of this size
    app = QApplication(sys.argv[:1])
    fonts.install_application_font(app)
    reg = Registry.open(work / "pingluo.sqlite", actor=Actor(name="screenshot"))
    divisions.load(reg, ["640221"])
    import_roster(reg, ROSTER)
    record(reg, "640221100201-01", TODAY - dt.timedelta(days=40), {5: "无服务公示", 12: "灭火器过期"})
    record(reg, "640221100204-01", TODAY - dt.timedelta(days=420), {})
    record(reg, "640221100205-01", TODAY - dt.timedelta(days=75), {})

    window = QWidget()
    window.resize(*SCREEN)
    taskman = TaskManager(window)

    # --- the template editor --------------------------------------------------------------------------
    editor = ChecklistEditorDialog(window, taskman, reg, "640221")
    loaded: list[bool] = []
    editor.loaded.connect(lambda: loaded.append(True))
    editor.show()
    wait_until(lambda: bool(loaded))
    shot(editor, out / "checklist_editor_default.png")
    item = editor.item_at(9)
    assert item is not None
    editor.tree.setCurrentItem(item)
    editor.add_item(default_checklist().items[0].text)  # a duplicate: refused at saving
    editor.save()
    wait_until(lambda: not editor.busy)
    shot(editor, out / "checklist_editor_refused.png")
    editor.dirty = False
    editor.close()
    city_items = [("基本情况", "站点正常营业，有专人值守"), ("", "服务公示齐全"), ("安全", "落实实名收寄")]
    checklists.save_checklist(reg, "6402", "石嘴山市站点检查表", city_items)
    inherited = ChecklistEditorDialog(window, taskman, reg, "640221")
    loaded.clear()
    inherited.loaded.connect(lambda: loaded.append(True))
    inherited.show()
    wait_until(lambda: bool(loaded))
    first = inherited.item_at(1)
    assert first is not None
    inherited.tree.setCurrentItem(first)
    first.setText(TEXT_COLUMN, "站点正常营业，有专人值守，营业时间不少于8小时")
    shot(inherited, out / "checklist_editor_inherited_edited.png")
    inherited.dirty = False
    inherited.close()
    checklists.reset_checklist(reg, "6402")

    # --- the inspection form --------------------------------------------------------------------------
    form = InspectionDialog(window, taskman, reg, "640221100206-01")
    form.show()
    wait_until(lambda: form.data is not None)
    shot(form, out / "inspection_form_empty.png")
    form.inspector.setText("李四、赵六")
    form.date_edit.setDate(QDate(TODAY.year, TODAY.month, TODAY.day).addDays(-2))
    for n in range(1, 12):
        form.row(n).set_result(Result.PASS)
    form.row(5).set_result(Result.FAIL)
    form.row(5).remark.setText("价格公示缺失")
    form.save()
    wait_until(lambda: not form.busy)
    form.items_scroll.ensureWidgetVisible(form.row(12).text_label)
    shot(form, out / "inspection_form_missing_items.png")
    form.close()

    # --- the 检查 panel -------------------------------------------------------------------------------
    panel = InspectionsPanel(taskman, None, opener=lambda _p: None)
    panel.resize(900, 520)
    panel.show()
    panel.set_registry(reg)
    done: list[bool] = []
    panel.refreshed.connect(lambda: done.append(True))
    panel.set_scope("640221100")
    wait_until(lambda: bool(done))
    panel.select_row(0)
    shot(panel, out / "inspections_panel_all.png")
    done.clear()
    panel.set_mode(FAILED)
    wait_until(lambda: bool(done))
    shot(panel, out / "inspections_panel_failed.png")
    done.clear()
    panel.set_mode(DUE)
    wait_until(lambda: bool(done))
    panel.select_row(0)
    shot(panel, out / "inspections_panel_due.png")
    panel.close()

    # --- the print dialogs ----------------------------------------------------------------------------
    printer = PrintChecklistsDialog(window, reg, scope="640221", taskman=taskman, opener=lambda _p: None)
    ready: list[bool] = []
    printer.ready.connect(lambda: ready.append(True))
    printer.show()
    wait_until(lambda: bool(ready))
    printer.path_edit.setText(str(work / "平罗县检查表.pdf"))
    shot(printer, out / "print_checklists_dialog.png")
    release = threading.Event()
    taskman.run(lambda: release.wait(30), lambda _f: None)  # keeps the print queued: its progress dialog shows
    printer.start()
    op = printer.op
    assert op is not None
    wait_until(lambda: op._dialog is not None)
    assert op._dialog is not None
    shot(op._dialog, out / "print_progress.png")
    release.set()
    wait_until(lambda: printer.op is None, 60000)
    shot(printer, out / "print_checklists_done.png")
    printer.close()

    selected = PrintChecklistsDialog(window, reg, station_codes=["640221100201-01", "640221100205-01"],
                                     taskman=taskman, opener=lambda _p: None)
    selected.show()
    selected.split.click()
    settle()
    shot(selected, out / "print_selected_split.png")
    selected.close()

    summary = PrintSummaryDialog(window, reg, "640221", taskman=taskman, opener=lambda _p: None)
    ready.clear()
    summary.ready.connect(lambda: ready.append(True))
    summary.show()
    wait_until(lambda: bool(ready))
    summary.path_edit.setText(str(work / "平罗县覆盖率汇总表.pdf"))
    shot(summary, out / "print_summary_dialog.png")
    summary.start()
    wait_until(lambda: summary.op is None, 60000)
    shot(summary, out / "print_summary_done.png")
    summary.close()

    taskman.shutdown()
    reg.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
