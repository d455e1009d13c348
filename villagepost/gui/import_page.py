"""What every page of the import wizard shares: the wizard it belongs to and its message line.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QWizardPage

if TYPE_CHECKING:
    from villagepost.gui.import_wizard import ImportWizard


class ImportPage(QWizardPage):
    """A page of the import wizard, with the line where it says how its step went."""

    def __init__(self, wizard: ImportWizard) -> None:
        super().__init__(wizard)
        self.w = wizard
        self.message = QLabel(self)
        self.message.setWordWrap(True)
        self.message.setObjectName("pageMessage")
        self.message.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)

    def say(self, text: str, *, error: bool = False, ok: bool = False, partial: bool = False) -> None:
        color = "#b00020" if error else "#1b7a2e" if ok else "#b36b00" if partial else "palette(text)"
        self.message.setStyleSheet(f"color: {color};")
        self.message.setText(text)
        self.message.setVisible(bool(text))
