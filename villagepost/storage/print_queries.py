"""Read queries behind the printed checklists: the stations of a scope with every column the form shows,
and the names of the units on their paths, in two statements whatever the size of the batch."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from sqlalchemy import Row, select
from sqlalchemy.orm import Session

from villagepost.storage.models import Division, Station
from villagepost.storage.queries import prefix_filter

#: codes per IN list (well below every database's limit)
CHUNK = 900

STATION_COLUMNS = (Station.code, Station.village_code, Station.name, Station.station_type, Station.status,
                   Station.operator, Station.contact, Station.phone, Station.opened, Station.coop, Station.lon,
                   Station.lat, Station.services, Station.brands)


def stations_for_print(session: Session, scope: str, statuses: Sequence[str] | None) -> list[Row[Any]]:
    """Stations under `scope` (all, or those in `statuses`), in code order: by township, village, serial."""
    stmt = select(*STATION_COLUMNS).where(prefix_filter(Station.village_code, scope))
    if statuses is not None:
        stmt = stmt.where(Station.status.in_(list(statuses)))
    return list(session.execute(stmt.order_by(Station.village_code, Station.code)))


def station_for_print(session: Session, code: str) -> Any:
    """One station with the columns of `stations_for_print`, or None."""
    return session.execute(select(*STATION_COLUMNS).where(Station.code == code)).one_or_none()


def path_names(session: Session, village_codes: Iterable[str]) -> dict[str, str]:
    """Names of every unit on the paths of `village_codes` (province, city, county, township, village)."""
    wanted = sorted({v[:n] for v in village_codes for n in (2, 4, 6, 9, 12) if len(v) >= n})
    names: dict[str, str] = {}
    for i in range(0, len(wanted), CHUNK):
        part = wanted[i:i + CHUNK]
        for code, name in session.execute(select(Division.code, Division.name).where(Division.code.in_(part))):
            names[code] = name
    return names
