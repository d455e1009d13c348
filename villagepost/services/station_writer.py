"""Writing stations in bulk (roster imports) with the identity rules, on the caller's transaction.

Identity: a row's station is the stored station of that village with the same name (NFKC, outer
whitespace trimmed). When the village holds no station of that name but exactly one of the same type,
stored before this import and not claimed by an earlier row, the row renames it (an update with a
warning), so a corrected name never makes a second station.
Otherwise a new station is created with the next stable code `<village code>-NN`.

Only fields whose column the roster has, and whose cell is filled, are written: an empty cell or a
missing column never blanks what is stored. An unchanged station is not touched at all (no timestamp).
Inserts and updates are batched through Core executemany: the ORM's per-object flush is ~28x slower.

Concurrency: on PostgreSQL the writer takes each county's advisory lock (`storage.locks`) before it
first writes there, and reads that county's stations again after the lock when its province was read
before it, so two imports of one county take turns and never allocate the same code; imports of
different counties run side by side. On SQLite the whole import holds the write lock anyway.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any, Literal

from sqlalchemy import Connection, bindparam, delete, select, update

import villagepost.services.station_messages  # noqa: F401  (registers station.roster_older, station.renamed...)
from villagepost.core import clock
from villagepost.core.actor import Actor
from villagepost.core.history import Event, EventKind, Period, union
from villagepost.core.stations import StationStatus, StationType, name_key
from villagepost.core.values import PartialDate
from villagepost.services.station_checks import cover_guard
from villagepost.storage import history_store
from villagepost.storage.audit_store import AuditBatch
from villagepost.storage.bulk import insert_rows
from villagepost.storage.locks import COUNTY_DIGITS, is_postgres, lock_counties
from villagepost.storage.models import Station, StationEvent, StationSpan, StationVillage, VillageCover
from villagepost.storage.queries import prefix_filter

#: station fields a roster can carry, in the order reports list them
STATION_FIELDS = ("station_type", "coop", "lon", "lat", "opened", "contact", "phone", "operator", "services", "brands",
                  "floor_area")
BATCH = 5_000
#: the values a created station's audit row keeps
_AUDITED = ("name", *STATION_FIELDS, "status")

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
    services: str | None = None
    brands: str | None = None
    floor_area: float | None = None
    #: further villages served (codes, resolved in the county); None: the roster says nothing of them
    served: tuple[str, ...] | None = None

    def values(self) -> dict[str, Any]:
        return {f: getattr(self, f) for f in STATION_FIELDS}


@dataclass
class _Stored:
    id: int
    code: str
    name: str
    key: str
    values: dict[str, Any]
    #: the further villages it serves, sorted
    served: tuple[str, ...] = ()
    #: created or matched by an earlier row of this import: never the target of a rename
    touched: bool = False


@dataclass
class WriteOutcome:
    action: Action
    code: str
    #: (message key, params) for the row's warnings, e.g. a rename
    warnings: list[tuple[str, dict[str, str]]] = field(default_factory=list)
    #: for "updated": (field, stored value, new value) of every field the row changes ("name" on a rename)
    changes: list[tuple[str, Any, Any]] = field(default_factory=list)


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
        #: served villages of the stations in `_inserts` (code -> villages), and the stations whose served
        #: villages this import replaces (code -> new villages), written with the next flush
        self._new_served: dict[str, tuple[str, ...]] = {}
        self._served_updates: dict[str, tuple[str, ...]] = {}
        self._seq: dict[str, int] = defaultdict(int)
        #: villages whose cover `finish` rebuilds from the registry (they had stations before this import)
        self._rebuild: set[str] = set()
        #: combined periods of new stations in villages that had none: written as covers by `finish`
        self._new_cover: dict[str, list[Period]] = defaultdict(list)
        #: villages some station serves besides its own: their covers always come from the registry
        self._served = set(conn.execute(select(StationVillage.village_code).distinct()).scalars())
        self._postgres = is_postgres(conn)
        #: counties whose write lock this import holds (PostgreSQL)
        self._locked: set[str] = set()
        #: the audit rows of this import (created stations, changed fields), written with each batch
        self._audit = AuditBatch(actor)
        #: an opening date as stored -> the day a new station's history starts from; a roster repeats
        #: its dates (a national one: ~1,500 distinct in 300,000 stations), and parsing each cost ~0.8 s
        self._last_days: dict[str, dt.date] = {}

    def _insert_many(self, rows: list[dict[str, Any]]) -> None:
        """Insert new stations with the history their row implies: one ``opened`` event and one span each.

        A new station's history is a single opening, so its span is written directly (the rules of
        `core.history.timeline` for one opening: from the opening's last day, else today, 日期缺失). Its
        village's cover is written once at the end of the import (`finish`): from the periods gathered
        here when the village had no station before and no other station serves it, else rebuilt from the
        registry (`history_store.rebuild_covers`). Reading covers back per batch cost the national import
        ~8 s of CPU.
        """
        now = clock.utc_stamp()
        insert_rows(self.conn, Station.__table__,  # type: ignore[arg-type]
                    [{**r, "created_at": now, "updated_at": now} for r in rows])
        created = self._audit.created
        for r in rows:
            audited = {f: r[f] for f in _AUDITED if r.get(f) is not None}
            served = self._new_served.get(r["code"])
            if served:
                audited["served"] = list(served)
            created("station", r["code"], r["village_code"], audited)
        event_rows: list[dict[str, Any]] = []
        span_rows: list[dict[str, Any]] = []
        opened_kind = EventKind.OPENED.value
        operating = StationStatus.OPERATING.value
        last_days = self._last_days
        for r in rows:
            code, stype, opened, village = r["code"], r.get("station_type"), r.get("opened"), r["village_code"]
            if opened is None:
                start = self.today
            elif (found := last_days.get(opened)) is not None:
                start = found
            else:
                start = last_days[opened] = PartialDate.parse_iso(opened).last_day
            combined = stype is not None and StationType(stype).is_combined
            event_rows.append({"station_code": code, "kind": opened_kind, "effective_on": start, "known": opened,
                               "new_type": stype, "recorded_on": self.today, "recorded_at": now,
                               "actor": self.actor.name})
            span_rows.append({"station_code": code, "start_on": start, "end_on": None, "status": operating,
                              "station_type": stype, "combined": combined, "date_missing": opened is None})
            if combined:
                if village in self._rebuild or village in self._served:
                    self._rebuild.add(village)
                else:
                    self._new_cover[village].append(Period(start, None, opened is None))
        insert_rows(self.conn, StationEvent.__table__, event_rows)  # type: ignore[arg-type]
        insert_rows(self.conn, StationSpan.__table__, span_rows)  # type: ignore[arg-type]
        if self._new_served:
            served_rows = [{"station_code": r["code"], "village_code": v}
                           for r in rows for v in self._new_served.pop(r["code"], ())]
            insert_rows(self.conn, StationVillage.__table__, served_rows)  # type: ignore[arg-type]

    def finish(self) -> None:
        """Write the covers of the villages that gained combined stations (after the last `flush`)."""
        rows: list[dict[str, Any]] = []
        for village, spans in sorted(self._new_cover.items()):
            if village in self._rebuild:
                continue
            rows.extend({"village_code": village, "start_on": p.start, "end_on": p.end, "date_missing": p.date_missing}
                        for p in (spans if len(spans) == 1 else union(spans)))
        insert_rows(self.conn, VillageCover.__table__, rows)  # type: ignore[arg-type]
        history_store.rebuild_covers(self.conn, sorted(self._rebuild), cover_guard(self.actor))
        self._new_cover.clear()
        self._rebuild.clear()

    def preload(self, prefixes: Iterable[str]) -> None:
        """Read the stored stations under the given code prefixes (e.g. the counties a roster touches)."""
        for prefix in prefixes:
            if prefix in self._loaded_prefixes or any(prefix.startswith(p) for p in self._loaded_prefixes):
                continue
            self._loaded_prefixes.add(prefix)
            cols = [Station.id, Station.code, Station.name, Station.name_key, Station.village_code,
                    *(getattr(Station, f) for f in STATION_FIELDS)]
            served = self._stored_served(prefix)
            for row in self.conn.execute(select(*cols).where(prefix_filter(Station.village_code, prefix))):
                stored = _Stored(row.id, row.code, row.name, row.name_key,
                                 {f: getattr(row, f) for f in STATION_FIELDS}, served.get(row.code, ()))
                self._by_village.setdefault(row.village_code, []).append(stored)
                self._note_seq(row.village_code, row.code)

    def _stored_served(self, prefix: str) -> dict[str, tuple[str, ...]]:
        """station code -> the villages it serves, sorted, for the stations under `prefix`."""
        served: dict[str, list[str]] = defaultdict(list)
        stmt = select(StationVillage.station_code, StationVillage.village_code).where(
            prefix_filter(StationVillage.station_code, prefix))
        for station, village in self.conn.execute(stmt):
            served[station].append(village)
        return {code: tuple(sorted(villages)) for code, villages in served.items()}

    def _note_seq(self, village: str, code: str) -> None:
        tail = code.rsplit("-", 1)[-1]
        if tail.isdigit():
            self._seq[village] = max(self._seq[village], int(tail))

    def _stations(self, village: str) -> list[_Stored]:
        if self._postgres and village[:COUNTY_DIGITS] not in self._locked:
            self._lock_county(village[:COUNTY_DIGITS])
        # One query per province touched (a county at a time was one query per county: 2,978 nationally).
        if village[:2] not in self._loaded_prefixes:
            self.preload([village[:2]])
        return self._by_village.setdefault(village, [])

    def _lock_county(self, county: str) -> None:
        """Take the county's write lock; what was read of it before the lock may be stale: read it again."""
        lock_counties(self.conn, [county])
        self._locked.add(county)
        if not any(county.startswith(p) for p in self._loaded_prefixes):
            return
        for village in [v for v in self._by_village if v.startswith(county)]:
            del self._by_village[village]
            self._seq.pop(village, None)
        cols = [Station.id, Station.code, Station.name, Station.name_key, Station.village_code,
                *(getattr(Station, f) for f in STATION_FIELDS)]
        served = self._stored_served(county)
        for row in self.conn.execute(select(*cols).where(prefix_filter(Station.village_code, county))):
            self._by_village.setdefault(row.village_code, []).append(
                _Stored(row.id, row.code, row.name, row.name_key, {f: getattr(row, f) for f in STATION_FIELDS},
                        served.get(row.code, ())))
            self._note_seq(row.village_code, row.code)

    def apply(self, village: str, data: StationInput, present: frozenset[str]) -> WriteOutcome:
        """Create or update the station of `village` that `data` describes.

        `present` names the STATION_FIELDS whose column the roster has, and "served" when it has that one.
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
            if any(s.id != -1 for s in stations):
                self._rebuild.add(village)
            self._seq[village] += 1
            code = f"{village}-{self._seq[village]:02d}"
            stored = {f: (new_values[f] if f in present else None) for f in STATION_FIELDS}
            self._inserts.append({**stored, "code": code, "village_code": village, "name": data.name,
                                  "name_key": key, "status": StationStatus.OPERATING.value,
                                  "recorded_on": self.today, "created_by": self.actor.name,
                                  "updated_by": self.actor.name})
            served = tuple(sorted(data.served)) if "served" in present and data.served else ()
            if served:
                self._new_served[code] = served
                self._served.update(served)
                self._rebuild.update(served)
            stations.append(_Stored(-1, code, data.name, key, stored, served, touched=True))
            if len(self._inserts) >= BATCH:
                self.flush()
            return WriteOutcome("created", code, warnings)
        match.touched = True
        changes = {f: new_values[f] for f in present
                   if f in new_values and new_values[f] is not None and new_values[f] != match.values.get(f)}
        if "station_type" in changes and match.id != -1:
            older = self._superseded_type(match.code, changes["station_type"])
            if older is not None:
                # The roster predates the history: the type it gives was replaced by a dated event since.
                warnings.append(("station.roster_older", {"code": match.code, "roster_type": changes["station_type"],
                                                          "current": str(match.values.get("station_type") or ""),
                                                          "since": older.isoformat()}))
                del changes["station_type"]
        if renamed:
            changes["name"] = data.name
            changes["name_key"] = key
        # Served villages are replaced as a set, as the editor does; an empty cell keeps what is stored.
        new_served = tuple(sorted(data.served)) if "served" in present and data.served else None
        served_changed = new_served is not None and new_served != match.served
        if not changes and not served_changed:
            return WriteOutcome("unchanged", match.code, warnings)
        diff: list[tuple[str, Any, Any]] = [(f, match.name if f == "name" else match.values.get(f), changes[f])
                                            for f in ("name", *STATION_FIELDS) if f in changes]
        if new_served is not None and served_changed:
            served = new_served
            diff.append(("served", list(match.served), list(served)))
            # replaced after the inserts of the same flush (a station created by an earlier row included)
            self._served_updates[match.code] = served
            # both the villages it served and those it serves now: their covers come from the registry
            self._served.update(served)
            self._rebuild.update((*match.served, *served))
            match.served = served
        self._audit.changed("station", match.code, village, {f: (old, new) for f, old, new in diff})
        match.values.update({k: v for k, v in changes.items() if k in STATION_FIELDS})
        if renamed:
            match.name, match.key = data.name, key
        self._updates.append({"b_code": match.code, **changes})
        if len(self._updates) >= BATCH:
            self.flush()
        return WriteOutcome("updated", match.code, warnings, diff)

    def _superseded_type(self, code: str, roster_type: str) -> dt.date | None:
        """The day the station stopped being `roster_type` (a merger or type change recorded since), when its
        history shows it was that type before; None when the roster's type is new to the station."""
        ended = self.conn.execute(select(StationSpan.end_on).where(
            StationSpan.station_code == code, StationSpan.station_type == roster_type,
            StationSpan.end_on.is_not(None)).order_by(StationSpan.end_on.desc())).first()
        if ended is None:
            return None
        current = self.conn.execute(select(StationSpan.station_type).where(
            StationSpan.station_code == code, StationSpan.start_on <= self.today,
            (StationSpan.end_on.is_(None)) | (StationSpan.end_on > self.today))).scalar()
        return None if current == roster_type else ended[0]

    def flush(self) -> None:
        self._flush_rows()
        self._audit.write(self.conn)

    def _flush_rows(self) -> None:
        if self._inserts:
            self._insert_many(self._inserts)
            self._inserts = []
        if self._updates:
            self._record_history(self._updates)
            now = clock.utc_stamp()
            # Rows with the same set of changed columns go in one executemany.
            groups: dict[tuple[str, ...], list[dict[str, Any]]] = defaultdict(list)
            for upd in self._updates:
                groups[tuple(sorted(k for k in upd if k != "b_code"))].append(upd)
            for cols, rows in groups.items():
                stmt = (update(Station).where(Station.code == bindparam("b_code"))
                        .values({**{c: bindparam(c) for c in cols}, "updated_at": now,
                                 "updated_by": self.actor.name, "version": Station.version + 1}))
                self.conn.execute(stmt, rows)
            dated = [u["b_code"] for u in self._updates if "opened" in u or "station_type" in u]
            if dated:
                history_store.refresh(self.conn, dated, today=self.today, guard=cover_guard(self.actor))
            self._updates = []
        if self._served_updates:
            codes = sorted(self._served_updates)
            for part in history_store.chunks(codes):
                self.conn.execute(delete(StationVillage).where(StationVillage.station_code.in_(part)))
            insert_rows(self.conn, StationVillage.__table__,  # type: ignore[arg-type]
                        [{"station_code": c, "village_code": v} for c in codes for v in self._served_updates[c]])
            self._served_updates = {}

    def _record_history(self, updates: list[dict[str, Any]]) -> None:
        """What a roster's changed values mean for the history, before the rows are updated.

        A new opening date corrects the station's opening event (the same fact, better known). A new type
        is a change from the day of the import (a 村邮站 that now also runs the express shop has been
        upgraded; the roster does not say when, so the registry vouches only from today); the opening
        event keeps the type it opened as, so earlier dates do not count as combined.
        """
        for upd in updates:
            if "opened" in upd:
                opened = upd["opened"]
                known = PartialDate.parse_iso(opened)
                history_store.correct_opening(self.conn, upd["b_code"], known, actor=self.actor.name,
                                              today=self.today)
            if "station_type" in upd:
                history_store.add_event(self.conn, Event.dated(upd["b_code"], EventKind.TYPE_CHANGED, None, self.today,
                                                               new_type=StationType(upd["station_type"])),
                                        actor=self.actor.name, note="roster")
