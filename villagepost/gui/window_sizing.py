"""Settling a window's layout before its native window exists.

Why: QWidget.setVisible creates the native window first and activates the layout after, so a window's
minimum size changes once it already has a native window. Platforms then get a size-hint update they
must propagate (on Qt's offscreen platform that is the warning "This plugin does not support
propagateSizeHints()", which fails our tests; on X11 it is an extra round trip). Activating the layout
before showing gives the native window its final constraints at creation.
"""

from __future__ import annotations

from PySide6.QtWidgets import QWidget


def settle_layout(window: QWidget) -> None:
    """Polish `window` and activate its layout, so showing it does not change its size constraints."""
    if window.isVisible():
        return
    window.ensurePolished()
    layout = window.layout()
    if layout is not None:
        layout.activate()
