"""Which stations a roster placed far from their county's other stations (the import's warning).

A module of its own, light to import (the place arithmetic and one query), because every import loads it.
The editor's and the CLI's form of the same rule is `station_checks.place_warnings`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlalchemy import Connection

from villagepost.core.places import CountyPositions
from villagepost.storage.place_queries import county_positions

#: (row, station code, county code) of a roster row that placed a station
Placed = tuple[int, str, str]


def far_placed(conn: Connection, placed: list[Placed], county_name: Callable[[str], str]
               ) -> list[tuple[int, str, dict[str, Any]]]:
    """(row, county, message params) for each placed station far from its county's other stations.

    Read after the import's rows are written (in its transaction), so "the county's other stations" are
    the registry's and the roster's alike. One query and one sort per county, whatever the roster's size.
    """
    by_county: dict[str, list[tuple[int, str]]] = {}
    for row, code, county in placed:
        by_county.setdefault(county, []).append((row, code))
    positions = county_positions(conn, by_county)
    out: list[tuple[int, str, dict[str, Any]]] = []
    for county, rows in by_county.items():
        far = CountyPositions(positions[county]).all_far([code for _, code in rows])
        out.extend((row, county, far[code].params(county_name(county))) for row, code in rows if code in far)
    return sorted(out)
