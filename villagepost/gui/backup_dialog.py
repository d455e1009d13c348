"""文件 → 备份与恢复: the registry's verified backups, a backup now, and a restore that says what it loses.

The same service as `villagepost backup …` (services.backups). Restoring writes through SQLite's backup
API into the registry file; the window then reopens the registry so nothing stale stays on screen.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from villagepost.core.messages import DEFAULT_LANG
from villagepost.gui.ops import BackgroundOp, TaskManager
from villagepost.services import backups
from villagepost.services.backups import BackupEntry
from villagepost.services.registry import Registry

translate = QCoreApplication.translate


def reason_text(reason: str) -> str:
    texts = {"daily": translate("backup_dialog", "每日自动"), "manual": translate("backup_dialog", "手动"),
             "pre-import": translate("backup_dialog", "导入前"), "pre-upgrade": translate("backup_dialog", "升级前"),
             "pre-restore": translate("backup_dialog", "恢复前"),
             "damaged": translate("backup_dialog", "损坏的原文件")}
    return texts.get(reason, reason)


def restorable(entry: BackupEntry) -> bool:
    """A backup the service will restore: verified, and not a damaged file kept as evidence."""
    return entry.verified and entry.reason != "damaged"


def show_entries(table: QTableWidget, entries: list[BackupEntry]) -> None:
    """The backup list's rows, newest first: when, why, size, verified (✓/✗)."""
    table.setRowCount(len(entries))
    for i, e in enumerate(entries):
        cells = (e.created.replace("T", " ")[:19], reason_text(e.reason), size_text(e.bytes),
                 "✓" if e.verified else "✗")
        for j, text in enumerate(cells):
            item = QTableWidgetItem(text)
            if j == 3:
                item.setTextAlignment(Qt.AlignmentFlag.AlignCenter)
            table.setItem(i, j, item)
    table.resizeColumnsToContents()


def selected_entry(table: QTableWidget, entries: list[BackupEntry]) -> BackupEntry | None:
    """The entry of the table's selected row (the first, should several be selected)."""
    rows = {i.row() for i in table.selectedItems()}
    return entries[min(rows)] if rows else None


def size_text(n: int) -> str:
    return f"{n / 1024 / 1024:.1f} MB" if n >= 1024 * 1024 else f"{max(1, n // 1024)} KB"


def loss_text(preview: backups.RestorePreview) -> str:
    """What the confirmation says will be lost: the changes recorded since the backup."""
    b = preview.backup
    if preview.stations_now is None:
        now = translate("backup_dialog", "当前登记册已无法读取（已损坏或不存在），将被移到备份文件夹中保存。")
    else:
        now = translate("backup_dialog", "现在：{s} 个站点、{e} 条站点事件；备份中：{s0} 个站点、{e0} 条。")
        now = now.format(s=preview.stations_now, e=preview.events_now, s0=preview.stations_then,
                         e0=preview.events_then)
    lost = translate("backup_dialog", "将恢复到备份“{id}”（{created}）时的状态，此后录入的全部修改都会丢失。")
    keep = translate("backup_dialog", "恢复前的当前状态会先另存为一个备份，需要时可以再恢复回来。确定要恢复吗？")
    return "\n\n".join((lost.format(id=b.id, created=b.created.replace("T", " ")[:16]), now, keep))


class BackupDialog(QDialog):
    """List with dates, reasons, sizes and ✓; 立即备份, 校验, 恢复…."""

    def __init__(self, parent: QWidget, taskman: TaskManager, reg: Registry, *, lang: str = DEFAULT_LANG,
                 on_restored: Callable[[], None] | None = None, confirm: Callable[[str], bool] | None = None) -> None:
        super().__init__(parent)
        self.taskman = taskman
        self.reg = reg
        self.lang = lang
        self.on_restored = on_restored
        self.confirm = confirm or self._ask
        self.entries: list[BackupEntry] = []
        self.setWindowTitle(translate("backup_dialog", "备份与恢复"))
        self.resize(720, 420)
        layout = QVBoxLayout(self)
        self.folder_label = QLabel()
        self.folder_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout.addWidget(self.folder_label)
        self.table = QTableWidget(0, 4)
        self.table.setHorizontalHeaderLabels([translate("backup_dialog", "时间"), translate("backup_dialog", "原因"),
                                              translate("backup_dialog", "大小"), translate("backup_dialog", "校验")])
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().setVisible(False)
        self.table.horizontalHeader().setStretchLastSection(True)
        layout.addWidget(self.table)
        row = QHBoxLayout()
        self.create_button = QPushButton(translate("backup_dialog", "立即备份"))
        self.verify_button = QPushButton(translate("backup_dialog", "校验所选"))
        self.restore_button = QPushButton(translate("backup_dialog", "恢复所选…"))
        for button in (self.create_button, self.verify_button, self.restore_button):
            row.addWidget(button)
        row.addStretch(1)
        layout.addLayout(row)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.create_button.clicked.connect(self.create_backup)
        self.verify_button.clicked.connect(self.verify_selected)
        self.restore_button.clicked.connect(self.restore_selected)
        self.table.itemSelectionChanged.connect(self._update)
        self.refresh()

    @property
    def db(self) -> Path | None:
        return self.reg.location.path

    def refresh(self) -> None:
        if self.db is None:
            self.entries = []
            self.folder_label.setText(translate("backup_dialog", "服务器数据库请由管理员用 pg_dump 备份。"))
        else:
            folder, self.entries = backups.listing(self.db)
            self.folder_label.setText(translate("backup_dialog", "备份文件夹：{folder}").format(folder=str(folder)))
        show_entries(self.table, self.entries)
        self._update()

    def selected(self) -> BackupEntry | None:
        return selected_entry(self.table, self.entries)

    def _update(self) -> None:
        chosen = self.selected()
        self.create_button.setEnabled(self.db is not None)
        self.verify_button.setEnabled(chosen is not None)
        self.restore_button.setEnabled(chosen is not None and restorable(chosen))

    def create_backup(self) -> BackgroundOp[BackupEntry] | None:
        if self.db is None:
            return None
        db = self.db
        op = (BackgroundOp(self, self.taskman, lambda _ctx: backups.create(db), lang=self.lang)
              .with_progress(translate("backup_dialog", "正在备份并校验…"), cancellable=False)
              .success(lambda _entry: self.refresh()))
        op.run_in_background()
        return op

    def verify_selected(self) -> None:
        chosen = self.selected()
        if chosen is None or self.db is None:
            return
        problems = backups.verify(self.db, chosen.id)
        self.refresh()
        if problems:
            QMessageBox.warning(self, translate("backup_dialog", "备份已损坏"), "\n".join(problems[:5]))

    def restore_selected(self) -> BackgroundOp[backups.RestoreResult] | None:
        chosen = self.selected()
        if chosen is None or self.db is None:
            return None
        if not self.confirm(loss_text(backups.preview(self.db, chosen.id))):
            return None
        db, backup_id = self.db, chosen.id
        self.reg.close()  # our own pooled connections must not hold the file while it is replaced

        def done(_result: backups.RestoreResult) -> None:
            self.refresh()
            if self.on_restored is not None:
                self.on_restored()

        op = (BackgroundOp(self, self.taskman, lambda _ctx: backups.restore(db, backup_id), lang=self.lang)
              .with_progress(translate("backup_dialog", "正在恢复…"), cancellable=False)
              .success(done))
        op.run_in_background()
        return op

    def _ask(self, text: str) -> bool:
        answer = QMessageBox.question(self, translate("backup_dialog", "恢复备份"), text,
                                      QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
                                      QMessageBox.StandardButton.No)
        return answer == QMessageBox.StandardButton.Yes
