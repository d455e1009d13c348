"""The official division codes as shipped in resources/divisions/<edition>/.

The files are the National Bureau of Statistics' codes as CSV, xz-compressed (see the README beside
them). This module reads them into plain records, scope-filtered while streaming so a county load
never builds the nation's 620k rows, and builds the pinyin index shipped beside them.
"""

from __future__ import annotations

import csv
import gzip
import io
import lzma
import re
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from villagepost.core.divisions import Level

DEFAULT_EDITION = 2023
PINYIN_FILE = "pinyin.tsv.gz"

#: (file, level) in load order: parents before children.
LEVEL_FILES: tuple[tuple[str, Level], ...] = (
    ("provinces.csv.xz", Level.PROVINCE),
    ("cities.csv.xz", Level.CITY),
    ("areas.csv.xz", Level.COUNTY),
    ("streets.csv.xz", Level.TOWNSHIP),
    ("villages.csv.xz", Level.VILLAGE),
)


@dataclass(frozen=True, slots=True)
class DivisionRecord:
    """One unit as the edition gives it."""

    code: str
    name: str
    level: Level
    parent: str | None = None


#: (code, name, parent code or None, level as int): the shape the loader consumes.
Unit = tuple[str, str, str | None, int]


def edition_dir(edition: int = DEFAULT_EDITION) -> Path:
    """Folder of a bundled edition (works from a checkout, an installed wheel or a frozen app)."""
    base = resources.files("villagepost.resources") / "divisions" / str(edition)
    path = Path(str(base))
    if not (path / "provinces.csv.xz").is_file():
        raise FileNotFoundError(f"division codes of edition {edition} are not bundled at {path}")
    return path


def bundled_editions() -> list[int]:
    root = Path(str(resources.files("villagepost.resources") / "divisions"))
    return sorted(int(p.name) for p in root.iterdir() if p.name.isdigit() and (p / "provinces.csv.xz").is_file())


# code,"name",parent[,more]: one C-level regex pass is ~3x faster than the csv module over 620k rows.
_LINE = re.compile(r'^(\d+),"([^"\n]*)"(?:,(\d+))?', re.MULTILINE)


def _read_file(path: Path, level: Level) -> list[Unit]:
    with lzma.open(path, "rt", encoding="utf-8", newline="") as fh:
        text = fh.read()
    lines = text.count("\n") - 1 + (0 if text.endswith("\n") else 1)
    found = _LINE.findall(text)
    if len(found) == lines:
        lv = int(level)
        return [(code, name, parent or None, lv) for code, name, parent in found]
    # Quotes inside a name or unquoted names: let the csv module do it properly.
    out: list[Unit] = []
    reader = csv.reader(io.StringIO(text))
    next(reader)
    for row in reader:
        out.append((row[0], row[1], row[2] if len(row) > 2 and row[2] else None, int(level)))
    return out


def read_units(folder: Path) -> list[Unit]:
    """Every unit of the edition in `folder`, parents before children, in the files' order."""
    units: list[Unit] = []
    for filename, level in LEVEL_FILES:
        units.extend(_read_file(folder / filename, level))
    return units


def scope_matcher(scopes: Sequence[str]) -> Callable[[str], bool]:
    """A predicate: the unit lies under a scope, or is an ancestor of one (so the tree stays whole).

    Built once per load: `str.startswith(tuple)` and a set lookup keep 665k tests in C.
    """
    if not scopes:
        return lambda code: True
    prefixes = tuple(scopes)
    ancestors = {s[:n] for s in scopes for n in (2, 4, 6, 9) if n < len(s)}
    return lambda code: code.startswith(prefixes) or code in ancestors


def read_records(folder: Path, scopes: Sequence[str] = ()) -> Iterator[DivisionRecord]:
    """The units of the edition in `folder`, parents first, limited to `scopes` (code prefixes)."""
    wanted = scope_matcher(scopes)
    for code, name, parent, level in read_units(folder):
        if wanted(code):
            yield DivisionRecord(code, name, Level(level), parent)


def read_pinyin_index(folder: Path, expected: int) -> list[tuple[str, str]] | None:
    """(full pinyin, initials) of every unit, in `read_units` order; None when absent or not matching.

    Stored as gzip, not xz: it decompresses ten times faster, and the load waits for it.
    """
    path = folder / PINYIN_FILE
    if not path.is_file():
        return None
    with gzip.open(path, "rt", encoding="utf-8", newline="\n") as fh:
        text = fh.read()
    lines = text.split("\n")
    if not lines or lines[0] != f"#{expected}":
        return None
    body = lines[1 : expected + 1]
    if len(body) != expected:
        return None
    return [tuple(line.split("\t", 1)) for line in body]  # type: ignore[misc]


def _keys_chunk(names: list[str]) -> list[tuple[str, str]]:
    from villagepost.core.pinyin import pinyin_keys

    return [pinyin_keys(n) for n in names]


def build_pinyin_index(folder: Path, workers: int = 2) -> Path:
    """Compute the exact (phrase-aware) pinyin keys of every unit and write them beside the codes.

    Run once per new edition (`villagepost divisions build-index`); about a minute for the nation on two
    cores. The file holds a count line and then one `pinyin<TAB>initials` line per unit in file order.
    """
    from concurrent.futures import ProcessPoolExecutor

    names = [unit[1] for unit in read_units(folder)]
    step = 20_000
    chunks = [names[i : i + step] for i in range(0, len(names), step)]
    keys: list[tuple[str, str]] = []
    with ProcessPoolExecutor(max_workers=workers) as pool:
        for part in pool.map(_keys_chunk, chunks):
            keys.extend(part)
    out = folder / PINYIN_FILE
    body = "\n".join(f"{full}\t{initials}" for full, initials in keys)
    with gzip.open(out, "wt", encoding="utf-8", compresslevel=9, newline="\n") as fh:
        fh.write(f"#{len(keys)}\n{body}\n")
    return out
