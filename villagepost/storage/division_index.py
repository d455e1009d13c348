"""An in-memory index of the registry's units for validating roster rows quickly.

A roster row names a code and, often, the county, township and village as written. Checking each row
with its own queries would cost ~5 round trips a row (2.4 million for the national roster); instead the
units of each county are read once, when the first row of that county arrives.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Connection, select

from villagepost.core.divisions import Level
from villagepost.storage.models import Division
from villagepost.storage.queries import prefix_filter


@dataclass(frozen=True, slots=True)
class Unit:
    code: str
    name: str
    level: int
    village_class: str | None
    retired: bool


class DivisionIndex:
    """code -> Unit for every unit of the counties touched so far (and their ancestors)."""

    def __init__(self, conn: Connection) -> None:
        self.conn = conn
        self._units: dict[str, Unit] = {}
        self._counties: set[str] = set()

    def _load_county(self, county: str) -> None:
        self._counties.add(county)
        ancestors = [county[:2], county[:4], county]
        stmt = select(Division.code, Division.name, Division.level, Division.village_class, Division.retired)
        rows = list(self.conn.execute(stmt.where(prefix_filter(Division.code, county))))
        rows += list(self.conn.execute(stmt.where(Division.code.in_(ancestors[:2]))))
        for code, name, level, vc, retired in rows:
            self._units[code] = Unit(code, name, level, vc, retired)

    def get(self, code: str) -> Unit | None:
        county = code[:6]
        if len(code) >= 6 and county not in self._counties:
            self._load_county(county)
        return self._units.get(code)

    def county_of(self, code: str) -> Unit | None:
        return self.get(code[:6])

    def township_of(self, code: str) -> Unit | None:
        return self.get(code[:9]) if len(code) >= 9 else None

    def city_of(self, code: str) -> Unit | None:
        self.get(code)
        return self._units.get(code[:4])

    def province_of(self, code: str) -> Unit | None:
        self.get(code)
        return self._units.get(code[:2])

    def townships_named(self, county: str, name_key: str, key: object) -> list[Unit]:
        """Townships of `county` whose name, passed through `key`, equals `name_key`."""
        self.get(county)
        return [u for c, u in self._units.items()
                if c.startswith(county) and u.level == int(Level.TOWNSHIP) and key(u.name) == name_key]  # type: ignore[operator]
