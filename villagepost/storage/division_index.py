"""An in-memory index of the registry's units for validating roster rows quickly.

A roster row names a code and, often, the county, township and village as written. Checking each row
with its own queries would cost ~5 round trips a row (2.4 million for the national roster); instead the
units of each province are read in one query when the first row of that province arrives (one range
scan of the primary key: 13k units for Jilin, ~25 ms; a county at a time was 69 queries and 10x slower).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, select

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
        self._provinces: set[str] = set()
        #: (county code, level) -> its current units of that level, for naming served villages (on first use)
        self._county_units: dict[tuple[str, int], list[Unit]] = {}
        self._everything = False

    def _load_province(self, province: str) -> None:
        self._provinces.add(province)
        stmt = select(Division.code, Division.name, Division.level, Division.village_class, Division.retired)
        self._fill(self.conn.execute(stmt.where(prefix_filter(Division.code, province))))

    def preload_all(self) -> None:
        """Every unit of the registry in one query, for a roster that spans the nation.

        Why: the import calls this while calamine loads the sheet (Rust, without the GIL), so the ~2 s of
        reading 700k units overlaps the load instead of following it, province by province.
        Once: a second call finds everything loaded.
        """
        if self._everything:
            return
        self._everything = True
        stmt = select(Division.code, Division.name, Division.level, Division.village_class, Division.retired)
        self._fill(self.conn.execute(stmt))
        # Codes are digits: every two-digit prefix is now loaded (an odd one would still load, finding none).
        self._provinces.update(f"{i:02d}" for i in range(100))

    def _fill(self, result: Any) -> None:
        # Plain tuples from the driver: SQLAlchemy's Row objects cost ~5 us each, 3 s for the nation.
        units = self._units
        for code, name, level, vc, retired in result.cursor.fetchall() if result.cursor else []:
            units[code] = Unit(code, name, level, vc, bool(retired))

    def get(self, code: str) -> Unit | None:
        if code[:2] not in self._provinces:
            self._load_province(code[:2])
        return self._units.get(code)

    def units_in(self, county: str, level: int) -> list[Unit]:
        """The current (not retired) units of one level inside a county (4 townships, 5 villages), by code.

        Why a scan of the loaded units: a roster names served villages only now and then, and the
        county's province is already in memory when its first row was checked.
        """
        found = self._county_units.get((county, level))
        if found is None:
            self.get(county)
            found = sorted((u for c, u in self._units.items() if c.startswith(county) and u.level == level
                            and not u.retired), key=lambda u: u.code)
            self._county_units[(county, level)] = found
        return found

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

