"""The one place that writes cells into .xlsx files: every export, template and error report goes through here.

Why one place: the files we write travel to townships, get opened in Excel or WPS, edited and sent back.
Three things must never go wrong there, and they are easy to get wrong cell by cell:

* **Formula injection.** A station name such as ``=HYPERLINK("http://…","马")`` or ``+cmd|' /C calc'!A0``
  came in as text and must leave as text that cannot evaluate. openpyxl turns any ``str`` starting with
  ``=`` into a formula (``<f>``); we always write strings as inline string cells (``t="inlineStr"``), never
  formulas, and mark formula-looking text (=, +, -, @ — also full-width — after any leading whitespace)
  with ``quotePrefix`` so Excel/WPS keep it text when a user edits the cell and presses Enter.
* **Codes.** A 12-digit division code written as a number shows as 6.40221E+11 and loses its digits the
  moment someone edits it: codes and phones are text cells with the text format ``@``.
* **Dates.** Full dates become real Excel dates (sortable, filterable); a month or a year alone
  ("2024-03", "2019") stays text, because an Excel date would invent a day.

Everything is written in openpyxl's write-only (streaming) mode: the national registry is 487,144 rows,
and a normal worksheet keeps every cell object in memory (~1.5 GB for that). Write-only mode cannot go
back, so column widths and frozen panes are decided from a sample of the first rows, before the first row
is streamed. A cell object is kept per column and look and reused row after row: the streaming writer
serialises a row completely inside ``append``, so reuse is safe, and it saves creating ~6 million objects.
"""

from __future__ import annotations

import datetime as dt
import math
import os
import re
import tempfile
import unicodedata
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.cell.cell import Cell
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from villagepost.core.files import publish

CellValue = str | int | float | bool | dt.date | dt.datetime | dt.time | None

TEXT_FORMAT = "@"
DATE_FORMAT = "yyyy-mm-dd"
COORD_FORMAT = "0.000000"
#: Excel's limit for the text of one cell
MAX_CELL_TEXT = 32_767

#: light red, the fill Excel itself proposes for "bad" cells
ERROR_FILL = "FFC7CE"
HEADER_FILL = "D9E1F2"
#: grey for pre-filled official values that must not be edited
LOCKED_FILL = "EDEDED"

_TRIGGERS = frozenset("=+-@＝＋－＠")
_INVISIBLE_LEAD = "\u200b\u200c\u200d\u2060\ufeff"
#: characters XML 1.0 cannot hold at all; Excel writes them as _xHHHH_ (and reads that back as the character)
_XML_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_DATE_FORMATS: dict[type, str] = {dt.datetime: "yyyy-mm-dd hh:mm:ss", dt.date: DATE_FORMAT, dt.time: "hh:mm:ss"}
_FULL_DATE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$")


def looks_like_formula(text: str) -> bool:
    """Would Excel/WPS treat `text` as a formula if a user typed it (after any leading whitespace)?

    Leading spaces, tabs and CR/LF do not protect: Excel strips them on input, and CSV-injection attacks
    (OWASP) use exactly that. Full-width ＝＋－＠ count too: a Chinese IME produces them and Excel
    converts them on input.
    """
    stripped = text.lstrip().lstrip(_INVISIBLE_LEAD).lstrip()
    return bool(stripped) and stripped[0] in _TRIGGERS


def xml_safe(text: str) -> str:
    """`text` with the control characters XML cannot hold written as Excel's own escape (_x0001_).

    Excel decodes the escape back to the character; openpyxl shows it literally. Such characters
    cannot come from an xlsx roster, so this only guards data typed elsewhere from breaking the file.
    """
    if _XML_ILLEGAL.search(text) is None:
        return text
    return _XML_ILLEGAL.sub(lambda m: f"_x{ord(m.group(0)):04X}_", text)


def date_value(opened: str | dt.date | None) -> dt.date | str | None:
    """A stored opening date as written to a cell: a real date when complete, else the text as stored.

    "2024-03" or "2019" stay text: an Excel date would invent the day (and the month), and the importer
    would then store a precision the township never gave.
    """
    if opened is None or isinstance(opened, dt.date):
        return opened
    m = _FULL_DATE.match(opened)
    if m is None:
        return opened
    try:
        return dt.date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
    except ValueError:
        return opened


def display_width(text: str) -> int:
    """Width of `text` in Excel column units: CJK (wide/full-width) characters take two."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


@dataclass(frozen=True)
class Look:
    """How a cell looks; one openpyxl style (xf) per distinct Look."""

    number_format: str = "General"
    bold: bool = False
    fill: str | None = None
    wrap: bool = False
    color: str | None = None


@dataclass(frozen=True)
class Column:
    """A column of a sheet: its header and the look of its data cells."""

    header: str
    number_format: str = "General"
    #: fixed width in Excel units; None = from the header and the first rows
    width: float | None = None
    max_width: float = 50
    wrap: bool = False


HEADER_LOOK = Look(bold=True, fill=HEADER_FILL, wrap=True)
PLAIN = Look()


@dataclass
class _Proto:
    plain: Cell
    quoted: Cell


class SheetWriter:
    """Streams rows into one write-only sheet with safe cells, header rows, widths, freeze and autofilter.

    The first `sample` data rows are held back so the column widths can be measured before anything is
    streamed (write-only sheets write their column widths first). Call `close()` when done: it flushes
    the sample if the sheet was short and sets the autofilter over header and data.

    Empty cells are written only when a look is given for them in `append`, or for every column with
    `style_empty` (a template, whose empty cells must already be text-formatted for what users type).
    """

    def __init__(
        self,
        wb: Workbook,
        title: str,
        columns: Sequence[Column],
        *,
        header_rows: Sequence[Sequence[CellValue]] | None = None,
        header_look: Look = HEADER_LOOK,
        freeze: bool = True,
        autofilter: bool = True,
        sample: int = 200,
        style_empty: bool = False,
    ) -> None:
        self.ws = wb.create_sheet(title)
        # openpyxl's own row conversion tries `cell.value = item` on every item and falls back on a
        # ValueError when the item is already a cell: we only ever pass cells, so skip that detour
        # (a third of the time of a big export). The output is the same either way.
        self.ws._values_to_row = _cells_to_row
        self._style_empty = style_empty
        self.columns = list(columns)
        self._header_rows = [list(r) for r in header_rows] if header_rows is not None else [
            [c.header for c in self.columns]]
        self._header_look = header_look
        self._freeze = freeze
        self._autofilter = autofilter
        self._sample = sample
        self._pending: list[tuple[Sequence[CellValue], Mapping[int, Look] | None, Mapping[int, str] | None]] = []
        self._started = False
        self._protos: dict[tuple[int, Look], _Proto] = {}
        self._default_looks = [Look(number_format=c.number_format, wrap=c.wrap) for c in self.columns]
        #: data rows written (header rows not counted)
        self.rows = 0
        self.extra_width = 0

    @property
    def header_height(self) -> int:
        return len(self._header_rows)

    @property
    def appended(self) -> int:
        """Data rows appended so far (written or still held back for measuring widths)."""
        return self.rows + len(self._pending)

    @property
    def width(self) -> int:
        return max([len(self.columns), *(len(r) for r in self._header_rows)])

    def append(
        self,
        values: Sequence[CellValue],
        looks: Mapping[int, Look] | None = None,
        comments: Mapping[int, str] | None = None,
    ) -> None:
        """Add a data row. `looks` and `comments` are keyed by 0-based column index."""
        if not self._started:
            self._pending.append((values, looks, comments))
            if len(self._pending) >= self._sample:
                self._start()
            return
        self._write(values, looks, comments)
        self.rows += 1

    def close(self) -> int:
        """Finish the sheet (widths, header, autofilter); returns the number of data rows."""
        if not self._started:
            self._start()
        if self._autofilter and self.width:
            top = self.header_height
            last = top + self.rows
            self.ws.auto_filter.ref = f"A{top}:{get_column_letter(self.width)}{max(last, top)}"
        return self.rows

    # -- internals ------------------------------------------------------------------------
    def _start(self) -> None:
        self._started = True
        self._set_widths()
        if self._freeze and self.header_height:
            self.ws.freeze_panes = f"A{self.header_height + 1}"
        for hr in self._header_rows:
            self._write(hr, {i: self._header_look for i in range(len(hr))}, None)
        pending, self._pending = self._pending, []
        for values, looks, comments in pending:
            self._write(values, looks, comments)
            self.rows += 1

    def _set_widths(self) -> None:
        for i in range(self.width):
            col = self.columns[i] if i < len(self.columns) else None
            if col is not None and col.width is not None:
                width = col.width
            else:
                seen = [display_width(str(r[i])) for r in self._header_rows if i < len(r) and r[i] is not None]
                for values, _, _ in self._pending:
                    if i < len(values) and values[i] is not None:
                        v = values[i]
                        seen.append(10 if isinstance(v, dt.date) else display_width(str(v)))
                longest = max(seen, default=6)
                cap = col.max_width if col is not None else 50
                width = float(min(max(longest + 2, 6), cap))
            dim = self.ws.column_dimensions[get_column_letter(i + 1)]
            dim.width = width
            if col is not None and col.number_format == TEXT_FORMAT:
                # Cells a user adds below the data (a second station) are text too: codes, phones.
                dim.number_format = TEXT_FORMAT

    def _write(
        self, values: Sequence[CellValue], looks: Mapping[int, Look] | None, comments: Mapping[int, str] | None
    ) -> None:
        # The hot loop of every export (6 million cells for the national registry): no allocation per cell
        # beyond what openpyxl itself needs.
        row: list[Cell | None] = []
        n = len(values)
        last = n
        if looks:
            last = max(last, max(looks) + 1)
        if comments:
            last = max(last, max(comments) + 1)
        defaults = self._default_looks
        nd = len(defaults)
        protos = self._protos
        for i in range(last):
            value = values[i] if i < n else None
            look = looks[i] if looks is not None and i in looks else defaults[i] if i < nd else PLAIN
            if isinstance(value, dt.date | dt.time) and look.number_format == "General":
                # A date in a General cell would show as a serial number such as 45366.
                look = replace(look, number_format=_DATE_FORMATS.get(type(value), DATE_FORMAT))
            note = comments.get(i) if comments else None
            if value is None and note is None and (look == PLAIN or not (self._style_empty or (
                    looks is not None and i in looks))):
                row.append(None)
                continue
            proto = protos.get((i, look))
            if proto is None:
                proto = protos[(i, look)] = _Proto(_styled(self.ws, look, quote=False),
                                                   _styled(self.ws, look, quote=True))
            cell = set_value(proto, value)
            if note is not None:
                cell = _fresh_copy(self.ws, cell, look)
                cell.comment = _comment(note)
            row.append(cell)
        self.ws.append(row)


def _cells_to_row(values: Sequence[Cell | None], row_idx: int) -> Iterator[Cell]:
    """The cells of one row with their coordinates set (see SheetWriter.__init__)."""
    for col_idx, cell in enumerate(values, 1):
        if cell is None:
            continue
        cell.column = col_idx
        cell.row = row_idx
        yield cell


def _styled(ws: Any, look: Look, *, quote: bool) -> Cell:
    cell = Cell(ws, row=1, column=1)
    if look.number_format != "General":
        cell.number_format = look.number_format
    if look.bold or look.color:
        cell.font = Font(bold=look.bold, color=look.color)
    if look.fill:
        cell.fill = PatternFill("solid", start_color=look.fill, end_color=look.fill)
    if look.wrap:
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    if quote:
        cell.quotePrefix = True
    return cell


def _fresh_copy(ws: Any, cell: Cell, look: Look) -> Cell:
    """A new cell like `cell`: comments are collected by reference at write time, so none may be reused."""
    fresh = _styled(ws, look, quote=bool(cell.quotePrefix))
    fresh._value = cell._value
    fresh.data_type = cell.data_type
    return fresh


def _comment(text: str) -> Comment:
    body = xml_safe(text)[:MAX_CELL_TEXT]
    lines = body.count("\n") + 1
    width = min(max(display_width(max(body.split("\n"), key=display_width)) * 7 + 20, 180), 420)
    return Comment(body, "村邮通", height=min(20 + 18 * lines + display_width(body) // 3, 400), width=width)


def set_value(proto: _Proto, value: CellValue) -> Cell:
    """Put `value` into the matching prototype cell (plain or quote-prefixed) with its type forced.

    Strings are always string cells (data_type 's' → inline string), never formulas or error values
    such as '#N/A', whatever they start with.
    """
    if isinstance(value, str):
        text = xml_safe(value)
        if len(text) > MAX_CELL_TEXT:
            text = text[:MAX_CELL_TEXT]
        cell = proto.quoted if looks_like_formula(text) else proto.plain
        cell._value = text
        cell.data_type = "s"
        return cell
    cell = proto.plain
    if value is None:
        cell._value = None
        cell.data_type = "n"
    elif isinstance(value, bool):
        cell._value = value
        cell.data_type = "b"
    elif isinstance(value, int | float):
        if isinstance(value, float) and not math.isfinite(value):
            cell._value = str(value)
            cell.data_type = "s"
        else:
            cell._value = value
            cell.data_type = "n"
    elif isinstance(value, dt.datetime | dt.date | dt.time):
        if isinstance(value, dt.datetime) and value.tzinfo is not None:
            value = value.replace(tzinfo=None)
        cell._value = value
        cell.data_type = "d"
    else:
        return set_value(proto, str(value))
    return cell


def new_workbook() -> Workbook:
    """A streaming workbook (no default sheet)."""
    return Workbook(write_only=True)


def simple_sheet(wb: Workbook, title: str, rows: Iterable[Sequence[CellValue]], *,
                 widths: Sequence[float] = (), wrap: Iterable[int] = (), bold_rows: Iterable[int] = (0,)) -> Any:
    """A small sheet of notes (说明, 填表说明): rows as given, fixed widths, `wrap` columns wrapped.

    `bold_rows` are 0-based indices into `rows` shown as headings.
    """
    wrapped = set(wrap)
    columns = [Column("", width=w, wrap=i in wrapped) for i, w in enumerate(widths)]
    bold = set(bold_rows)
    heading = Look(bold=True)
    sw = SheetWriter(wb, title, columns, header_rows=[], freeze=False, autofilter=False)
    for i, r in enumerate(rows):
        sw.append(r, {j: heading for j in range(len(r))} if i in bold else None)
    sw.close()
    return sw.ws


@dataclass
class SavedFile:
    path: Path
    bytes: int = 0
    extra: dict[str, Any] = field(default_factory=dict)


def save_atomically(wb: Workbook, out: Path) -> SavedFile:
    """Save next to `out` and rename over it, so a failure never leaves a half-written roster behind.

    A workbook open in Excel on Windows cannot be replaced: the OSError reaches the caller, which turns
    it into a message naming the file.
    """
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    # the process id in the name lets a later run remove what a killed export left (services.output_files)
    fd, tmp_name = tempfile.mkstemp(prefix=f".{out.stem}-{os.getpid()}-", suffix=".xlsx.part", dir=out.parent)
    os.close(fd)
    tmp = Path(tmp_name)
    try:
        wb.save(tmp)
        publish(tmp, out)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return SavedFile(out, out.stat().st_size)
