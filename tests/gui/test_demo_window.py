"""After the first load: 先看看示例数据 opens the marked demo registry; 删除演示数据 goes back and deletes it."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from villagepost.gui.demo_window import DEMO_TITLE_MARK, NextStepDialog
from villagepost.gui.main_window import MainWindow
from villagepost.services import demo
from villagepost.services.registry import Registry

pytestmark = pytest.mark.gui


def _offer(window: MainWindow, qtbot: QtBot) -> NextStepDialog:
    qtbot.waitUntil(lambda: getattr(window, "next_step_dialog", None) is not None, timeout=20000)
    dialog = window.next_step_dialog  # type: ignore[attr-defined]
    assert isinstance(dialog, NextStepDialog) and dialog.isVisible()
    return dialog


def test_first_load_offers_the_demo_which_is_marked_and_removable(
        qtbot: QtBot, make_window: Callable[..., MainWindow], sqlite_registry: Callable[..., Registry],
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    demo_file = tmp_path / "demo" / "演示数据-平罗县.sqlite"
    monkeypatch.setattr(demo, "demo_path", lambda: demo_file)
    window = make_window(sqlite_registry(), wait_ready=False)
    own = window.registry.location.path
    dialog = window.open_load_dialog(first_start=True)
    dialog.select_scope("640221")
    dialog.start_load()
    box = _offer(window, qtbot)
    assert "区划代码已载入。下一步做什么？" in box.text.text()
    assert [box.import_button.text(), box.demo_button.text(), box.later_button.text()] == [
        "导入第一份花名册…", "先看看示例数据", "以后再说"]
    box.demo_button.click()
    qtbot.waitUntil(lambda: window.registry.location.path == demo_file, timeout=60000)
    qtbot.waitUntil(lambda: window.windowTitle().endswith(DEMO_TITLE_MARK), timeout=10000)
    assert window.windowTitle() == "村邮通 VillagePost" + DEMO_TITLE_MARK
    assert window.demo_banner.text().startswith("演示数据")  # type: ignore[attr-defined]
    assert demo.is_demo(window.registry)

    window.remove_demo_action.trigger()  # type: ignore[attr-defined]
    qtbot.waitUntil(lambda: window.registry.location.path == own and not demo_file.exists(), timeout=30000)
    qtbot.waitUntil(lambda: window.windowTitle() == "村邮通 VillagePost", timeout=10000)
    assert not demo.is_demo(window.registry)
    assert list(demo_file.parent.iterdir()) == []


def test_import_first_roster_opens_the_wizard(
        qtbot: QtBot, make_window: Callable[..., MainWindow], sqlite_registry: Callable[..., Registry]) -> None:
    window = make_window(sqlite_registry(), wait_ready=False)
    dialog = window.open_load_dialog(first_start=True)
    dialog.select_scope("640221")
    dialog.start_load()
    box = _offer(window, qtbot)
    box.import_button.click()
    qtbot.waitUntil(lambda: window.import_wizard is not None and window.import_wizard.isVisible(), timeout=10000)
    window.import_wizard.close()
