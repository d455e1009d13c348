"""The 建制村 counts kept on every division unit (`Division.villages`, `Division.villages_like`).

Why stored: the coverage denominator of a scope is "all 建制村 under it" (DOMAIN.md §6). Counting them
on each query means scanning up to 620k village rows; kept per unit, totals for every county of the
country are one indexed read of ~2,800 rows. They change only when divisions are loaded, so the loader
recounts the provinces it touched, in its own transaction.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable

from sqlalchemy import ColumnElement, Connection, and_, bindparam, case, func, or_, select, update

from villagepost.core.divisions import CODE_LENGTHS, VVV_RANGES, VillageClass
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
    """The units whose stored counts differ from their division rows, with the right counts (`db check`).

    The database counts (a village's class is digits 10-12 of its code, `core.divisions.village_class`):
    each village-level unit is compared with its own class, and the live 建制村 are summed per township;
    only the ~45k units above the villages are compared here, the townships' sums rolled up to them.
    Why: reading all 665k units into Python cost the national registry's check ~4 s of every verified
    backup; this reads ~90k rows.
    """
    where: list[ColumnElement[bool] | None] = [None]
    if provinces is not None:
        where = [prefix_filter(Division.code, p) for p in sorted(set(provinces))]
    vvv = func.substr(Division.code, 10, 3)
    live = and_(Division.level == 5, Division.retired.is_(False), func.length(Division.code) == 12)

    def own(cls: VillageClass) -> ColumnElement[int]:
        """1 for a live village-level unit of class `cls` (its VVV compared as three digits), else 0."""
        low, high = VVV_RANGES[cls]
        return case((and_(live, vvv.between(f"{low:03d}", f"{high:03d}")), 1), else_=0)

    own_village, own_like = own(VillageClass.VILLAGE), own(VillageClass.VILLAGE_LIKE)
    township = func.substr(Division.code, 1, 9)
    out: list[dict[str, object]] = []
    for condition in where:
        scoped = [condition] if condition is not None else []
        villages: Counter[str] = Counter()
        like: Counter[str] = Counter()
        sums = select(township, func.sum(own_village), func.sum(own_like)).where(
            Division.level == 5, *scoped).group_by(township)
        for town, n_villages, n_like in conn.execute(sums):
            for length in _PREFIXES:
                villages[town[:length]] += n_villages or 0
                like[town[:length]] += n_like or 0
        wrong_villages = select(Division.code, own_village, own_like).where(
            Division.level == 5, *scoped, or_(Division.villages != own_village, Division.villages_like != own_like))
        out.extend({"b_code": code, "villages": n_villages, "villages_like": n_like}
                   for code, n_villages, n_like in conn.execute(wrong_villages))
        units = select(Division.code, Division.villages, Division.villages_like).where(Division.level != 5, *scoped)
        out.extend({"b_code": code, "villages": villages.get(code, 0), "villages_like": like.get(code, 0)}
                   for code, n_villages, n_like in conn.execute(units)
                   if (n_villages, n_like) != (villages.get(code, 0), like.get(code, 0)))
    return out
