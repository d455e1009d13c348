"""The crash dialog: what a true bug looks like to the clerk (after qutebrowser's misc/crashsignal.py).

Only bugs reach this: database problems the clerk can fix arrive as KnownError and become a plain message
box. A bug's traceback is first appended to a log file under the user log folder, so nothing is lost even
if showing the dialog fails too; the dialog says where that file is, so the clerk can send it to support.
Each commit is its own transaction, so data saved before the error is safe, and the dialog says so.
"""

from __future__ import annotations

import logging
import platform
import sys
import tempfile
import threading
import traceback
from pathlib import Path
from types import TracebackType

from PySide6 import __version__ as pyside_version
from PySide6.QtWidgets import (
    QApplication,
    QWidget,
)

from villagepost import __version__
from villagepost.core import clock
from villagepost.core.errors import KnownError
from villagepost.gui.known_errors import show_known_error
from villagepost.services.locations import log_dir

log = logging.getLogger(__name__)

CRASH_LOG = "villagepost-crash.log"

ExcInfo = tuple[type[BaseException], BaseException, TracebackType | None]

_showing = False
_lang = "zh"



def crash_log_path() -> Path:
    """The crash log: platformdirs' user_log_dir("VillagePost") / villagepost-crash.log."""
    return log_dir() / CRASH_LOG


def format_report(exc_type: type[BaseException], exc: BaseException, tb: TracebackType | None) -> str:
    """The text written to the log: when, which versions, and the full traceback."""
    stamp = clock.local_now().isoformat(timespec="seconds")
    head = (f"=== {stamp}  VillagePost {__version__}  Python {platform.python_version()}  "
            f"PySide6 {pyside_version}  {platform.platform()}  thread {threading.current_thread().name}\n")
    return head + "".join(traceback.format_exception(exc_type, exc, tb)) + "\n"


def write_report(text: str) -> Path | None:
    """Append `text` to the crash log (or, failing that, to a file in the temp folder); its path or None."""
    for path in (crash_log_path(), Path(tempfile.gettempdir()) / CRASH_LOG):
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            with path.open("a", encoding="utf-8") as fh:
                fh.write(text)
            return path
        except OSError:
            continue
    return None


def _dialog_parent() -> QWidget | None:
    app = QApplication.instance()
    if not isinstance(app, QApplication):
        return None
    return app.activeWindow() or next((w for w in app.topLevelWidgets() if w.isVisible() and w.isWindow()), None)


def handle_exception(exc_type: type[BaseException], exc: BaseException, tb: TracebackType | None) -> None:
    """sys.excepthook: log every unexpected exception, then show it (one dialog at a time)."""
    global _showing
    if issubclass(exc_type, KeyboardInterrupt):
        sys.__excepthook__(exc_type, exc, tb)
        return
    if isinstance(exc, KnownError):
        # A known problem that escaped its caller is still the clerk's to fix, not a bug.
        show_known_error(_dialog_parent(), exc, _lang)
        return
    report = format_report(exc_type, exc, tb)
    path = write_report(report)
    log.error("unexpected error (logged to %s)", path, exc_info=(exc_type, exc, tb))
    app = QApplication.instance()
    if _showing or not isinstance(app, QApplication):
        return  # an error while the dialog is up (or before Qt runs) is logged, not stacked
    from villagepost.gui.crash_dialog import CrashDialog  # built only when needed: start-up stays fast

    _showing = True
    try:
        dialog = CrashDialog(report, path, _dialog_parent())
        dialog.exec()
        quit_requested = dialog.quit_requested
        dialog.deleteLater()
    finally:
        _showing = False
    if quit_requested:
        app.exit(1)


def _thread_hook(args: threading.ExceptHookArgs) -> None:
    """Exceptions in stray Python threads: logged only (a dialog may not be built off the GUI thread)."""
    if args.exc_value is None:
        return
    path = write_report(format_report(args.exc_type, args.exc_value, args.exc_traceback))
    log.error("unexpected error in thread %s (logged to %s)", args.thread, path)


def install(lang: str = "zh") -> None:
    """Route every unexpected exception of the event loop to the crash log and dialog."""
    global _lang
    _lang = lang
    sys.excepthook = handle_exception
    threading.excepthook = _thread_hook
