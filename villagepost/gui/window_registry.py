"""The main window's registry: showing it in the tree, the status bar (database, scope, user), loading
division codes, opening another database or a restored backup, importing rosters and the 选项 dialog —
whatever changes which registry the window shows or what it holds as a whole.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, cast

from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtWidgets import QFileDialog, QMessageBox

from villagepost.core.actor import ROLE_ZH
from villagepost.core.errors import KnownError
from villagepost.core.messages import tr
from villagepost.gui import settings as opts
from villagepost.gui.division_tree import NAME_COLUMN
from villagepost.gui.ops import BackgroundOp, default_failure
from villagepost.gui.window_navigation import ScopeNavigation
from villagepost.gui.window_sizing import bring_to_front
from villagepost.services import divisions
from villagepost.services.registry import Registry

if TYPE_CHECKING:
    from villagepost.gui.first_start import FirstStartDialog
    from villagepost.gui.import_wizard import ImportWizard
    from villagepost.gui.main_window import MainWindow
    from villagepost.gui.settings_dialog import SettingsChange, SettingsDialog


class RegistryActions(ScopeNavigation):
    """The open registry as a whole (a part of MainWindow)."""

    def _show_registry(self, select: str | None = None) -> None:
        registry = self.registry
        self.model.set_source(lambda code: divisions.children(registry, code))
        root = QModelIndex()
        if self.model.canFetchMore(root):
            self.model.fetchMore(root)
        if self.model.rowCount() == 0:
            self._update_status()
            self.details.show_empty_registry()
            self.tree_ready.emit()
            self.open_load_dialog(first_start=True)
            return
        self._expand_single_chain()
        self._update_status()
        if select:
            self.go_to(select)
        else:
            self.details.show_hint()
        self.tree_ready.emit()

    def _expand_single_chain(self) -> None:
        """A county's registry holds one province with one city with one county: open it down to the county."""
        parent = QModelIndex()
        while self.model.rowCount(parent) == 1:
            child = self.model.index(0, NAME_COLUMN, parent)
            if not self.model.hasChildren(child):
                break
            self.tree.expand(child)
            if self.model.canFetchMore(child):
                self.model.fetchMore(child)
            parent = child

    def _show_notices(self) -> None:
        if not self.registry.notices:
            return
        text = "\n\n".join(tr(key, self.lang, params) for key, params in self.registry.notices)
        self.registry.notices.clear()
        box = QMessageBox(QMessageBox.Icon.Information, self.tr("村邮通"), text, QMessageBox.StandardButton.Ok, self)
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        box.open()

    # --- status bar ----------------------------------------------------------------------------
    def scope_text(self) -> str:
        """What the registry covers, from the fetched tree: a single chain by name, else a count."""
        parent = QModelIndex()
        names: list[str] = []
        while self.model.rowCount(parent) == 1:
            child = self.model.index(0, NAME_COLUMN, parent)
            names.append(str(self.model.data(child)))
            parent = child
        provinces = self.model.rowCount()
        if names:
            return " / ".join(names)
        if provinces == 0:
            return self.tr("尚未载入区划代码") if self.started else self.tr("正在打开…")
        if provinces >= 31:
            return self.tr("全国")
        return self.tr("{count} 个省级单位").format(count=provinces)

    def _update_status(self) -> None:
        self.db_label.setText(self.tr("数据库：{db}").format(db=self.registry.label))
        self.db_label.setToolTip(self.registry.label)
        self.scope_label.setText(self.tr("范围：{scope}").format(scope=self.scope_text()))
        actor = self.registry.actor
        if actor.account:
            self.user_label.setText(self.tr("用户：{name}（{role}）").format(
                name=actor.name, role=ROLE_ZH[actor.role] if self.lang != "en" else actor.role.value))
        else:
            self.user_label.setText(self.tr("用户：{name}").format(name=self.settings.get(opts.USER_NAME)))

    # --- loading and opening -------------------------------------------------------------------
    def open_load_dialog(self, *, first_start: bool) -> FirstStartDialog:
        """The scope picker (window-modal, non-blocking); on success the tree shows what was loaded."""
        if self._first_start_dialog is not None:
            return self._first_start_dialog  # window-modal, so already in front of the window

        from villagepost.gui.first_start import FirstStartDialog  # only an empty registry needs it at start

        dialog = FirstStartDialog(self.registry, self.taskman, self, lang=self.lang, first_start=first_start)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.accepted.connect(lambda: self._loaded(dialog.result_scope))
        if first_start:
            from villagepost.gui.demo_window import offer_next_step

            # this part only ever runs as MainWindow's, whose example data the next step may open
            dialog.accepted.connect(lambda: offer_next_step(cast("MainWindow", self)))
        dialog.finished.connect(self._load_dialog_closed)
        self._first_start_dialog = dialog
        dialog.open()
        return dialog

    def _load_dialog_closed(self) -> None:
        self._first_start_dialog = None

    def _loaded(self, scope: str | None) -> None:
        self.statusBar().showMessage(self.tr("区划代码已载入。"), 8000)
        self._show_registry(select=scope or None)

    def _choose_database(self) -> None:
        start = self.settings.get(opts.LAST_DIRECTORY) or (
            str(self.registry.location.path.parent) if self.registry.location.path else "")
        path, _ = QFileDialog.getOpenFileName(
            self, self.tr("打开数据库"), start,
            self.tr("村邮通数据库 (*.sqlite *.sqlite3 *.db);;所有文件 (*)"))
        if path:
            self.settings.set(opts.LAST_DIRECTORY, str(Path(path).parent))
            self.open_database(path)

    def show_backups(self) -> None:
        """文件 → 备份与恢复 (gui/backup_dialog.py); after a restore the registry is reopened."""
        from villagepost.gui.backup_dialog import BackupDialog

        path = self.registry.location.path
        BackupDialog(self, self.taskman, self.registry, lang=self.lang,
                     on_restored=(lambda: self.open_database(str(path))) if path else None).exec()

    def restore_damaged(self, exc: KnownError) -> bool:
        """The open registry turned out damaged while working: offer its verified backups (as at start-up);
        restored, the window reopens it. False (nothing done) for another file or when the clerk declines."""
        from villagepost.gui.damaged_registry import damaged_path, offer_restore

        path = damaged_path(exc)
        if path is None or path != self.registry.location.path:
            return False
        self.registry.close()  # no pooled connection of ours holds the file while it is set aside and replaced
        if not offer_restore(self, exc, self.lang):
            return False
        self.open_database(str(path))
        return True

    def open_database(self, db: str) -> None:
        """Open another registry on the worker; the window switches to it when it has opened (a file that
        does not exist is refused by name, never created; a registry with accounts asks for a login)."""
        name = self.settings.get(opts.USER_NAME)

        def opened(registry: Registry) -> None:
            registry.actor = replace(registry.actor, name=name)
            self._switch_registry(registry)

        def refused(exc: BaseException) -> None:
            if isinstance(exc, KnownError) and exc.key == "account.login_required":
                from villagepost.gui.login_dialog import ask_login

                registry = ask_login(db, self.lang)
                if registry is not None:
                    self._switch_registry(registry)
                return
            from villagepost.gui.damaged_registry import offer_restore

            if offer_restore(self, exc, self.lang):  # too damaged to open: restored from a backup, open it
                self.open_database(db)
                return
            default_failure(self, exc, self.lang)

        (BackgroundOp(self, self.taskman, lambda _ctx: Registry.open(db, source="window", create=False), lang=self.lang)
         .success(opened)
         .failure(refused)
         .run_in_background())

    def _switch_registry(self, registry: Registry) -> None:
        old = self.registry
        self.registry = registry
        self.search.clear_hits()
        self.search.edit.clear()
        self.tree.setCurrentIndex(QModelIndex())
        self._details_code = None
        for tab in (self.villages_tab, self.stations_tab):
            tab.set_registry(registry)
        self.dashboard.set_registry(registry)
        self.inspections.set_registry(registry)
        for editor in list(self.editors.values()):
            editor.close()
        self.station_undo.clear()  # its commands name the old registry's stations
        # Closed on the worker, after any job still queued against it.
        self.taskman.run(old.close, lambda _f: None)
        self._show_registry()
        self._show_notices()

    # --- import and settings -------------------------------------------------------------------
    def open_import_wizard(self) -> ImportWizard:
        """The roster import wizard (one at a time; an open one comes to the front)."""
        from villagepost.gui.import_wizard import ImportWizard

        if self.import_wizard is not None:
            bring_to_front(self.import_wizard)
            return self.import_wizard
        wizard = ImportWizard(self, self.taskman, self.registry, self.settings, lang=self.lang)
        wizard.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        wizard.imported.connect(self._imported)
        wizard.destroyed.connect(self._import_wizard_gone)
        self.import_wizard = wizard
        wizard.show()
        return wizard

    def _import_wizard_gone(self) -> None:
        self.import_wizard = None

    def _imported(self, report: object) -> None:
        from villagepost.services.imports import ImportReport

        assert isinstance(report, ImportReport)
        expanded, selected = self.expanded_codes(), self.selected_code()
        self.statusBar().showMessage(report.message(self.lang), 15000)
        self.villages_tab.mark_stale()
        self.stations_tab.mark_stale()
        self.dashboard.mark_stale()
        self.refresh_covers()
        self.station_undo.clear()  # an import may have changed the stations its commands name
        self.restore_tree(expanded, selected)  # the clerk goes on where they were

    def open_settings(self) -> SettingsDialog:
        """选项: this PC's preferences and the registry's 类似村委会 option (window-modal, non-blocking)."""
        from villagepost.gui.settings_dialog import SettingsDialog

        dialog = SettingsDialog(self, self.taskman, self.registry, self.settings, lang=self.lang)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.accepted.connect(lambda: self._settings_changed(dialog.apply()))
        dialog.open()
        return dialog

    def _settings_changed(self, change: SettingsChange) -> None:
        from villagepost.gui.settings_dialog import write_village_like
        from villagepost.services.locations import default_db_path

        if change.user_name is not None and not self.registry.actor.account:
            # the name in 选项 names the local user only; a logged-in account keeps its own name
            self.registry.actor = replace(self.registry.actor, name=change.user_name)
            self._update_status()
        if change.include_village_like is not None:
            registry, on = self.registry, change.include_village_like
            def written(_result: object) -> None:
                self.statusBar().showMessage(self.tr("已修改登记册设置：建制村总数{what}类似村委会。").format(
                    what=self.tr("计入") if on else self.tr("不计入")), 8000)
                self.refresh_covers()  # every total changed

            (BackgroundOp(self, self.taskman, lambda _ctx: write_village_like(registry, on), lang=self.lang)
             .success(written)
             .run_in_background())
        if change.language is not None:
            QMessageBox.information(self, self.tr("选项"), self.tr("界面语言将在下次启动村邮通时改变。"))
        if change.database is not None:
            self.open_database(change.database or str(default_db_path()))
