"""Settling a window's layout before its native window exists.

Why: QWidget.setVisible creates the native window first and activates the layout after, so a window's
minimum size changes once it already has a native window. Platforms then get a size-hint update they
must propagate (on Qt's offscreen platform that is the warning "This plugin does not support
propagateSizeHints()", which fails our tests; on X11 it is an extra round trip). Activating the layout
before showing gives the native window its final constraints at creation, and fixing the minimum size
then (explicitly set, so later layout changes leave it alone) keeps it final: a search list or a status
line appearing later must not make the window jump or renegotiate its size with the window manager.
"""

from __future__ import annotations

from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QLayout, QWidget


def settle_layout(window: QWidget) -> None:
    """Polish `window`, activate its layout and fix its minimum size before it is first shown."""
    if window.isVisible():
        return
    window.ensurePolished()
    layout = window.layout()
    if layout is not None:
        layout.activate()
    window.setMinimumSize(window.minimumSize().expandedTo(window.minimumSizeHint()))
    if layout is not None:
        # Qt's layouts raise a window's minimum size when content grows, even an explicit one (an error
        # line appearing in a dialog would): from now on the layout fits the window, never the reverse.
        layout.setSizeConstraint(QLayout.SizeConstraint.SetNoConstraint)


def bring_to_front(window: QWidget) -> None:
    """Raise and activate an open window (Qt's offscreen platform cannot raise: it would only warn)."""
    if QGuiApplication.platformName() != "offscreen":
        window.raise_()
    window.activateWindow()
