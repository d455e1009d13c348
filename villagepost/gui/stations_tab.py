"""The 站点 tab: the stations standing in the villages of the selected node (services.tables).

Columns are what a clerk checks against a roster: code, name, type, status, cooperation mode, village,
opening date — or 日期缺失 in orange when none was given (coverage then counts from the recording day,
DOMAIN.md §6, so the county should fill it in) — operator and phone. Double-click opens the station.
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QCoreApplication, QModelIndex, Signal
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QComboBox, QWidget

from villagepost.core.messages import DEFAULT_LANG
from villagepost.core.stations import StationStatus, StationType
from villagepost.gui.ops import TaskManager
from villagepost.gui.table_model import Column, LazyTableModel, TableSource
from villagepost.gui.table_tab import TableTab
from villagepost.services import tables
from villagepost.services.registry import Registry
from villagepost.services.tables import IdArray, StationFilter, StationTableRow

translate = QCoreApplication.translate

CODE, NAME, TYPE, STATUS, COOP, VILLAGE, OPENED, OPERATOR, PHONE = range(9)
MISSING_COLOR = QColor("#b36b00")
INACTIVE_COLOR = QColor("#888888")


def status_text(status: str) -> str:
    """The Chinese name of a station status (筹建, 运营, 暂停, 关闭)."""
    try:
        return {
            StationStatus.PLANNED: translate("StationsTab", "筹建"),
            StationStatus.OPERATING: translate("StationsTab", "运营"),
            StationStatus.SUSPENDED: translate("StationsTab", "暂停"),
            StationStatus.CLOSED: translate("StationsTab", "关闭"),
        }[StationStatus(status)]
    except ValueError:
        return status


def station_columns() -> tuple[Column, ...]:
    return (
        Column("code", translate("StationsTab", "站点编码"), 8),
        Column("name", translate("StationsTab", "站点名称"), 9),
        Column("type", translate("StationsTab", "类型"), 7),
        Column("status", translate("StationsTab", "状态"), 3),
        Column("coop", translate("StationsTab", "合作模式"), 5),
        Column("village", translate("StationsTab", "所在村"), 8),
        Column("opened", translate("StationsTab", "建成日期"), 5),
        Column("operator", translate("StationsTab", "运营主体"), 6),
        Column("phone", translate("StationsTab", "联系电话"), 6),
    )


class StationSource(TableSource[StationFilter, StationTableRow]):
    def __init__(self, registry: Registry) -> None:
        self.registry = registry
        self.columns = station_columns()

    def count(self, query: StationFilter) -> int:
        return tables.station_count(self.registry, query)

    def ids(self, query: StationFilter, sort: str, *, descending: bool, limit: int | None, rows: int,
            column: str) -> IdArray:
        return tables.station_ids(self.registry, query, sort, descending=descending, limit=limit, rows=rows,
                                  column=column)

    def rows(self, ids: Sequence[int]) -> dict[int, StationTableRow]:
        return tables.station_rows(self.registry, ids)

    def display(self, row: StationTableRow, column: int) -> str:
        values = {
            CODE: row.code,
            NAME: row.name,
            TYPE: row.station_type or "",
            STATUS: (translate("StationsTab", "已合并（并入 {code}）").format(code=row.merged_into)
                     if row.merged_into else status_text(row.status)),
            COOP: row.coop or "",
            VILLAGE: row.village,
            OPENED: row.opened or translate("StationsTab", "日期缺失"),
            OPERATOR: row.operator or "",
            PHONE: row.phone or "",
        }
        return values.get(column, "")

    def foreground(self, row: StationTableRow, column: int) -> QColor | None:
        if column == OPENED and row.date_missing:
            return MISSING_COLOR
        if row.status in (StationStatus.CLOSED.value, StationStatus.SUSPENDED.value):
            return INACTIVE_COLOR
        return None

    def tooltip(self, row: StationTableRow, column: int) -> str | None:
        if column == VILLAGE:
            return row.village_code
        if column == OPENED and row.date_missing:
            return translate("StationsTab", "没有建成日期：覆盖从登记之日算起。请在站点编辑中补填日期。")
        return None


class StationsTab(TableTab):
    """站点: filter by name or code, status and type; double-click (or Enter) opens a station."""

    #: a station was activated (double-click or Enter): its code
    station_activated = Signal(str)

    def __init__(self, registry: Registry, taskman: TaskManager, *, lang: str = DEFAULT_LANG,
                 parent: QWidget | None = None) -> None:
        self.source = StationSource(registry)
        model: LazyTableModel[StationFilter, StationTableRow] = LazyTableModel(
            self.source, taskman, StationFilter(), lang=lang)
        super().__init__(model, parent)
        model.setParent(self)
        self.station_model = model
        self.setObjectName("stationsTab")
        self.view.setObjectName("stationsTable")
        self.text_filter.setPlaceholderText(translate("StationsTab", "筛选：站点名称或站点编码"))
        self.status_filter = QComboBox(self)
        self.status_filter.setObjectName("stationStatusFilter")
        self.status_filter.addItem(translate("StationsTab", "全部状态"), None)
        for status in StationStatus:
            self.status_filter.addItem(status_text(status.value), status.value)
        self.type_filter = QComboBox(self)
        self.type_filter.setObjectName("stationTypeFilter")
        self.type_filter.addItem(translate("StationsTab", "全部类型"), None)
        for station_type in StationType:
            self.type_filter.addItem(station_type.value, station_type.value)
        self.status_filter.currentIndexChanged.connect(lambda _i: self.apply_filters())
        self.type_filter.currentIndexChanged.connect(lambda _i: self.apply_filters())
        self.filters.addWidget(self.status_filter)
        self.filters.addWidget(self.type_filter)
        self.view.activated.connect(self._activated)

    def current_query(self) -> StationFilter:
        return StationFilter(scope=self.scope, text=self.text_filter.text().strip(),
                             status=self.status_filter.currentData(), station_type=self.type_filter.currentData())

    def count_text(self, total: int) -> str:
        return translate("StationsTab", "共 {n} 个站点").format(n=f"{total:,}")

    def current_code(self) -> str | None:
        index = self.view.currentIndex()
        row = self.station_model.row_data(index.row()) if index.isValid() else None
        return row.code if row is not None else None

    def selected_codes(self) -> list[str]:
        out = []
        for index in self.view.selectionModel().selectedRows():
            row = self.station_model.row_data(index.row())
            if row is not None:
                out.append(row.code)
        return out

    def _activated(self, index: QModelIndex) -> None:
        row = self.station_model.row_data(index.row())
        if row is not None:
            self.station_activated.emit(row.code)

