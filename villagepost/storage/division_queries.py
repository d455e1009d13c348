"""Read queries over the division tree: a unit, its path, what lies below it, search by name or pinyin."""

from __future__ import annotations

import unicodedata

from sqlalchemy import case, func, or_, select
from sqlalchemy.orm import Session

from villagepost.core.divisions import CODE_LENGTHS, Level, VillageClass
from villagepost.storage.models import Division
from villagepost.storage.queries import prefix_filter


def get(session: Session, code: str) -> Division | None:
    return session.get(Division, code)


def path(session: Session, code: str) -> list[Division]:
    """The unit and its ancestors, province first."""
    level = Level.from_code_length(len(code))
    codes = [code[: CODE_LENGTHS[lv]] for lv in Level if lv <= level]
    found = {d.code: d for d in session.scalars(select(Division).where(Division.code.in_(codes)))}
    return [found[c] for c in codes if c in found]


def counts_by_level(session: Session, scope: str) -> dict[Level, int]:
    """How many current (not retired) units of each level lie below `scope`."""
    rows = session.execute(
        select(Division.level, func.count())
        .where(prefix_filter(Division.code, scope), Division.code != scope, Division.retired.is_(False))
        .group_by(Division.level)
    )
    return {Level(level): n for level, n in rows}


def village_classes(session: Session, scope: str) -> dict[str, int]:
    """Current village-level units below `scope` by class, every class present (zero when none)."""
    rows = session.execute(
        select(Division.village_class, func.count())
        .where(prefix_filter(Division.code, scope), Division.level == int(Level.VILLAGE),
               Division.retired.is_(False))
        .group_by(Division.village_class)
    )
    counts = {vc.value: 0 for vc in VillageClass}
    for vc, n in rows:
        if vc is not None:
            counts[vc] = n
    return counts


def children(session: Session, code: str | None) -> list[Division]:
    """The units directly below `code` (provinces when None), in code order."""
    stmt = select(Division).where(
        Division.parent_code.is_(None) if code is None else Division.parent_code == code
    )
    return list(session.scalars(stmt.order_by(Division.code)))


def total_units(session: Session) -> int:
    return session.execute(select(func.count()).select_from(Division)).scalar_one()


def _like_escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _upper(prefix: str) -> str:
    return prefix + "\U0010ffff"


def find(session: Session, text: str, limit: int = 20, level: Level | None = None,
         within: str | None = None) -> list[tuple[Division, int]]:
    """Units matching `text`, best first, as (unit, rank); rank 0 is an exact match; `within`: only units
    whose code starts with it (a county's villages).

    Digits search codes by prefix; Latin letters search pinyin initials (`yjx`) and full pinyin
    (`yongji`); anything else searches names (exact, then prefix, then substring).
    """
    query = "".join(unicodedata.normalize("NFKC", text).split())
    if not query:
        return []
    col = Division
    if query.isdigit():
        rank = case((col.code == query, 0), else_=1)
        cond = prefix_filter(col.code, query)
    elif query.isascii() and query.replace("'", "").isalnum():
        q = query.lower().replace("'", "")
        rank = case(
            (col.initials == q, 0),
            (col.pinyin == q, 0),
            (col.initials.between(q, _upper(q)), 1),
            (col.pinyin.between(q, _upper(q)), 2),
            else_=3,
        )
        pattern = f"%{_like_escape(q)}%"
        cond = or_(col.initials.like(pattern, escape="\\"), col.pinyin.like(pattern, escape="\\"))
    else:
        rank = case((col.name == query, 0), (col.name.like(f"{_like_escape(query)}%", escape="\\"), 1), else_=2)
        cond = col.name.like(f"%{_like_escape(query)}%", escape="\\")
    stmt = select(col, rank.label("rank")).where(cond)
    if level is not None:
        stmt = stmt.where(col.level == int(level))
    if within:
        stmt = stmt.where(prefix_filter(col.code, within))
    stmt = stmt.order_by(rank, col.retired, col.level, col.code).limit(limit)
    return [(unit, int(rank)) for unit, rank in session.execute(stmt)]
