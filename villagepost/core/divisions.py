"""The vocabulary of the statistical division codes: levels, village classes, township kinds.

A code is `PP CC DD TTT VVV`; its length says its level, its last three digits say the class of a
village-level unit (编制规则 of the National Bureau of Statistics).
"""

from __future__ import annotations

from enum import IntEnum, StrEnum


class Level(IntEnum):
    """Administrative level; the value is the depth in the tree (province = 1)."""

    PROVINCE = 1
    CITY = 2
    COUNTY = 3
    TOWNSHIP = 4
    VILLAGE = 5

    @property
    def code_length(self) -> int:
        return CODE_LENGTHS[self]

    @property
    def zh(self) -> str:
        return LEVEL_NAMES_ZH[self]

    @classmethod
    def from_code_length(cls, length: int) -> Level:
        try:
            return LEVEL_BY_LENGTH[length]
        except KeyError:
            raise ValueError(f"no level has codes of {length} digits") from None

    @classmethod
    def parse(cls, text: str) -> Level:
        """Accept `county`, `COUNTY`, `县` or `3`."""
        t = text.strip()
        for level in cls:
            if t.lower() == level.name.lower() or t == level.zh or t == str(int(level)):
                return level
        raise ValueError(f"unknown level: {text}")


CODE_LENGTHS: dict[Level, int] = {
    Level.PROVINCE: 2, Level.CITY: 4, Level.COUNTY: 6, Level.TOWNSHIP: 9, Level.VILLAGE: 12,
}
LEVEL_BY_LENGTH: dict[int, Level] = {v: k for k, v in CODE_LENGTHS.items()}
LEVEL_NAMES_ZH: dict[Level, str] = {
    Level.PROVINCE: "省", Level.CITY: "市", Level.COUNTY: "县", Level.TOWNSHIP: "乡镇", Level.VILLAGE: "村",
}


class VillageClass(StrEnum):
    """Class of a village-level unit, from digits 10-12 of its code."""

    RESIDENTS = "居委会"  # 001-199 居民委员会
    VILLAGE = "村委会"  # 200-399 村民委员会 = 建制村
    RESIDENTS_LIKE = "类似居委会"  # 400-499
    VILLAGE_LIKE = "类似村委会"  # 500-599


#: VVV (digits 10-12 of a village-level code) -> its class, as inclusive ranges; the registry's count
#: check compares the same ranges in SQL (`storage.division_counts`).
VVV_RANGES: dict[VillageClass, tuple[int, int]] = {
    VillageClass.RESIDENTS: (1, 199),
    VillageClass.VILLAGE: (200, 399),
    VillageClass.RESIDENTS_LIKE: (400, 499),
    VillageClass.VILLAGE_LIKE: (500, 599),
}


def village_class(code: str) -> VillageClass | None:
    """The class of a 12-digit village-level code, or None when VVV is outside 001-599."""
    if len(code) != 12 or not code.isdigit():
        return None
    vvv = int(code[9:])
    return next((cls for cls, (low, high) in VVV_RANGES.items() if low <= vvv <= high), None)


class TownshipKind(StrEnum):
    """Kind of a township-level unit, from digits 7-9 of its code."""

    SUBDISTRICT = "街道"  # 001-099
    TOWN = "镇"  # 100-199
    TOWNSHIP = "乡"  # 200-399
    TOWNSHIP_LIKE = "类似乡级单位"  # 400-599


def township_kind(code: str) -> TownshipKind | None:
    """The kind of a 9-digit township code (or of the township part of a 12-digit one)."""
    if len(code) < 9 or not code[:9].isdigit():
        return None
    ttt = int(code[6:9])
    if 1 <= ttt <= 99:
        return TownshipKind.SUBDISTRICT
    if 100 <= ttt <= 199:
        return TownshipKind.TOWN
    if 200 <= ttt <= 399:
        return TownshipKind.TOWNSHIP
    if 400 <= ttt <= 599:
        return TownshipKind.TOWNSHIP_LIKE
    return None


def level_of(code: str) -> Level:
    """The level of a canonical (unpadded) code."""
    return Level.from_code_length(len(code))


def parent_of(code: str) -> str | None:
    """The canonical code of the parent unit, or None for a province."""
    level = level_of(code)
    if level is Level.PROVINCE:
        return None
    return code[: CODE_LENGTHS[Level(level - 1)]]


def ancestors_of(code: str) -> list[str]:
    """Codes of all units above `code`, province first."""
    level = level_of(code)
    return [code[: CODE_LENGTHS[lv]] for lv in Level if lv < level]
