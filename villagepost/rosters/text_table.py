"""Delimited text rosters (.csv/.txt): encoding and delimiter detection, and the rows as text cells.

What offices send: Excel's "CSV UTF-8" (with BOM), plain CSV from Chinese Windows (GBK, read here as
GB18030, its superset), "Unicode text" (UTF-16 with BOM, tab-separated), and semicolon-separated exports.
Every cell stays text, so codes keep their digits and leading zeros; the roster parser reads dates,
numbers and coordinates from text as it does for text cells of a workbook.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from dataclasses import dataclass

#: Largest text roster read (the national roster as CSV is about 80 MB).
MAX_TEXT_BYTES = 256 << 20
_DELIMITERS = ("\t", ",", ";")
_SAMPLE_LINES = 60


@dataclass
class TextTable:
    """A decoded delimited text: its encoding, delimiter and extent."""

    text: str
    encoding: str
    delimiter: str
    rows: int
    width: int

    def iter_rows(self) -> Iterator[list[str]]:
        return iter(csv.reader(io.StringIO(self.text, newline=""), delimiter=self.delimiter))


def decode(data: bytes) -> tuple[str, str] | None:
    """(text, encoding) of `data`, or None when it is not text in an encoding offices use."""
    if data.startswith(b"\xef\xbb\xbf"):
        encoding = "utf-8-sig"
    elif data.startswith((b"\xff\xfe", b"\xfe\xff")):
        encoding = "utf-16"
    elif b"\x00" in data[:65536]:
        return None
    else:
        encoding = "utf-8"
        try:
            return data.decode(encoding), encoding
        except UnicodeDecodeError:
            encoding = "gb18030"
    try:
        text = data.decode(encoding)
    except UnicodeDecodeError:
        return None
    if "\x00" in text[:65536]:
        return None
    return text, encoding


def _delimiter(text: str) -> str | None:
    sample = "\n".join(line for line in text.splitlines()[:_SAMPLE_LINES] if line.strip())
    best: tuple[int, int] | None = None
    chosen = None
    for delimiter in _DELIMITERS:
        try:
            widths = [len(row) for row in csv.reader(io.StringIO(sample), delimiter=delimiter)]
        except csv.Error:
            continue
        split = [w for w in widths if w > 1]
        if not split:
            continue
        common = max(set(split), key=split.count)
        score = (split.count(common), common)
        if best is None or score > best:
            best, chosen = score, delimiter
    return chosen


def read_text_table(data: bytes) -> TextTable | None:
    """The table in `data`, or None when it is not delimited text."""
    decoded = decode(data)
    if decoded is None:
        return None
    text, encoding = decoded
    delimiter = _delimiter(text)
    if delimiter is None:
        return None
    csv.field_size_limit(1 << 24)
    rows = 0
    width = 0
    try:
        for row in csv.reader(io.StringIO(text, newline=""), delimiter=delimiter):
            rows += 1
            width = max(width, len(row))
    except csv.Error:
        return None
    return TextTable(text, encoding, delimiter, rows, width)
