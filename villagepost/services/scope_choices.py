"""Provinces, cities and counties straight from the bundled official codes, for the first-start scope picker.

Why not the database: at first start the registry is empty. Why not `division_source.read_units`: it
decompresses all five files, villages included (~2 s); the picker needs only the three small upper levels
(3,300 rows, ~50 ms). This reads them with the storage layer's public pieces (edition folder, file list).
It holds no Qt: the window and any command use it alike.
"""

from __future__ import annotations

import csv
import lzma
from collections.abc import Iterator
from dataclasses import dataclass, field

from villagepost.core.divisions import Level
from villagepost.core.pinyin import fast_keys
from villagepost.storage.division_source import DEFAULT_EDITION, LEVEL_FILES, edition_dir


@dataclass
class Choice:
    """A unit the clerk may pick as the scope to load."""

    code: str
    name: str
    children: list[Choice] = field(default_factory=list)


@dataclass
class ScopeChoices:
    edition: int
    provinces: list[Choice]

    def search(self, text: str, limit: int = 12) -> list[tuple[Choice, str]]:
        """Units whose name, pinyin initials (plx → 平罗县), full pinyin or code starts with `text` (or
        whose name contains it), with their path ("宁夏回族自治区 / 石嘴山市"); counties first, then by
        how well they match and by code."""
        query = "".join(text.split()).lower()
        if not query:
            return []
        ranked: list[tuple[int, int, str, Choice, str]] = []
        for choice, path, depth in self._walk():
            full, initials = fast_keys(choice.name)
            if initials == query or choice.name == text.strip():
                score = 0
            elif initials.startswith(query) or full.startswith(query) or choice.name.startswith(text.strip()):
                score = 1
            elif choice.code.startswith(query) or text.strip() in choice.name:
                score = 2
            else:
                continue
            ranked.append((score, -depth, choice.code, choice, path))
        ranked.sort(key=lambda r: r[:3])
        return [(choice, path) for _s, _d, _c, choice, path in ranked[:limit]]

    def _walk(self) -> Iterator[tuple[Choice, str, int]]:
        for province in self.provinces:
            yield province, "", 1
            for city in province.children:
                yield city, province.name, 2
                for county in city.children:
                    yield county, f"{province.name} / {city.name}", 3

    def find(self, code: str) -> Choice | None:
        """The choice with `code` (province, city or county), or None."""
        level: list[Choice] = self.provinces
        for length in (2, 4, 6):
            match = next((c for c in level if c.code == code[:length]), None)
            if match is None or length == len(code):
                return match
            level = match.children
        return None


def read_scope_choices(edition: int = DEFAULT_EDITION) -> ScopeChoices:
    """Province → city → county of `edition`, in code order (the files are sorted by code)."""
    folder = edition_dir(edition)
    files = {level: name for name, level in LEVEL_FILES}
    by_code: dict[str, Choice] = {}
    provinces: list[Choice] = []
    for level in (Level.PROVINCE, Level.CITY, Level.COUNTY):
        with lzma.open(folder / files[level], "rt", encoding="utf-8", newline="") as fh:
            rows = csv.reader(fh)
            next(rows, None)  # header
            for row in rows:
                if not row:
                    continue
                choice = Choice(row[0], row[1])
                by_code[choice.code] = choice
                if level is Level.PROVINCE:
                    provinces.append(choice)
                else:
                    parent = by_code.get(row[2])
                    if parent is not None:
                        parent.children.append(choice)
    return ScopeChoices(edition, provinces)
