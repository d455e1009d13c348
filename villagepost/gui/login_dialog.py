"""The login dialog the window shows before opening a registry that has accounts.

Why a dialog of its own: once a second person shares the registry, the name in 选项 proves nothing, so
the window asks for the account and its password and opens the registry as that account (on PostgreSQL
the connection is the account's own role). A wrong password says so and lets the user try again.
"""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from villagepost.core.errors import KnownError
from villagepost.services.registry import Registry

translate = QCoreApplication.translate


class LoginDialog(QDialog):
    """Account name and password; `registry` holds the opened registry once accepted."""

    def __init__(self, db: str | None, lang: str, user: str | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.db = db
        self.lang = lang
        self.registry: Registry | None = None
        self.setWindowTitle(translate("login", "村邮通 — 登录"))
        self.setMinimumWidth(360)
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel(translate("login", "此登记库已启用账号，请登录。")))
        form = QFormLayout()
        self.name = QLineEdit(user or "")
        self.name.setObjectName("login_name")
        self.password = QLineEdit()
        self.password.setObjectName("login_password")
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        form.addRow(translate("login", "账号"), self.name)
        form.addRow(translate("login", "密码"), self.password)
        layout.addLayout(form)
        self.error = QLabel("")
        self.error.setObjectName("login_error")
        self.error.setStyleSheet("color: #b00020")
        self.error.setWordWrap(True)
        layout.addWidget(self.error)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText(translate("login", "登录"))
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(translate("login", "取消"))
        buttons.accepted.connect(self.try_login)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        (self.password if user else self.name).setFocus()

    def try_login(self) -> None:
        """Open the registry as the account; on a refusal show why and stay open."""
        name = self.name.text().strip()
        try:
            self.registry = Registry.open(self.db, login=(name, self.password.text()), source="window")
        except KnownError as exc:
            self.error.setText(exc.message(self.lang))
            self.password.selectAll()
            self.password.setFocus()
            return
        self.accept()


def ask_login(db: str | None, lang: str, user: str | None = None) -> Registry | None:
    """Show the login dialog; the registry opened as the account, or None when the user cancels."""
    dialog = LoginDialog(db, lang, user)
    dialog.exec()
    registry = dialog.registry
    dialog.deleteLater()
    return registry
