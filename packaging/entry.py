"""The frozen program's one entry script: `villagepost` (the command) or `villagepost-window` (the window).

Both names run this script. On Windows they are two executables of the bundle — villagepost.exe for a
console, villagepost-window.exe without one (what the Start-menu entry and the desktop shortcut start). On
Linux, where a window never brings a console, villagepost-window is a symbolic link to villagepost, which
keeps one copy of the bundled Python modules (each executable carries its own, 16 MB).

The window form is `villagepost gui` with the same options. A windowed executable has no stdout/stderr on
Windows (PyInstaller sets them to None); what the launcher would write there goes to the null device —
every problem the window can meet is shown in a message box, and internal errors go to the error log.
"""

import os
import sys
from pathlib import Path

from villagepost.cli import leave, main

# Alembic loads the migration scripts from files inside the bundle; a run as root must not leave
# __pycache__ folders there, which the package manager would then fail to remove.
sys.dont_write_bytecode = True

WINDOW_NAME = "villagepost-window"


def window_wanted(argv0: str) -> bool:
    return Path(argv0).name.lower().startswith(WINDOW_NAME)


#: `VILLAGEPOST_SELF_CHECK=1`: import every compiled module the program loads at some point (the release
#: check runs this on the installed copy: a binary damaged by packaging fails here, not in a clerk's hands).
SELF_CHECK_MODULES = (
    "numpy", "pyqtgraph", "PIL.Image", "reportlab.pdfgen.canvas", "reportlab.graphics.barcode.qr", "_rl_accel",
    "psycopg", "python_calamine", "openpyxl", "sqlalchemy.dialects.sqlite", "sqlalchemy.dialects.postgresql.psycopg",
    "alembic.command", "markdown_it", "pypinyin", "PySide6.QtWidgets", "villagepost.gui.main_window",
)


def self_check() -> int:
    import importlib

    for name in SELF_CHECK_MODULES:
        importlib.import_module(name)
    import psycopg

    print(f"self-check ok: {len(SELF_CHECK_MODULES)} modules; libpq {psycopg.pq.__impl__} {psycopg.pq.version()}")
    return 0


def run() -> int:
    if os.environ.get("VILLAGEPOST_SELF_CHECK") == "1":
        return self_check()
    if not window_wanted(sys.argv[0]):
        return main()
    for name in ("stdout", "stderr"):
        if getattr(sys, name) is None:
            setattr(sys, name, Path(os.devnull).open("w", encoding="utf-8"))  # noqa: SIM115 (lives with the process)
    args = sys.argv[1:]
    return main(args if "gui" in args else [*args, "gui"])


if __name__ == "__main__":
    leave(run())
