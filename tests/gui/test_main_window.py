"""The main window on real registries: start-up, search, details panel, status bar, geometry."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from PySide6.QtCore import QModelIndex
from pytestqt.qtbot import QtBot

from villagepost import __version__
from villagepost.core.divisions import Level, VillageClass
from villagepost.gui import settings as opts
from villagepost.gui.division_tree import NAME_COLUMN
from villagepost.gui.main_window import MainWindow
from villagepost.gui.settings import Settings
from villagepost.services import divisions
from villagepost.services.registry import Registry

pytestmark = pytest.mark.gui


@pytest.fixture
def child_calls(monkeypatch: pytest.MonkeyPatch) -> list[str | None]:
    """Every parent code the window asks divisions.children for."""
    calls: list[str | None] = []
    real = divisions.children

    def counting(reg: Registry, code: str | None) -> list[divisions.TreeNode]:
        calls.append(code)
        return real(reg, code)

    monkeypatch.setattr(divisions, "children", counting)
    return calls


def test_nothing_is_queried_before_the_first_paint(
    qtbot: QtBot, sqlite_registry: Callable[..., Registry], child_calls: list[str | None]
) -> None:
    window = MainWindow(sqlite_registry("22"), settings=Settings())
    qtbot.addWidget(window)
    assert child_calls == [] and window.model.rowCount() == 0
    with qtbot.waitSignal(window.first_painted), qtbot.waitSignal(window.tree_ready):
        window.show()
    assert window.started
    assert child_calls == [None, "22"]  # top level, then the single province opened


def test_start_shows_the_provinces_and_status(
    make_window: Callable[..., MainWindow], sqlite_registry: Callable[..., Registry]
) -> None:
    Settings().set(opts.USER_NAME, "张三")
    reg = sqlite_registry("22", "64")
    window = make_window(reg)
    assert window.windowTitle() == "村邮通 VillagePost"
    top = [window.model.index(r, NAME_COLUMN).data() for r in range(window.model.rowCount())]
    assert top == ["吉林省", "宁夏回族自治区"]
    assert window.db_label.text() == f"数据库：{reg.label}"
    assert window.scope_label.text() == "范围：2 个省级单位"
    assert window.user_label.text() == "用户：张三"
    assert [a.text() for a in window.menuBar().actions()] == [
        "文件(&F)", "编辑(&E)", "站点(&S)", "打印(&P)", "帮助(&H)"]
    assert f"村邮通 VillagePost {__version__}" in window.about_text()


def test_a_county_registry_opens_down_to_its_county(
    make_window: Callable[..., MainWindow], sqlite_registry: Callable[..., Registry]
) -> None:
    window = make_window(sqlite_registry("640221"))
    county = window.model.index_for_code("640221")
    assert window.tree.isExpanded(county.parent()) and window.tree.isExpanded(county)
    assert window.scope_label.text() == "范围：宁夏回族自治区 / 石嘴山市 / 平罗县"


def test_search_by_initials_selects_yongji_and_shows_its_details(
    qtbot: QtBot, make_window: Callable[..., MainWindow], sqlite_registry: Callable[..., Registry],
    child_calls: list[str | None],
) -> None:
    window = make_window(sqlite_registry("22"))
    with qtbot.waitSignal(window.details_shown, timeout=5000) as shown:
        window.search.search("yjx")
    info = shown.args[0]
    assert window.selected_code() == "220221"
    assert window.tree.currentIndex().data() == "永吉县"
    assert window.tree.isExpanded(window.model.index_for_code("2202"))
    assert not window.tree.isExpanded(window.tree.currentIndex())
    assert "220221" not in child_calls  # selecting a county does not fetch its townships
    panel = window.details
    assert info.code == "220221"
    assert panel.title.text() == "永吉县"
    assert panel.path.text() == "吉林省 / 吉林市 / 永吉县"
    assert panel.code.text() == "220221"
    assert {vc: label.text() for vc, label in panel.class_counts.items()} == {
        VillageClass.VILLAGE: "124", VillageClass.RESIDENTS: "15",
        VillageClass.RESIDENTS_LIKE: "0", VillageClass.VILLAGE_LIKE: "0",
    }
    assert panel.level_counts[Level.TOWNSHIP].text() == "9"
    assert panel.level_counts[Level.VILLAGE].text() == "139"
    assert not panel.level_counts[Level.CITY].isVisibleTo(panel)
    hits = [window.search.hits.item(i).text() for i in range(window.search.hits.count())]
    assert hits[0] == "永吉县  220221"


def test_clicking_a_province_shows_jilins_totals(
    qtbot: QtBot, make_window: Callable[..., MainWindow], sqlite_registry: Callable[..., Registry]
) -> None:
    window = make_window(sqlite_registry("22"))
    with qtbot.waitSignal(window.details_shown, timeout=5000):
        window.tree.setCurrentIndex(window.model.index(0, NAME_COLUMN, QModelIndex()))
    panel = window.details
    assert panel.path.text() == "吉林省"
    assert {vc: label.text() for vc, label in panel.class_counts.items()} == {
        VillageClass.VILLAGE: "9,321", VillageClass.RESIDENTS: "2,271",
        VillageClass.RESIDENTS_LIKE: "15", VillageClass.VILLAGE_LIKE: "253",
    }
    assert panel.level_counts[Level.CITY].text() == "9"


def test_a_search_without_hits_says_so(
    qtbot: QtBot, make_window: Callable[..., MainWindow], sqlite_registry: Callable[..., Registry],
    wait_idle: Callable[[MainWindow], None],
) -> None:
    window = make_window(sqlite_registry("64"))
    window.search.search("不存在的地名")
    wait_idle(window)
    assert window.search.hits.count() == 1
    assert window.search.hits.item(0).text() == "没有找到“不存在的地名”"
    assert window.selected_code() is None


def test_geometry_is_remembered(
    qtbot: QtBot, sqlite_registry: Callable[..., Registry], isolated_settings: Path
) -> None:
    first = MainWindow(sqlite_registry("64", name="a.sqlite"), settings=Settings())
    qtbot.addWidget(first)
    first.show()
    first.resize(800, 610)  # the offscreen screen is 800×800: stay inside it
    first.move(0, 20)
    qtbot.waitUntil(lambda: first.height() == 610)
    first.close()
    assert list(isolated_settings.rglob("*.ini"))
    second = MainWindow(sqlite_registry("64", name="b.sqlite"), settings=Settings())
    qtbot.addWidget(second)
    assert (second.width(), second.height()) == (800, 610)  # the default would be 800×700


def test_the_window_fits_a_1366x768_screen(
    qtbot: QtBot, make_window: Callable[..., MainWindow], sqlite_registry: Callable[..., Registry]
) -> None:
    window = make_window(sqlite_registry("22"))
    hint = window.minimumSizeHint()
    assert hint.width() <= 1000 and hint.height() <= 600
    window.resize(1366, 728)
    with qtbot.waitSignal(window.details_shown, timeout=5000):
        window.search.search("yjx")
    panel = window.details
    # The whole details card is visible without scrolling at this size.
    assert panel.widget().sizeHint().height() <= panel.viewport().height()


def test_opening_another_database_switches_the_tree(
    qtbot: QtBot, make_window: Callable[..., MainWindow], sqlite_registry: Callable[..., Registry],
    tmp_path: Path,
) -> None:
    window = make_window(sqlite_registry("22", name="jilin.sqlite"))
    other = sqlite_registry("64", name="ningxia.sqlite")
    other.close()
    with qtbot.waitSignal(window.tree_ready, timeout=5000):
        window.open_database(str(tmp_path / "ningxia.sqlite"))
    assert window.model.index(0, NAME_COLUMN).data() == "宁夏回族自治区"
    assert window.db_label.text() == f"数据库：{tmp_path / 'ningxia.sqlite'}"
