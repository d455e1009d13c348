"""Fixtures for the window's tests: isolated settings and logs, and a started main window on a real registry."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QPlainTextEdit, QWidget
from pytestqt.qtbot import QtBot

from villagepost.gui import crash
from villagepost.gui.main_window import MainWindow
from villagepost.gui.ops import TaskManager
from villagepost.gui.settings import Settings
from villagepost.services.registry import Registry


@pytest.fixture(autouse=True)
def isolated_settings(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """Every test writes its QSettings file and crash log under its own tmp_path, never the user's."""
    folder = tmp_path / "config"
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, str(folder))
    monkeypatch.setattr(crash, "log_dir", lambda: tmp_path / "logs")
    yield folder


@pytest.fixture(autouse=True)
def crash_dialogs_fail_the_test(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """An unexpected error shown to the clerk fails the test at once, with its report.

    The crash dialog is modal: in a test nobody would close it, so the test would hang until pytest's
    timeout and say nothing about the error. Tests of the crash dialog itself replace `exec` again.
    """
    from villagepost.gui.crash_dialog import CrashDialog

    reports: list[str] = []

    def record(dialog: CrashDialog) -> int:
        details = dialog.findChild(QPlainTextEdit, "crashDetails")
        reports.append(details.toPlainText() if details is not None else "(no details)")
        return 0

    monkeypatch.setattr(CrashDialog, "exec", record)
    yield
    if reports:
        pytest.fail("the window showed the crash dialog:\n" + "\n".join(reports), pytrace=False)


@pytest.fixture
def make_window(qtbot: QtBot) -> Callable[..., MainWindow]:
    """registry -> a shown MainWindow whose tree is ready (the window closes the registry at teardown)."""

    def make(registry: Registry, *, wait_ready: bool = True) -> MainWindow:
        window = MainWindow(registry, settings=Settings())
        qtbot.addWidget(window)
        if wait_ready:
            with qtbot.waitSignal(window.tree_ready, timeout=5000):
                window.show()
        else:
            window.show()
        return window

    return make


@pytest.fixture
def wait_idle(qtbot: QtBot) -> Callable[[MainWindow], None]:
    """window -> returns once its background worker has delivered everything queued so far."""

    def wait(window: MainWindow) -> None:
        qtbot.waitUntil(lambda: not window.taskman.busy, timeout=10000)

    return wait


@pytest.fixture
def taskman(qtbot: QtBot) -> Iterator[TaskManager]:
    """A task manager of its own (tests of widgets made without a main window); shut down afterwards."""
    manager = TaskManager()
    yield manager
    manager.shutdown()


class StandInWindow(QWidget):
    """Stands in for the main window: dialogs find its worker as `taskman`."""

    def __init__(self) -> None:
        super().__init__()
        self.taskman = TaskManager(self)


@pytest.fixture
def window(qtbot: QtBot) -> Iterator[StandInWindow]:
    """A parent for dialogs that run their work on the window's worker; the worker is shut down afterwards."""
    widget = StandInWindow()
    qtbot.addWidget(widget)
    yield widget
    widget.taskman.shutdown()
