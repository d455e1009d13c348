"""The main window's station actions (the 站点 and 编辑 menus): adding and opening stations in their editors,
undo/redo of station changes, inspecting and printing the selected stations, the checklist template,
targets and the change history of the selected unit.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QMessageBox, QWidget
from shiboken6 import isValid

from villagepost.gui.checklist_editor import ChecklistEditorDialog
from villagepost.gui.division_tree import NAME_COLUMN
from villagepost.gui.print_dialogs import print_checklists_dialog
from villagepost.gui.window_navigation import ScopeNavigation
from villagepost.gui.window_sizing import bring_to_front

if TYPE_CHECKING:
    from villagepost.gui.station_editor import StationEditor


class StationActions(ScopeNavigation):
    """What the window does to stations (a part of MainWindow; merges, closures and their undo live in the
    station editor and gui/station_commands.py)."""

    def _update_undo_actions(self, *_args: object) -> None:
        """撤销/重做 name the change they revert: the last one of the station changed or focused last."""
        undo = self.station_undo
        if not isValid(undo) or not isValid(self.undo_action):  # emitted while the window is destroyed
            return
        self.undo_action.setEnabled(undo.can_undo())
        self.redo_action.setEnabled(undo.can_redo())
        what = undo.undo_text()
        self.undo_action.setText(self.tr("撤销：{what}(&U)").format(what=what) if what else self.tr("撤销(&U)"))
        what = undo.redo_text()
        self.redo_action.setText(self.tr("重做：{what}(&R)").format(what=what) if what else self.tr("重做(&R)"))

    def open_station(self, code: str) -> StationEditor:
        """The editor of station `code` (an open one comes to the front)."""
        from villagepost.gui.station_editor import StationEditor

        editor = self.editors.get(code)
        if editor is None:
            editor = StationEditor(self, self.taskman, self.registry, self.station_undo, code=code, lang=self.lang)
            editor.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
            editor.destroyed.connect(lambda _o=None, c=code: self.editors.pop(c, None))
            self.editors[code] = editor
        if editor.isVisible():
            bring_to_front(editor)
        else:
            editor.show()
        return editor

    def _open_current_station(self) -> None:
        code = self.stations_tab.current_code()
        if code is None:
            self.statusBar().showMessage(self.tr("请先在“站点”页中选择一个站点。"), 5000)
            return
        self.open_station(code)

    def add_station(self) -> StationEditor | None:
        """A new station in the village selected in the tree (or in the 村庄 page)."""
        from villagepost.core.divisions import Level
        from villagepost.gui.division_tree import LEVEL_ROLE
        from villagepost.gui.station_editor import StationEditor

        index = self.tree.currentIndex()
        village: str | None = None
        name = ""
        if index.isValid() and index.data(LEVEL_ROLE) == Level.VILLAGE:
            village, name = self.model.code_at(index), str(index.data())
        elif self.tabs.currentWidget() is self.villages_tab and self.villages_tab.current_row() is not None:
            row = self.villages_tab.current_row()
            assert row is not None
            village, name = row.code, row.name
        if village is None:
            QMessageBox.information(self, self.tr("新增站点"),
                                    self.tr("请先在左侧目录（或“村庄”页）中选择站点所在的村。"))
            return None
        editor = StationEditor(self, self.taskman, self.registry, self.station_undo, village_code=village,
                               village_name=name, lang=self.lang)
        editor.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        editor.show()
        return editor

    def _station_for_action(self) -> str | None:
        """The station the 站点 tab has selected, else a message saying to select one."""
        code = self.stations_tab.current_code()
        if code is None:
            QMessageBox.information(self, self.tr("村邮通"), self.tr("请先在“站点”页选中一个站点。"))
            self.tabs.setCurrentWidget(self.stations_tab)
        return code

    def inspect_current_station(self) -> QDialog | None:
        """检查所选站点: the inspection form of the station selected in 站点 (the same as 检查 → 新建检查)."""
        code = self._station_for_action()
        return None if code is None else self.inspections.new_inspection(code)

    def print_selected_checklists(self) -> QDialog | None:
        codes = self.stations_tab.selected_codes()
        if not codes:
            self._station_for_action()
            return None
        return print_checklists_dialog(self, self.registry, station_codes=codes, taskman=self.taskman,
                                       lang=self.lang)

    def edit_checklist(self) -> QDialog:
        """The checklist template of the selected unit's county (a township edits its county's)."""
        dialog = ChecklistEditorDialog(self, self.taskman, self.registry, self.selected_code() or "",
                                       lang=self.lang)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open()
        return dialog

    def edit_targets(self) -> QWidget | None:
        """目标 of the selected unit (from the menu even before the 统计 page has read its figures)."""
        from villagepost.gui.targets_editor import TargetsDialog

        scope = self.selected_code()
        self.dashboard.set_scope(scope)
        dialog = self.dashboard.open_targets_dialog()
        if dialog is not None:
            return dialog
        if scope is None:
            QMessageBox.information(self, self.tr("目标"), self.tr("请先在左侧目录中选择一个单位。"))
            return None
        index = self.tree.currentIndex()
        name = str(index.siblingAtColumn(NAME_COLUMN).data()) if index.isValid() else None
        dialog = TargetsDialog(self.registry, self.taskman, scope, scope_name=name, lang=self.lang, parent=self)
        dialog.targets_changed.connect(self.dashboard.mark_stale)
        dialog.finished.connect(dialog.deleteLater)
        dialog.open()
        return dialog

    def show_audit(self) -> QDialog:
        """修改记录 of the selected unit (a village's 历史), with filters for the whole readable registry."""
        from villagepost.gui.audit_view import AuditView

        view = AuditView(self, self.taskman, self.registry, scope=self.selected_code(), lang=self.lang)
        view.show()
        view.apply()
        return view

    def _station_changed(self, _code: str) -> None:
        self.villages_tab.mark_stale()
        self.stations_tab.mark_stale()
        self.dashboard.mark_stale()
        self.refresh_covers()
