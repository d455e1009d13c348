"""The main window: division tree and search on the left; on the right the tabs 概况 (the selected unit's
details), 村庄 and 站点 (lazy tables of the villages and stations under the selected unit).

Start-up order matters (the window must paint in well under a second on any registry): the constructor
builds widgets only; nothing touches the database until the first paint has happened. Then `start()`
fetches the top level (one small query), expands a single-province registry down to its scope, and, when
the registry is empty, offers the first-start dialog. Every query slower than one tree level (details,
search, loads, opening another database) runs on the background worker (`ops.TaskManager`).
"""

from __future__ import annotations

import logging
from concurrent.futures import Future
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QByteArray, QModelIndex, QPersistentModelIndex, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QCloseEvent, QGuiApplication, QKeySequence, QPaintEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QFileDialog,
    QHeaderView,
    QLabel,
    QMainWindow,
    QMessageBox,
    QSplitter,
    QTabWidget,
    QTreeView,
    QVBoxLayout,
    QWidget,
)
from shiboken6 import isValid

from villagepost import __version__
from villagepost.core.actor import ROLE_ZH
from villagepost.core.errors import KnownError
from villagepost.core.messages import DEFAULT_LANG, tr
from villagepost.gui import file_actions
from villagepost.gui import settings as opts
from villagepost.gui.checklist_editor import ChecklistEditorDialog
from villagepost.gui.dashboard import DashboardTab
from villagepost.gui.division_tree import CODE_COLUMN, COVER_COLUMN, NAME_COLUMN, DivisionTreeModel
from villagepost.gui.inspections_panel import InspectionsPanel
from villagepost.gui.ops import BackgroundOp, OpContext, TaskManager, default_failure
from villagepost.gui.print_dialogs import print_checklists_dialog, print_summary_dialog
from villagepost.gui.search_box import SearchBox
from villagepost.gui.settings import Settings
from villagepost.gui.station_commands import StationUndo
from villagepost.gui.stations_tab import StationsTab
from villagepost.gui.unit_details import UnitDetailsPanel
from villagepost.gui.villages_tab import VillagesTab
from villagepost.gui.window_sizing import bring_to_front, settle_layout
from villagepost.services import coverage, divisions, tables
from villagepost.services.divisions import UnitHit, UnitInfo
from villagepost.services.registry import Registry
from villagepost.services.tables import StationHit
from villagepost.services.unit_figures import unit_figures

if TYPE_CHECKING:
    from villagepost.gui.first_start import FirstStartDialog
    from villagepost.gui.import_wizard import ImportWizard
    from villagepost.gui.settings_dialog import SettingsChange, SettingsDialog
    from villagepost.gui.station_editor import StationEditor

log = logging.getLogger(__name__)

#: Size on first start when no geometry is saved; fits a 1366×768 laptop with its taskbar.
DEFAULT_SIZE = (1280, 700)
#: An explicit minimum, above what the content ever needs: the search list appearing must not change the
#: window's size constraints (no jump, no size renegotiation with the window manager).
MINIMUM_SIZE = (800, 520)
#: the division tree's width at least, in characters: a village's name five levels deep beside its code
LEFT_MIN_CHARS = 33


class MainWindow(QMainWindow):
    """村邮通 VillagePost's main window over one open registry (which it owns and closes)."""

    #: emitted once, right after the window's first paint has been flushed
    first_painted = Signal()
    #: emitted when the tree shows the registry (after start(), a load, or opening another database)
    tree_ready = Signal()
    #: emitted with a UnitInfo when the details panel shows a unit
    details_shown = Signal(object)

    def __init__(self, registry: Registry, *, settings: Settings | None = None, lang: str = DEFAULT_LANG,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.registry = registry
        self.settings = settings or Settings()
        self.lang = lang
        self.taskman = TaskManager(self)
        self.started = False
        self._painted = False
        self._closed = False
        self._first_start_dialog: FirstStartDialog | None = None
        self._guide: QDialog | None = None
        self._details_code: str | None = None
        self.setWindowTitle(self.tr("村邮通 VillagePost"))
        self.setObjectName("mainWindow")

        self.model = DivisionTreeModel(self)
        self.tree = QTreeView(self)
        self.tree.setObjectName("divisionTree")
        self.tree.setModel(self.model)
        self.tree.setUniformRowHeights(True)  # lets the view skip measuring rows: big levels stay fast
        self.tree.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.tree.setAlternatingRowColors(True)
        # five levels deep, Qt's 20-pixel steps eat a 1024-pixel screen's name column: village names were cut
        self.tree.setIndentation(max(12, self.fontMetrics().horizontalAdvance("村")))
        header = self.tree.header()
        header.setStretchLastSection(False)
        header.setSectionResizeMode(NAME_COLUMN, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(CODE_COLUMN, QHeaderView.ResizeMode.Fixed)
        header.resizeSection(CODE_COLUMN, self.fontMetrics().horizontalAdvance("000000000000") + 24)
        header.setSectionResizeMode(COVER_COLUMN, QHeaderView.ResizeMode.Fixed)
        # a province's figures fit; the country's (487,144/487,144) are elided, its tooltip has them whole
        header.resizeSection(COVER_COLUMN, self.fontMetrics().horizontalAdvance("99,999/99,999") + 12)
        self.model.children_fetched.connect(self._request_covers)
        self.tree.selectionModel().currentChanged.connect(self._current_changed)

        self.search = SearchBox(self)
        self.search.search_requested.connect(self._search)
        self.search.hit_chosen.connect(self.go_to)
        self.search.station_chosen.connect(self.go_to_station)

        left = QWidget(self)
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(6, 6, 0, 6)
        left_layout.addWidget(self.search)
        left_layout.addWidget(self.tree, 1)

        self.details = UnitDetailsPanel(self)
        self.details.setObjectName("unitDetails")
        self.details.load_requested.connect(lambda: self.open_load_dialog(first_start=False))

        self.villages_tab = VillagesTab(registry, self.taskman, lang=lang, parent=self)
        self.stations_tab = StationsTab(registry, self.taskman, lang=lang, parent=self)
        self.stations_tab.station_activated.connect(self.open_station)
        self.villages_tab.village_activated.connect(self.show_village_stations)
        self.station_undo = StationUndo(self, self.taskman, lambda: self.registry, lang=lang)
        self.station_undo.station_changed.connect(self._station_changed)
        self.editors: dict[str, StationEditor] = {}
        self.import_wizard: ImportWizard | None = None
        self.tabs = QTabWidget(self)
        self.tabs.setObjectName("mainTabs")
        self.tabs.setDocumentMode(True)
        self.tabs.addTab(self.details, self.tr("概况"))
        self.tabs.addTab(self.villages_tab, self.tr("村庄"))
        self.tabs.addTab(self.stations_tab, self.tr("站点"))
        self.dashboard = DashboardTab(registry, self.taskman, lang=lang, parent=self)
        self.dashboard.drill_down.connect(self.go_to)
        self.tabs.addTab(self.dashboard, self.tr("统计"))
        self.inspections = InspectionsPanel(self.taskman, self, lang=lang)
        self.inspections.set_registry(registry)
        self.tabs.addTab(self.inspections, self.tr("检查"))

        self.splitter = QSplitter(Qt.Orientation.Horizontal, self)
        self.splitter.addWidget(left)
        self.splitter.addWidget(self.tabs)
        self.splitter.setStretchFactor(0, 35)
        self.splitter.setStretchFactor(1, 65)
        self.splitter.setChildrenCollapsible(False)
        self.setCentralWidget(self.splitter)

        self.db_label = QLabel(self)
        self.db_label.setObjectName("statusDatabase")
        self.scope_label = QLabel(self)
        self.scope_label.setObjectName("statusScope")
        self.user_label = QLabel(self)
        self.user_label.setObjectName("statusUser")
        status = self.statusBar()
        status.addWidget(self.db_label, 1)
        status.addPermanentWidget(self.scope_label)
        status.addPermanentWidget(self.user_label)

        self._build_menus()
        self.setMinimumSize(*MINIMUM_SIZE)
        self._update_status()
        self._restore_geometry()

    # --- construction --------------------------------------------------------------------------
    def _build_menus(self) -> None:
        file_menu = self.menuBar().addMenu(self.tr("文件(&F)"))
        self.open_action = QAction(self.tr("打开数据库(&O)…"), self)
        self.open_action.setShortcut(QKeySequence.StandardKey.Open)
        self.open_action.triggered.connect(self._choose_database)
        file_menu.addAction(self.open_action)
        self.load_action = QAction(self.tr("载入区划代码(&L)…"), self)
        self.load_action.triggered.connect(lambda: self.open_load_dialog(first_start=False))
        file_menu.addAction(self.load_action)
        self.import_action = QAction(self.tr("导入花名册(&I)…"), self)
        self.import_action.setShortcut(QKeySequence("Ctrl+I"))
        self.import_action.triggered.connect(self.open_import_wizard)
        file_menu.addAction(self.import_action)
        export_menu = file_menu.addMenu(self.tr("导出(&E)"))
        self.export_registry_action = QAction(self.tr("登记表（所选范围）(&R)…"), self)
        self.export_registry_action.triggered.connect(
            lambda: file_actions.export_registry(self, self.taskman, self.registry, self.selected_code(),
                                                 lang=self.lang))
        export_menu.addAction(self.export_registry_action)
        self.export_template_action = QAction(self.tr("乡镇填报模板（所选乡镇）(&T)…"), self)
        self.export_template_action.triggered.connect(
            lambda: file_actions.export_template(self, self.taskman, self.registry, self.selected_code(),
                                                 lang=self.lang))
        export_menu.addAction(self.export_template_action)
        self.backup_action = QAction(self.tr("备份数据库(&B)…"), self)
        self.backup_action.triggered.connect(
            lambda: file_actions.backup(self, self.taskman, self.registry, lang=self.lang))
        file_menu.addAction(self.backup_action)
        self.backups_action = QAction(self.tr("备份与恢复(&R)…"), self)
        self.backups_action.triggered.connect(self.show_backups)
        file_menu.addAction(self.backups_action)
        file_menu.addSeparator()
        self.settings_action = QAction(self.tr("选项(&P)…"), self)
        # Qt binds Preferences only on macOS (⌘,): elsewhere Ctrl+, as most desktop programs do; the menu
        # shows whichever applies.
        preferences = QKeySequence(QKeySequence.StandardKey.Preferences)
        self.settings_action.setShortcut(preferences if not preferences.isEmpty() else QKeySequence("Ctrl+,"))
        self.settings_action.setMenuRole(QAction.MenuRole.PreferencesRole)
        self.settings_action.triggered.connect(self.open_settings)
        file_menu.addAction(self.settings_action)
        file_menu.addSeparator()
        self.quit_action = QAction(self.tr("退出(&X)"), self)
        self.quit_action.setShortcut(QKeySequence.StandardKey.Quit)
        self.quit_action.setMenuRole(QAction.MenuRole.QuitRole)
        self.quit_action.triggered.connect(self.close)
        file_menu.addAction(self.quit_action)

        edit_menu = self.menuBar().addMenu(self.tr("编辑(&E)"))
        self.undo_action = QAction(self.tr("撤销(&U)"), self)
        self.undo_action.setShortcut(QKeySequence.StandardKey.Undo)
        self.undo_action.triggered.connect(self.station_undo.undo_last)
        self.redo_action = QAction(self.tr("重做(&R)"), self)
        self.redo_action.setShortcut(QKeySequence.StandardKey.Redo)
        self.redo_action.triggered.connect(self.station_undo.redo_last)
        edit_menu.addAction(self.undo_action)
        edit_menu.addAction(self.redo_action)
        self.station_undo.changed.connect(self._update_undo_actions)
        self.station_undo.stepped.connect(lambda text: self.statusBar().showMessage(text, 10000))
        self._update_undo_actions()

        station_menu = self.menuBar().addMenu(self.tr("站点(&S)"))
        self.add_station_action = QAction(self.tr("新增站点(&N)…"), self)
        self.add_station_action.setShortcut(QKeySequence.StandardKey.New)
        self.add_station_action.triggered.connect(self.add_station)
        self.open_station_action = QAction(self.tr("打开所选站点(&E)…"), self)
        self.open_station_action.setShortcut(QKeySequence("Ctrl+E"))
        self.open_station_action.triggered.connect(self._open_current_station)
        station_menu.addAction(self.add_station_action)
        station_menu.addAction(self.open_station_action)
        station_menu.addSeparator()
        self.new_inspection_action = QAction(self.tr("检查所选站点(&I)…"), self)
        self.new_inspection_action.triggered.connect(self.inspect_current_station)
        station_menu.addAction(self.new_inspection_action)
        self.checklist_action = QAction(self.tr("检查表模板(&T)…"), self)
        self.checklist_action.triggered.connect(self.edit_checklist)
        station_menu.addAction(self.checklist_action)
        self.targets_action = QAction(self.tr("目标(&G)…"), self)
        self.targets_action.triggered.connect(self.edit_targets)
        station_menu.addAction(self.targets_action)
        station_menu.addSeparator()
        self.audit_action = QAction(self.tr("修改记录(&H)…"), self)
        self.audit_action.setObjectName("auditAction")
        self.audit_action.setToolTip(self.tr("所选区划（如一个村）内谁在何时改了什么"))
        self.audit_action.triggered.connect(self.show_audit)
        station_menu.addAction(self.audit_action)

        print_menu = self.menuBar().addMenu(self.tr("打印(&P)"))
        self.print_selected_action = QAction(self.tr("所选站点的检查表(&S)…"), self)
        self.print_selected_action.setShortcut(QKeySequence.StandardKey.Print)
        self.print_selected_action.triggered.connect(self.print_selected_checklists)
        print_menu.addAction(self.print_selected_action)
        self.print_scope_action = QAction(self.tr("范围内全部站点的检查表(&A)…"), self)
        self.print_scope_action.triggered.connect(
            lambda: print_checklists_dialog(self, self.registry, scope=self.selected_code() or "",
                                            taskman=self.taskman, lang=self.lang))
        print_menu.addAction(self.print_scope_action)
        self.print_summary_action = QAction(self.tr("覆盖率汇总表(&C)…"), self)
        self.print_summary_action.triggered.connect(
            lambda: print_summary_dialog(self, self.registry, self.selected_code() or "", taskman=self.taskman,
                                         lang=self.lang))
        print_menu.addAction(self.print_summary_action)

        help_menu = self.menuBar().addMenu(self.tr("帮助(&H)"))
        self.guide_action = QAction(self.tr("用户手册(&U)"), self)
        self.guide_action.setShortcut(QKeySequence(QKeySequence.StandardKey.HelpContents))
        self.guide_action.triggered.connect(self.open_guide)
        help_menu.addAction(self.guide_action)
        self.about_action = QAction(self.tr("关于村邮通(&A)"), self)
        self.about_action.setMenuRole(QAction.MenuRole.AboutRole)
        self.about_action.triggered.connect(self.show_about)
        help_menu.addAction(self.about_action)

    def _restore_geometry(self) -> None:
        geometry = self.settings.get(opts.WINDOW_GEOMETRY)
        if geometry.isEmpty() or not self.restoreGeometry(geometry):
            screen = QGuiApplication.primaryScreen()
            width, height = DEFAULT_SIZE
            if screen is not None:
                available = screen.availableGeometry()
                width = min(width, available.width() - 40)
                height = min(height, available.height() - 40)
            self.resize(max(width, 800), max(height, 560))
        state = self.settings.get(opts.WINDOW_STATE)
        if not state.isEmpty():
            self.restoreState(state)
        for tab, option in ((self.villages_tab, opts.VILLAGES_HEADER), (self.stations_tab, opts.STATIONS_HEADER)):
            header_state = self.settings.get(option)
            if not header_state.isEmpty():
                tab.view.horizontalHeader().restoreState(header_state)  # widths, order and sort column
        self.tabs.setCurrentIndex(min(self.settings.get(opts.CURRENT_TAB), self.tabs.count() - 1))
        splitter = self.settings.get(opts.SPLITTER_STATE)
        if splitter.isEmpty() or not self.splitter.restoreState(splitter):
            # The tables need the width; the tree's names, codes and covers fit in 35% of a 1366-pixel screen,
            # and need at least LEFT_MIN_CHARS characters on a narrower one (village names five levels deep).
            left = max(int(self.width() * 0.35), self.fontMetrics().horizontalAdvance("村") * LEFT_MIN_CHARS)
            self.splitter.setSizes([left, self.width() - left])

    # --- start-up ------------------------------------------------------------------------------
    def setVisible(self, visible: bool) -> None:  # noqa: N802 (Qt override)
        if visible:
            settle_layout(self)
        super().setVisible(visible)

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802 (Qt override)
        super().paintEvent(event)
        if not self._painted:
            self._painted = True
            # Queued: runs after this paint has been flushed to the screen, not in the middle of it.
            QTimer.singleShot(0, self._after_first_paint)

    def _after_first_paint(self) -> None:
        self.first_painted.emit()
        self.start()

    def start(self) -> None:
        """Show the registry's top level; on an empty registry, offer the first-start dialog."""
        if self.started or self._closed:
            return
        self.started = True
        self._show_registry(select=self.settings.get(opts.LAST_SCOPE) or None)  # where the clerk left off
        self._show_notices()

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

    # --- navigation ----------------------------------------------------------------------------
    def go_to(self, code: str) -> bool:
        """Expand the tree down to unit `code` and select it (its details follow). False when absent."""
        index = self.model.index_for_code(code)
        if not index.isValid():
            self.statusBar().showMessage(self.tr("目录中没有代码为 {code} 的单位").format(code=code), 5000)
            return False
        parent = index.parent()
        chain = []
        while parent.isValid():
            chain.append(parent)
            parent = parent.parent()
        for ancestor in reversed(chain):
            self.tree.expand(ancestor)
        self.tree.setCurrentIndex(index)
        self.tree.scrollTo(index, QAbstractItemView.ScrollHint.PositionAtCenter)
        return True

    def selected_code(self) -> str | None:
        return self.model.code_at(self.tree.currentIndex())

    def expanded_codes(self) -> list[str]:
        """The units open in the tree, top down (kept across imports and refreshes)."""
        out: list[str] = []
        pending = [QModelIndex()]
        while pending:
            parent = pending.pop(0)
            for row in range(self.model.rowCount(parent)):
                index = self.model.index(row, 0, parent)
                if self.tree.isExpanded(index):
                    code = self.model.code_at(index)
                    if code is not None:
                        out.append(code)
                    pending.append(index)
        return out

    def restore_tree(self, expanded: list[str], selected: str | None) -> None:
        """Open `expanded` again and select `selected` (units since removed are skipped)."""
        for code in expanded:
            index = self.model.index_for_code(code)
            if index.isValid():
                self.tree.expand(index)
        if selected is not None:
            index = self.model.index_for_code(selected)
            if index.isValid() and index != self.tree.currentIndex():
                self.tree.setCurrentIndex(index)
                self.tree.scrollTo(index)

    def _current_changed(self, current: QModelIndex | QPersistentModelIndex, _previous: object) -> None:
        code = self.model.code_at(current)
        if code is None:
            return
        self._details_code = code
        self.villages_tab.set_scope(code)
        self.stations_tab.set_scope(code)
        self.dashboard.set_scope(code)
        self.inspections.set_scope(code)
        registry = self.registry
        self.details.show_loading()
        (BackgroundOp(self, self.taskman, lambda _ctx: divisions.show(registry, code), lang=self.lang)
         .success(self._details_arrived)
         .run_in_background())

    def _details_arrived(self, info: UnitInfo) -> None:
        if info.code != self._details_code:
            return  # the clerk has clicked on since; a newer answer is on its way
        self.details.show_unit(info)
        self.details_shown.emit(info)
        registry, code = self.registry, info.code
        (BackgroundOp(self, self.taskman, lambda _ctx: unit_figures(registry, code), lang=self.lang)
         .success(self._figures_arrived)
         .failure(lambda exc: log.warning("the unit's figures could not be read: %s", exc))  # details stay
         .run_in_background())

    def _figures_arrived(self, figures: object) -> None:
        if isValid(self.details):
            self.details.show_figures(figures)  # type: ignore[arg-type]

    def _search(self, text: str, go: bool) -> None:
        registry = self.registry

        def job(_ctx: OpContext) -> tuple[list[UnitHit], list[StationHit]]:
            return divisions.find(registry, text), tables.find_stations(registry, text, limit=10)

        (BackgroundOp(self, self.taskman, job, lang=self.lang)
         .success(lambda found: self._hits_arrived(text, go, *found))
         .run_in_background())

    def _hits_arrived(self, text: str, go: bool, hits: list[UnitHit], stations: list[StationHit]) -> None:
        if not self.search.is_current(text):
            return
        self.search.show_hits(text, hits, stations)
        if go and hits:
            self.go_to(hits[0].code)
        elif go and stations:
            self.go_to_station(stations[0])

    def go_to_station(self, hit: StationHit) -> bool:
        """Select the station's village in the tree and the station's row in the 站点 tab."""
        if not self.go_to(hit.village_code):
            return False
        self.tabs.setCurrentWidget(self.stations_tab)
        self.stations_tab.set_scope(hit.village_code)
        return self.stations_tab.select_id(hit.id)

    # --- stations ------------------------------------------------------------------------------
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

    def show_village_stations(self, code: str) -> None:
        """A village double-clicked in 村庄: select it in the tree and show its stations."""
        if self.go_to(code):
            self.tabs.setCurrentWidget(self.stations_tab)

    def _station_changed(self, _code: str) -> None:
        self.villages_tab.mark_stale()
        self.stations_tab.mark_stale()
        self.dashboard.mark_stale()
        self.refresh_covers()

    def _request_covers(self, parent: str | None) -> None:
        """Ask services.coverage for the covered/total 建制村 of `parent`'s children, on the reader thread."""
        if self.taskman.closing:
            return
        registry = self.registry

        def job() -> dict[str, tuple[int, int]]:
            report = coverage.coverage(registry, parent or "")
            return {c.code: (c.villages_covered, c.villages_total) for c in report.children}

        def done(future: Future[dict[str, tuple[int, int]]]) -> None:
            if future.cancelled() or self.taskman.closing or registry is not self.registry:
                return
            exc = future.exception()
            if exc is None:
                self.model.set_cover(parent, future.result())
            elif not isinstance(exc, KnownError):  # a registry without units: nothing to show, not a bug
                raise exc

        self.taskman.run_read(job, done)

    def refresh_covers(self) -> None:
        """Stations changed: read the covers of every expanded level again."""
        for parent in self.model.fetched_parents():
            self._request_covers(parent)

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

            dialog.accepted.connect(lambda: offer_next_step(self))
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

    # --- help ----------------------------------------------------------------------------------
    def about_text(self) -> str:
        return self.tr(
            "<h3>村邮通 VillagePost {version}</h3>"
            "<p>县级交通运输部门的农村寄递物流站点登记、合并进度与覆盖率管理工具。</p>"
            "<p>区划代码：国家统计局 2023 年统计用区划代码和城乡划分代码。<br>"
            "界面字体：文泉驿微米黑（Apache-2.0 许可）。</p>"
        ).format(version=__version__)

    def open_guide(self) -> QDialog:
        """帮助 → 用户手册 (F1): the guide beside the window; asking again brings the same viewer forward."""
        from villagepost.gui.help_viewer import HelpViewer

        if self._guide is None:
            self._guide = HelpViewer(self, self.taskman, lang=self.lang)
        self._guide.show()
        bring_to_front(self._guide)
        return self._guide

    def show_about(self) -> None:
        QMessageBox.about(self, self.tr("关于村邮通"), self.about_text())

    # --- closing -------------------------------------------------------------------------------
    def _save_state(self) -> None:
        """Geometry, splitter, tab, table headers and the selected unit, for the next start."""
        self.settings.set(opts.LAST_SCOPE, self.selected_code() or "")
        self.settings.set(opts.WINDOW_GEOMETRY, QByteArray(self.saveGeometry()))
        self.settings.set(opts.WINDOW_STATE, QByteArray(self.saveState()))
        self.settings.set(opts.SPLITTER_STATE, QByteArray(self.splitter.saveState()))
        self.settings.set(opts.CURRENT_TAB, self.tabs.currentIndex())
        self.settings.set(opts.VILLAGES_HEADER, QByteArray(self.villages_tab.view.horizontalHeader().saveState()))
        self.settings.set(opts.STATIONS_HEADER, QByteArray(self.stations_tab.view.horizontalHeader().saveState()))
        self.settings.sync()

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802 (Qt override)
        if not self._closed:
            self._closed = True
            self._save_state()
            self.taskman.shutdown()  # a running load is cancelled and rolled back before we close
            self.registry.close()
        super().closeEvent(event)
