"""Locks that keep concurrent writers of a shared PostgreSQL registry from tripping over each other.

SQLite needs none of this: every write transaction begins IMMEDIATE (`storage.engine`), so writers of
one file take turns. On PostgreSQL many clerks write at once, and three things went wrong without locks:
two merges of the same predecessor both succeeded (each checked the predecessor's state before the other
committed), two station adds in one village picked the same next code, and two writers rebuilding the
same village's cover rows collided on its primary key.

The rule, everywhere: a writer first takes the transaction-scoped advisory lock of every county it
will change (`lock_counties`, in code order), then locks the station rows it changes (`lock_stations`,
`SELECT … FOR UPDATE` in code order), and only then reads what it checks. Taking locks in one global
order means two writers cannot wait for each other in a circle; reading after locking means under READ
COMMITTED every check sees what the previous holder committed. Writers of different counties never wait
for each other. What little can still collide (a writer that discovers a further county late, e.g.
through a served village) is a deadlock PostgreSQL detects; `Registry.retrying` runs the unit of work again.
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import Connection, select, text

from villagepost.storage.models import Station

#: first key of the two-int advisory lock: "VP" + a county. Other programs on the server can use other keys.
COUNTY_LOCK_SPACE = 0x5650
COUNTY_DIGITS = 6


def is_postgres(conn: Connection) -> bool:
    return conn.dialect.name == "postgresql"


def county_of(code: str) -> str:
    """The county part of a village, township or station code (the first six digits)."""
    return code[:COUNTY_DIGITS]


def lock_counties(conn: Connection, codes: Iterable[str]) -> list[str]:
    """Hold the write lock of the counties of `codes` (division or station codes) until the transaction ends.

    Re-entrant (taking a lock this transaction holds is free). A no-op on SQLite. Returns the counties.
    """
    counties = sorted({county_of(c) for c in codes if len(c) >= COUNTY_DIGITS and c[:COUNTY_DIGITS].isdigit()})
    if is_postgres(conn):
        for county in counties:
            conn.execute(text("SELECT pg_advisory_xact_lock(:space, :key)"),
                         {"space": COUNTY_LOCK_SPACE, "key": int(county)})
    return counties


def lock_stations(conn: Connection, codes: Iterable[str]) -> None:
    """Lock the station rows `codes` for this transaction, in code order (`SELECT … FOR UPDATE`)."""
    wanted = sorted(set(codes))
    if wanted and is_postgres(conn):
        conn.execute(select(Station.code).where(Station.code.in_(wanted)).order_by(Station.code).with_for_update())
