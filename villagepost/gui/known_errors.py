"""A known problem shown as a message box that says what to do (never the crash dialog).

Its own module so the crash handler (which hands a KnownError that escaped its caller here) and the
background worker (whose failures end here or in the crash handler) need not import each other.
"""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QMessageBox, QWidget

from villagepost.core.errors import KnownError
from villagepost.core.messages import DEFAULT_LANG

translate = QCoreApplication.translate


def show_known_error(parent: QWidget | None, exc: KnownError, lang: str = DEFAULT_LANG) -> None:
    """A known problem as a message box that says what to do (never the crash dialog)."""
    QMessageBox.warning(parent, translate("ops", "村邮通"), exc.message(lang))
