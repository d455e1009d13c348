"""The 村庄 and 站点 tabs on a real county: scoping by the tree, lazy pages, sorting and filtering in SQL,
the two-phase load of big queries, refused sorts, station search — offscreen with pytest-qt."""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence

import pytest
from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtWidgets import QHeaderView
from pytestqt.qtbot import QtBot

from tests.rosters.roster_fixtures import DATA
from villagepost.core import clock
from villagepost.gui import table_model
from villagepost.gui.main_window import MainWindow
from villagepost.gui.stations_tab import OPENED, StationsTab
from villagepost.gui.table_model import ID_ROLE, LOADING_TEXT, LazyTableModel
from villagepost.gui.table_tab import TableTab
from villagepost.gui.villages_tab import CODE, COUNT, COVERED, NAME, STATIONS, TOWNSHIP, VillageSource
from villagepost.services import imports, tables
from villagepost.services.registry import Registry
from villagepost.services.tables import IdArray, VillageFilter, VillageRow
from villagepost.storage.models import Division

pytestmark = pytest.mark.gui

COUNTY = "640221"
ROSTER = DATA / "A01_pingluo_clean.xlsx"


@pytest.fixture
def pingluo(sqlite_registry: Callable[..., Registry]) -> Registry:
    reg = sqlite_registry(COUNTY)
    report = imports.import_roster(reg, ROSTER, today=clock.today())
    assert report.status == "ok", report.message("en")
    return reg


def wait_loaded(qtbot: QtBot, tab: TableTab) -> None:
    qtbot.waitUntil(lambda: tab.model.complete and not tab.model.loading, timeout=10000)


def column(tab: TableTab, col: int) -> list[str]:
    model = tab.model
    return [model.index(r, col).data() for r in range(model.rowCount())]


def village_units(reg: Registry) -> list[Division]:
    from sqlalchemy import select

    with reg.read() as s:
        return list(s.scalars(select(Division).where(Division.level == 5).order_by(Division.code)))


def test_selecting_a_tree_node_scopes_both_tabs(
    qtbot: QtBot, make_window: Callable[..., MainWindow], pingluo: Registry
) -> None:
    window = make_window(pingluo)
    window.tabs.setCurrentWidget(window.villages_tab)
    tab = window.villages_tab
    wait_loaded(qtbot, tab)
    assert tab.scope is None and tab.model.total == 182  # nothing selected: the whole registry
    assert tab.count_label.text() == "共 182 个村级单位"
    window.go_to("640221100")  # 城关镇
    qtbot.waitUntil(lambda: tab.model.total != 182, timeout=10000)
    wait_loaded(qtbot, tab)
    expected = [u for u in village_units(pingluo) if u.code.startswith("640221100")]
    assert column(tab, CODE) == [u.code for u in expected]
    assert column(tab, NAME) == [u.name for u in expected]
    assert set(column(tab, TOWNSHIP)) == {"城关镇"}
    heping = column(tab, CODE).index("640221100201")
    assert tab.model.index(heping, STATIONS).data() == "和平村村邮站"
    assert tab.model.index(heping, COUNT).data() == "1"
    assert tab.model.index(heping, COVERED).data() == "未覆盖"
    assert tab.model.index(heping, CODE).data(ID_ROLE) == 640221100201
    # the hidden 站点 tab only remembered the scope; showing it reads it
    stations = window.stations_tab
    assert stations.scope == "640221100" and stations.model.generation == 0
    window.tabs.setCurrentWidget(stations)
    wait_loaded(qtbot, stations)
    assert all(code.startswith("640221100") for code in column(stations, 0))
    assert stations.count_label.text() == f"共 {stations.model.total} 个站点"


def test_header_click_sorts_in_sql_and_filters_narrow(
    qtbot: QtBot, make_window: Callable[..., MainWindow], pingluo: Registry
) -> None:
    window = make_window(pingluo)
    window.tabs.setCurrentWidget(window.villages_tab)
    tab = window.villages_tab
    wait_loaded(qtbot, tab)
    units = village_units(pingluo)
    tab.view.horizontalHeader().setSortIndicator(NAME, Qt.SortOrder.AscendingOrder)  # what a header click does
    qtbot.waitUntil(lambda: tab.model.sort_column == NAME, timeout=5000)
    wait_loaded(qtbot, tab)
    assert column(tab, CODE) == [u.code for u in sorted(units, key=lambda u: (u.pinyin, u.code))]
    tab.view.horizontalHeader().setSortIndicator(NAME, Qt.SortOrder.DescendingOrder)
    qtbot.waitUntil(lambda: tab.model.sort_order == Qt.SortOrder.DescendingOrder, timeout=5000)
    wait_loaded(qtbot, tab)
    assert column(tab, CODE) == [u.code for u in sorted(units, key=lambda u: (u.pinyin, u.code), reverse=True)]

    tab.text_filter.setText("和平")  # keyClicks cannot type Chinese; Enter applies at once
    qtbot.keyClick(tab.text_filter, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: tab.model.total == sum(1 for u in units if "和平" in u.name), timeout=5000)
    wait_loaded(qtbot, tab)
    assert all("和平" in name for name in column(tab, NAME))
    tab.text_filter.clear()
    tab.cover_filter.setCurrentIndex(tab.cover_filter.findText("已覆盖"))
    wait_loaded(qtbot, tab)
    covered = column(tab, COVERED)
    assert covered and all(text.startswith("已覆盖") for text in covered)
    assert tab.model.total == tables.village_count(pingluo, VillageFilter(covered=True))


def test_station_tab_shows_missing_dates_and_opens_on_double_click(
    qtbot: QtBot, make_window: Callable[..., MainWindow], pingluo: Registry
) -> None:
    window = make_window(pingluo)
    tab = window.stations_tab
    window.tabs.setCurrentWidget(tab)
    wait_loaded(qtbot, tab)
    assert tab.model.total == 88
    opened = column(tab, OPENED)
    assert opened.count("日期缺失") == 7
    row = opened.index("日期缺失")
    index = tab.model.index(row, OPENED)
    assert index.data(Qt.ItemDataRole.ForegroundRole).color().name() == "#b36b00"
    assert "补填" in index.data(Qt.ItemDataRole.ToolTipRole)
    code = tab.model.index(row, 0).data()
    with qtbot.waitSignal(tab.station_activated) as activated:
        tab.view.activated.emit(index)
    assert activated.args == [code]
    tab.type_filter.setCurrentIndex(tab.type_filter.findText("综合服务站"))
    wait_loaded(qtbot, tab)
    assert tab.model.total == 16 and set(column(tab, 2)) == {"综合服务站"}


def test_a_station_found_by_name_is_selected_in_its_village(
    qtbot: QtBot, make_window: Callable[..., MainWindow], pingluo: Registry
) -> None:
    window = make_window(pingluo)
    window.search.search("和平村村邮站", go=False)
    qtbot.waitUntil(lambda: window.search.hits.count() > 0 and window.search.hits.isVisible(), timeout=5000)
    texts = [window.search.hits.item(i).text() for i in range(window.search.hits.count())]
    assert texts == ["站点 和平村村邮站  和平村委会"]
    window.search.hits.itemActivated.emit(window.search.hits.item(0))
    tab = window.stations_tab
    assert window.tabs.currentWidget() is tab
    assert window.selected_code() == "640221100201"
    qtbot.waitUntil(lambda: tab.current_code() == "640221100201-01", timeout=10000)
    assert tab.selected_codes() == ["640221100201-01"]


def test_tables_never_size_rows_or_columns_to_contents(
    qtbot: QtBot, make_window: Callable[..., MainWindow], pingluo: Registry
) -> None:
    window = make_window(pingluo)
    for tab in (window.villages_tab, window.stations_tab):
        rows, cols = tab.view.verticalHeader(), tab.view.horizontalHeader()
        assert rows.sectionResizeMode(0) == QHeaderView.ResizeMode.Fixed
        assert all(cols.sectionResizeMode(i) != QHeaderView.ResizeMode.ResizeToContents
                   for i in range(cols.count()))


class GatedSource(VillageSource):
    """The real village source whose full id query waits for a gate: the first phase can be looked at."""

    def __init__(self, registry: Registry) -> None:
        super().__init__(registry)
        self.gate = threading.Event()
        self.calls: list[tuple[str, bool, int | None]] = []

    def ids(self, query: VillageFilter, sort: str, *, descending: bool, limit: int | None, rows: int,
            column: str) -> IdArray:
        self.calls.append((sort, descending, limit))
        if limit is None:
            assert self.gate.wait(10)
        return super().ids(query, sort, descending=descending, limit=limit, rows=rows, column=column)


def test_a_big_query_shows_its_first_and_last_page_before_the_full_list(
    qtbot: QtBot, make_window: Callable[..., MainWindow], pingluo: Registry, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(table_model, "FULL_LOAD_LIMIT", 100)
    monkeypatch.setattr(table_model, "PAGE", 20)
    window = make_window(pingluo)
    source = GatedSource(pingluo)
    model: LazyTableModel[VillageFilter, VillageRow] = LazyTableModel(source, window.taskman, VillageFilter())
    model.setParent(window)
    model.sort(NAME, Qt.SortOrder.AscendingOrder)
    model.reload()
    qtbot.waitUntil(lambda: model.total == 182 and model.id_at(181) is not None, timeout=5000)
    expected = [u.code for u in sorted(village_units(pingluo), key=lambda u: (u.pinyin, u.code))]
    assert not model.complete
    assert [model.index(r, CODE).data() for r in range(20)] == expected[:20]
    assert [model.index(r, CODE).data() for r in range(162, 182)] == expected[162:]
    assert model.index(100, CODE).data() == LOADING_TEXT
    assert model.row_of(int(expected[0])) is None  # not until the full list is in
    assert source.calls == [("name", False, 20), ("name", True, 20), ("name", False, None)]
    source.gate.set()
    qtbot.waitUntil(lambda: model.complete, timeout=5000)
    assert [model.index(r, CODE).data() for r in range(182)] == expected
    assert model.row_of(int(expected[100])) == 100


def test_only_the_latest_query_is_shown(
    qtbot: QtBot, make_window: Callable[..., MainWindow], pingluo: Registry
) -> None:
    window = make_window(pingluo)
    tab = window.villages_tab
    window.tabs.setCurrentWidget(tab)
    for scope in ("640221100", "640221101", "640221102", "640221200"):
        tab.set_scope(scope)
    wait_loaded(qtbot, tab)
    assert {code[:9] for code in column(tab, CODE)} == {"640221200"}
    assert tab.model.total == sum(1 for u in village_units(pingluo) if u.code.startswith("640221200"))


def test_a_refused_sort_says_why_and_keeps_the_order(
    qtbot: QtBot, make_window: Callable[..., MainWindow], pingluo: Registry, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(tables, "BOUNDED_SORT_LIMIT", 100)
    window = make_window(pingluo)
    tab = window.villages_tab
    window.tabs.setCurrentWidget(tab)
    wait_loaded(qtbot, tab)
    before = column(tab, CODE)
    tab.view.horizontalHeader().setSortIndicator(COUNT, Qt.SortOrder.AscendingOrder)
    qtbot.waitUntil(tab.message_label.isVisible, timeout=5000)
    assert tab.message_label.text().startswith("共有 182 行，按“站点数”排序需要逐行计算，太慢。")
    assert (tab.model.sort_column, tab.view.horizontalHeader().sortIndicatorSection()) == (CODE, CODE)
    assert column(tab, CODE) == before
    tab.set_scope("640221100")  # small enough: the message goes with the next answer
    wait_loaded(qtbot, tab)
    assert not tab.message_label.isVisible()


def test_the_row_cache_is_bounded(
    qtbot: QtBot, make_window: Callable[..., MainWindow], pingluo: Registry, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(table_model, "PAGE", 10)
    monkeypatch.setattr(table_model, "CACHE_LIMIT", 30)
    window = make_window(pingluo)
    tab = window.villages_tab
    window.tabs.setCurrentWidget(tab)
    wait_loaded(qtbot, tab)
    codes: Sequence[str] = column(tab, CODE)  # reads every page once
    assert len(codes) == 182 and len(set(codes)) == 182
    assert tab.model.cached_rows() <= 30
    assert tab.model.index(0, CODE).data() == codes[0]  # evicted rows are read again


def test_unused_roles_and_invalid_indexes_cost_nothing(
    qtbot: QtBot, make_window: Callable[..., MainWindow], pingluo: Registry
) -> None:
    window = make_window(pingluo)
    tab = window.villages_tab
    window.tabs.setCurrentWidget(tab)
    wait_loaded(qtbot, tab)
    before = tab.model.cached_rows()
    index = tab.model.index(150, CODE)
    assert index.data(Qt.ItemDataRole.DecorationRole) is None
    assert index.data(Qt.ItemDataRole.FontRole) is None
    assert tab.model.data(QModelIndex()) is None
    assert tab.model.cached_rows() == before  # no page was read for them


def test_a_registry_switch_empties_the_scope(
    qtbot: QtBot, make_window: Callable[..., MainWindow], pingluo: Registry, sqlite_registry: Callable[..., Registry],
) -> None:
    window = make_window(pingluo)
    window.tabs.setCurrentWidget(window.villages_tab)
    wait_loaded(qtbot, window.villages_tab)
    assert window.villages_tab.model.total == 182
    tab: StationsTab = window.stations_tab
    window.tabs.setCurrentWidget(tab)
    wait_loaded(qtbot, tab)
    assert tab.model.total == 88
    other = sqlite_registry("640323", name="yanchi.sqlite")
    with qtbot.waitSignal(window.tree_ready, timeout=5000):
        window._switch_registry(other)
    qtbot.waitUntil(lambda: tab.model.total == 0 and not tab.model.loading, timeout=5000)
    assert tab.scope is None and tab.count_label.text() == "共 0 个站点"
    villages = window.villages_tab  # hidden during the switch: it reads the new registry when shown
    window.tabs.setCurrentWidget(villages)
    wait_loaded(qtbot, villages)
    assert villages.model.total == len(village_units(other)) and villages.model.total != 182
    assert all(code.startswith("640323") for code in column(villages, CODE))


def test_the_tree_shows_covered_and_total_villages_and_follows_changes(
    qtbot: QtBot, make_window: Callable[..., MainWindow], pingluo: Registry
) -> None:
    from villagepost.gui.division_tree import COVER_COLUMN, NAME_COLUMN
    from villagepost.services import coverage, station_ops

    window = make_window(pingluo)
    county = window.model.index_for_code("640221")
    report = coverage.coverage(pingluo, "6402")
    expected = next(c for c in report.children if c.code == "640221")
    cell = county.siblingAtColumn(COVER_COLUMN)
    qtbot.waitUntil(lambda: cell.data() is not None, timeout=5000)
    assert cell.data() == f"{expected.villages_covered}/{expected.villages_total}"
    assert expected.villages_total == 144 and expected.villages_covered > 0
    assert window.model.headerData(COVER_COLUMN, Qt.Orientation.Horizontal) == "覆盖"
    window.go_to("640221100201")  # 和平村委会: its 村邮站 alone does not cover it
    township = window.model.index_for_code("640221100")
    heping = window.model.index_for_code("640221100201").siblingAtColumn(COVER_COLUMN)
    qtbot.waitUntil(lambda: heping.data() is not None, timeout=5000)
    assert heping.data() == "0/1"
    residents = window.model.index_for_code("640221100001").siblingAtColumn(COVER_COLUMN)
    assert residents.data() is None  # a 居委会 is not a 建制村: nothing to count
    before = township.siblingAtColumn(COVER_COLUMN).data()
    editor = window.open_station("640221100201-01")
    qtbot.waitUntil(lambda: editor.details is not None, timeout=5000)
    editor.type_combo.setCurrentIndex(editor.type_combo.findData("村邮站+快递超市"))
    editor.save()
    qtbot.waitUntil(lambda: heping.data() == "1/1", timeout=5000)
    covered, total = (int(n) for n in before.split("/"))
    qtbot.waitUntil(lambda: township.siblingAtColumn(COVER_COLUMN).data() == f"{covered + 1}/{total}", timeout=5000)
    assert station_ops.station_details(pingluo, "640221100201-01").station_type == "村邮站+快递超市"
    assert window.model.index_for_code("640221100201").siblingAtColumn(NAME_COLUMN).data() == "和平村委会"
