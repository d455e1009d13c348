"""Settling a window's layout before its native window exists.

Why: QWidget.setVisible creates the native window first and activates the layout after, so a window's
minimum size changes once it already has a native window. Platforms then get a size-hint update they
must propagate (on Qt's offscreen platform that is the warning "This plugin does not support
propagateSizeHints()", which fails our tests; on X11 it is an extra round trip). Activating the layout
before showing gives the native window its final constraints at creation, and fixing the minimum size
then (explicitly set, so later layout changes leave it alone) keeps it final: a search list or a status
line appearing later must not make the window jump or renegotiate its size with the window manager.

Every window is also kept within the screen it opens on (its available area, less room for the frame the
window manager adds): on a 1024×600 netbook a 980×640 dialog lost its buttons below the screen's edge. A
dialog whose content is taller than that scrolls its content (a QScrollArea), never its buttons.
"""

from __future__ import annotations

from PySide6.QtCore import QSize
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QLayout, QWidget

#: room left for the title bar and borders the window manager draws around a window
FRAME_ALLOWANCE = QSize(16, 40)
#: no limit (QWIDGETSIZE_MAX)
UNBOUNDED = (1 << 24) - 1


def available_size(window: QWidget) -> QSize:
    """The largest size `window` may take on the screen it opens on (its parent's, else the primary)."""
    parent = window.parentWidget()
    screen = (parent.screen() if parent is not None else None) or QGuiApplication.primaryScreen()
    if screen is None:
        return QSize(UNBOUNDED, UNBOUNDED)
    return screen.availableGeometry().size() - FRAME_ALLOWANCE


def fit_to_screen(window: QWidget, width: int, height: int) -> None:
    """Resize `window` to width × height, or as much of it as the screen has room for."""
    window.resize(QSize(width, height).boundedTo(available_size(window)))


def settle_layout(window: QWidget) -> None:
    """Polish `window`, activate its layout and fix its minimum size before it is first shown."""
    if window.isVisible():
        return
    window.ensurePolished()
    layout = window.layout()
    if layout is not None:
        layout.activate()
    room = available_size(window)
    window.setMinimumSize(window.minimumSize().expandedTo(window.minimumSizeHint()).boundedTo(room))
    window.resize(window.size().boundedTo(room))
    if layout is not None:
        # Qt's layouts raise a window's minimum size when content grows, even an explicit one (an error
        # line appearing in a dialog would): from now on the layout fits the window, never the reverse.
        layout.setSizeConstraint(QLayout.SizeConstraint.SetNoConstraint)


def bring_to_front(window: QWidget) -> None:
    """Raise and activate an open window (Qt's offscreen platform cannot raise: it would only warn)."""
    if QGuiApplication.platformName() != "offscreen":
        window.raise_()
    window.activateWindow()
