"""What `divisions show` reports about one unit, apart from how it was read (plain sqlite3 or the ORM)."""

from __future__ import annotations

from dataclasses import asdict, dataclass


@dataclass
class UnitInfo:
    """What `divisions show` prints."""

    code: str
    name: str
    level: str
    level_zh: str
    edition: int
    retired: bool
    parent: str | None
    path: list[dict[str, str]]
    path_text: str
    counts: dict[str, int]
    village_classes: dict[str, int]
    village_class: str | None = None
    pinyin: str = ""
    initials: str = ""

    def to_json(self) -> dict[str, object]:
        return asdict(self)
