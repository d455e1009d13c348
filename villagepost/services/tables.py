"""The window's big tables as use cases: count, ids in order, rows by page, and station search.

The 村庄 and 站点 tabs call only these (through gui/table_model.py), so scoping, filtering and sorting
live in SQL (storage/table_queries.py) and the same answers are available to tests and to the CLI.
Each call is one short read transaction; the window runs the id queries on a reader thread and the
page reads (a few hundred rows by primary key, milliseconds) where it needs them.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import replace

from villagepost.core import clock
from villagepost.core.errors import KnownError
from villagepost.services import table_messages  # noqa: F401  (registers the message keys)
from villagepost.services.registry import Registry
from villagepost.storage import table_queries as tq
from villagepost.storage.errors import translated
from villagepost.storage.table_queries import (
    IdArray,
    StationFilter,
    StationHit,
    StationTableRow,
    VillageFilter,
    VillageRow,
)

__all__ = [
    "BOUNDED_SORT_LIMIT", "IdArray", "StationFilter", "StationHit", "StationTableRow", "VillageFilter",
    "VillageRow", "find_stations", "station_count", "station_id", "station_ids", "station_rows",
    "village_count", "village_ids", "village_rows",
]

#: the most rows a per-row computed sort key (covered, station count) may sort: a big province has ~70k
#: village-level units, so any province sorts; the whole country (620k) does not (0.6 s a sort on SQLite)
BOUNDED_SORT_LIMIT = 150_000


def _dated(f: VillageFilter) -> VillageFilter:
    """Pin "today" once per query, so the count, the ids and the rows agree across midnight."""
    return f if f.on is not None else replace(f, on=clock.today())


def check_sort(sort: str, rows: int, *, bounded: frozenset[str], known: Sequence[str], column: str = "") -> None:
    """Refuse a sort key the table has not got, or a computed one over more than BOUNDED_SORT_LIMIT rows."""
    if sort not in known:
        raise KnownError("table.unknown_sort", column=column or sort)
    if sort in bounded and rows > BOUNDED_SORT_LIMIT:
        raise KnownError("table.sort_unbounded", rows=rows, column=column or sort, limit=BOUNDED_SORT_LIMIT)


# --- villages ---------------------------------------------------------------------------------------


def village_count(reg: Registry, f: VillageFilter) -> int:
    with reg.reading() as conn:
        return tq.village_count(conn, _dated(f))


def village_ids(reg: Registry, f: VillageFilter, sort: str = "code", *, descending: bool = False,
                limit: int | None = None, rows: int | None = None, column: str = "") -> IdArray:
    """Village ids (12-digit codes as integers) in order; `rows` (the count, when known) bounds computed sorts."""
    f = _dated(f)
    with translated(reg.label), tq.lean_connection(reg.engine) as conn:
        if sort in tq.VILLAGE_BOUNDED_SORTS or sort not in tq.VILLAGE_SORTS:
            total = rows if rows is not None else tq.village_count(conn, f)
            check_sort(sort, total, bounded=tq.VILLAGE_BOUNDED_SORTS, known=tq.VILLAGE_SORTS, column=column)
        return tq.village_ids(conn, f, sort, descending=descending, limit=limit)


def village_rows(reg: Registry, ids: Sequence[int], on: dt.date | None = None) -> dict[int, VillageRow]:
    with reg.reading() as conn:
        return tq.village_rows(conn, ids, on or clock.today())


# --- stations ---------------------------------------------------------------------------------------


def station_count(reg: Registry, f: StationFilter) -> int:
    with reg.reading() as conn:
        return tq.station_count(conn, f)


def station_ids(reg: Registry, f: StationFilter, sort: str = "code", *, descending: bool = False,
                limit: int | None = None, rows: int | None = None, column: str = "") -> IdArray:
    with translated(reg.label), tq.lean_connection(reg.engine) as conn:
        if sort not in tq.STATION_SORTS:
            check_sort(sort, rows or 0, bounded=tq.STATION_BOUNDED_SORTS, known=tq.STATION_SORTS, column=column)
        return tq.station_ids(conn, f, sort, descending=descending, limit=limit)


def station_rows(reg: Registry, ids: Sequence[int]) -> dict[int, StationTableRow]:
    with reg.reading() as conn:
        return tq.station_rows(conn, ids)


def station_id(reg: Registry, code: str) -> int | None:
    """The table id of station `code` (to select it in a table), or None."""
    with reg.reading() as conn:
        return tq.station_id_of(conn, code)


def find_stations(reg: Registry, text: str, *, limit: int = 20) -> list[StationHit]:
    """Stations by name (substring) or code (prefix), exact names first: the search box's second list."""
    with reg.reading() as conn:
        return tq.find_stations(conn, text, limit)
