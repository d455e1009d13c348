"""Division use cases: load the official codes, show a unit, browse and search the tree.

The CLI (`villagepost divisions …`) and the window call exactly these functions.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from villagepost.core.codes import CodeFormatError, normalise_code
from villagepost.core.division_info import UnitInfo
from villagepost.core.divisions import Level
from villagepost.core.errors import KnownError
from villagepost.services.registry import Registry
from villagepost.storage import division_queries as q
from villagepost.storage.division_source import DEFAULT_EDITION, edition_dir
from villagepost.storage.models import Division

if TYPE_CHECKING:  # the loader (and the history store it needs) is imported by `load` alone: start-up
    from villagepost.storage.division_loader import LoadResult, Progress


def __getattr__(name: str) -> object:
    """`LoadResult` and `Progress` for importers of this module, loaded on first use."""
    if name in ("LoadResult", "Progress"):
        from villagepost.storage import division_loader

        return getattr(division_loader, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def parse_scope(text: str | int) -> str:
    """A scope typed by a user (`22`, `220221`, `220221000000`, `２２`) as a canonical code."""
    try:
        return normalise_code(text).code
    except CodeFormatError as exc:
        raise KnownError(exc.key, **exc.params) from exc


def load(
    reg: Registry,
    scopes: Sequence[str] = (),
    *,
    edition: int = DEFAULT_EDITION,
    progress: Progress | None = None,
    cancelled: Callable[[], bool] | None = None,
) -> LoadResult:
    """Load the official codes of `scopes` (the whole country when empty) in one transaction."""
    canonical = sorted({parse_scope(s) for s in scopes})
    # A scope inside another adds nothing: keep the outermost.
    canonical = [s for s in canonical if not any(s != o and s.startswith(o) for o in canonical)]
    folder = edition_dir(edition)
    with reg.connection() as conn:
        from villagepost.storage.division_loader import load_divisions

        return load_divisions(conn, folder, edition, canonical, progress=progress, cancelled=cancelled)


def require_unit(reg: Registry, code: str) -> tuple[Division, str]:
    """The unit and its path text (吉林省 / 吉林市 / 永吉县), or the refusal a user can act on."""
    with reg.read() as s:
        unit = q.get(s, code)
        if unit is None:
            if q.total_units(s) == 0:
                raise KnownError("div.empty_registry")
            raise KnownError("div.unknown_code", code=code)
        if not reg.actor.may_read(code):
            # a township's staff read their county (and the units above it), not another county
            raise KnownError("div.out_of_read_scope", actor=reg.actor.name, code=code,
                             scopes="、".join(reg.actor.read_scopes))
        return unit, " / ".join(d.name for d in q.path(s, code))


def show(reg: Registry, code_text: str) -> UnitInfo:
    code = parse_scope(code_text)
    unit, _ = require_unit(reg, code)
    with reg.read() as s:
        chain = q.path(s, code)
        counts = q.counts_by_level(s, code)
        classes = q.village_classes(s, code) if unit.level < Level.VILLAGE else {}
    level = Level(unit.level)
    return UnitInfo(
        code=unit.code,
        name=unit.name,
        level=level.name.lower(),
        level_zh=level.zh,
        edition=unit.edition,
        retired=unit.retired,
        parent=unit.parent_code,
        path=[{"code": d.code, "name": d.name} for d in chain],
        path_text=" / ".join(d.name for d in chain),
        counts={lv.name.lower(): counts.get(lv, 0) for lv in Level if lv > level},
        village_classes=classes,
        village_class=unit.village_class,
        pinyin=unit.pinyin,
        initials=unit.initials,
    )


@dataclass
class UnitHit:
    code: str
    name: str
    level: str
    path_text: str
    rank: int
    retired: bool = False


def find(reg: Registry, text: str, *, limit: int = 20, level: Level | None = None,
         within: str | None = None) -> list[UnitHit]:
    """Units by name, pinyin (full or initials) or code prefix; `within` a unit's code prefix (a county)."""
    if not text.strip():
        raise KnownError("div.query_empty")
    with reg.read() as s:
        hits = q.find(s, text, limit=limit, level=level, within=within)
        out = []
        for unit, rank in hits:
            chain = q.path(s, unit.code)
            out.append(UnitHit(unit.code, unit.name, Level(unit.level).name.lower(),
                               " / ".join(d.name for d in chain), rank, unit.retired))
    return out


@dataclass
class TreeNode:
    """A node of the division tree as the window's lazy model shows it."""

    code: str
    name: str
    level: int
    has_children: bool
    retired: bool = False
    extra: dict[str, int] = field(default_factory=dict)


def children(reg: Registry, code: str | None) -> list[TreeNode]:
    """The units directly below `code` (the provinces for None)."""
    with reg.read() as s:
        units = q.children(s, code)
    return [TreeNode(u.code, u.name, u.level, u.level < Level.VILLAGE, u.retired) for u in units]


def is_empty(reg: Registry) -> bool:
    with reg.read() as s:
        return q.total_units(s) == 0


def unit_count(reg: Registry) -> int:
    with reg.read() as s:
        return q.total_units(s)
