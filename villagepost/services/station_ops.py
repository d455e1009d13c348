"""Station use cases: add, edit, merge, suspend, close, reopen, undo — the editor's and the CLI's one path.

Every operation runs in one transaction on `reg.connection()`, names `reg.actor`, checks values with
`station_checks` (the import's rules) and the actor's scope, records history as events (never deleting
any), and rebuilds the derived spans and village covers of exactly the stations it touched
(`storage.history_store.refresh`) before it commits, so coverage always agrees with the history.

Dates: an event's date may be partial ("2024-03": counts from the last day of the month, DOMAIN.md §6)
and never lies after today. Status checks use the history on that date (a station closed in 2023 can
still be recorded as merged in 2022).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Connection, and_, delete, func, insert, select, update

from villagepost.core import clock
from villagepost.core.errors import KnownError
from villagepost.core.history import Event, EventKind, Span, timeline
from villagepost.core.messages import tr
from villagepost.core.stations import STATUS_ZH, StationStatus, StationType, join_items, name_key, stored_items
from villagepost.core.values import PartialDate, ValueProblem, parse_date, trim
from villagepost.services import station_audit
from villagepost.services.registry import Registry, retrying
from villagepost.services.station_checks import (
    FieldProblem,
    StationInvalid,
    check_place,
    check_village,
    clean_values,
    cover_guard,
    require_scope,
)
from villagepost.storage import history_store
from villagepost.storage.division_index import DivisionIndex
from villagepost.storage.locks import lock_counties, lock_stations
from villagepost.storage.models import Division, Station, StationEvent, StationEventPartner, StationVillage


@dataclass
class StationDraft:
    """A new station as typed: values are parsed and checked like roster cells (text or typed values)."""

    village_code: str
    name: str
    station_type: object = None
    coop: object = None
    operator: object = None
    contact: object = None
    phone: object = None
    lon: object = None
    lat: object = None
    opened: object = None
    services: object = None
    brands: object = None
    floor_area: object = None
    served: object = None
    notes: object = None
    #: a station being set up: no opening yet (status 筹建)
    planned: bool = False

    def values(self) -> dict[str, object]:
        names = ("name", "station_type", "coop", "operator", "contact", "phone", "lon", "lat", "opened", "services",
                 "brands", "floor_area", "served", "notes")
        return {n: getattr(self, n) for n in names if n == "name" or getattr(self, n) is not None}


def _today(today: dt.date | None) -> dt.date:
    return today or clock.today()


def _row(conn: Connection, code: str) -> Any:
    """The station's columns as a Core row (no ORM identity map to go stale inside our transaction)."""
    row = conn.execute(select(Station.__table__).where(Station.code == trim(code))).first()
    if row is None:
        raise KnownError("station.not_found", code=code)
    return row


def _locked_rows(conn: Connection, codes: Sequence[str], villages: Sequence[str] = ()) -> list[Any]:
    """The stations `codes`, read again after locking them and their counties (see `storage.locks`).

    On PostgreSQL a check made before the lock could be stale by the time we write: another clerk may
    have merged or closed the same station meanwhile. So read, lock (counties, then rows, each in code
    order), and read again; every check below uses the second reading. On SQLite the write lock is
    already held (BEGIN IMMEDIATE) and the locks are no-ops.
    """
    first = [_row(conn, c) for c in codes]
    lock_counties(conn, [*(r.village_code for r in first), *villages])
    lock_stations(conn, [r.code for r in first])
    return [_row(conn, r.code) for r in first]


def _bump(conn: Connection, codes: Sequence[str]) -> None:
    """A new version of each station (its history or its values changed): stale edits are refused."""
    conn.execute(update(Station).where(Station.code.in_(sorted(set(codes)))).values(version=Station.version + 1))


class StationStale(KnownError):
    """An edit started from an older version of the station than the one stored now (someone else saved)."""

    def __init__(self, row: Any, expected: int, conflicts: list[tuple[str, object, object]]) -> None:
        self.conflicts = conflicts
        self.version = int(row.version)
        self.expected = expected
        super().__init__("station.stale", code=row.code, expected=expected, version=row.version,
                         by=row.updated_by or "?", at=clock.local_text(row.updated_at),
                         details=self._details("en"))

    def _details(self, lang: str) -> str:
        from villagepost.services.station_messages import FIELD_LABELS

        def label(name: str) -> str:
            zh, en = FIELD_LABELS.get(name, (name, name))
            return en if lang == "en" else zh

        sep = "; " if lang == "en" else "；"
        colon = ": " if lang == "en" else "："
        return sep.join(f"{label(f)}{colon}{_shown(mine)} / {_shown(theirs)}" for f, mine, theirs in self.conflicts) \
            or "-"

    def message(self, lang: str = "zh") -> str:
        return tr("station.stale", lang, {**self.params, "details": self._details(lang)})

    def extra(self, lang: str = "zh") -> dict[str, Any]:
        return {"version": self.version, "expected": self.expected,
                "conflicts": [{"field": f, "yours": mine, "stored": theirs} for f, mine, theirs in self.conflicts]}


def _shown(value: object) -> str:
    return "（空）" if value is None or value == "" else str(value)


def _check_version(conn: Connection, row: Any, expected: int | None, wanted: Mapping[str, Any]) -> None:
    """Refuse the edit when the station moved on from version `expected`; name each field where the
    stored value differs from the value this edit wants (yours / stored)."""
    if expected is None or int(row.version) == int(expected):
        return
    conflicts: list[tuple[str, object, object]] = []
    for key, value in wanted.items():
        mine = join_items(value) if key in ("services", "brands") and value else value
        if key == "served":
            stored: object = sorted(conn.execute(select(StationVillage.village_code)
                                                 .where(StationVillage.station_code == row.code)).scalars())
        else:
            stored = row._mapping.get(key)
        if stored != mine:
            conflicts.append((key, mine, stored))
    raise StationStale(row, int(expected), conflicts)


def _name_taken(conn: Connection, village: str, name: str, *, other_than: str | None = None) -> str | None:
    stmt = select(Station.code).where(and_(Station.village_code == village, Station.name_key == name_key(name)))
    if other_than is not None:
        stmt = stmt.where(Station.code != other_than)
    return conn.execute(stmt).scalar()


def _next_code(conn: Connection, village: str) -> str:
    codes = conn.execute(select(Station.code).where(Station.village_code == village)).scalars().all()
    serials = [int(c.rsplit("-", 1)[1]) for c in codes if c.rsplit("-", 1)[-1].isdigit()]
    return f"{village}-{max(serials, default=0) + 1:02d}"


def _db_values(values: Mapping[str, Any]) -> dict[str, Any]:
    """Cleaned values as station columns (lists joined; `served` is a table of its own)."""
    out: dict[str, Any] = {}
    for key, value in values.items():
        if key == "served":
            continue
        if key in ("services", "brands"):
            out[key] = join_items(value)
        else:
            out[key] = value
    if "name" in out:
        out["name_key"] = name_key(out["name"])
    return out


def _check_served(index: DivisionIndex, reg: Registry, served: Sequence[str], village: str) -> list[FieldProblem]:
    problems: list[FieldProblem] = []
    for code in served:
        problems.extend(check_village(index, reg.actor, code, "served", own_village=village))
    return problems


@retrying
def add_station(reg: Registry, draft: StationDraft, *, today: dt.date | None = None) -> str:
    """Create a station with its opening (or planned) event; returns its new stable code."""
    day = _today(today)
    with reg.connection() as conn:
        index = DivisionIndex(conn)
        values, problems = clean_values(draft.values(), day)
        village = trim(str(draft.village_code))
        # the next code and the name check must see every station committed before ours (no two adds
        # in one county pick the same code)
        lock_counties(conn, [village, *values.get("served", [])])
        problems[:0] = check_village(index, reg.actor, village)
        problems.extend(_check_served(index, reg, values.get("served", []), village))
        problems.extend(check_place(village, values.get("lon"), values.get("lat")))
        if draft.planned and values.get("opened"):
            problems.append(FieldProblem("opened", "station.planned_has_date"))
        if not problems and "name" in values:
            taken = _name_taken(conn, village, values["name"])
            if taken:
                problems.append(FieldProblem("name", "station.name_taken",
                                             {"village": village, "name": values["name"], "code": taken}))
        if problems:
            raise StationInvalid(problems)
        code = _next_code(conn, village)
        mark = station_audit.last_event_id(conn)
        status = StationStatus.PLANNED if draft.planned else StationStatus.OPERATING
        conn.execute(insert(Station).values(
            code=code, village_code=village, status=status.value, recorded_on=day, created_by=reg.actor.name,
            updated_by=reg.actor.name, created_at=clock.utc_stamp(), updated_at=clock.utc_stamp(),
            **_db_values(values)))
        for served in values.get("served", []):
            conn.execute(insert(StationVillage).values(station_code=code, village_code=served))
        stype = None if values.get("station_type") is None else StationType(values["station_type"])
        opened = values.get("opened")
        known = None if opened is None else PartialDate.parse_iso(opened)
        kind = EventKind.PLANNED if draft.planned else EventKind.OPENED
        history_store.add_event(conn, Event.dated(code, kind, known, day, new_type=stype), actor=reg.actor.name)
        history_store.refresh(conn, [code], today=day, guard=cover_guard(reg.actor))
        station_audit.created(conn, reg.actor, code, village,
                              {**_db_values(values), "status": status.value, "served": values.get("served") or None})
        station_audit.events_since(conn, reg.actor, mark, [code])
        return code


@retrying
def edit_station(reg: Registry, code: str, changes: Mapping[str, object], *, on: object = None,
                 today: dt.date | None = None, expect_version: int | None = None) -> bool:
    """Change a station's values; returns False when nothing changed.

    A new type is a dated event (`on`, default today): the coverage before that day keeps the old type.
    A new opening date corrects the opening event. Served villages are replaced as a set. An empty value
    clears an optional field (the opening date too: the station becomes 日期缺失).
    expect_version: the version the edit started from (the editor's, `--expect-version`); when the station
    has been saved since, the edit is refused (`StationStale`) with the differing fields.
    """
    day = _today(today)
    with reg.connection() as conn:
        values, problems = clean_values(changes, day)
        (row,) = _locked_rows(conn, [code], [str(v) for v in values.get("served", []) or []])
        require_scope(reg.actor, row.village_code)
        _check_version(conn, row, expect_version, values)
        index = DivisionIndex(conn)
        old_served = sorted(conn.execute(select(StationVillage.village_code)
                                         .where(StationVillage.station_code == row.code)).scalars())
        if "served" in values:
            # villages kept as they were need no check: a township's staff may edit a station that a
            # county clerk made serve another township's village, but may not add or drop such a village
            added = [v for v in values["served"] if v not in old_served]
            problems.extend(_check_served(index, reg, added, row.village_code))
            problems.extend(FieldProblem("served", "station.unserve_out_of_scope",
                                         {"actor": reg.actor.name, "code": v, "scopes": reg.actor.scope_text()})
                            for v in old_served if v not in values["served"] and not reg.actor.may_touch(v))
        if "lon" in values or "lat" in values:  # the pair as it would be stored
            problems.extend(check_place(row.village_code, values.get("lon", row.lon), values.get("lat", row.lat)))
        if "name" in values:
            taken = _name_taken(conn, row.village_code, values["name"], other_than=row.code)
            if taken:
                problems.append(FieldProblem("name", "station.name_taken",
                                             {"village": row.village_code, "name": values["name"], "code": taken}))
        if "station_type" in values and values["station_type"] is None:
            values.pop("station_type")
        when: PartialDate | None = None
        if "station_type" in values and values["station_type"] != row.station_type:
            when = _event_date(on, day, problems, required=False)
        if problems:
            raise StationInvalid(problems)
        db = {k: v for k, v in _db_values(values).items() if getattr(row, k) != v}
        served_changed = "served" in values and values["served"] != old_served
        if not db and not served_changed:
            return False
        mark = station_audit.last_event_id(conn)
        audited = {k: (getattr(row, k), v) for k, v in db.items()}
        if served_changed:
            audited["served"] = (old_served, values["served"])
        type_changed = "station_type" in db
        opened_changed = "opened" in db
        if type_changed:
            db.pop("station_type")  # the history sets it (refresh), from the event's date on
            event = Event.dated(row.code, EventKind.TYPE_CHANGED, when, day,
                                new_type=StationType(values["station_type"]))
            _require_after_opening(conn, row.code, event.on, "on")
            history_store.add_event(conn, event, actor=reg.actor.name)
        if opened_changed:
            known = None if values["opened"] is None else PartialDate.parse_iso(values["opened"])
            history_store.correct_opening(conn, row.code, known, actor=reg.actor.name, today=day)
        if served_changed:
            # only the villages that change: the rows of those kept stay untouched (another township's
            # village kept as served needs no write the township's role may not make)
            gone = [v for v in old_served if v not in values["served"]]
            if gone:
                conn.execute(delete(StationVillage).where(StationVillage.station_code == row.code,
                                                          StationVillage.village_code.in_(gone)))
            for village in values["served"]:
                if village not in old_served:
                    conn.execute(insert(StationVillage).values(station_code=row.code, village_code=village))
        conn.execute(update(Station).where(Station.code == row.code).values(
            **db, updated_at=clock.utc_stamp(), updated_by=reg.actor.name, version=Station.version + 1))
        if type_changed or opened_changed or served_changed:
            history_store.refresh(conn, [row.code], today=day, extra_villages=old_served,
                                  guard=cover_guard(reg.actor))
        station_audit.edited(conn, reg.actor, row.code, row.village_code, audited)
        station_audit.events_since(conn, reg.actor, mark, [row.code])
        return True


def _event_date(value: object, today: dt.date, problems: list[FieldProblem], *, required: bool = True
                ) -> PartialDate | None:
    if value is None or (isinstance(value, str) and not trim(value)):
        if required:
            problems.append(FieldProblem("on", "station.date_required"))
        return None
    try:
        return parse_date(value, today)
    except ValueProblem as exc:
        problems.append(FieldProblem("on", exc.detail_key, exc.params))
        return None


def _spans(conn: Connection, code: str, today: dt.date) -> list[Span]:
    row = _row(conn, code)
    events = history_store.load_events(conn, [row.code]).get(row.code, [])
    stype = None if row.station_type is None else StationType(row.station_type)
    return timeline(events, row.recorded_on, stype, row.code)


def _status_on(spans: Sequence[Span], day: dt.date) -> StationStatus | None:
    for s in spans:
        if s.start <= day and (s.end is None or day < s.end):
            return s.status
    return None


def _opened_on(spans: Sequence[Span]) -> dt.date | None:
    return next((s.start for s in spans if s.status is not StationStatus.PLANNED), None)


def _require_after_opening(conn: Connection, code: str, day: dt.date, field_name: str) -> None:
    opened = _opened_on(_spans(conn, code, day))
    if opened is not None and day < opened:
        raise StationInvalid([FieldProblem(field_name, "station.before_opening",
                                           {"date": day.isoformat(), "opened": opened.isoformat()})])


def _status_text(status: StationStatus | None) -> str:
    return "未开通" if status is None else STATUS_ZH[status]


@retrying
def _dated_event(reg: Registry, code: str, kind: EventKind, on: object, *, note: str | None, today: dt.date | None,
                 allowed: tuple[StationStatus, ...], refusal: str) -> int:
    day = _today(today)
    with reg.connection() as conn:
        (row,) = _locked_rows(conn, [code])
        require_scope(reg.actor, row.village_code)
        problems: list[FieldProblem] = []
        known = _event_date(on, day, problems)
        if problems or known is None:
            raise StationInvalid(problems)
        spans = _spans(conn, row.code, day)
        status = _status_on(spans, known.last_day)
        opened = _opened_on(spans)
        if opened is not None and known.last_day < opened:
            raise StationInvalid([FieldProblem("on", "station.before_opening",
                                               {"date": known.iso, "opened": opened.isoformat()})])
        if status not in allowed:
            raise KnownError(refusal, code=row.code, date=known.iso, status=_status_text(status))
        event_id = history_store.add_event(conn, Event.dated(row.code, kind, known, day), actor=reg.actor.name,
                                           note=note)
        history_store.refresh(conn, [row.code], today=day, guard=cover_guard(reg.actor))
        _bump(conn, [row.code])
        station_audit.events(conn, reg.actor, [event_id])
        return event_id


def close_station(reg: Registry, code: str, on: object, *, note: str | None = None,
                  today: dt.date | None = None) -> int:
    """The station closed on `on` (it still served that day). Returns the event's id."""
    return _dated_event(reg, code, EventKind.CLOSED, on, note=note, today=today,
                        allowed=(StationStatus.OPERATING, StationStatus.SUSPENDED), refusal="station.not_operating")


def suspend_station(reg: Registry, code: str, on: object, *, note: str | None = None,
                    today: dt.date | None = None) -> int:
    """The station stopped for a while from the day after `on`."""
    return _dated_event(reg, code, EventKind.SUSPENDED, on, note=note, today=today,
                        allowed=(StationStatus.OPERATING,), refusal="station.not_operating")


def reopen_station(reg: Registry, code: str, on: object, *, note: str | None = None,
                   today: dt.date | None = None) -> int:
    """A suspended or closed station operates again from `on`."""
    return _dated_event(reg, code, EventKind.REOPENED, on, note=note, today=today,
                        allowed=(StationStatus.SUSPENDED, StationStatus.CLOSED), refusal="station.not_closed")


@retrying
def merge_stations(reg: Registry, successor: str, predecessors: Sequence[str], on: object, *,
                   new_type: object = None, note: str | None = None, today: dt.date | None = None) -> int:
    """A 村邮站 and a 快递超市 (or more stations) become one combined station on `on`: one event.

    The successor (often one of the two, upgraded) operates as `new_type` (default 村邮站+快递超市) from
    that day; each predecessor stops operating as itself that day and stays linked in the successor's
    history. Undo it with `undo_event` — history is never deleted.
    """
    day = _today(today)
    with reg.connection() as conn:
        head = _row(conn, successor)
        problems: list[FieldProblem] = []
        codes = [trim(c) for c in predecessors if trim(c)]
        if not codes:
            raise KnownError("station.merge_none")
        if head.code in codes:
            raise KnownError("station.merge_self")
        seen: set[str] = set()
        for c in codes:
            if c in seen:
                raise KnownError("station.merge_repeat", code=c)
            seen.add(c)
        # lock both sides, then check them as they are now: of two clerks merging the same predecessor at
        # once, the second sees the first's merger and is refused (station.not_operating)
        head, *rows = _locked_rows(conn, [head.code, *codes])
        for r in [head, *rows]:
            require_scope(reg.actor, r.village_code)
        for r in rows:
            if r.village_code[:6] != head.village_code[:6]:
                raise KnownError("station.merge_other_county", code=r.code, successor=head.code)
        known = _event_date(on, day, problems)
        stype = StationType.COMBINED
        if new_type is not None and not (isinstance(new_type, str) and not trim(new_type)):
            values, type_problems = clean_values({"station_type": new_type}, day)
            problems.extend(FieldProblem("new_type", p.key, p.params) for p in type_problems)
            if not type_problems:
                stype = StationType(values["station_type"])
                if not stype.is_combined:
                    problems.append(FieldProblem("new_type", "station.merge_type", {"value": stype.value}))
        if problems or known is None:
            raise StationInvalid(problems)
        date = known.last_day
        head_status = _status_on(_spans(conn, head.code, day), date)
        if head_status is StationStatus.CLOSED:
            raise KnownError("station.merge_closed", code=head.code, date=known.iso)
        for r in rows:
            spans = _spans(conn, r.code, day)
            status = _status_on(spans, date)
            if status is None:
                raise KnownError("station.not_open_yet", code=r.code, date=known.iso,
                                 opened=r.opened or r.recorded_on.isoformat())
            if status not in (StationStatus.OPERATING, StationStatus.SUSPENDED):
                raise KnownError("station.not_operating", code=r.code, date=known.iso, status=_status_text(status))
        event = Event.dated(head.code, EventKind.MERGED, known, day, partners=[r.code for r in rows], new_type=stype)
        event_id = history_store.add_event(conn, event, actor=reg.actor.name, note=note)
        history_store.refresh(conn, [head.code, *[r.code for r in rows]], today=day,
                              guard=cover_guard(reg.actor))
        _bump(conn, [head.code, *[r.code for r in rows]])
        station_audit.events(conn, reg.actor, [event_id])
        return event_id


@retrying
def undo_event(reg: Registry, event_id: int, *, note: str | None = None, today: dt.date | None = None) -> int:
    """Revert an earlier event by recording an ``undone`` event (the reverted one stays in the history)."""
    day = _today(today)
    with reg.connection() as conn:
        original = conn.execute(select(StationEvent.__table__).where(StationEvent.id == int(event_id))).first()
        if original is None:
            raise KnownError("station.event_unknown", event=event_id)
        partners = tuple(sorted(conn.execute(select(StationEventPartner.station_code)
                                             .where(StationEventPartner.event_id == original.id)).scalars()))
        involved = [original.station_code, *partners]
        for r in _locked_rows(conn, involved):
            require_scope(reg.actor, r.village_code)
        by = conn.execute(select(func.max(StationEvent.id)).where(and_(
            StationEvent.kind == EventKind.UNDONE.value, StationEvent.reverts == original.id))).scalar()
        if by is not None and not _reverted(conn, by):
            raise KnownError("station.event_reverted", event=original.id, by=by)
        event = history_store.event_from_row(original, partners).undo(
            seq=original.id + 1 if by is None else by + 1, recorded_on=day)
        new_id = history_store.add_event(conn, event, actor=reg.actor.name, note=note)
        history_store.refresh(conn, involved, today=day, guard=cover_guard(reg.actor))
        _bump(conn, involved)
        station_audit.events(conn, reg.actor, [new_id])
        return new_id


def _reverted(conn: Connection, event_id: int) -> bool:
    """True when an effective undo reverts `event_id` (undos can themselves be undone)."""
    undo = conn.execute(select(StationEvent.id).where(and_(
        StationEvent.kind == EventKind.UNDONE.value, StationEvent.reverts == event_id))
        .order_by(StationEvent.id.desc())).scalars().all()
    return any(not _reverted(conn, u) for u in undo)


# --- reading ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class HistoryEntry:
    """One event as the history view lists it."""

    id: int
    kind: str
    station: str
    date: str | None
    effective_on: str
    new_type: str | None
    partners: tuple[str, ...]
    reverts: int | None
    reverted_by: int | None
    recorded_on: str
    actor: str
    note: str | None

    @property
    def date_missing(self) -> bool:
        return self.date is None and self.kind != EventKind.UNDONE.value


@dataclass(frozen=True)
class StationDetails:
    """Everything the editor, `station show` and the checklist print about one station."""

    code: str
    village_code: str
    village_path: tuple[tuple[str, str], ...]
    name: str
    station_type: str | None
    status: str
    status_since: str | None
    coop: str | None
    operator: str | None
    contact: str | None
    phone: str | None
    lon: float | None
    lat: float | None
    opened: str | None
    services: tuple[str, ...]
    brands: tuple[str, ...]
    floor_area: float | None
    served: tuple[tuple[str, str], ...]
    notes: str | None
    recorded_on: str
    updated_at: str
    updated_by: str
    history: tuple[HistoryEntry, ...] = field(default=())
    #: the stored version: an edit carries it back (`expect_version`) so a stale save is refused
    version: int = 1

    @property
    def date_missing(self) -> bool:
        """日期缺失: no opening date, so coverage counts only from the day it was recorded."""
        return self.opened is None and self.status != StationStatus.PLANNED.value

    def to_json(self) -> dict[str, Any]:
        return {
            "code": self.code, "village_code": self.village_code,
            "village_path": [{"code": c, "name": n} for c, n in self.village_path], "name": self.name,
            "type": self.station_type, "status": self.status, "status_since": self.status_since, "coop": self.coop,
            "operator": self.operator, "contact": self.contact, "phone": self.phone, "lon": self.lon, "lat": self.lat,
            "opened": self.opened, "date_missing": self.date_missing, "services": list(self.services),
            "brands": list(self.brands), "floor_area": self.floor_area,
            "served": [{"code": c, "name": n} for c, n in self.served], "notes": self.notes,
            "recorded_on": self.recorded_on, "updated_at": self.updated_at, "updated_by": self.updated_by,
            "version": self.version,
            "history": [{"id": h.id, "kind": h.kind, "station": h.station, "date": h.date,
                         "effective_on": h.effective_on, "date_missing": h.date_missing, "new_type": h.new_type,
                         "partners": list(h.partners), "reverts": h.reverts, "reverted_by": h.reverted_by,
                         "recorded_on": h.recorded_on, "actor": h.actor, "note": h.note} for h in self.history],
        }


def _names(conn: Connection, codes: Sequence[str]) -> dict[str, str]:
    if not codes:
        return {}
    return {code: name for code, name in conn.execute(select(Division.code, Division.name)
                                                       .where(Division.code.in_(list(codes))))}


def history(conn: Connection, code: str) -> list[HistoryEntry]:
    """The station's events (its own and the mergers naming it), in recording order, undos resolved."""
    events = history_store.load_events(conn, [code]).get(code, [])
    ids = [e.seq for e in events]
    meta = {}
    if ids:
        meta = {r.id: r for r in conn.execute(select(StationEvent.id, StationEvent.actor, StationEvent.note)
                                              .where(StationEvent.id.in_(ids)))}
    reverted_by: dict[int, int] = {}
    for e in sorted(events, key=lambda e: e.seq, reverse=True):  # later undos decide earlier ones
        if e.kind is EventKind.UNDONE and e.seq not in reverted_by and e.reverts is not None:
            reverted_by[e.reverts] = e.seq
    out = []
    for e in events:
        out.append(HistoryEntry(
            e.seq, e.kind.value, e.station, None if e.known is None else e.known.iso, e.on.isoformat(),
            None if e.new_type is None else e.new_type.value, e.partners, e.reverts, reverted_by.get(e.seq),
            (e.recorded_on or e.on).isoformat(), meta[e.seq].actor if e.seq in meta else "",
            meta[e.seq].note if e.seq in meta else None))
    return out


def station_details(reg: Registry, code: str) -> StationDetails:
    with reg.reading() as conn:
        row = _row(conn, code)
        path_codes = [row.village_code[:n] for n in (2, 4, 6, 9, 12)]
        names = _names(conn, path_codes)
        served = sorted(conn.execute(select(StationVillage.village_code)
                                     .where(StationVillage.station_code == row.code)).scalars())
        served_names = _names(conn, served)
        return StationDetails(
            row.code, row.village_code, tuple((c, names.get(c, "")) for c in path_codes if c in names), row.name,
            row.station_type, row.status, None if row.status_since is None else row.status_since.isoformat(), row.coop,
            row.operator, row.contact, row.phone, row.lon, row.lat, row.opened, tuple(stored_items(row.services)),
            tuple(stored_items(row.brands)), row.floor_area, tuple((c, served_names.get(c, "")) for c in served),
            row.notes, row.recorded_on.isoformat(), clock.local_text(row.updated_at), row.updated_by,
            tuple(history(conn, row.code)), int(row.version))
