"""The lazy division tree model over real registries: exact contents, code order, and fetch-on-expand."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtWidgets import QTreeView
from pytestqt.qtbot import QtBot

from villagepost.gui.division_tree import CODE_COLUMN, CODE_ROLE, NAME_COLUMN, DivisionTreeModel
from villagepost.services import divisions
from villagepost.services.divisions import TreeNode
from villagepost.services.registry import Registry

pytestmark = pytest.mark.gui

JILIN_CITIES = [
    ("2201", "长春市"), ("2202", "吉林市"), ("2203", "四平市"), ("2204", "辽源市"), ("2205", "通化市"),
    ("2206", "白山市"), ("2207", "松原市"), ("2208", "白城市"), ("2224", "延边朝鲜族自治州"),
]


class CountingSource:
    """divisions.children with a record of every parent asked for."""

    def __init__(self, registry: Registry) -> None:
        self.registry = registry
        self.calls: list[str | None] = []

    def __call__(self, code: str | None) -> list[TreeNode]:
        self.calls.append(code)
        return divisions.children(self.registry, code)


def rows(model: DivisionTreeModel, parent: QModelIndex) -> list[tuple[str, str]]:
    return [(model.index(r, CODE_COLUMN, parent).data(), model.index(r, NAME_COLUMN, parent).data())
            for r in range(model.rowCount(parent))]


@pytest.fixture
def jilin_and_ningxia(sqlite_registry: Callable[..., Registry]) -> Registry:
    reg = sqlite_registry("22", "64")
    yield reg
    reg.close()


def test_nothing_is_fetched_before_a_source_is_set(qtbot: QtBot) -> None:
    model = DivisionTreeModel()
    assert model.rowCount() == 0
    assert not model.hasChildren()
    assert not model.canFetchMore(QModelIndex())


def test_top_level_is_the_loaded_provinces(jilin_and_ningxia: Registry) -> None:
    model = DivisionTreeModel()
    source = CountingSource(jilin_and_ningxia)
    model.set_source(source)
    assert source.calls == []  # setting the source queries nothing
    assert model.canFetchMore(QModelIndex())
    model.fetchMore(QModelIndex())
    assert rows(model, QModelIndex()) == [("22", "吉林省"), ("64", "宁夏回族自治区")]
    assert model.headerData(0, Qt.Orientation.Horizontal) == "名称"
    assert model.headerData(1, Qt.Orientation.Horizontal) == "代码"


def test_expanding_jilin_gives_its_nine_cities_in_code_order(qtbot: QtBot, jilin_and_ningxia: Registry) -> None:
    model = DivisionTreeModel()
    model.set_source(CountingSource(jilin_and_ningxia))
    view = QTreeView()
    qtbot.addWidget(view)
    view.setModel(model)
    view.show()
    qtbot.waitUntil(lambda: model.rowCount() == 2)
    jilin = model.index(0, NAME_COLUMN)
    assert model.hasChildren(jilin) and model.rowCount(jilin) == 0  # known to have children, not fetched
    view.expand(jilin)
    qtbot.waitUntil(lambda: model.rowCount(jilin) == 9)
    assert rows(model, jilin) == JILIN_CITIES


def test_a_countys_townships_are_queried_only_when_it_is_expanded(qtbot: QtBot, jilin_and_ningxia: Registry) -> None:
    model = DivisionTreeModel()
    source = CountingSource(jilin_and_ningxia)
    model.set_source(source)
    view = QTreeView()
    qtbot.addWidget(view)
    view.setModel(model)
    view.show()
    qtbot.waitUntil(lambda: model.rowCount() == 2)
    view.expand(model.index(0, NAME_COLUMN))  # 吉林省
    qtbot.waitUntil(lambda: model.rowCount(model.index(0, NAME_COLUMN)) == 9)
    jilin_city = model.index(1, NAME_COLUMN, model.index(0, NAME_COLUMN))
    assert jilin_city.data(CODE_ROLE) == "2202"
    view.expand(jilin_city)
    qtbot.waitUntil(lambda: model.rowCount(jilin_city) > 0)
    county = next(model.index(r, NAME_COLUMN, jilin_city) for r in range(model.rowCount(jilin_city))
                  if model.index(r, NAME_COLUMN, jilin_city).data(CODE_ROLE) == "220221")
    assert county.data() == "永吉县"
    assert source.calls == [None, "22", "2202"]  # nothing below 永吉县, nothing of Ningxia
    assert model.hasChildren(county) and model.rowCount(county) == 0
    view.expand(county)
    qtbot.waitUntil(lambda: model.rowCount(county) == 9)
    assert source.calls == [None, "22", "2202", "220221"]
    # Fetched once: collapsing and expanding again asks nothing more.
    view.collapse(county)
    view.expand(county)
    assert source.calls.count("220221") == 1


def test_index_for_code_fetches_only_the_path(jilin_and_ningxia: Registry) -> None:
    model = DivisionTreeModel()
    source = CountingSource(jilin_and_ningxia)
    model.set_source(source)
    index = model.index_for_code("220221")
    assert index.isValid() and index.data() == "永吉县" and model.code_at(index) == "220221"
    assert source.calls == [None, "22", "2202"]
    assert model.index_for_code("220221").internalPointer() is index.internalPointer()
    assert source.calls == [None, "22", "2202"]
    assert not model.index_for_code("110101").isValid()  # Beijing is not loaded
    assert not model.index_for_code("220299").isValid()


def test_village_level_units_have_no_children(jilin_and_ningxia: Registry) -> None:
    model = DivisionTreeModel()
    model.set_source(CountingSource(jilin_and_ningxia))
    township = model.index_for_code("220221100")
    model.fetchMore(township)
    village = model.index(0, NAME_COLUMN, township)
    assert len(model.code_at(village) or "") == 12
    assert not model.hasChildren(village)
    assert not model.canFetchMore(village)
