"""The release check's window smoke test: keep the window open a few seconds, save a picture, quit.

`VILLAGEPOST_SMOKE_SCREENSHOT=OUT.png` (and optionally `VILLAGEPOST_SMOKE_SECONDS`, default 5) makes the
window, once painted, wait that long with its event loop running (the tree loads, timers fire), then save
the window — and the dialog in front of it, if any — to OUT.png, print `VILLAGEPOST_SMOKE_SCREENSHOT OUT.png`
and quit with 0. packaging/release-check.sh runs the installed copy this way offscreen: it proves the frozen
window starts, paints and keeps running, and leaves a picture to look at. Without the variable nothing here
runs.
"""

from __future__ import annotations

import os

from PySide6.QtCore import QPoint, QTimer
from PySide6.QtGui import QPainter, QPixmap
from PySide6.QtWidgets import QApplication, QWidget

ENV_SCREENSHOT = "VILLAGEPOST_SMOKE_SCREENSHOT"
ENV_SECONDS = "VILLAGEPOST_SMOKE_SECONDS"
MARK = "VILLAGEPOST_SMOKE_SCREENSHOT"
ACTIVATED_MARK = "VILLAGEPOST_ACTIVATED"


def window_picture(window: QWidget) -> QPixmap:
    """The window with every visible top-level dialog it owns painted over it where it stands."""
    picture = window.grab()
    painter = QPainter(picture)
    for widget in QApplication.topLevelWidgets():
        if widget is window or not widget.isVisible() or widget.parent() is None:
            continue
        offset = widget.frameGeometry().topLeft() - window.frameGeometry().topLeft()
        painter.drawPixmap(QPoint(max(offset.x(), 0), max(offset.y(), 0)), widget.grab())
    painter.end()
    return picture


def install(window: QWidget, first_painted: object, guard: object | None = None) -> bool:
    """Arm the smoke test on `window` when the environment asks for it; True when armed. With the
    window's single-instance `guard`, each request of a second start prints ACTIVATED_MARK (the
    single-instance tests watch for it)."""
    path = os.environ.get(ENV_SCREENSHOT)
    if not path:
        return False
    if guard is not None:
        guard.activate.connect(lambda: print(ACTIVATED_MARK, flush=True))  # type: ignore[attr-defined]
    seconds = float(os.environ.get(ENV_SECONDS, "5"))

    def shoot() -> None:
        ok = window_picture(window).save(path, "PNG")
        print(f"{MARK} {path}" if ok else f"{MARK} FAILED {path}", flush=True)
        QApplication.exit(0 if ok else 1)

    first_painted.connect(lambda: QTimer.singleShot(int(seconds * 1000), shoot))  # type: ignore[attr-defined]
    return True
