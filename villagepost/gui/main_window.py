"""The main window: division tree and search on the left; on the right the tabs 概况 (the selected unit's
details), 村庄 and 站点 (lazy tables of the villages and stations under the selected unit).

Start-up order matters (the window must paint in well under a second on any registry): the constructor
builds widgets only; nothing touches the database until the first paint has happened. Then `start()`
fetches the top level (one small query), expands a single-province registry down to its scope, and, when
the registry is empty, offers the first-start dialog. Every query slower than one tree level (details,
search, loads, opening another database) runs on the background worker (`ops.TaskManager`).

This module builds the window (its widgets, its menus — every menu and action is made in `_build_menus`),
starts it, and saves its layout when it closes. What the menus and widgets do is in its parts, one module
each: the tree, search and unit details in window_navigation.ScopeNavigation; the station actions (编辑 and
站点 menus, printing the selected stations) in window_stations.StationActions; the registry as a whole
(showing it, the status bar, loading codes, opening databases, importing, 选项) in
window_registry.RegistryActions. The widgets and state they share are declared in window_base.WindowBase.
"""

from __future__ import annotations

from PySide6.QtCore import QByteArray, Qt, QTimer
from PySide6.QtGui import QAction, QCloseEvent, QGuiApplication, QKeySequence, QPaintEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QHeaderView,
    QLabel,
    QMessageBox,
    QSplitter,
    QTabWidget,
    QTreeView,
    QVBoxLayout,
    QWidget,
)

from villagepost import __version__
from villagepost.core.messages import DEFAULT_LANG
from villagepost.gui import file_actions
from villagepost.gui import settings as opts
from villagepost.gui.dashboard import DashboardTab
from villagepost.gui.division_tree import CODE_COLUMN, COVER_COLUMN, NAME_COLUMN, DivisionTreeModel
from villagepost.gui.inspections_panel import InspectionsPanel
from villagepost.gui.ops import TaskManager
from villagepost.gui.print_dialogs import print_checklists_dialog, print_summary_dialog
from villagepost.gui.search_box import SearchBox
from villagepost.gui.settings import Settings
from villagepost.gui.station_commands import StationUndo
from villagepost.gui.stations_tab import StationsTab
from villagepost.gui.unit_details import UnitDetailsPanel
from villagepost.gui.villages_tab import VillagesTab
from villagepost.gui.window_registry import RegistryActions
from villagepost.gui.window_sizing import bring_to_front, settle_layout
from villagepost.gui.window_stations import StationActions
from villagepost.services.registry import Registry

#: Size on first start when no geometry is saved; fits a 1366×768 laptop with its taskbar.
DEFAULT_SIZE = (1280, 700)
#: An explicit minimum, above what the content ever needs: the search list appearing must not change the
#: window's size constraints (no jump, no size renegotiation with the window manager).
MINIMUM_SIZE = (800, 520)
#: the division tree's width at least, in characters: a village's name five levels deep beside its code
LEFT_MIN_CHARS = 33


class MainWindow(StationActions, RegistryActions):
    """村邮通 VillagePost's main window over one open registry (which it owns and closes)."""

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
        self._first_start_dialog = None
        self._guide = None
        self._details_code = None
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
        self.editors = {}
        self.import_wizard = None
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
