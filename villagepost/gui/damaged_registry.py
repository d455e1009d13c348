"""A registry too damaged to open: offer to restore it from a verified backup, in the window.

Why a dialog of its own and not 文件 → 备份与恢复: that dialog belongs to an open registry, and a damaged
one cannot be opened. This one works on the file alone, through the same service as
`villagepost backup restore` (services.backups: the current file is set aside as `damaged`, the backup is
written through SQLite's backup API, the result is checked). It lists the backups (time, reason, size,
verified ✓) with the newest good one selected, and restores only after a confirmation naming what is lost.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QLabel,
    QMessageBox,
    QPushButton,
    QTableWidget,
    QVBoxLayout,
    QWidget,
)

from villagepost.core.errors import DamagedDatabase, KnownError
from villagepost.core.messages import DEFAULT_LANG
from villagepost.gui.backup_dialog import restorable, selected_entry, show_entries
from villagepost.services import backups
from villagepost.services.backups import BackupEntry

translate = QCoreApplication.translate


def loss_text(preview: backups.RestorePreview) -> str:
    """The confirmation: what is lost (everything entered since the backup), what comes back, and that the
    damaged file is kept (it is moved into the backups folder, not deleted)."""
    b = preview.backup
    lost = translate("damaged_registry", "将恢复到备份“{id}”（{created}）时的状态，此后录入的全部修改都会丢失。")
    then = translate("damaged_registry", "备份中：{s} 个站点、{e} 条站点事件。")
    kept = translate("damaged_registry", "损坏的登记册不会被删除，而是移到备份文件夹中保存。确定要恢复吗？")
    return "\n\n".join((lost.format(id=b.id, created=b.created.replace("T", " ")[:16]),
                         then.format(s=preview.stations_then, e=preview.events_then), kept))


def damaged_path(exc: BaseException) -> Path | None:
    """The registry file a refusal says is damaged (None: another refusal, or a server registry)."""
    if isinstance(exc, DamagedDatabase) and exc.params.get("db"):
        return Path(str(exc.params["db"]))
    return None


class RestoreDamagedDialog(QDialog):
    """数据库已损坏: the reason, the backups (newest good selected), 恢复所选备份… and 取消."""

    def __init__(self, parent: QWidget | None, db: Path, error: KnownError, *, lang: str = DEFAULT_LANG,
                 confirm: Callable[[str], bool] | None = None) -> None:
        super().__init__(parent)
        self.db = db
        self.lang = lang
        self.confirm = confirm or self._ask
        self.restored: backups.RestoreResult | None = None
        self.setWindowTitle(translate("damaged_registry", "村邮通 — 数据库已损坏"))
        self.resize(720, 440)
        layout = QVBoxLayout(self)
        self.reason = QLabel(error.message(lang))
        self.reason.setWordWrap(True)
        self.reason.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout.addWidget(self.reason)
        self._hint = translate(
            "damaged_registry",
            "可以从下面经过校验（✓）的备份恢复。恢复时，损坏的文件会移到备份文件夹中保存；"
            "备份之后录入的修改会丢失。备份文件夹：{folder}")
        self.hint = QLabel()
        self.hint.setWordWrap(True)
        layout.addWidget(self.hint)
        self.table = QTableWidget(0, 4)
        self.table.setHorizontalHeaderLabels([translate("damaged_registry", "时间"),
                                              translate("damaged_registry", "原因"),
                                              translate("damaged_registry", "大小"),
                                              translate("damaged_registry", "校验")])
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().setVisible(False)
        self.table.horizontalHeader().setStretchLastSection(True)
        layout.addWidget(self.table)
        buttons = QDialogButtonBox()
        self.restore_button = QPushButton(translate("damaged_registry", "恢复所选备份…"))
        self.restore_button.setDefault(True)
        buttons.addButton(self.restore_button, QDialogButtonBox.ButtonRole.AcceptRole)
        self.cancel_button = buttons.addButton(QDialogButtonBox.StandardButton.Cancel)
        layout.addWidget(buttons)
        self.restore_button.clicked.connect(self.restore_selected)
        buttons.rejected.connect(self.reject)
        self.table.itemSelectionChanged.connect(self._update)
        self.refresh()

    def refresh(self) -> None:
        folder, self.entries = backups.listing(self.db)
        self.hint.setText(self._hint.format(folder=str(folder)))
        show_entries(self.table, self.entries)
        newest_good = next((i for i, e in enumerate(self.entries) if restorable(e)), None)
        if newest_good is not None:
            self.table.selectRow(newest_good)
        self._update()

    def selected(self) -> BackupEntry | None:
        return selected_entry(self.table, self.entries)

    def _update(self) -> None:
        chosen = self.selected()
        self.restore_button.setEnabled(chosen is not None and restorable(chosen))

    def restore_selected(self) -> bool:
        """Confirm naming the loss, then restore; True when the registry was restored (the dialog accepts)."""
        chosen = self.selected()
        if chosen is None or not restorable(chosen):
            return False
        if not self.confirm(loss_text(backups.preview(self.db, chosen.id))):
            return False
        QGuiApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
        try:
            self.restored = backups.restore(self.db, chosen.id)
        except KnownError as exc:
            QGuiApplication.restoreOverrideCursor()
            self.refresh()
            QMessageBox.warning(self, translate("damaged_registry", "没有恢复"), exc.message(self.lang))
            return False
        QGuiApplication.restoreOverrideCursor()
        self.accept()
        return True

    def _ask(self, text: str) -> bool:
        answer = QMessageBox.question(self, translate("damaged_registry", "恢复备份"), text,
                                      QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
                                      QMessageBox.StandardButton.No)
        return answer == QMessageBox.StandardButton.Yes


def offer_restore(parent: QWidget | None, exc: BaseException, lang: str = DEFAULT_LANG) -> bool:
    """When `exc` says the registry is damaged and it has a backup to restore, ask; True once restored.

    False (nothing done) for any other refusal, a registry without a restorable backup, or a clerk who
    cancels: the caller then shows its usual message.
    """
    path = damaged_path(exc)
    if path is None or not isinstance(exc, KnownError):
        return False
    try:
        _folder, entries = backups.listing(path)
    except (KnownError, OSError):
        return False
    if not any(restorable(e) for e in entries):
        return False
    dialog = RestoreDamagedDialog(parent, path, exc, lang=lang)
    return dialog.exec() == QDialog.DialogCode.Accepted and dialog.restored is not None
