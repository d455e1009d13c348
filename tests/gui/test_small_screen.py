"""Every dialog fits a 1024×600 screen: sized to the available screen, content scrolling, buttons visible.

As a clerk found it, the import wizard (980×640) and the inspection form (940×680) lost their buttons below
the bottom of a 1024×600 netbook screen. Qt's offscreen platform takes a screen of any size from a JSON
file, but only when the application starts: `test_every_dialog_fits_a_1024x600_screen` runs this module
again in a fresh process on such a screen, where the `test_on_small_screen_*` tests open each dialog and
check it (they are skipped in the ordinary run, on the 800×800 default screen).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from PySide6.QtCore import QRect
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QAbstractButton, QDialog, QScrollArea, QWidget
from pytestqt.qtbot import QtBot

from tests.rosters.roster_fixtures import DATA
from villagepost.gui.main_window import MainWindow
from villagepost.services import imports
from villagepost.services.registry import Registry

pytestmark = pytest.mark.gui

SCREEN = (1024, 600)
HEPING = "640221100201-01"


def on_small_screen() -> bool:
    screen = QGuiApplication.primaryScreen()
    return screen is not None and (screen.geometry().width(), screen.geometry().height()) == SCREEN


def test_every_dialog_fits_a_1024x600_screen(tmp_path: Path) -> None:
    if on_small_screen():
        pytest.skip("the inner run")
    config = tmp_path / "screen.json"
    config.write_text(json.dumps({"synchronousWindowSystemEvents": False, "windowFrameMargins": False, "screens": [
        {"name": "netbook", "x": 0, "y": 0, "width": SCREEN[0], "height": SCREEN[1], "logicalDpi": 96,
         "logicalBaseDpi": 96, "dpr": 1}]}))
    env = {**os.environ, "QT_QPA_PLATFORM": f"offscreen:configfile={config}"}
    done = subprocess.run([sys.executable, "-m", "pytest", __file__, "-q", "-p", "no:randomly",
                           "-p", "no:cacheprovider", "-k", "on_small_screen"],
                          env=env, capture_output=True, text=True, timeout=600,
                          cwd=Path(__file__).parents[2], check=False)
    assert done.returncode == 0, done.stdout[-6000:] + done.stderr[-3000:]
    assert f"{len(DIALOGS)} passed" in done.stdout, done.stdout[-2000:]


def open_import_wizard(window: MainWindow, qtbot: QtBot) -> QWidget:
    return window.open_import_wizard()


def open_station_editor(window: MainWindow, qtbot: QtBot) -> QWidget:
    editor = window.open_station(HEPING)
    qtbot.waitUntil(lambda: editor.details is not None, timeout=5000)
    return editor


def open_close_dialog(window: MainWindow, qtbot: QtBot) -> QWidget:
    dialog = open_station_editor(window, qtbot).open_event("close")  # type: ignore[attr-defined]
    assert dialog is not None
    return dialog


def open_merge_dialog(window: MainWindow, qtbot: QtBot) -> QWidget:
    dialog = open_station_editor(window, qtbot).open_merge()  # type: ignore[attr-defined]
    assert dialog is not None
    qtbot.waitUntil(lambda: dialog.loaded, timeout=5000)
    return dialog


def open_inspection(window: MainWindow, qtbot: QtBot) -> QWidget:
    dialog = window.inspections.new_inspection(HEPING)
    assert dialog is not None
    qtbot.waitUntil(lambda: dialog.data is not None, timeout=5000)
    return dialog


def open_checklist_editor(window: MainWindow, qtbot: QtBot) -> QWidget:
    window.go_to("640221")
    return window.edit_checklist()


def open_targets(window: MainWindow, qtbot: QtBot) -> QWidget:
    window.go_to("640221")
    dialog = window.edit_targets()
    assert dialog is not None
    return dialog


def open_settings(window: MainWindow, qtbot: QtBot) -> QWidget:
    return window.open_settings()


def open_print_checklists(window: MainWindow, qtbot: QtBot) -> QWidget:
    window.go_to("640221")
    window.print_scope_action.trigger()
    return active_dialog(window, "printChecklists")


def open_print_summary(window: MainWindow, qtbot: QtBot) -> QWidget:
    window.go_to("640221")
    window.print_summary_action.trigger()
    return active_dialog(window, "printSummary")


def open_load_dialog(window: MainWindow, qtbot: QtBot) -> QWidget:
    return window.open_load_dialog(first_start=False)


def open_guide(window: MainWindow, qtbot: QtBot) -> QWidget:
    window.guide_action.trigger()
    assert window._guide is not None
    return window._guide


def open_crash_dialog(window: MainWindow, qtbot: QtBot) -> QWidget:
    from villagepost.gui.crash_dialog import CrashDialog

    dialog = CrashDialog("Traceback (most recent call last):\n" + "  File x\n" * 80, None, window)
    dialog.show()
    return dialog


def open_backups(window: MainWindow, qtbot: QtBot) -> QWidget:
    from villagepost.gui.backup_dialog import BackupDialog
    from villagepost.gui.window_sizing import settle_layout

    dialog = BackupDialog(window, window.taskman, window.registry)  # the menu runs it modal (exec)
    settle_layout(dialog)  # it does not settle its own layout yet (Qt warns when its size hints change)
    dialog.show()
    return dialog


def active_dialog(window: MainWindow, name: str) -> QWidget:
    found = [d for d in window.findChildren(QDialog, name) if d.isVisible()]
    assert len(found) == 1, name
    return found[0]


DIALOGS: list[Callable[[MainWindow, QtBot], QWidget]] = [
    open_import_wizard, open_station_editor, open_close_dialog, open_merge_dialog, open_inspection,
    open_checklist_editor, open_targets, open_settings, open_print_checklists, open_print_summary, open_load_dialog,
    open_guide, open_crash_dialog, open_backups,
]


@pytest.fixture
def window(make_window: Callable[..., MainWindow], sqlite_registry: Callable[..., Registry]) -> MainWindow:
    reg = sqlite_registry("640221")
    assert imports.import_roster(reg, DATA / "A01_pingluo_clean.xlsx").status == "ok"
    return make_window(reg)


def global_rect(widget: QWidget) -> QRect:
    return QRect(widget.mapToGlobal(widget.rect().topLeft()), widget.size())


def outside(dialog: QWidget, available: QRect) -> list[str]:
    """The visible buttons of `dialog` not wholly inside `available` (global coordinates).

    A button inside a scroll area is reached by scrolling, wherever it lies: for it, the scroll area's
    viewport must be on the screen instead (a long checklist's 是/否 rows run below the window's edge).
    """
    out = []
    for scroll in dialog.findChildren(QScrollArea):
        if scroll.isVisible() and scroll.window() is dialog and not available.contains(global_rect(scroll.viewport())):
            out.append(f"{scroll.objectName() or 'scroll area'} at {global_rect(scroll.viewport()).getRect()}")
    for button in dialog.findChildren(QAbstractButton):
        if not button.isVisible() or button.window() is not dialog or in_scroll_area(button, dialog):
            continue
        rect = global_rect(button)
        if not available.contains(rect):
            out.append(f"{button.text() or button.objectName()} at {rect.getRect()}")
    return out


def in_scroll_area(widget: QWidget, dialog: QWidget) -> bool:
    parent = widget.parentWidget()
    while parent is not None and parent is not dialog:
        if isinstance(parent, QScrollArea):
            return True
        parent = parent.parentWidget()
    return False


@pytest.mark.parametrize("open_dialog", DIALOGS, ids=lambda f: f.__name__)
def test_on_small_screen_the_dialog_fits(window: MainWindow, qtbot: QtBot,
                                         open_dialog: Callable[[MainWindow, QtBot], QWidget]) -> None:
    if not on_small_screen():
        pytest.skip("runs inside test_every_dialog_fits_a_1024x600_screen, on a 1024×600 screen")
    dialog = open_dialog(window, qtbot)
    qtbot.waitUntil(dialog.isVisible, timeout=5000)
    qtbot.waitUntil(lambda: not window.taskman.busy, timeout=10000)
    screen = dialog.screen()
    available = screen.availableGeometry()
    frame = dialog.frameGeometry()
    assert available.contains(frame), (frame.getRect(), available.getRect())
    layout = dialog.layout()
    need = layout.minimumSize() if layout is not None else dialog.minimumSizeHint()  # QWizard: its own
    assert need.height() <= dialog.height() and need.width() <= dialog.width(), (  # nothing squeezed
        need.toTuple(), dialog.size().toTuple())
    assert outside(dialog, available) == []
