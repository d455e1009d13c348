"""Coverage as the registry said it at an earlier instant: the derived tables rebuilt from the events
recorded up to then, in temporary tables that shadow the real ones on one connection.

Why: a figure reported upward must be reproducible after later corrections (a corrected opening date, a
station added with an opening date in the past, an undo). Every event carries the instant it was
recorded (`station_event.recorded_at`, UTC, to the second) and nothing is edited in place, so the
history as known at instant T is "the events recorded at or before T". From those, the spans and village
covers are derived by exactly the code that maintains the real tables (`history_store.derive`,
`rebuild_covers`), written to TEMPORARY tables named like the real ones. Both SQLite and PostgreSQL
resolve an unqualified table name to the session's temporary table first, so every coverage, pacing and
summary query runs unchanged on that connection and answers as of T. Nothing is written to the registry.

Cost: one county's history is read and replayed in Python (well under a second); the whole country takes
minutes. The normal path (no replay) does not change at all.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import Column, Connection, MetaData, Table, select, text, union

from villagepost.storage.bulk import insert_rows
from villagepost.storage.history_store import derive, load_events, load_states, rebuild_covers
from villagepost.storage.models import Station, StationSpan, StationVillage, VillageCover
from villagepost.storage.queries import prefix_filter

SHADOWED: tuple[Table, ...] = (StationSpan.__table__, VillageCover.__table__)  # type: ignore[assignment]


def _shadow_tables() -> list[Table]:
    meta = MetaData()
    return [Table(t.name, meta, *(Column(c.name, c.type, primary_key=c.primary_key) for c in t.columns),
                  prefixes=["TEMPORARY"]) for t in SHADOWED]


def _stations(conn: Connection, scope: str) -> list[str]:
    """The stations standing in `scope` or serving a village of it."""
    own = select(Station.code)
    served = select(StationVillage.station_code)
    if scope:
        own = own.where(prefix_filter(Station.village_code, scope))
        served = served.where(prefix_filter(StationVillage.village_code, scope))
    return sorted(conn.execute(union(own, served)).scalars())


def build(conn: Connection, scope: str, recorded_until: dt.datetime) -> tuple[int, int]:
    """Create the shadow tables on `conn` for `scope` as recorded until `recorded_until` (naive UTC).

    Returns (stations with a history then, events counted). The caller commits (temporary tables live as
    long as the connection) and calls `drop` before the connection goes back to the pool.
    """
    tables = _shadow_tables()
    for table in tables:
        table.create(conn)
    codes = _stations(conn, scope)
    states = load_states(conn, codes)
    events = load_events(conn, codes, recorded_until=recorded_until)
    known = {code: evs for code, evs in events.items() if code in states}
    spans = derive({c: states[c] for c in known}, known)
    insert_rows(conn, tables[0], [
        {"station_code": code, "start_on": s.start, "end_on": s.end, "status": s.status.value,
         "station_type": None if s.station_type is None else s.station_type.value, "combined": s.active,
         "date_missing": s.date_missing}
        for code, own in spans.items() for s in own])
    villages = {st.village for st in states.values()} | {v for st in states.values() for v in st.served}
    rebuild_covers(conn, sorted(villages))
    return sum(1 for own in spans.values() if own), len({e.seq for evs in known.values() for e in evs})


def drop(conn: Connection) -> None:
    """Drop the shadow tables — named with the temporary schema, so the real tables can never be hit."""
    schema = "temp" if conn.dialect.name == "sqlite" else "pg_temp"
    for table in SHADOWED:
        conn.execute(text(f"DROP TABLE IF EXISTS {schema}.{table.name}"))


@contextmanager
def shadowed(conn: Connection, scope: str, recorded_until: dt.datetime) -> Iterator[tuple[int, int]]:
    """`build` on `conn`, committed; dropped again when the block ends."""
    try:
        counts = build(conn, scope, recorded_until)
        conn.commit()
        yield counts
    finally:
        conn.rollback()
        drop(conn)
        conn.commit()
