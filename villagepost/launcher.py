"""Starting the window without ever dying with a Qt plugin trace.

This module imports no Qt: it decides first whether a window can open here, and if not says so plainly
(in Chinese, or English with --lang en) and points to the commands, which never need a display.
"""

from __future__ import annotations

import ctypes.util
import os
import sys
from pathlib import Path

from villagepost.core.messages import tr

_NON_SCREEN_PLATFORMS = ("offscreen", "minimal", "vnc", "eglfs", "linuxfb", "vkkhrdisplay")


def display_problem() -> str | None:
    """None when a window can open; otherwise a short reason (for the message and the log)."""
    if not sys.platform.startswith("linux") and not sys.platform.startswith("freebsd"):
        return None
    platform = os.environ.get("QT_QPA_PLATFORM", "").split(":")[0]
    if platform.startswith(_NON_SCREEN_PLATFORMS):
        return None
    wayland = os.environ.get("WAYLAND_DISPLAY")
    display = os.environ.get("DISPLAY")
    if platform.startswith("wayland") or (wayland and not display):
        return None if wayland else "WAYLAND_DISPLAY is not set"
    if not display:
        return "DISPLAY is not set"
    if display.startswith(":"):
        number = display[1:].split(".")[0]
        if number.isdigit() and not Path(f"/tmp/.X11-unix/X{number}").exists():
            return f"no X server on display {display}"
    # Qt 6's xcb plugin needs libxcb-cursor; without it Qt aborts with a plugin trace.
    if ctypes.util.find_library("xcb-cursor") is None:
        return "the system library libxcb-cursor is missing (Debian/Ubuntu: sudo apt install libxcb-cursor0)"
    return None


def launch_gui(db: str | None, lang: str) -> int:
    problem = display_problem()
    if problem is not None:
        sys.stderr.write(tr("app.no_display", lang) + f"\n({problem})\n")
        return 2
    try:
        from villagepost.gui.app import run
    except ImportError as exc:
        sys.stderr.write(tr("app.qt_failed", lang, {"reason": str(exc)}) + "\n")
        return 2
    return run(db=db, lang=lang)
