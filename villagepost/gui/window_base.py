"""What the main window holds, declared once: MainWindow (gui/main_window.py) builds these widgets and this
state in its constructor, and its parts — ScopeNavigation (window_navigation.py), StationActions
(window_stations.py) and RegistryActions (window_registry.py) — use them. Declaring them here lets each part
be read and type-checked on its own.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Signal
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QDialog, QLabel, QMainWindow, QSplitter, QTabWidget, QTreeView

if TYPE_CHECKING:
    from villagepost.gui.dashboard import DashboardTab
    from villagepost.gui.division_tree import DivisionTreeModel
    from villagepost.gui.first_start import FirstStartDialog
    from villagepost.gui.import_wizard import ImportWizard
    from villagepost.gui.inspections_panel import InspectionsPanel
    from villagepost.gui.ops import TaskManager
    from villagepost.gui.search_box import SearchBox
    from villagepost.gui.settings import Settings
    from villagepost.gui.station_commands import StationUndo
    from villagepost.gui.station_editor import StationEditor
    from villagepost.gui.stations_tab import StationsTab
    from villagepost.gui.unit_details import UnitDetailsPanel
    from villagepost.gui.villages_tab import VillagesTab
    from villagepost.services.registry import Registry


class WindowBase(QMainWindow):
    """The main window's signals, widgets and state (no behaviour: see MainWindow and its parts)."""

    #: emitted once, right after the window's first paint has been flushed
    first_painted = Signal()
    #: emitted when the tree shows the registry (after start(), a load, or opening another database)
    tree_ready = Signal()
    #: emitted with a UnitInfo when the details panel shows a unit
    details_shown = Signal(object)

    registry: Registry
    settings: Settings
    lang: str
    taskman: TaskManager
    #: start() has run (the registry is shown); closeEvent has run
    started: bool
    _closed: bool
    #: the open scope picker, the user guide's viewer, the unit whose details are asked for
    _first_start_dialog: FirstStartDialog | None
    _guide: QDialog | None
    _details_code: str | None

    # left: the search box over the division tree
    model: DivisionTreeModel
    tree: QTreeView
    search: SearchBox
    # right: the tabs
    tabs: QTabWidget
    details: UnitDetailsPanel
    villages_tab: VillagesTab
    stations_tab: StationsTab
    dashboard: DashboardTab
    inspections: InspectionsPanel
    splitter: QSplitter
    # status bar
    db_label: QLabel
    scope_label: QLabel
    user_label: QLabel

    #: undo/redo of station changes, the open station editors by station code, the open import wizard
    station_undo: StationUndo
    editors: dict[str, StationEditor]
    import_wizard: ImportWizard | None
    undo_action: QAction
    redo_action: QAction
