"""The window's 检查 tab and 打印 menu reach the forms: scoped by the tree, acting on the selected stations."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from PySide6.QtWidgets import QApplication, QMessageBox
from pytestqt.qtbot import QtBot

from tests.rosters.roster_fixtures import DATA
from villagepost.gui.checklist_editor import ChecklistEditorDialog
from villagepost.gui.inspection_form import InspectionDialog
from villagepost.gui.main_window import MainWindow
from villagepost.gui.print_dialogs import PrintChecklistsDialog, PrintSummaryDialog
from villagepost.services.imports import import_roster
from villagepost.services.registry import Registry

pytestmark = pytest.mark.gui


def test_inspections_tab_and_print_menu(qtbot: QtBot, monkeypatch: pytest.MonkeyPatch,
                                        sqlite_registry: Callable[..., Registry],
                                        make_window: Callable[..., MainWindow]) -> None:
    reg = sqlite_registry("640221")
    import_roster(reg, DATA / "A01_pingluo_clean.xlsx")
    window = make_window(reg)
    told: list[str] = []
    monkeypatch.setattr(QMessageBox, "information", lambda _p, _t, text, *a: told.append(text))
    assert window.go_to("640221100")
    window.tabs.setCurrentWidget(window.inspections)

    # nothing selected in 站点: the actions say what to do and show the tab
    assert window.inspect_current_station() is None and window.print_selected_checklists() is None
    assert told == ["请先在“站点”页选中一个站点。"] * 2 and window.tabs.currentWidget() is window.stations_tab

    qtbot.waitUntil(lambda: window.stations_tab.model.rowCount() > 0, timeout=10_000)
    window.stations_tab.view.selectRow(0)
    code = window.stations_tab.current_code()
    assert code is not None and code.startswith("640221100")
    form = window.inspect_current_station()
    assert isinstance(form, InspectionDialog) and form.station_code == code
    form.close()
    dialog = window.print_selected_checklists()
    assert isinstance(dialog, PrintChecklistsDialog) and dialog.station_codes == [code]
    dialog.close()
    window.print_scope_action.trigger()
    window.print_summary_action.trigger()
    shown = [w for w in QApplication.topLevelWidgets() if w.isVisible()]
    assert any(isinstance(w, PrintChecklistsDialog) and w.scope == "640221100" for w in shown)
    assert any(isinstance(w, PrintSummaryDialog) for w in shown)
    editor = window.edit_checklist()
    assert isinstance(editor, ChecklistEditorDialog)
    for w in [*shown, editor]:
        w.close()
