"""Where a county's stations stand: the positions the "far from the county's other stations" check compares."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlalchemy import Connection, or_, select

from villagepost.core.stations import StationStatus
from villagepost.storage.models import Station
from villagepost.storage.queries import prefix_filter

#: Past this many counties one pass over every located station is cheaper than a range per county.
_RANGES_LIMIT = 100


def county_positions(conn: Connection, counties: Iterable[str]) -> dict[str, dict[str, tuple[float, float]]]:
    """County code -> {station code: (lon, lat)} of its located stations that are not closed.

    A closed station no longer marks where the county's stations are, and a station without both
    coordinates marks nothing.
    """
    wanted = sorted({c[:6] for c in counties})
    out: dict[str, dict[str, tuple[float, float]]] = {c: {} for c in wanted}
    if not wanted:
        return out
    stmt = select(Station.code, Station.village_code, Station.lon, Station.lat).where(
        Station.lon.is_not(None), Station.lat.is_not(None), Station.status != StationStatus.CLOSED.value)
    if len(wanted) <= _RANGES_LIMIT:
        stmt = stmt.where(or_(*(prefix_filter(Station.village_code, c) for c in wanted)))
    rows: Any = conn.execute(stmt)  # lon and lat are not null here
    for code, village, lon, lat in rows:
        county = out.get(village[:6])
        if county is not None:
            county[code] = (float(lon), float(lat))
    return out
