"""The crash dialog itself (see crash.py for when it appears); imported only when a bug has happened."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt, QUrl
from PySide6.QtGui import QDesktopServices, QGuiApplication
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel, QPlainTextEdit, QVBoxLayout, QWidget

from villagepost.gui.window_sizing import settle_layout


class CrashDialog(QDialog):
    """Tells the clerk a bug happened, where its log is, and lets them copy the details or quit."""

    def __init__(self, report: str, log_path: Path | None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("村邮通 — 程序错误"))
        self.setMinimumWidth(560)
        self.log_path = log_path
        self.quit_requested = False
        where = str(log_path) if log_path is not None else self.tr("（无法写入日志文件，请复制下面的内容）")
        intro = QLabel(
            self.tr("村邮通遇到了一个程序错误，当前操作没有完成。\n"
                "已经保存的数据不受影响。\n\n"
                "错误详情已记录到日志文件：\n{path}\n\n"
                "请把这个文件发给技术支持。可以继续使用，也可以退出后重新打开村邮通。").format(path=where),
            self,
        )
        intro.setWordWrap(True)
        intro.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        details = QPlainTextEdit(report, self)
        details.setReadOnly(True)
        details.setMinimumHeight(180)
        details.setObjectName("crashDetails")
        buttons = QDialogButtonBox(self)
        self.continue_button = buttons.addButton(self.tr("继续使用"), QDialogButtonBox.ButtonRole.AcceptRole)
        self.quit_button = buttons.addButton(self.tr("退出村邮通"), QDialogButtonBox.ButtonRole.DestructiveRole)
        copy = buttons.addButton(self.tr("复制详情"), QDialogButtonBox.ButtonRole.ActionRole)
        folder = buttons.addButton(self.tr("打开日志文件夹"), QDialogButtonBox.ButtonRole.ActionRole)
        folder.setEnabled(log_path is not None)
        copy.clicked.connect(lambda: QGuiApplication.clipboard().setText(report))
        folder.clicked.connect(self._open_folder)
        self.continue_button.clicked.connect(self.accept)
        self.quit_button.clicked.connect(self._quit)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(details, 1)
        layout.addWidget(buttons)

    def setVisible(self, visible: bool) -> None:  # noqa: N802 (Qt override)
        if visible:
            settle_layout(self)
        super().setVisible(visible)

    def _open_folder(self) -> None:
        if self.log_path is not None:
            QDesktopServices.openUrl(QUrl.fromLocalFile(str(self.log_path.parent)))

    def _quit(self) -> None:
        self.quit_requested = True
        self.reject()
