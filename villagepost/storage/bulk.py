"""Bulk inserts that skip SQLAlchemy's per-row parameter processing where it costs the most.

Why: Core's executemany processes every parameter of every row in Python (~7 µs a row). A national
import writes ~0.5 M rows into each of station, station_event and station_span, so on SQLite the rows
go straight to the driver's executemany, with dates turned into the ISO text SQLAlchemy would store.
PostgreSQL goes through Core (psycopg's own executemany batching is already fast).
"""

from __future__ import annotations

import datetime as dt
import operator
from collections.abc import Sequence
from typing import Any

from sqlalchemy import Boolean, Connection, Date, DateTime, Table, insert


def _sqlite_value(value: Any) -> Any:
    if isinstance(value, dt.datetime):
        return value.isoformat(sep=" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def insert_rows(conn: Connection, table: Table, rows: Sequence[dict[str, Any]]) -> None:
    """Insert `rows` (dicts with the same keys) into `table` on `conn`'s transaction."""
    if not rows:
        return
    if conn.dialect.name != "sqlite":
        conn.execute(insert(table), list(rows))
        return
    columns = list(rows[0])
    converted = [i for i, c in enumerate(columns) if isinstance(table.c[c].type, Date | DateTime | Boolean)]
    pick = operator.itemgetter(*columns)
    values: list[Sequence[Any]] = []
    # Dates and flags repeat (today, month ends, True): each distinct value is converted once.
    stored: dict[Any, Any] = {None: None}
    for r in rows:
        params = list(pick(r)) if len(columns) > 1 else [r[columns[0]]]
        for i in converted:
            v = params[i]
            c = stored.get(v, stored)
            if c is stored:
                c = stored[v] = int(v) if isinstance(v, bool) else _sqlite_value(v)
            params[i] = c
        values.append(params)
    names = ", ".join(columns)
    marks = ", ".join(["?"] * len(columns))
    raw = conn.connection.driver_connection
    assert raw is not None
    cur = raw.cursor()
    try:
        cur.executemany(f"INSERT INTO {table.name} ({names}) VALUES ({marks})", values)
    finally:
        cur.close()
