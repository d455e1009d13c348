"""Station histories: the periods a station operates as a combined station, by hand and by property."""

from __future__ import annotations

import datetime as dt
from itertools import pairwise

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from villagepost.core.history import (
    Event,
    EventKind,
    Period,
    StationRecord,
    as_known_on,
    effective_events,
    events_from_record,
    ordered,
    periods,
    periods_by_station,
    status_on,
    union,
)
from villagepost.core.stations import StationStatus, StationType
from villagepost.core.values import PartialDate

D = dt.date
REC = D(2021, 1, 1)
POST, SHOP, COMBINED = StationType.VILLAGE_POST, StationType.EXPRESS_SHOP, StationType.COMBINED


def ev(station: str, kind: EventKind, known: PartialDate | None, seq: int, *, recorded: dt.date = REC,
       partners: tuple[str, ...] = (), new_type: StationType | None = None) -> Event:
    return Event.dated(station, kind, known, recorded, seq=seq, partners=partners, new_type=new_type)


def test_a_day_date_counts_from_that_day_and_a_closure_ends_after_its_day() -> None:
    events = [ev("A", EventKind.OPENED, PartialDate(2022, 1, 10), 1),
              ev("A", EventKind.CLOSED, PartialDate(2024, 6, 30), 2)]
    assert periods(events, REC, COMBINED) == [Period(D(2022, 1, 10), D(2024, 7, 1))]


def test_partial_dates_count_from_their_last_day() -> None:
    month = [ev("A", EventKind.OPENED, PartialDate(2024, 2), 1)]
    year = [ev("A", EventKind.OPENED, PartialDate(2024), 1)]
    assert periods(month, REC, COMBINED) == [Period(D(2024, 2, 29), None)]
    assert periods(year, REC, COMBINED) == [Period(D(2024, 12, 31), None)]


def test_an_opening_without_a_date_counts_from_the_recording_day_and_is_flagged() -> None:
    events = [ev("A", EventKind.OPENED, None, 1, recorded=D(2025, 1, 15))]
    assert periods(events, D(2025, 1, 15), COMBINED) == [Period(D(2025, 1, 15), None, date_missing=True)]
    # the station's recording day decides, whatever the event says
    assert periods(events, D(2025, 2, 1), COMBINED) == [Period(D(2025, 2, 1), None, date_missing=True)]


def test_an_event_with_a_known_date_must_be_on_its_last_day() -> None:
    with pytest.raises(ValueError, match="last day"):
        Event("A", EventKind.OPENED, D(2024, 3, 1), PartialDate(2024, 3))


def test_only_combined_types_cover() -> None:
    assert periods([ev("A", EventKind.OPENED, PartialDate(2020), 1, new_type=POST)], REC, POST) == []
    assert periods([ev("A", EventKind.OPENED, PartialDate(2020), 1)], REC, SHOP) == []
    service = [ev("A", EventKind.OPENED, PartialDate(2020), 1)]
    assert periods(service, REC, StationType.SERVICE_STATION) == [Period(D(2020, 12, 31), None)]


def test_suspension_and_reopening() -> None:
    events = [ev("A", EventKind.OPENED, PartialDate(2024, 10, 1), 1),
              ev("A", EventKind.SUSPENDED, PartialDate(2024, 11, 15), 2),
              ev("A", EventKind.REOPENED, PartialDate(2025, 1, 1), 3)]
    assert periods(events, REC, COMBINED) == [Period(D(2024, 10, 1), D(2024, 11, 16)),
                                              Period(D(2025, 1, 1), None)]
    assert status_on(events, D(2024, 11, 15), REC, COMBINED, "A") == (StationStatus.OPERATING, COMBINED)
    assert status_on(events, D(2024, 11, 16), REC, COMBINED, "A") == (StationStatus.SUSPENDED, COMBINED)
    assert status_on(events, D(2024, 9, 30), REC, COMBINED, "A") == (None, COMBINED)


def test_merger_of_a_post_station_and_an_express_shop() -> None:
    """A 村邮站 takes on the express shop's service in 2024-05: combined from 2024-05-31, one event."""
    post = [ev("A", EventKind.OPENED, PartialDate(2019), 1, new_type=POST)]
    shop = [ev("B", EventKind.OPENED, PartialDate(2022, 3, 1), 2, new_type=SHOP)]
    merger = ev("A", EventKind.MERGED, PartialDate(2024, 5), 3, partners=("B",))
    assert periods([*post, merger], REC, COMBINED) == [Period(D(2024, 5, 31), None)]
    assert periods([*shop, merger], REC, SHOP, station="B") == []  # the shop never covered anything
    assert status_on([*shop, merger], D(2024, 5, 31), REC, SHOP, "B") == (StationStatus.CLOSED, SHOP)
    # both predecessors stay in the successor's history
    assert merger.involves("A") and merger.involves("B")


def test_merger_into_a_new_station_ends_a_combined_predecessor_on_the_day() -> None:
    old = [ev("A", EventKind.OPENED, PartialDate(2020, 1, 1), 1, new_type=COMBINED)]
    merger = ev("C", EventKind.MERGED, PartialDate(2024, 7, 1), 2, partners=("A", "B"))
    assert periods([*old, merger], REC, COMBINED) == [Period(D(2020, 1, 1), D(2024, 7, 1))]
    assert periods([merger], REC, COMBINED) == [Period(D(2024, 7, 1), None)]
    assert periods([merger], REC, POST, station="B") == []


def test_an_undone_merger_counts_on_no_date_but_stays_in_the_history() -> None:
    post = [ev("A", EventKind.OPENED, PartialDate(2019), 1, new_type=POST)]
    merger = ev("A", EventKind.MERGED, PartialDate(2024, 12, 31), 2, partners=("B",))
    undo = merger.undo(3, D(2025, 2, 1))
    history = [*post, merger, undo]
    assert periods(history, REC, POST) == []
    assert undo.kind is EventKind.UNDONE and undo.reverts == 2 and undo.involves("B")
    # as the registry knew it before the correction, the merger counted
    assert periods(as_known_on(history, D(2025, 1, 31)), REC, POST) == [Period(D(2024, 12, 31), None)]
    # an undo of the undo brings the merger back
    redo = undo.undo(4, D(2025, 3, 1))
    assert periods([*history, redo], REC, POST) == [Period(D(2024, 12, 31), None)]
    assert [e.seq for e in effective_events([*history, redo])] == [1, 2]


def test_undo_must_be_recorded_later() -> None:
    merger = ev("A", EventKind.MERGED, PartialDate(2024, 12, 31), 5, partners=("B",))
    with pytest.raises(ValueError, match="after"):
        merger.undo(5, D(2025, 1, 1))
    with pytest.raises(ValueError, match="undone"):
        Event("A", EventKind.CLOSED, D(2025, 1, 1), reverts=3)


def test_same_day_events_follow_the_lifecycle_order() -> None:
    day = PartialDate(2024, 3, 3)
    closed_first = [ev("A", EventKind.CLOSED, day, 1), ev("A", EventKind.OPENED, day, 2)]
    assert [e.kind for e in ordered(closed_first)] == [EventKind.OPENED, EventKind.CLOSED]
    assert periods(closed_first, REC, COMBINED) == [Period(D(2024, 3, 3), D(2024, 3, 4))]
    paused = [ev("A", EventKind.OPENED, PartialDate(2024, 1, 1), 1), ev("A", EventKind.REOPENED, day, 2),
              ev("A", EventKind.SUSPENDED, day, 3)]
    assert periods(paused, REC, COMBINED) == [Period(D(2024, 1, 1), None)]


def test_type_changes_and_the_opening_type() -> None:
    opened_as_post = [ev("A", EventKind.OPENED, PartialDate(2020, 5, 5), 1, new_type=POST),
                      ev("A", EventKind.TYPE_CHANGED, PartialDate(2023, 3, 3), 2,
                         new_type=StationType.SERVICE_STATION)]
    assert periods(opened_as_post, REC, StationType.SERVICE_STATION) == [Period(D(2023, 3, 3), None)]
    # without an opening type the current type is assumed from the opening: never inferred from later events
    untyped = [ev("A", EventKind.OPENED, PartialDate(2020, 5, 5), 1), opened_as_post[1]]
    assert periods(untyped, REC, StationType.SERVICE_STATION) == [Period(D(2020, 5, 5), None)]
    downgraded = [ev("A", EventKind.OPENED, PartialDate(2020, 5, 5), 1, new_type=COMBINED),
                  ev("A", EventKind.TYPE_CHANGED, PartialDate(2023, 3, 3), 2, new_type=POST)]
    assert periods(downgraded, REC, POST) == [Period(D(2020, 5, 5), D(2023, 3, 3))]


def test_events_of_other_stations_are_ignored_and_the_key_is_inferred() -> None:
    events = [ev("A", EventKind.OPENED, PartialDate(2020, 5, 5), 1), ev("Z", EventKind.OPENED, PartialDate(2021), 2)]
    assert periods(events, REC, COMBINED, station="A") == [Period(D(2020, 5, 5), None)]
    with pytest.raises(ValueError, match="station="):
        periods(events, REC, COMBINED)
    assert periods([], REC, COMBINED) == []


def test_periods_by_station_routes_mergers_to_predecessors() -> None:
    events = [ev("A", EventKind.OPENED, PartialDate(2020, 1, 1), 1, new_type=COMBINED),
              ev("B", EventKind.OPENED, PartialDate(2021, 1, 1), 2, new_type=SHOP),
              ev("C", EventKind.MERGED, PartialDate(2024, 7, 1), 3, partners=("A", "B"))]
    got = periods_by_station(events, {"A": (REC, COMBINED), "B": (REC, SHOP), "C": (REC, COMBINED),
                                      "D": (REC, COMBINED)})
    assert got == {"A": [Period(D(2020, 1, 1), D(2024, 7, 1))], "B": [], "C": [Period(D(2024, 7, 1), None)],
                   "D": []}


def test_records_imply_the_same_history() -> None:
    closed = StationRecord("A", "640221101202", COMBINED, StationStatus.CLOSED, REC, PartialDate(2022, 1, 10),
                           status_since=D(2024, 6, 30))
    assert periods(events_from_record(closed), REC, COMBINED) == [Period(D(2022, 1, 10), D(2024, 7, 1))]
    dateless = StationRecord("B", "640221200200", COMBINED, StationStatus.OPERATING, D(2025, 1, 15))
    assert periods(events_from_record(dateless), D(2025, 1, 15), COMBINED) == [
        Period(D(2025, 1, 15), None, date_missing=True)]
    planned = StationRecord("P", "640221200200", COMBINED, StationStatus.PLANNED, REC)
    assert periods(events_from_record(planned), REC, COMBINED) == []


def test_union_joins_touching_periods() -> None:
    spans = [Period(D(2024, 1, 1), D(2024, 2, 1)), Period(D(2024, 2, 1), D(2024, 3, 1), True),
             Period(D(2024, 5, 1), D(2024, 5, 1)), Period(D(2024, 6, 1), None), Period(D(2024, 7, 1), D(2024, 8, 1))]
    assert union(spans) == [Period(D(2024, 1, 1), D(2024, 3, 1)), Period(D(2024, 6, 1), None)]


# --- properties -------------------------------------------------------------------------------

KINDS = [EventKind.PLANNED, EventKind.OPENED, EventKind.MERGED, EventKind.TYPE_CHANGED, EventKind.SUSPENDED,
         EventKind.REOPENED, EventKind.CLOSED]
TYPES = [POST, SHOP, COMBINED, StationType.SERVICE_STATION]


@st.composite
def partial_dates(draw: st.DrawFn, lo: int = 2018, hi: int = 2026) -> PartialDate:
    year = draw(st.integers(lo, hi))
    precision = draw(st.sampled_from(["day", "month", "year"]))
    if precision == "year":
        return PartialDate(year)
    month = draw(st.integers(1, 12))
    return PartialDate(year, month) if precision == "month" else PartialDate(year, month, draw(st.integers(1, 28)))


@st.composite
def station_events(draw: st.DrawFn, key: str = "A", first_seq: int = 1) -> list[Event]:
    """A random history of station `key`, mergers naming B or C as partners, in recording order."""
    out: list[Event] = []
    for seq in range(first_seq, first_seq + draw(st.integers(0, 8))):
        kind = draw(st.sampled_from(KINDS))
        known = draw(st.none() | partial_dates())
        new_type = draw(st.sampled_from(TYPES)) if kind is EventKind.TYPE_CHANGED else draw(
            st.none() | st.sampled_from(TYPES))
        if kind not in (EventKind.MERGED, EventKind.TYPE_CHANGED, EventKind.OPENED, EventKind.PLANNED):
            new_type = None
        partners: tuple[str, ...] = ()
        station = key
        if kind is EventKind.MERGED:
            if draw(st.booleans()):
                partners = ("B",)
            else:  # this station is a predecessor of another
                station, partners = "C", (key,)
        recorded = draw(st.dates(D(2018, 1, 1), D(2026, 12, 31)))
        out.append(Event.dated(station, kind, known, recorded, seq=seq, partners=partners, new_type=new_type))
    return out


def _covers(spans: list[Period], day: dt.date) -> bool:
    return any(p.contains(day) for p in spans)


@settings(max_examples=300, deadline=None)
@given(station_events(), st.sampled_from(TYPES), st.dates(D(2018, 1, 1), D(2026, 12, 31)))
def test_periods_are_sorted_disjoint_and_not_empty(events: list[Event], current: StationType,
                                                   recorded: dt.date) -> None:
    spans = periods(events, recorded, current, station="A")
    for p in spans:
        assert p.end is None or p.start < p.end
    for a, b in pairwise(spans):
        assert a.end is not None and a.end < b.start


@settings(max_examples=300, deadline=None)
@given(station_events(), station_events(first_seq=100), st.sampled_from(TYPES),
       st.dates(D(2018, 1, 1), D(2026, 12, 31)), st.dates(D(2018, 1, 1), D(2026, 12, 31)))
def test_coverage_on_a_day_ignores_events_after_it(events: list[Event], more: list[Event], current: StationType,
                                                   recorded: dt.date, day: dt.date) -> None:
    """Adding events dated after D changes nothing on D, whatever their kind (a dateless opening is
    dated by the station's recording day). Undos are not among them: an undo retracts an earlier
    event on every date, by design (see `test_an_undo_restores_the_history_without_the_event`)."""

    def effective(e: Event) -> dt.date:
        return recorded if e.kind is EventKind.OPENED and e.known is None else e.on

    later = [e for e in more if effective(e) > day]
    before = _covers(periods(events, recorded, current, station="A"), day)
    after = _covers(periods([*events, *later], recorded, current, station="A"), day)
    assert before == after


@settings(max_examples=300, deadline=None)
@given(station_events(), st.integers(0, 7), st.sampled_from(TYPES), st.dates(D(2026, 1, 1), D(2026, 12, 31)))
def test_an_undo_restores_the_history_without_the_event(events: list[Event], which: int, current: StationType,
                                                        when: dt.date) -> None:
    if not events:
        return
    target = events[which % len(events)]
    undo = target.undo(1000, when)
    without = [e for e in events if e is not target]
    assert periods([*events, undo], REC, current, station="A") == periods(without, REC, current, station="A")
