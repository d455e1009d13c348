"""Station histories in the registry, and the tables derived from them.

The events (`station_event`, `station_event_partner`) are the truth and are never deleted. Two tables
are derived from them and rebuilt, in the writer's transaction, for exactly the stations a write
touched: `station_span` (status and type over time, `core.history.timeline`) and `village_cover`
(each village's disjoint periods of being served by an operating combined station). The station row's
`status`, `station_type` and `status_since` are kept equal to the history's state today.

Why derived tables rather than replaying events on each query: coverage of 620k villages on any date
must be one GROUP BY (issue 5: national by county < 250 ms); replaying 300k histories takes seconds.
Why in the same transaction: a coverage figure must never disagree with the history it comes from.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, Connection, Row, and_, bindparam, delete, insert, or_, select, update
from sqlalchemy.orm import Session

from villagepost.core import clock
from villagepost.core.history import ONE_DAY, Event, EventKind, Period, Span, timeline, union
from villagepost.core.stations import StationStatus, StationType
from villagepost.core.values import PartialDate
from villagepost.storage.bulk import insert_rows
from villagepost.storage.locks import lock_counties
from villagepost.storage.models import (
    Division,
    Station,
    StationEvent,
    StationEventPartner,
    StationSpan,
    StationVillage,
    VillageCover,
)
from villagepost.storage.queries import prefix_filter

#: codes per IN list (SQLite's default limit is far higher; this keeps statements small on both)
CHUNK = 900


def chunks(items: Sequence[str], size: int = CHUNK) -> Iterator[Sequence[str]]:
    for i in range(0, len(items), size):
        yield items[i : i + size]


@dataclass(frozen=True, slots=True)
class StationState:
    """What the derivation needs of a station row."""

    code: str
    village: str
    recorded_on: dt.date
    station_type: StationType | None
    status: str
    status_since: dt.date | None
    served: tuple[str, ...] = ()


#: value -> member: an enum's call costs ~3 µs, and a whole-registry check converts ~0.5 M values
_TYPES = {t.value: t for t in StationType}
_KINDS = {k.value: k for k in EventKind}


def _type(value: str | None) -> StationType | None:
    return None if value is None else _TYPES[value]


def event_from_row(row: StationEvent | Row[Any], partners: tuple[str, ...]) -> Event:
    """A core `Event` from a `station_event` row (ORM object or Core row with the same names)."""
    known = row.known
    return Event(row.station_code, _KINDS[row.kind], row.effective_on,
                 None if known is None else PartialDate.parse_iso(known), partners,
                 _type(row.new_type), row.id, row.reverts,
                 row.recorded_on)


def _per_part(column: Any, codes: Sequence[str] | None) -> Iterator[list[ColumnElement[bool]]]:
    """The WHERE of each query reading `codes`: IN lists of CHUNK codes; None: one query for every row."""
    if codes is None:
        yield []
        return
    for part in chunks(codes):
        yield [column.in_(part)]


def load_states(conn: Connection, codes: Sequence[str] | None) -> dict[str, StationState]:
    """The stations `codes` (None: every station) as the derivation needs them."""
    served: dict[str, list[str]] = defaultdict(list)
    for where in _per_part(StationVillage.station_code, codes):
        for s_code, v_code in conn.execute(select(StationVillage.station_code, StationVillage.village_code)
                                           .where(*where)):
            served[s_code].append(v_code)
    out: dict[str, StationState] = {}
    cols = (Station.code, Station.village_code, Station.recorded_on, Station.station_type, Station.status,
            Station.status_since)
    for where in _per_part(Station.code, codes):
        for code, village, recorded, stype, status, since in conn.execute(select(*cols).where(*where)):
            out[code] = StationState(code, village, recorded, _type(stype), status, since,
                                     tuple(sorted(served.get(code, ()))))
    return out


def load_events(conn: Connection, codes: Sequence[str] | None, *, recorded_until: dt.datetime | None = None
                ) -> dict[str, list[Event]]:
    """Every event involving each of `codes` (its own, and the mergers and undos naming it), by code;
    None: every event of the registry (one read of each table, for the whole-registry check).

    recorded_until: only the events recorded at or before this instant (naive UTC, as stored): the
    history as the registry knew it then (`storage.replay`).
    """
    partners: dict[int, list[str]] = defaultdict(list)
    rows: list[Row[Any]] = []
    events = select(*StationEvent.__table__.c)
    if recorded_until is not None:
        events = events.where(StationEvent.recorded_at <= recorded_until)
    if codes is None:
        for event_id, s_code in conn.execute(select(StationEventPartner.event_id, StationEventPartner.station_code)):
            partners[event_id].append(s_code)
        rows.extend(conn.execute(events))
    else:
        ids: set[int] = set()
        for part in chunks(codes):
            ids.update(conn.execute(select(StationEvent.id).where(StationEvent.station_code.in_(part))).scalars())
            ids.update(conn.execute(select(StationEventPartner.event_id)
                                    .where(StationEventPartner.station_code.in_(part))).scalars())
        for part in chunks([str(i) for i in sorted(ids)]):
            numbers = [int(i) for i in part]
            for event_id, s_code in conn.execute(select(StationEventPartner.event_id,
                                                        StationEventPartner.station_code)
                                                 .where(StationEventPartner.event_id.in_(numbers))):
                partners[event_id].append(s_code)
            rows.extend(conn.execute(events.where(StationEvent.id.in_(numbers))))
    wanted = None if codes is None else set(codes)
    out: dict[str, list[Event]] = defaultdict(list)
    for row in rows:
        event = event_from_row(row, tuple(sorted(partners[row.id])) if row.id in partners else ())
        for code in {event.station, *event.partners}:
            if wanted is None or code in wanted:
                out[code].append(event)
    for listed in out.values():
        listed.sort(key=lambda e: e.seq)
    return out


def add_event(conn: Connection, event: Event, *, actor: str, note: str | None = None) -> int:
    """Record `event` (its `seq` is ignored: the new row's id is its recording number); returns the id."""
    values = {"station_code": event.station, "kind": event.kind.value, "effective_on": event.on,
              "known": None if event.known is None else event.known.iso,
              "new_type": None if event.new_type is None else event.new_type.value,
              "reverts": event.reverts, "recorded_on": event.recorded_on or event.on, "recorded_at": clock.utc_stamp(),
              "actor": actor, "note": note}
    event_id = conn.execute(insert(StationEvent).values(values)).inserted_primary_key[0]  # type: ignore[index]
    if event.partners:
        insert_rows(conn, StationEventPartner.__table__,  # type: ignore[arg-type]
                    [{"event_id": event_id, "station_code": p} for p in event.partners])
    return int(event_id)


#: the note on the two events that correct an opening date
CORRECTION_NOTE = "更正开通日期 / opening date corrected"


def _current_opening(conn: Connection, code: str) -> StationEvent | None:
    """The station's opening event that counts now (the earliest not reverted), or None."""
    reverted = set(conn.execute(select(StationEvent.reverts).where(
        and_(StationEvent.station_code == code, StationEvent.kind == EventKind.UNDONE.value))).scalars())
    rows = Session(bind=conn).execute(select(StationEvent).where(
        and_(StationEvent.station_code == code, StationEvent.kind == EventKind.OPENED.value))
        .order_by(StationEvent.effective_on, StationEvent.id)).scalars().all()
    return next((r for r in rows if r.id not in reverted), None)


def correct_opening(conn: Connection, code: str, known: PartialDate | None, *, actor: str = "",
                    today: dt.date | None = None) -> None:
    """The station opened on `known` after all (None: the date is not known after all).

    A correction is a new fact, never an edit in place: the opening event that counted so far is
    superseded — an ``undone`` event reverts it and a new ``opened`` event carries the corrected date
    (and the type it opened as), both recorded now. Coverage today uses the corrected date; coverage
    "as recorded on" an earlier day (`--as-recorded-on`) still shows what was reported then. A station
    that never opened (planned) simply gets an opening event.
    """
    day = today or clock.today()
    old = _current_opening(conn, code)
    if old is None:
        if known is not None:
            add_event(conn, Event(code, EventKind.OPENED, known.last_day, known, recorded_on=day), actor=actor)
        return
    if (old.known or None) == (None if known is None else known.iso):
        return
    new_type = _type(old.new_type)
    add_event(conn, Event(code, EventKind.UNDONE, day, None, (), None, 0, old.id, day), actor=actor,
              note=CORRECTION_NOTE)
    if known is None:  # dateless: counts from the day the station was recorded (DOMAIN.md §6)
        recorded = conn.execute(select(Station.recorded_on).where(Station.code == code)).scalar_one()
        add_event(conn, Event(code, EventKind.OPENED, recorded, None, (), new_type, 0, None, day), actor=actor,
                  note=CORRECTION_NOTE)
    else:
        add_event(conn, Event(code, EventKind.OPENED, known.last_day, known, (), new_type, 0, None, day),
                  actor=actor, note=CORRECTION_NOTE)


def status_since(spans: Sequence[Span], current: Span, events: Iterable[Event], station: str) -> dt.date | None:
    """The day the current suspension or closure began, as people say it (the day of the event)."""
    if current.status not in (StationStatus.SUSPENDED, StationStatus.CLOSED):
        return None
    for event in events:
        if event.kind is EventKind.MERGED and event.station != station and event.on == current.start:
            return event.on
    return current.start - ONE_DAY


def derive(states: Mapping[str, StationState], events: Mapping[str, Sequence[Event]]
           ) -> dict[str, list[Span]]:
    """Each station's timeline from its events (a station without events has none)."""
    return {code: timeline(events.get(code, ()), st.recorded_on, st.station_type, code)
            for code, st in states.items()}


def refresh(conn: Connection, codes: Iterable[str], *, today: dt.date, extra_villages: Iterable[str] = (),
            fresh: bool = False, states: Mapping[str, StationState] | None = None,
            events: Mapping[str, Sequence[Event]] | None = None,
            guard: Callable[[Sequence[str]], None] | None = None) -> None:
    """Rebuild the spans, the covers of the villages they serve, and the station rows' current state.

    extra_villages: villages whose cover may have changed besides those the stations serve now (a
        village a station no longer serves). fresh: the stations are new in this transaction (no old
        spans to delete). states / events: what the caller already holds, to skip reading it back.
        guard: see `rebuild_covers` (the writer's scope check on the covers that change).
    """
    code_list = sorted(set(codes))
    if not code_list and not extra_villages:
        return
    states = states if states is not None else load_states(conn, code_list)
    events = events if events is not None else load_events(conn, code_list)
    spans = derive(states, events)
    if not fresh:
        for part in chunks(code_list):
            conn.execute(delete(StationSpan).where(StationSpan.station_code.in_(part)))
    insert_rows(conn, StationSpan.__table__, [  # type: ignore[arg-type]
        {"station_code": code, "start_on": s.start, "end_on": s.end, "status": s.status.value,
         "station_type": None if s.station_type is None else s.station_type.value, "combined": s.active,
         "date_missing": s.date_missing}
        for code, own in spans.items() for s in own])
    _update_current(conn, states, spans, events, today)
    villages = {st.village for st in states.values()} | {v for st in states.values() for v in st.served}
    villages.update(extra_villages)
    lock_counties(conn, villages)  # held already by every writer but one that reaches a further county
    rebuild_covers(conn, sorted(villages), guard)


def _update_current(conn: Connection, states: Mapping[str, StationState], spans: Mapping[str, list[Span]],
                    events: Mapping[str, Sequence[Event]], today: dt.date) -> None:
    changes: list[dict[str, object]] = []
    for code, own in spans.items():
        if not own:
            continue
        state = states[code]
        current = next((s for s in own if s.start <= today and (s.end is None or today < s.end)), None)
        if current is None:  # everything lies ahead (a planned opening): planned until then
            status, stype, since = StationStatus.PLANNED.value, own[0].station_type or state.station_type, None
        else:
            status = current.status.value
            stype = current.station_type or state.station_type
            since = status_since(own, current, events.get(code, ()), code)
        if (status, stype, since) != (state.status, state.station_type, state.status_since):
            changes.append({"b_code": code, "status": status, "station_type": None if stype is None else stype.value,
                            "status_since": since})
    if changes:
        conn.execute(update(Station).where(Station.code == bindparam("b_code"))
                     .values(status=bindparam("status"), station_type=bindparam("station_type"),
                             status_since=bindparam("status_since")), changes)


def _active_spans(conn: Connection, villages: Sequence[str]) -> Iterator[tuple[str, dt.date, dt.date | None, bool]]:
    """(village, start, end, date_missing) of every combined span of a station serving one of `villages`.

    IN lists over the indexed village columns: a roster import calls this once per batch of stations,
    and reading a whole province per batch made the national import quadratic (40 s instead of 20).
    """
    own = (select(Station.village_code, StationSpan.start_on, StationSpan.end_on, StationSpan.date_missing)
           .join(Station, Station.code == StationSpan.station_code).where(StationSpan.combined.is_(True)))
    served = (select(StationVillage.village_code, StationSpan.start_on, StationSpan.end_on, StationSpan.date_missing)
              .join(StationSpan, StationSpan.station_code == StationVillage.station_code)
              .where(StationSpan.combined.is_(True)))
    for part in chunks(villages):
        for stmt in (own.where(Station.village_code.in_(part)), served.where(StationVillage.village_code.in_(part))):
            for row in conn.execute(stmt):
                yield row[0], row[1], row[2], bool(row[3])


def rebuild_covers(conn: Connection, villages: Sequence[str],
                   guard: Callable[[Sequence[str]], None] | None = None) -> None:
    """Recompute `village_cover` for `villages` from the spans (retired units hold no cover).

    Only the villages whose periods change are written. Why: a station may serve a village of another
    township, and an edit that leaves that village's cover as it was must not need to write it — on
    PostgreSQL the township's role may not (row-level security), and it has no reason to.
    guard: called with the villages about to be rewritten, before any write; it may refuse (raise).
    """
    if not villages:
        return
    periods: dict[str, list[Period]] = defaultdict(list)
    for village, start, end, missing in _active_spans(conn, villages):
        periods[village].append(Period(start, end, missing))
    retired: set[str] = set()
    for part in chunks(sorted(periods)):
        retired.update(conn.execute(select(Division.code).where(and_(Division.code.in_(part),
                                                                     Division.retired.is_(True)))).scalars())
    wanted: dict[str, list[tuple[dt.date, dt.date | None, bool]]] = {}
    for village in sorted(periods):
        if village in retired:
            continue
        spans = periods[village]
        joined = spans if len(spans) == 1 else union(spans)
        wanted[village] = [(p.start, p.end, p.date_missing) for p in joined]
    stored: dict[str, list[tuple[dt.date, dt.date | None, bool]]] = defaultdict(list)
    for part in chunks(villages):
        for row in conn.execute(select(VillageCover.village_code, VillageCover.start_on, VillageCover.end_on,
                                       VillageCover.date_missing).where(VillageCover.village_code.in_(part))):
            stored[row[0]].append((row[1], row[2], bool(row[3])))
    changed = [v for v in villages if sorted(stored.get(v, [])) != sorted(wanted.get(v, []))]
    if guard is not None and changed:
        guard(changed)
    for part in chunks(changed):
        conn.execute(delete(VillageCover).where(VillageCover.village_code.in_(part)))
    insert_rows(conn, VillageCover.__table__, [  # type: ignore[arg-type]
        {"village_code": village, "start_on": start, "end_on": end, "date_missing": missing}
        for village in changed for start, end, missing in wanted.get(village, [])])


def rebuild_all(conn: Connection, *, today: dt.date, scope: str = "") -> int:
    """Rebuild every derived row under `scope` from the events (repair, and the upgrade to schema 0002).

    Stations without any event (written before histories existed) first get the events their row
    implies (`core.history.events_from_record`). Returns the stations rebuilt.
    """
    from villagepost.core.history import StationRecord, events_from_record

    cond = prefix_filter(Station.village_code, scope) if scope else None
    stmt = select(Station.code, Station.village_code, Station.station_type, Station.status, Station.recorded_on,
                  Station.opened, Station.status_since)
    rows = conn.execute(stmt.where(cond) if cond is not None else stmt).all()
    codes = [r.code for r in rows]
    with_events: set[str] = set()
    for part in chunks(codes):
        with_events.update(conn.execute(select(StationEvent.station_code).where(StationEvent.station_code.in_(part))
                                        .distinct()).scalars())
    missing = []
    for r in rows:
        if r.code in with_events:
            continue
        record = StationRecord(r.code, r.village_code, _type(r.station_type), StationStatus(r.status), r.recorded_on,
                               None if r.opened is None else PartialDate.parse_iso(r.opened), r.status_since)
        for e in events_from_record(record):
            missing.append({"station_code": e.station, "kind": e.kind.value, "effective_on": e.on,
                            "known": None if e.known is None else e.known.iso,
                            "new_type": None if e.new_type is None else e.new_type.value, "reverts": None,
                            "recorded_on": r.recorded_on, "recorded_at": clock.utc_stamp(), "actor": "",
                            "note": None})
    insert_rows(conn, StationEvent.__table__, missing)  # type: ignore[arg-type]
    if cond is not None:
        conn.execute(delete(VillageCover).where(prefix_filter(VillageCover.village_code, scope)))
    else:
        conn.execute(delete(VillageCover))
    refresh(conn, codes, today=today)
    return len(codes)


def stations_serving(conn: Connection, villages: Sequence[str]) -> list[str]:
    """Codes of the stations standing in or serving any of `villages`."""
    out: set[str] = set()
    for part in chunks(villages):
        out.update(conn.execute(select(Station.code).where(or_(
            Station.village_code.in_(part),
            Station.code.in_(select(StationVillage.station_code).where(StationVillage.village_code.in_(part))),
        ))).scalars())
    return sorted(out)


def stations_villages(conn: Connection, provinces: Sequence[str]) -> list[str]:
    """The villages of `provinces` holding a cover row (those a division change can affect)."""
    out: set[str] = set()
    for province in provinces:
        out.update(conn.execute(select(VillageCover.village_code)
                                .where(prefix_filter(VillageCover.village_code, province))).scalars())
    return sorted(out)
