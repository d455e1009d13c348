"""The 统计 tab inside the main window: scoped by the tree, drilling down moves the tree, edits refresh it."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from coverage_county import COUNTY, FENGDENG, build
from pytestqt.qtbot import QtBot

from villagepost.gui.main_window import MainWindow
from villagepost.services.registry import Registry

pytestmark = pytest.mark.gui


def test_dashboard_follows_the_tree_and_drills_down(qtbot: QtBot, sqlite_registry: Callable[..., Registry],
                                                    make_window: Callable[..., MainWindow]) -> None:
    reg = sqlite_registry(COUNTY)
    build(reg)
    window = make_window(reg)
    assert [window.tabs.tabText(i) for i in range(window.tabs.count())] == ["概况", "村庄", "站点", "统计", "检查"]
    assert window.go_to(COUNTY)
    with qtbot.waitSignal(window.dashboard.loaded, timeout=10_000):
        window.tabs.setCurrentWidget(window.dashboard)
    assert window.dashboard.scope == COUNTY
    assert window.dashboard.data is not None
    window.dashboard.drill_down.emit(FENGDENG)
    assert window.selected_code() == FENGDENG
    qtbot.waitUntil(lambda: window.dashboard.scope == FENGDENG and window.dashboard.data is not None
                    and window.dashboard.data.scope == FENGDENG, timeout=10_000)
