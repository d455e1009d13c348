"""The 建制村 counts kept on every division unit (`Division.villages`, `Division.villages_like`).

Why stored: the coverage denominator of a scope is "all 建制村 under it" (DOMAIN.md §6). Counting them
on each query means scanning up to 620k village rows; kept per unit, totals for every county of the
country are one indexed read of ~2,800 rows. They change only when divisions are loaded, so the loader
recounts the provinces it touched, in its own transaction.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable

from sqlalchemy import ColumnElement, Connection, bindparam, select, update

from villagepost.core.divisions import CODE_LENGTHS, VillageClass, village_class
from villagepost.storage.models import Division
from villagepost.storage.queries import prefix_filter

_PREFIXES = sorted(length for length in CODE_LENGTHS.values() if length < 12)


def recount_villages(conn: Connection, provinces: Iterable[str] | None = None) -> int:
    """Recount the 建制村 of every unit in `provinces` (2-digit codes; None = all). Returns units changed."""
    updates = count_differences(conn, provinces)
    if updates:
        conn.execute(update(Division).where(Division.code == bindparam("b_code"))
                     .values(villages=bindparam("villages"), villages_like=bindparam("villages_like")), updates)
    return len(updates)


def count_differences(conn: Connection, provinces: Iterable[str] | None = None) -> list[dict[str, object]]:
    """The units whose stored counts differ from their division rows, with the right counts (`db check`)."""
    where: list[ColumnElement[bool] | None] = [None]
    if provinces is not None:
        where = [prefix_filter(Division.code, p) for p in sorted(set(provinces))]
    out: list[dict[str, object]] = []
    for condition in where:
        stmt = select(Division.code, Division.level, Division.retired, Division.villages, Division.villages_like)
        if condition is not None:
            stmt = stmt.where(condition)
        villages: Counter[str] = Counter()
        like: Counter[str] = Counter()
        stored: dict[str, tuple[int, int]] = {}
        for code, level, retired, n_villages, n_like in conn.execute(stmt):
            stored[code] = (n_villages, n_like)
            if level != 5 or retired:
                continue
            cls = village_class(code)
            counter = villages if cls is VillageClass.VILLAGE else like if cls is VillageClass.VILLAGE_LIKE else None
            if counter is None:
                continue
            counter[code] += 1
            for length in _PREFIXES:
                counter[code[:length]] += 1
        out.extend({"b_code": code, "villages": villages.get(code, 0), "villages_like": like.get(code, 0)}
                   for code, old in stored.items() if old != (villages.get(code, 0), like.get(code, 0)))
    return out
