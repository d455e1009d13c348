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
from collections.abc import Sequence
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from villagepost.core.divisions import CODE_LENGTHS, Level

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


#: (code, name, parent code or None, level as int): the shape the loader consumes.
Unit = tuple[str, str, str | None, int]


def edition_dir(edition: int = DEFAULT_EDITION) -> Path:
    """Folder of a bundled edition (works from a checkout, an installed wheel or a frozen app)."""
    base = resources.files("villagepost.resources") / "divisions" / str(edition)
    path = Path(str(base))
    if not (path / "provinces.csv.xz").is_file():
        raise FileNotFoundError(f"division codes of edition {edition} are not bundled at {path}")
    return path


# code,"name",parent[,more]: one C-level regex pass is ~3x faster than the csv module over 620k rows.
_LINE = re.compile(r'^(\d+),"([^"\n]*)"(?:,(\d+))?', re.MULTILINE)


def _read_text(path: Path) -> str:
    with lzma.open(path, "rt", encoding="utf-8", newline="") as fh:
        return fh.read()


def _parse(text: str, level: Level) -> list[Unit]:
    """Units of a CSV fragment (whole lines, no header)."""
    lines = text.count("\n") + (0 if not text or text.endswith("\n") else 1)
    found = _LINE.findall(text)
    lv = int(level)
    if len(found) == lines:
        return [(code, name, parent or None, lv) for code, name, parent in found]
    # Quotes inside a name or unquoted names: let the csv module do it properly.
    return [(row[0], row[1], row[2] if len(row) > 2 and row[2] else None, lv)
            for row in csv.reader(io.StringIO(text)) if row]


def _body(text: str) -> tuple[str, int]:
    """The data lines of a file's text (header dropped) and how many there are."""
    start = text.find("\n") + 1
    body = text[start:]
    return body, body.count("\n") + (0 if not body or body.endswith("\n") else 1)


def _prefix_slice(body: str, prefix: str) -> tuple[int, int]:
    """(first, last) character offsets of the consecutive lines whose code starts with `prefix`.

    The official files are sorted by code, so a scope is one run of lines; (0, 0) when absent.
    """
    start = 0 if body.startswith(prefix) else body.find("\n" + prefix) + 1
    if start == 0 and not body.startswith(prefix):
        return 0, 0
    pos = start
    while body.startswith(prefix, pos):
        nxt = body.find("\n", pos)
        pos = len(body) if nxt < 0 else nxt + 1
    return start, pos


@dataclass
class UnitsRead:
    """Units read from an edition, with where each stands in the full edition (for the pinyin index)."""

    units: list[Unit]
    positions: list[int]
    total: int


def read_units(folder: Path, scopes: Sequence[str] = ()) -> UnitsRead:
    """The units of the edition in `folder`, parents before children, in file order.

    With `scopes`, only the units under them and their ancestors: each scope is a run of consecutive
    lines, sliced out of the decompressed text instead of parsing 620k lines to keep a few thousand.
    """
    units: list[Unit] = []
    positions: list[int] = []
    offset = 0
    ancestors = sorted({s[:n] for s in scopes for n in (2, 4, 6, 9) if n < len(s)})
    for filename, level in LEVEL_FILES:
        body, count = _body(_read_text(folder / filename))
        if not scopes:
            part = _parse(body, level)
            units.extend(part)
            positions.extend(range(offset, offset + len(part)))
        else:
            pieces: list[tuple[int, int]] = []
            for code in ancestors:
                if len(code) == CODE_LENGTHS[level]:
                    pieces.append(_prefix_slice(body, code + ","))
            for scope in scopes:
                pieces.append(_prefix_slice(body, scope))
            for start, end in sorted(set(pieces)):
                if start == end:
                    continue
                part = _parse(body[start:end], level)
                first = offset + body.count("\n", 0, start)
                units.extend(part)
                positions.extend(range(first, first + len(part)))
        offset += count
    return UnitsRead(units, positions, offset)


def read_pinyin_index(folder: Path, expected: int) -> list[str] | None:
    """`pinyin<TAB>initials` of every unit, in `read_units` order; None when absent or not matching.

    Lines are returned unsplit so a county load splits a few hundred, not 665k. Stored as gzip, not
    xz: it decompresses ten times faster, and the load waits for it.
    """
    path = folder / PINYIN_FILE
    if not path.is_file():
        return None
    with gzip.open(path, "rt", encoding="utf-8", newline="\n") as fh:
        text = fh.read()
    lines = text.split("\n")
    if not lines or lines[0] != f"#{expected}" or len(lines) < expected + 1:
        return None
    return lines[1 : expected + 1]


def split_keys(line: str) -> tuple[str, str]:
    full, _, initials = line.partition("\t")
    return full, initials


def _keys_chunk(names: list[str]) -> list[tuple[str, str]]:
    from villagepost.core.pinyin import pinyin_keys

    return [pinyin_keys(n) for n in names]


def build_pinyin_index(folder: Path, workers: int = 2) -> Path:
    """Compute the exact (phrase-aware) pinyin keys of every unit and write them beside the codes.

    Run once per new edition (`villagepost divisions build-index`); about a minute for the nation on two
    cores. The file holds a count line and then one `pinyin<TAB>initials` line per unit in file order.
    """
    from concurrent.futures import ProcessPoolExecutor

    names = [unit[1] for unit in read_units(folder).units]
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
