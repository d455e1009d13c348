"""Small pieces the forms share: a dialog that settles its layout before it is shown, and the red line
under a field where a refusal from a service is shown in the clerk's language."""

from __future__ import annotations

from PySide6.QtWidgets import QDialog, QLabel, QLayout, QWidget
from shiboken6 import Shiboken

from villagepost.gui.window_sizing import settle_layout

ERROR_STYLE = "color: #b00020;"


def alive(widget: QWidget) -> bool:
    """Whether `widget` still exists: a dialog closed with WA_DeleteOnClose while the worker read for it is
    gone when the answer arrives, and the answer is then dropped instead of touching deleted widgets."""
    return Shiboken.isValid(widget)


class SettledDialog(QDialog):
    """A dialog whose minimum size is fixed before its native window exists (see window_sizing), and stays
    fixed: a form filled in after it appears (the rows read on the worker, an error line) must not raise the
    window's minimum size, which Qt's layouts otherwise do even to an explicit one."""

    def setVisible(self, visible: bool) -> None:  # noqa: N802 (Qt override)
        if visible and not self.isVisible():
            settle_layout(self)
            layout = self.layout()
            if layout is not None:
                layout.setSizeConstraint(QLayout.SizeConstraint.SetNoConstraint)
        super().setVisible(visible)


class ErrorLabel(QLabel):
    """A refusal next to the field it concerns: red, wrapped, hidden while there is nothing to say."""

    def __init__(self, parent: QWidget, name: str) -> None:
        super().__init__(parent)
        self.setObjectName(name)
        self.setWordWrap(True)
        self.setStyleSheet(ERROR_STYLE)
        self.hide()

    def show_text(self, text: str) -> None:
        self.setText(text)
        self.setVisible(bool(text))

    def clear_text(self) -> None:
        self.clear()
        self.hide()
