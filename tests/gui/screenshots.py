"""Save screenshots of the window, its tabs and dialogs, offscreen, for a person to look at.

    .venv/bin/python tests/gui/screenshots.py OUTPUT_FOLDER [--size 1366x768]

Not a test (pytest collects only test_*.py): it renders with the bundled font under QT_QPA_PLATFORM=offscreen
into PNGs, so a reviewer can check that Chinese renders and nothing is clipped at a laptop's 1366×768.
Registries are built in a temporary folder from the bundled codes (Jilin: a few seconds).
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import threading
from collections.abc import Callable
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QCoreApplication, QElapsedTimer, QSettings, Qt
from PySide6.QtWidgets import QApplication, QWidget
from screen_size import use_screen  # tests/gui/screen_size.py: the scripts run from this folder

from villagepost.core.actor import Actor
from villagepost.gui import fonts
from villagepost.gui.main_window import MainWindow
from villagepost.gui.settings import Settings
from villagepost.gui.stations_tab import OPENED
from villagepost.gui.table_tab import TableTab
from villagepost.services import divisions, imports
from villagepost.services.registry import Registry

ACTOR = Actor(name="screenshot")
ROSTER = Path(__file__).resolve().parents[1] / "rosters" / "data" / "A01_pingluo_clean.xlsx"


def wait_until(condition: Callable[[], bool], timeout_ms: int = 20000) -> None:
    timer = QElapsedTimer()
    timer.start()
    while not condition():
        if timer.elapsed() > timeout_ms:
            raise TimeoutError("the window did not get there in time")
        QCoreApplication.processEvents()
        threading.Event().wait(0.01)


def settle(ms: int = 150) -> None:
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


def wait_table(tab: TableTab) -> None:
    wait_until(lambda: tab.model.complete and not tab.model.loading)


def tables_views(work: Path, output: Path, width: int, height: int) -> None:
    """The 村庄 and 站点 tabs on 平罗县 with the example roster A01 imported (88 stations, 7 without a date)."""
    pingluo = Registry.open(work / "pingluo.sqlite", actor=ACTOR)
    divisions.load(pingluo, ["640221"])
    imports.import_roster(pingluo, ROSTER)
    window = MainWindow(pingluo, settings=Settings())
    window.resize(width, height)
    window.show()
    wait_until(lambda: window.started)
    window.go_to("640221100")
    window.tabs.setCurrentWidget(window.villages_tab)
    wait_table(window.villages_tab)
    save(window, output / "villages_tab_township.png")
    window.go_to("640221")
    window.tabs.setCurrentWidget(window.stations_tab)
    wait_table(window.stations_tab)
    window.stations_tab.view.sortByColumn(OPENED, Qt.SortOrder.AscendingOrder)
    wait_until(lambda: window.stations_tab.model.sort_column == OPENED)
    wait_table(window.stations_tab)
    save(window, output / "stations_tab_county_by_date.png")
    editor_views(window, output)
    wizard_views(window, output)
    settings = window.open_settings()
    wait_until(settings.village_like.isEnabled)
    save(settings, output / "settings_dialog.png")
    settings.reject()
    window.close()


def editor_views(window: MainWindow, output: Path) -> None:
    """The station editor (fields, refusals, history) and its merge and close dialogs."""
    editor = window.open_station("640221100201-01")
    wait_until(lambda: editor.details is not None)
    save(editor, output / "station_editor.png")
    editor.edits["phone"].setText("12345")
    editor.edits["lon"].setText("200")
    editor.save()
    wait_until(lambda: not editor.busy and editor.error.isVisible())
    save(editor, output / "station_editor_refused.png")
    editor.edits["phone"].setText("13912345678")
    editor.edits["lon"].setText("106.438139")
    editor.type_combo.setCurrentIndex(editor.type_combo.findData("村邮站+快递超市"))
    editor.type_date.setText("2024-05")
    editor.save()
    wait_until(lambda: not editor.busy and editor.error.text() == "已保存。")
    editor.pages.setCurrentIndex(2)
    save(editor, output / "station_editor_history.png")
    merge = editor.open_merge()
    assert merge is not None
    wait_until(lambda: merge.loaded)
    merge.check("640221100206-01")
    save(merge, output / "merge_dialog.png")
    merge.reject()
    close = editor.open_event("close")
    assert close is not None
    close.date_edit.setText("2099-01-01")
    close.submit()
    wait_until(close.error.isVisible)
    save(close, output / "close_dialog_refused.png")
    close.reject()
    editor._shown = editor._values()  # nothing unsaved: close without asking
    editor.close()


def wizard_views(window: MainWindow, output: Path) -> None:
    """The import wizard's pages on roster C09 (mixed errors) for 中宁县, then its summary."""
    window.registry.actor = ACTOR
    divisions.load(window.registry, ["640521"])
    wizard = window.open_import_wizard()
    wizard.file_page.path_edit.setText(str(ROSTER.with_name("C09_mixed_errors.xlsx")))
    save(wizard, output / "import_1_file.png")
    wizard.next()
    wait_until(lambda: wizard.currentId() == 1)
    save(wizard, output / "import_2_mapping.png")
    wizard.next()
    wait_until(lambda: wizard.currentId() == 2 and not wizard.running)
    save(wizard, output / "import_3_check.png")
    check = wizard.check_page
    check.show_row(check.errors.index(1, 0))
    wait_until(lambda: check.row_dialog is not None)
    assert check.row_dialog is not None
    save(check.row_dialog, output / "import_3_row_dialog.png")
    check.row_dialog.close()
    wizard.next()
    wait_until(lambda: wizard.currentId() == 3 and not wizard.running)
    save(wizard, output / "import_4_result.png")
    wizard.close()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("output", type=Path, help="folder for the PNG files")
    parser.add_argument("--size", default="1366x768", help="window size, WIDTHxHEIGHT (default 1366x768)")
    args = parser.parse_args(argv)
    width, height = (int(n) for n in args.size.lower().split("x"))
    args.output.mkdir(parents=True, exist_ok=True)

    work = Path(tempfile.mkdtemp(prefix="villagepost-shots-"))
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, str(work / "config"))
    use_screen(width, height)  # the windows fit the screen they open on: give them one of this size
    app = QApplication(sys.argv[:1])
    app.setApplicationName("VillagePost")
    app.setOrganizationName("VillagePost")
    fonts.install_application_font(app)

    jilin = Registry.open(work / "jilin.sqlite", actor=ACTOR)
    divisions.load(jilin, ["22"])

    window = MainWindow(jilin, settings=Settings())
    window.resize(width, height)
    window.show()
    wait_until(lambda: window.started)
    shown: list[object] = []
    window.details_shown.connect(shown.append)
    window.search.search("yjx")
    wait_until(lambda: bool(shown))
    window.tree.expand(window.tree.currentIndex())
    save(window, args.output / "main_window_county.png")

    shown.clear()
    window.go_to("220221100201")
    wait_until(lambda: bool(shown))
    window.search.search("吉林", go=False)
    wait_until(lambda: window.search.hits.count() > 1)
    save(window, args.output / "main_window_village_and_search.png")

    shown.clear()
    window.search.edit.clear()
    window.search.clear_hits()
    window.go_to("22")
    wait_until(lambda: bool(shown))
    window.resize(1024, 600)
    save(window, args.output / "main_window_province_1024x600.png")
    window.close()

    tables_views(work, args.output, width, height)

    empty = Registry.open(work / "empty.sqlite", actor=ACTOR)
    first = MainWindow(empty, settings=Settings())
    first.resize(width, height)
    first.show()
    wait_until(lambda: first._first_start_dialog is not None)
    dialog = first._first_start_dialog
    assert dialog is not None
    dialog.select_scope("220221")
    save(dialog, args.output / "first_start_dialog.png")
    save(first, args.output / "main_window_empty_registry.png")

    # The progress dialog: hold the worker so the load is still queued when the dialog appears.
    release = threading.Event()
    first.taskman.run(lambda: release.wait(30), lambda _f: None)
    dialog.select_scope("")
    dialog.start_load()
    op = dialog.op
    assert op is not None
    wait_until(lambda: op._dialog is not None)
    assert op._dialog is not None
    save(op._dialog, args.output / "load_progress_dialog.png")
    assert op.context is not None
    op.context.cancel()
    release.set()
    wait_until(lambda: op.finished, 120000)
    save(dialog, args.output / "first_start_dialog_cancelled.png")
    first.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
