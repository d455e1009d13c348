"""Starting the window without ever dying with a Qt plugin trace.

This module imports no Qt: it decides first whether a window can open here, and if not says so plainly
(in Chinese, or English with --lang en) and points to the commands, which never need a display.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import importlib.util
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
    return _xcb_plugin_problem()


#: What Qt 6's xcb platform plugin needs on Debian/Ubuntu (the window's own libraries ship with PySide6).
XCB_PACKAGES = ("libxcb-cursor0 libxcb-icccm4 libxcb-keysyms1 libxcb-image0 libxcb-render-util0 libxcb-xkb1 "
                "libxkbcommon-x11-0 libxcb-shape0 libxcb-randr0 libxcb-xinerama0 libegl1 libfontconfig1")


def _xcb_plugin_problem() -> str | None:
    """Load Qt's xcb plugin the way Qt will; a missing system library is named instead of a Qt abort."""
    spec = importlib.util.find_spec("PySide6")
    if spec is None or not spec.submodule_search_locations:
        return None  # the import of the window reports it
    plugin = Path(next(iter(spec.submodule_search_locations))) / "Qt" / "plugins" / "platforms" / "libqxcb.so"
    missing = None
    if plugin.exists():
        try:
            ctypes.CDLL(str(plugin))
        except OSError as exc:
            missing = str(exc).split(":")[0]
    if missing is None and ctypes.util.find_library("xcb-cursor") is None:
        missing = "libxcb-cursor.so.0"  # Qt opens it at run time, not at link time
    if missing is None:
        return None
    return f"{MISSING_LIBRARY}{missing}"


MISSING_LIBRARY = "missing library: "


def launch_gui(db: str | None, lang: str, user: str | None = None) -> int:
    problem = display_problem()
    if problem is not None and problem.startswith(MISSING_LIBRARY):
        library = problem.removeprefix(MISSING_LIBRARY)
        sys.stderr.write(tr("app.qt_libs_missing", lang, {"library": library, "packages": XCB_PACKAGES}) + "\n")
        return 2
    if problem is not None:
        sys.stderr.write(tr("app.no_display", lang) + f"\n({problem})\n")
        return 2
    try:
        from villagepost.gui.app import run
    except ImportError as exc:
        sys.stderr.write(tr("app.qt_failed", lang, {"reason": str(exc)}) + "\n")
        return 2
    return run(db=db, lang=lang, user=user)
