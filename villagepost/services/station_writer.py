"""Writing stations in bulk (roster imports) with the identity rules, on the caller's transaction.

Identity: a row's station is the stored station of that village with the same name (NFKC, outer
whitespace trimmed). When the village holds no station of that name but exactly one of the same type,
stored before this import and not claimed by an earlier row, the row renames it (an update with a
warning), so a corrected name never makes a second station.
Otherwise a new station is created with the next stable code `<village code>-NN`.

Only fields whose column the roster has, and whose cell is filled, are written: an empty cell or a
missing column never blanks what is stored. An unchanged station is not touched at all (no timestamp).
Inserts and updates are batched through Core executemany: the ORM's per-object flush is ~28x slower.
"""

from __future__ import annotations

import datetime as dt
import operator
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any, Literal

from sqlalchemy import Connection, Date, DateTime, bindparam, insert, select, update

from villagepost.core.actor import Actor
from villagepost.core.stations import StationStatus, name_key
from villagepost.storage.models import Station
from villagepost.storage.queries import prefix_filter

#: station fields a roster can carry, in the order reports list them
STATION_FIELDS = ("station_type", "coop", "lon", "lat", "opened", "contact", "phone", "operator")
BATCH = 5_000

Action = Literal["created", "updated", "unchanged"]


@dataclass
class StationInput:
    """A station's values as validated from a roster row or an editor form."""

    name: str
    station_type: str | None = None
    coop: str | None = None
    lon: float | None = None
    lat: float | None = None
    opened: str | None = None
    contact: str | None = None
    phone: str | None = None
    operator: str | None = None

    def values(self) -> dict[str, Any]:
        return {f: getattr(self, f) for f in STATION_FIELDS}


@dataclass
class _Stored:
    id: int
    code: str
    name: str
    key: str
    values: dict[str, Any]
    #: created or matched by an earlier row of this import: never the target of a rename
    touched: bool = False


@dataclass
class WriteOutcome:
    action: Action
    code: str
    #: (message key, params) for the row's warnings, e.g. a rename
    warnings: list[tuple[str, dict[str, str]]] = field(default_factory=list)


def _sqlite_value(value: Any) -> Any:
    # The values SQLAlchemy's SQLite types would store: dates as ISO text.
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


class StationWriter:
    """Applies station rows for one import on a Core connection (the import's single transaction)."""

    def __init__(self, conn: Connection, actor: Actor, today: dt.date) -> None:
        self.conn = conn
        self.actor = actor
        self.today = today
        self._by_village: dict[str, list[_Stored]] = {}
        self._loaded_prefixes: set[str] = set()
        self._inserts: list[dict[str, Any]] = []
        self._updates: list[dict[str, Any]] = []
        self._seq: dict[str, int] = defaultdict(int)

    def _insert_many(self, rows: list[dict[str, Any]]) -> None:
        """Insert through the driver's executemany: Core's per-row parameter processing cost ~7 us a row."""
        columns = list(rows[0])
        now = dt.datetime.now().replace(microsecond=0)
        if self.conn.dialect.name != "sqlite":
            self.conn.execute(insert(Station), [{**r, "created_at": now, "updated_at": now} for r in rows])
            return
        names = ", ".join([*columns, "created_at", "updated_at"])
        marks = ", ".join(["?"] * (len(columns) + 2))
        stamp = now.isoformat(sep=" ")
        # Only the model's date columns are converted: a conversion call per cell of every column was
        # 0.8 s of the national import's 162k inserts.
        pick = operator.itemgetter(*columns)
        dated = [i for i, c in enumerate(columns) if isinstance(Station.__table__.c[c].type, Date | DateTime)]
        values: list[list[Any]] = []
        for r in rows:
            params = [*pick(r), stamp, stamp] if len(columns) > 1 else [r[columns[0]], stamp, stamp]
            for i in dated:
                params[i] = _sqlite_value(params[i])
            values.append(params)
        raw = self.conn.connection.driver_connection
        assert raw is not None
        cur = raw.cursor()
        try:
            cur.executemany(f"INSERT INTO station ({names}) VALUES ({marks})", values)
        finally:
            cur.close()

    def preload(self, prefixes: Iterable[str]) -> None:
        """Read the stored stations under the given code prefixes (e.g. the counties a roster touches)."""
        for prefix in prefixes:
            if prefix in self._loaded_prefixes or any(prefix.startswith(p) for p in self._loaded_prefixes):
                continue
            self._loaded_prefixes.add(prefix)
            cols = [Station.id, Station.code, Station.name, Station.name_key, Station.village_code,
                    *(getattr(Station, f) for f in STATION_FIELDS)]
            for row in self.conn.execute(select(*cols).where(prefix_filter(Station.village_code, prefix))):
                stored = _Stored(row.id, row.code, row.name, row.name_key,
                                 {f: getattr(row, f) for f in STATION_FIELDS})
                self._by_village.setdefault(row.village_code, []).append(stored)
                self._note_seq(row.village_code, row.code)

    def _note_seq(self, village: str, code: str) -> None:
        tail = code.rsplit("-", 1)[-1]
        if tail.isdigit():
            self._seq[village] = max(self._seq[village], int(tail))

    def _stations(self, village: str) -> list[_Stored]:
        # One query per province touched (a county at a time was one query per county: 2,978 nationally).
        if village[:2] not in self._loaded_prefixes:
            self.preload([village[:2]])
        return self._by_village.setdefault(village, [])

    def apply(self, village: str, data: StationInput, present: frozenset[str]) -> WriteOutcome:
        """Create or update the station of `village` that `data` describes.

        `present` names the STATION_FIELDS whose column the roster has.
        """
        key = name_key(data.name)
        stations = self._stations(village)
        match = next((s for s in stations if s.key == key), None) if stations else None
        warnings: list[tuple[str, dict[str, str]]] = []
        renamed = False
        if match is None and data.station_type:
            same_type = [s for s in stations if s.values.get("station_type") == data.station_type]
            # Only a station stored before this import can be renamed by it; two new stations of one type
            # in one roster are two stations.
            if len(same_type) == 1 and not same_type[0].touched:
                match = same_type[0]
                renamed = True
                warnings.append(("station.renamed", {"old": match.name, "new": data.name, "code": match.code}))
        new_values = data.values()
        if match is None:
            self._seq[village] += 1
            code = f"{village}-{self._seq[village]:02d}"
            stored = {f: (new_values[f] if f in present else None) for f in STATION_FIELDS}
            self._inserts.append({**stored, "code": code, "village_code": village, "name": data.name,
                                  "name_key": key, "status": StationStatus.OPERATING.value,
                                  "recorded_on": self.today, "created_by": self.actor.name,
                                  "updated_by": self.actor.name})
            stations.append(_Stored(-1, code, data.name, key, stored, touched=True))
            if len(self._inserts) >= BATCH:
                self.flush()
            return WriteOutcome("created", code, warnings)
        match.touched = True
        changes = {f: new_values[f] for f in present
                   if new_values[f] is not None and new_values[f] != match.values.get(f)}
        if renamed:
            changes["name"] = data.name
            changes["name_key"] = key
        if not changes:
            return WriteOutcome("unchanged", match.code, warnings)
        match.values.update({k: v for k, v in changes.items() if k in STATION_FIELDS})
        if renamed:
            match.name, match.key = data.name, key
        self._updates.append({"b_code": match.code, **changes})
        if len(self._updates) >= BATCH:
            self.flush()
        return WriteOutcome("updated", match.code, warnings)

    def flush(self) -> None:
        if self._inserts:
            self._insert_many(self._inserts)
            self._inserts = []
        if self._updates:
            now = dt.datetime.now().replace(microsecond=0)
            # Rows with the same set of changed columns go in one executemany.
            groups: dict[tuple[str, ...], list[dict[str, Any]]] = defaultdict(list)
            for upd in self._updates:
                groups[tuple(sorted(k for k in upd if k != "b_code"))].append(upd)
            for cols, rows in groups.items():
                stmt = (update(Station).where(Station.code == bindparam("b_code"))
                        .values({**{c: bindparam(c) for c in cols}, "updated_at": now,
                                 "updated_by": self.actor.name}))
                self.conn.execute(stmt, rows)
            self._updates = []
