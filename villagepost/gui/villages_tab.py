"""The 村庄 tab: the village-level units of the selected node, with class, township, covered status today
and the stations standing in each (services.tables over storage/table_queries.py).

"Covered" is DOMAIN.md §6 on today's date: a village_cover period contains today. A period that starts on
a recording day rather than a known opening date is flagged 日期缺失, so the county sees which dates to fill.
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QCoreApplication, QModelIndex, Signal
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QComboBox, QWidget

from villagepost.core import clock
from villagepost.core.divisions import VillageClass
from villagepost.core.messages import DEFAULT_LANG
from villagepost.gui.ops import TaskManager
from villagepost.gui.table_model import Column, LazyTableModel, TableSource
from villagepost.gui.table_tab import TableTab
from villagepost.services import tables
from villagepost.services.registry import Registry
from villagepost.services.tables import IdArray, VillageFilter, VillageRow

translate = QCoreApplication.translate

CODE, NAME, CLASS, TOWNSHIP, COUNTY, COVERED, COUNT, STATIONS = range(8)
COVERED_COLOR = QColor("#1b7a2e")
MISSING_COLOR = QColor("#b36b00")
RETIRED_COLOR = QColor("#888888")


def village_columns() -> tuple[Column, ...]:
    return (
        Column("code", translate("VillagesTab", "区划代码"), 7),
        Column("name", translate("VillagesTab", "名称"), 9),
        Column("class", translate("VillagesTab", "类别"), 4),
        Column("township", translate("VillagesTab", "乡镇（街道）"), 7),
        Column("county", translate("VillagesTab", "县（区）"), 6, sortable=False),
        Column("covered", translate("VillagesTab", "今日覆盖"), 9),
        Column("stations", translate("VillagesTab", "站点数"), 4, right=True),
        Column("station_names", translate("VillagesTab", "站点"), 10, sortable=False),
    )


#: village-level classes that never count towards coverage (类似村委会 counts when the registry says so)
NEVER_COUNTED = (VillageClass.RESIDENTS.value, VillageClass.RESIDENTS_LIKE.value)


class VillageSource(TableSource[VillageFilter, VillageRow]):
    """Village-level units through services.tables; covered status on the query's date (today)."""

    def __init__(self, registry: Registry) -> None:
        self.registry = registry
        self.columns = village_columns()
        self.on = clock.today()

    def count(self, query: VillageFilter) -> int:
        return tables.village_count(self.registry, query)

    def ids(self, query: VillageFilter, sort: str, *, descending: bool, limit: int | None, rows: int,
            column: str) -> IdArray:
        return tables.village_ids(self.registry, query, sort, descending=descending, limit=limit, rows=rows,
                                  column=column)

    def rows(self, ids: Sequence[int]) -> dict[int, VillageRow]:
        return tables.village_rows(self.registry, ids, self.on)

    def display(self, row: VillageRow, column: int) -> str:
        if column == CODE:
            return row.code
        if column == NAME:
            return row.name + (translate("VillagesTab", "（已撤销）") if row.retired else "")
        if column == CLASS:
            return row.village_class or ""
        if column == TOWNSHIP:
            return row.township
        if column == COUNTY:
            return row.county
        if column == COVERED:
            if row.village_class in NEVER_COUNTED:
                return translate("VillagesTab", "不计入")  # not a 建制村: coverage never counts it
            if row.covered_since is None:
                return translate("VillagesTab", "未覆盖")
            if row.cover_date_missing:
                return translate("VillagesTab", "已覆盖（日期缺失）")
            return translate("VillagesTab", "已覆盖 {date}").format(date=row.covered_since.isoformat())
        if column == COUNT:
            return str(len(row.stations))
        if column == STATIONS:
            return "、".join(row.stations)
        return ""

    def foreground(self, row: VillageRow, column: int) -> QColor | None:
        if row.retired:
            return RETIRED_COLOR
        if column == COVERED and row.covered_since is not None:
            return MISSING_COLOR if row.cover_date_missing else COVERED_COLOR
        return None

    def tooltip(self, row: VillageRow, column: int) -> str | None:
        if column == COVERED and row.village_class in NEVER_COUNTED:
            return translate("VillagesTab", "居委会不是建制村，不计入覆盖率（可以有站点）")
        if column == STATIONS and row.stations:
            return "\n".join(row.stations)
        if column == COVERED and row.cover_date_missing:
            return translate("VillagesTab", "覆盖该村的站点没有填写建成日期，覆盖从登记之日算起；请补填日期。")
        if column == COVERED and row.covered_since is not None:
            return translate("VillagesTab", "自 {date} 起由综合服务站覆盖").format(date=row.covered_since.isoformat())
        return None


#: the class filter's choices: (label, VillageClass value or None for all)
def class_choices() -> list[tuple[str, str | None]]:
    return [
        (translate("VillagesTab", "全部类别"), None),
        (translate("VillagesTab", "村委会（建制村）"), VillageClass.VILLAGE.value),
        (translate("VillagesTab", "居委会"), VillageClass.RESIDENTS.value),
        (translate("VillagesTab", "类似居委会"), VillageClass.RESIDENTS_LIKE.value),
        (translate("VillagesTab", "类似村委会"), VillageClass.VILLAGE_LIKE.value),
    ]


def cover_choices() -> list[tuple[str, bool | None]]:
    return [
        (translate("VillagesTab", "全部"), None),
        (translate("VillagesTab", "已覆盖"), True),
        (translate("VillagesTab", "未覆盖"), False),
    ]


class VillagesTab(TableTab):
    """村庄: filter by name / pinyin initials / code, class and covered status; sort by any sortable column."""

    #: a village was activated (double-click or Enter): its code
    village_activated = Signal(str)

    def __init__(self, registry: Registry, taskman: TaskManager, *, lang: str = DEFAULT_LANG,
                 parent: QWidget | None = None) -> None:
        self.source = VillageSource(registry)
        model: LazyTableModel[VillageFilter, VillageRow] = LazyTableModel(
            self.source, taskman, VillageFilter(), lang=lang)
        super().__init__(model, parent)
        model.setParent(self)
        self.setObjectName("villagesTab")
        self.view.setObjectName("villagesTable")
        self.text_filter.setPlaceholderText(translate("VillagesTab", "筛选：村名、拼音首字母或代码"))
        self.class_filter = QComboBox(self)
        self.class_filter.setObjectName("villageClassFilter")
        for label, value in class_choices():
            self.class_filter.addItem(label, value)
        self.cover_filter = QComboBox(self)
        self.cover_filter.setObjectName("villageCoverFilter")
        for label, covered in cover_choices():
            self.cover_filter.addItem(label, covered)
        self.class_filter.currentIndexChanged.connect(lambda _i: self.apply_filters())
        self.cover_filter.currentIndexChanged.connect(lambda _i: self.apply_filters())
        self.filters.addWidget(self.class_filter)
        self.filters.addWidget(self.cover_filter)
        self.village_model = model
        self.view.activated.connect(self._activated)

    def current_query(self) -> VillageFilter:
        return VillageFilter(scope=self.scope, text=self.text_filter.text().strip(),
                             village_class=self.class_filter.currentData(),
                             covered=self.cover_filter.currentData(), on=self.source.on)

    def count_text(self, total: int) -> str:
        return translate("VillagesTab", "共 {n} 个村级单位").format(n=f"{total:,}")

    def current_row(self) -> VillageRow | None:
        index = self.view.currentIndex()
        return self.village_model.row_data(index.row()) if index.isValid() else None

    def _activated(self, index: QModelIndex) -> None:
        row = self.village_model.row_data(index.row())
        if row is not None:
            self.village_activated.emit(row.code)
