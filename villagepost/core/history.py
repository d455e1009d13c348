"""A station's history as dated events, and the periods in which it operates as a combined station.

Why events and not a status column: the pacing curve asks "was this village covered on 2023-06-30?",
and a merger (a 村邮站 and a 快递超市 becoming one combined station, DOMAIN.md §3) must keep both
predecessors in the successor's history. A status column only knows today.

The rules `periods` applies (DOMAIN.md §6, issue items 2-3):

* **Effective date.** A date known to the day counts from that day; one known only to the month or
  the year counts from the *last* day of that month or year (`PartialDate.last_day`): a station
  that opened "in 2024-03" is certainly open on 2024-03-31, not necessarily on 2024-03-01, and the
  curve must not claim coverage earlier than the registry can vouch for. An event without any
  known date counts from the day it was recorded (`Event.on`); an ``opened`` without a date counts
  from the station's `recorded_on`, and the resulting period is flagged `date_missing` (日期缺失) so
  lists and reports can say so.
* **Operating on D** means opened or merged on or before D and not closed before D: a station closed
  (or suspended) on D still served that day, so its period ends at D + 1 (half-open). A station
  absorbed by a merger on D stops on D, because from D its service is the successor's.
* **Merged** is one operation: one event on the successor naming every predecessor in `partners`.
  The successor operates as `new_type` (default 村邮站+快递超市) from D; each predecessor that is not
  the successor stops on D. A predecessor that was only a 村邮站 or a 快递超市 never covered anything,
  so only combined predecessors lose a period there. Both predecessors stay in the successor's
  history because the event names them.
* **Undo.** An undo is a later ``undone`` event that `reverts` an earlier event by its `seq`; nothing
  is ever deleted. Once the undo is recorded, the reverted event no longer counts *at all*, on any
  date, past ones included — as if it had never happened. Why: an undo is a correction ("this merger
  was entered by mistake" / "it never took place"), and the coverage of 2023 as we know it today
  must not contain a merger we know did not happen. A merger that really happened and later fell
  apart is not undone: it is followed by a ``type_changed`` or ``closed`` event, which only affects
  dates after it. What was reported before the correction can still be reproduced: `as_known_on`
  drops the events recorded after a given day (the undo among them), so the reverted event counts
  again in that view. An undo can itself be undone (the original event counts again).
* **Same-day order.** Events on the same effective date are applied in the lifecycle order
  planned < opened < merged < type_changed < suspended < reopened < closed, then by `seq`
  (recording order). Why a fixed order rather than recording order alone: rosters and imports record
  same-day facts in arbitrary order, and "opened and closed on the same day" must mean "served that
  day", never "closed, then open forever"; likewise suspended and reopened on one day means it kept
  going. Recording order only breaks ties between events of the same kind.
* **Type.** A station is taken to be of its `current_type` until an event dated earlier says
  otherwise: an ``opened``/``planned`` event's `new_type` (the type it opened as), a ``merged`` (the
  successor becomes `new_type`, default 村邮站+快递超市) or a ``type_changed``, each from its date.
  Why not infer the earlier type from later events ("it was merged in 2024, so before it was no
  combined station"): that would make coverage on a date depend on events after it. So the storage
  layer must put the opening type on the ``opened`` event whenever the type has changed since —
  a 村邮站 that became combined by a merger opened as a 村邮站, and without saying so its years as a
  村邮站 would count as combined. `events_from_record` always does.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum

from villagepost.core.stations import StationStatus, StationType
from villagepost.core.values import PartialDate

ONE_DAY = dt.timedelta(days=1)


class EventKind(StrEnum):
    PLANNED = "planned"
    OPENED = "opened"
    MERGED = "merged"
    TYPE_CHANGED = "type_changed"
    SUSPENDED = "suspended"
    REOPENED = "reopened"
    CLOSED = "closed"
    UNDONE = "undone"


#: Same-day application order (see the module docstring); `undone` events have no effect of their own.
SAME_DAY_RANK: Mapping[EventKind, int] = {
    EventKind.PLANNED: 0,
    EventKind.OPENED: 1,
    EventKind.MERGED: 2,
    EventKind.TYPE_CHANGED: 3,
    EventKind.SUSPENDED: 4,
    EventKind.REOPENED: 5,
    EventKind.CLOSED: 6,
    EventKind.UNDONE: 7,
}

#: Events after which a station operates, so a dateless one makes the period it starts 日期缺失.
_STARTING = frozenset({EventKind.OPENED, EventKind.MERGED, EventKind.REOPENED})


@dataclass(frozen=True, slots=True)
class Event:
    """One dated fact of a station's history.

    station: the key of the station the event is about (for ``merged``: the successor).
    kind: what happened.
    on: the effective date — `known.last_day` when a date is known (enforced), else the day the
        event was recorded.
    known: the date as the township gave it (day, month or year precision), or None (日期缺失).
    partners: for ``merged``, the predecessors' keys (not the successor's own key); empty otherwise.
    new_type: for ``merged`` and ``type_changed`` the type from `on`; for ``opened``/``planned``
        optionally the type the station opened as.
    seq: recording order, unique within a registry (the storage's event id); an undo names it.
    reverts: for ``undone``, the `seq` of the event it cancels.
    recorded_on: the day the event was entered, for `as_known_on`; None when unknown (always counts).
    """

    station: str
    kind: EventKind
    on: dt.date
    known: PartialDate | None = None
    partners: tuple[str, ...] = ()
    new_type: StationType | None = None
    seq: int = 0
    reverts: int | None = None
    recorded_on: dt.date | None = None

    def __post_init__(self) -> None:
        if self.known is not None and self.on != self.known.last_day:
            raise ValueError(f"effective date {self.on} is not the last day of {self.known}")
        if (self.kind is EventKind.UNDONE) != (self.reverts is not None):
            raise ValueError("an 'undone' event, and only it, names the event it reverts")
        if self.partners and self.kind not in (EventKind.MERGED, EventKind.UNDONE):
            raise ValueError("only a merger names partner stations")
        if self.kind is EventKind.MERGED and (not self.partners or self.station in self.partners):
            raise ValueError("a merger names its predecessors, other than the successor")
        if self.kind is EventKind.TYPE_CHANGED and self.new_type is None:
            raise ValueError("a type change names the new type")

    @classmethod
    def dated(cls, station: str, kind: EventKind, known: PartialDate | None, recorded_on: dt.date, *,
              seq: int = 0, partners: Iterable[str] = (), new_type: StationType | None = None) -> Event:
        """An event whose effective date follows the rules: last day of `known`, else `recorded_on`."""
        on = known.last_day if known is not None else recorded_on
        return cls(station, kind, on, known, tuple(partners), new_type, seq, None, recorded_on)

    def undo(self, seq: int, recorded_on: dt.date) -> Event:
        """The event that reverts this one, recorded on `recorded_on` with recording number `seq`.

        It carries the same station and partners so that every station the original involved sees
        the undo among its own events.
        """
        if seq <= self.seq:
            raise ValueError("an undo is recorded after the event it reverts")
        return Event(self.station, EventKind.UNDONE, recorded_on, None, self.partners, None, seq, self.seq,
                     recorded_on)

    @property
    def date_missing(self) -> bool:
        return self.known is None

    def involves(self, station: str) -> bool:
        """True when the event belongs in `station`'s history (its own, or as a merger's predecessor)."""
        return self.station == station or station in self.partners


@dataclass(frozen=True, slots=True)
class Period:
    """A half-open interval [start, end) in which a station operates as a combined station.

    end None: still operating. date_missing: the start rests on a recording day, not a known date.
    """

    start: dt.date
    end: dt.date | None
    date_missing: bool = False

    def contains(self, day: dt.date) -> bool:
        return self.start <= day and (self.end is None or day < self.end)


def effective_events(events: Iterable[Event]) -> list[Event]:
    """The events that count: every non-undo event not reverted by an undo that itself counts.

    Undos only revert earlier events, so walking from the latest recording backwards decides each
    undo before the events it could cancel.
    """
    cancelled: set[int] = set()
    kept: list[Event] = []
    for event in sorted(events, key=lambda e: e.seq, reverse=True):
        if event.seq in cancelled:
            continue
        if event.kind is EventKind.UNDONE:
            assert event.reverts is not None
            cancelled.add(event.reverts)
        else:
            kept.append(event)
    kept.reverse()
    return kept


def as_known_on(events: Iterable[Event], day: dt.date) -> list[Event]:
    """The events recorded on or before `day`: the history as the registry knew it then."""
    return [e for e in events if e.recorded_on is None or e.recorded_on <= day]


def ordered(events: Iterable[Event]) -> list[Event]:
    """Events in application order: effective date, then the same-day rank, then recording order."""
    return sorted(events, key=lambda e: (e.on, SAME_DAY_RANK[e.kind], e.seq))


@dataclass(slots=True)
class _State:
    status: StationStatus | None = None
    station_type: StationType | None = None
    absorbed: bool = False

    @property
    def active(self) -> bool:
        return (self.status is StationStatus.OPERATING and not self.absorbed
                and self.station_type is not None and self.station_type.is_combined)


def replay(events: Iterable[Event], station: str, recorded_on: dt.date,
           current_type: StationType | None) -> list[tuple[dt.date, Event, StationStatus | None, StationType | None,
                                                           bool]]:
    """The station's state after each effective event: (date, event, status, type, operating as combined).

    A dateless ``opened`` is dated `recorded_on` here. Exposed for history views and `status_on`.
    """
    todo = [_dated(e, recorded_on) for e in effective_events(e for e in events if e.involves(station))]
    todo = ordered(todo)
    state = _State(station_type=current_type)
    out: list[tuple[dt.date, Event, StationStatus | None, StationType | None, bool]] = []
    for e in todo:
        _apply(state, e, station)
        status = StationStatus.CLOSED if state.absorbed else state.status
        out.append((e.on, e, status, state.station_type, state.active))
    return out


def _dated(event: Event, recorded_on: dt.date) -> Event:
    if event.kind is EventKind.OPENED and event.known is None and event.on != recorded_on:
        return Event(event.station, event.kind, recorded_on, None, event.partners, event.new_type, event.seq,
                     None, event.recorded_on)
    return event


def _apply(state: _State, e: Event, station: str) -> None:
    kind = e.kind
    if kind is EventKind.MERGED and e.station != station:
        state.absorbed = True  # a predecessor: its service is the successor's from e.on
        return
    if kind is EventKind.PLANNED:
        if state.status is None:
            state.status = StationStatus.PLANNED
        if e.new_type is not None:
            state.station_type = e.new_type
    elif kind is EventKind.OPENED:
        state.status = StationStatus.OPERATING
        state.absorbed = False
        if e.new_type is not None:
            state.station_type = e.new_type
    elif kind is EventKind.MERGED:
        state.status = StationStatus.OPERATING
        state.absorbed = False
        state.station_type = e.new_type or StationType.COMBINED
    elif kind is EventKind.TYPE_CHANGED:
        state.station_type = e.new_type
    elif kind is EventKind.SUSPENDED:
        if state.status is StationStatus.OPERATING:
            state.status = StationStatus.SUSPENDED
    elif kind is EventKind.REOPENED:
        state.status = StationStatus.OPERATING
        state.absorbed = False
    elif kind is EventKind.CLOSED:
        state.status = StationStatus.CLOSED


def periods(events: Iterable[Event], recorded_on: dt.date, current_type: StationType | None,
            station: str | None = None) -> list[Period]:
    """The disjoint, sorted periods [start, end) in which the station operates as a combined station.

    events: the station's events — its own and the mergers naming it as a predecessor — undos
        included (they are resolved here). Events of other stations are ignored.
    recorded_on: the day the station entered the registry; a dateless ``opened`` counts from it.
    current_type: the station's type now, used when no event says what it opened as.
    station: the station's key; by default the `station` of the first event that is not a merger
        naming it as a predecessor (give it whenever the list may start with such a merger).
    """
    events = list(events)
    if station is None:
        if not events:
            return []
        station = _guess_key(events)
    if len(events) == 1 and events[0].kind is EventKind.OPENED and events[0].station == station:
        # the usual station (opened, nothing since): 300k of them at national size, so no replay
        only = events[0]
        stype = only.new_type or current_type
        if stype is None or not stype.is_combined:
            return []
        return [Period(recorded_on if only.known is None else only.on, None, only.known is None)]
    raw: list[Period] = []
    start: dt.date | None = None
    missing = False
    active = False
    for day, event, _status, _type, now_active in replay(events, station, recorded_on, current_type):
        if now_active and not active:
            start, missing = day, event.date_missing and event.kind in _STARTING
        elif active and not now_active:
            assert start is not None
            ends_after_day = event.kind in (EventKind.SUSPENDED, EventKind.CLOSED)
            raw.append(Period(start, day + ONE_DAY if ends_after_day else day, missing))
        active = now_active
    if active:
        assert start is not None
        raw.append(Period(start, None, missing))
    return union(raw)


def _guess_key(events: Sequence[Event]) -> str:
    """The one station every event involves; the successor when a lone merger is all there is."""
    common = set.intersection(*({e.station, *e.partners} for e in events))
    if len(common) == 1:
        return common.pop()
    stations = {e.station for e in events}
    if len(stations) == 1 and stations <= common:
        return stations.pop()
    raise ValueError(f"cannot tell whose events these are ({sorted(common)}); pass station=")


def union(spans: Iterable[Period]) -> list[Period]:
    """Overlapping or touching periods joined; empty ones dropped. A joined period is 日期缺失 when its
    first part is (the start is what the flag is about)."""
    items = sorted((p for p in spans if p.end is None or p.end > p.start), key=lambda p: p.start)
    out: list[Period] = []
    for p in items:
        if out and (out[-1].end is None or p.start <= out[-1].end):
            last = out[-1]
            end = None if last.end is None or p.end is None else max(last.end, p.end)
            out[-1] = Period(last.start, end, last.date_missing)
        else:
            out.append(p)
    return out


def status_on(events: Iterable[Event], day: dt.date, recorded_on: dt.date, current_type: StationType | None,
              station: str) -> tuple[StationStatus | None, StationType | None]:
    """The station's status and type *during* `day`; status None before its first event.

    A suspension or closure dated `day` does not count yet — the station served that day (DOMAIN.md
    §6, the same boundary as `periods`). A predecessor absorbed by a merger reports CLOSED from the
    merger on: it no longer operates as itself.
    """
    kept = [e for e in events
            if not (e.on == day and e.kind in (EventKind.SUSPENDED, EventKind.CLOSED))]
    status: StationStatus | None = None
    stype = current_type
    for when, _event, st, ty, _active in replay(kept, station, recorded_on, current_type):
        if when > day:
            break
        status, stype = st, ty
    return status, stype


def periods_by_station(events: Iterable[Event], stations: Mapping[str, tuple[dt.date, StationType | None]]
                       ) -> dict[str, list[Period]]:
    """`periods` of many stations from one event list: stations maps key -> (recorded_on, current_type).

    Each event is routed to its station and, for mergers and their undos, to every predecessor:
    O(E log E) over all events.
    """
    routed: dict[str, list[Event]] = defaultdict(list)
    for e in events:
        routed[e.station].append(e)
        for p in e.partners:
            routed[p].append(e)
    return {key: periods(routed.get(key, ()), recorded, ctype, station=key)
            for key, (recorded, ctype) in stations.items()}


@dataclass(frozen=True, slots=True)
class StationRecord:
    """A station as the registry's station table holds it, without an event history.

    status_since: the day the current status began when it is suspended or closed (closed_on for a
    closed station); None when unknown. served: villages it serves besides the one it stands in.
    """

    key: str
    village: str
    station_type: StationType | None
    status: StationStatus
    recorded_on: dt.date
    opened: PartialDate | None = None
    status_since: dt.date | None = None
    coop: str | None = None
    served: tuple[str, ...] = field(default=())


def events_from_record(record: StationRecord, first_seq: int = 0) -> list[Event]:
    """The history a plain record implies, so stations without events follow exactly the same rules.

    planned -> one ``planned``; otherwise ``opened`` (its date, or dateless from recorded_on) and,
    for suspended/closed, that event on status_since (dateless: the opening day, the earliest day the
    registry can vouch for — no coverage is claimed for a time the record cannot support).
    """
    key, rec = record.key, record.recorded_on
    if record.status is StationStatus.PLANNED:
        return [Event.dated(key, EventKind.PLANNED, None, rec, seq=first_seq, new_type=record.station_type)]
    out = [Event.dated(key, EventKind.OPENED, record.opened, rec, seq=first_seq, new_type=record.station_type)]
    if record.status in (StationStatus.SUSPENDED, StationStatus.CLOSED):
        kind = EventKind.SUSPENDED if record.status is StationStatus.SUSPENDED else EventKind.CLOSED
        if record.status_since is not None:
            known: PartialDate | None = PartialDate.from_date(record.status_since)
            since = record.status_since
        else:
            known, since = None, out[0].on
        if since < out[0].on:  # a status said to begin before the opening: the opening wins
            known, since = None, out[0].on
        out.append(Event(key, kind, since, known, (), None, first_seq + 1, None, rec))
    return out


@dataclass(frozen=True, slots=True)
class Span:
    """A half-open interval [start, end) in which a station's status and type stay the same.

    active: operating as a combined station (the spans that `periods` joins). date_missing: the span
    begins with a dateless opening, merger or reopening (日期缺失).
    """

    start: dt.date
    end: dt.date | None
    status: StationStatus
    station_type: StationType | None
    active: bool
    date_missing: bool = False


def timeline(events: Iterable[Event], recorded_on: dt.date, current_type: StationType | None,
             station: str) -> list[Span]:
    """The station's status and type over time, by exactly the rules of `status_on` and `periods`.

    Why a second view beside `periods`: station counts by status and type on any date (the registry
    keeps these spans so such a count is one GROUP BY), and a history view that shows what the
    station was in each interval. The state can only change on an event's date, or the day after a
    suspension or closure (it still served on that day), so the state is evaluated on those days.
    """
    events = [e for e in events if e.involves(station)]
    if len(events) == 1 and events[0].kind is EventKind.OPENED and events[0].station == station:
        only = events[0]
        stype = only.new_type or current_type
        start = recorded_on if only.known is None else only.on
        combined = stype is not None and stype.is_combined
        return [Span(start, None, StationStatus.OPERATING, stype, combined, only.known is None)]
    kept = effective_events(events)
    if not kept:
        return []
    dated = [_dated(e, recorded_on) for e in kept]
    days = sorted({e.on for e in dated} | {e.on + ONE_DAY for e in dated
                                             if e.kind in (EventKind.SUSPENDED, EventKind.CLOSED)})
    missing_days = {e.on for e in dated if e.date_missing and e.kind in _STARTING}
    spans: list[Span] = []
    for day in days:
        status, stype = status_on(kept, day, recorded_on, current_type, station)
        if status is None:
            continue
        active = status is StationStatus.OPERATING and stype is not None and stype.is_combined
        if spans and (spans[-1].status, spans[-1].station_type) == (status, stype):
            continue
        if spans:
            last = spans[-1]
            spans[-1] = Span(last.start, day, last.status, last.station_type, last.active, last.date_missing)
        spans.append(Span(day, None, status, stype, active, active and day in missing_days))
    return spans
