"""Station use cases: list and count (the roster import and the station editor write through here too)."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select

from villagepost.core.stations import StationStatus, stored_items
from villagepost.services.registry import Registry
from villagepost.storage import station_queries
from villagepost.storage.models import Station


@dataclass(frozen=True)
class StationRow:
    """A station as lists, exports and the CLI show it."""

    code: str
    village_code: str
    name: str
    type: str | None
    status: str
    coop: str | None
    lon: float | None
    lat: float | None
    opened: str | None
    contact: str | None
    phone: str | None
    operator: str | None
    recorded_on: str
    services: list[str]
    brands: list[str]
    floor_area: float | None
    #: 日期缺失: no opening date, so coverage counts it only from `recorded_on` (the county should fill it in)
    date_missing: bool

    @classmethod
    def of(cls, st: Station) -> StationRow:
        return cls(st.code, st.village_code, st.name, st.station_type, st.status, st.coop, st.lon, st.lat,
                   st.opened, st.contact, st.phone, st.operator, st.recorded_on.isoformat(), stored_items(st.services),
                   stored_items(st.brands), st.floor_area,
                   st.opened is None and st.status != StationStatus.PLANNED.value)


def count_stations(reg: Registry) -> int:
    with reg.read() as s:
        return s.execute(select(func.count()).select_from(Station)).scalar_one()


def list_stations(reg: Registry, scope: str) -> list[StationRow]:
    """Stations under `scope` (any division code), ordered by village then station code."""
    with reg.read() as s:
        return [StationRow.of(st) for st in station_queries.stations_in(s, scope)]
