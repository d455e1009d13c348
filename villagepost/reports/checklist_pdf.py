"""Station checklists as A4 PDF pages: blank, pre-filled for a station, or filled from an inspection.

One page layout, drawn directly on the canvas (no Platypus): the county and the title on top with a QR
code of the station code; the station block; the items grouped by category with 是/否/不适用 boxes and a
remark column; the inspector's opinion; signature lines and the date; "第 N 页 共 M 页" at the foot,
counted per station, so a batch of 1,000 stations prints as 1,000 forms that can be separated.

Why direct drawing: a batch of 1,000 checklists must take under 5 s (issue 6); Platypus' tables and
paragraphs cost several times that. Each sheet is laid out first (every text wrapped, every row
measured, rows cut into pages with the table header repeated and a category heading never left alone at
the foot of a page), then drawn, so the page count is known before the first page is drawn.
Text is drawn as plain strings, never markup, so a station named <b>王</b> prints exactly those
characters; characters the font lacks come out as 〓 with a footnote naming them (reports.fonts).

Geometry: A4 with margins of 18 mm left and right, 16 mm at the top and 16 mm below the footer's
baseline — inside what any office printer prints (its own unprintable edge is about 5 mm).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import BinaryIO

from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas

from villagepost.core.checklists import Checklist, Result, chinese_number
from villagepost.reports.fonts import FONT_NAME, missing_note, printable, register_font
from villagepost.reports.lines import text_width, wrap
from villagepost.reports.qr import draw_qr

PAGE_W, PAGE_H = A4
LEFT = 18 * mm
RIGHT = PAGE_W - 18 * mm
WIDTH = RIGHT - LEFT
TOP = PAGE_H - 16 * mm
FOOTER_Y = 16 * mm
BOTTOM = FOOTER_Y + 7 * mm

QR_SIZE = 24 * mm
LABEL_W = 21 * mm
HALF_VALUE_W = WIDTH / 2 - LABEL_W
PAD = 1.8 * mm

# item table columns: number, text, 是, 否, 不适用, remark
COLS = (10 * mm, 0.0, 11 * mm, 11 * mm, 14 * mm, 38 * mm)
TEXT_W = WIDTH - sum(COLS)
COL_W = (COLS[0], TEXT_W, *COLS[2:])
COL_X = tuple(LEFT + sum(COL_W[:i]) for i in range(len(COL_W)))
BOX = 3.6 * mm

SIZE_TITLE = 17.0
SIZE_TEXT = 9.5
SIZE_LABEL = 9.0
SIZE_SMALL = 7.5
LEADING = 1.3

GREY_LABEL = 0.92
GREY_HEADER = 0.85
GREY_CATEGORY = 0.95



@dataclass(frozen=True)
class StationFacts:
    """What the station block shows (all as stored; None prints empty, `opened` None prints 日期缺失)."""

    code: str
    name: str
    station_type: str | None
    status: str
    village_path: tuple[str, ...]
    operator: str | None
    contact: str | None
    phone: str | None
    opened: str | None
    coop: str | None
    lon: float | None
    lat: float | None
    services: tuple[str, ...] = ()
    brands: tuple[str, ...] = ()


@dataclass(frozen=True)
class Answers:
    """A recorded inspection to print into the form; `results` align with the checklist's items."""

    inspection_id: int
    inspected_on: dt.date
    inspector: str
    operator: str | None
    remark: str | None
    results: tuple[tuple[Result, str | None], ...]


@dataclass(frozen=True)
class Sheet:
    """One form to print: a checklist, for a station (None: blank), maybe with answers."""

    checklist: Checklist
    county: str
    region: str
    station: StationFacts | None = None
    answers: Answers | None = None


def full_title(sheet: Sheet) -> str:
    """The county's name before the checklist's title, unless the title already starts with it."""
    title = sheet.checklist.title
    return title if title.startswith(sheet.county) else f"{sheet.county}{title}"


STATUS_NOTE = {"suspended": "（暂停运营）", "planned": "（筹建中）", "closed": "（已关闭）"}


# --- layout ----------------------------------------------------------------------------------------


@dataclass
class _Text:
    """Text prepared for drawing: wrapped lines and the characters the font lacked."""

    lines: list[str]
    size: float

    @property
    def height(self) -> float:
        return len(self.lines) * self.size * LEADING


@dataclass
class _Row:
    kind: str  # category | item
    height: float
    number: int = 0
    text: _Text | None = None
    remark: _Text | None = None
    result: Result | None = None


#: (label, value, label2, value2) of one station block row; label2 None = the value spans the row
BlockRow = tuple[str, "_Text", str | None, "_Text | None"]


@dataclass
class _Layout:
    title: _Text
    subtitle: str
    region: str
    block: list[BlockRow]
    block_height: float
    min_h: float
    note: _Text | None
    rows: list[_Row]
    opinion: _Text | None
    signer: str
    missing: list[str] = field(default_factory=list)
    #: rows per page (indices into rows); page 0 also holds the header, and the first pages the station block
    pages: list[list[int]] = field(default_factory=list)
    closing_page: int = 0
    #: the station block's rows per page: one page unless what is stored is taller (30 services of 40
    #: characters, 30 brands, a long name...); a row cut at a page foot goes on, labelled (续), on the next
    block_pages: list[list[BlockRow]] = field(default_factory=list)
    #: where the block (and the note under it) ends on its last page
    block_end: float = 0.0


class _Prep:
    """Collects the characters replaced while preparing one sheet's texts."""

    def __init__(self) -> None:
        self.missing: list[str] = []

    def __call__(self, text: str | None) -> str:
        p = printable(text)
        for ch in p.missing:
            if ch not in self.missing:
                self.missing.append(ch)
        return p.text

    def wrapped(self, text: str | None, size: float, w: float) -> _Text:
        return _Text(wrap(self(text), size, w), size)


def _coords(lon: float | None, lat: float | None) -> str:
    if lon is None or lat is None:
        return ""
    return f"东经 {lon:.6f}°，北纬 {lat:.6f}°"


def _block_rows(st: StationFacts | None, prep: _Prep) -> list[tuple[str, str, str | None, str | None]]:
    """(label, value, label2, value2) rows; label2 None = the value spans the row."""
    if st is None:
        return [("站点名称", "", None, None), ("站点编码", "", "站点类型", ""), ("所在村", "", None, None),
                ("运营主体", "", "负责人", ""), ("联系电话", "", "建成日期", ""), ("合作模式", "", "经纬度", ""),
                ("服务项目", "", None, None), ("快递品牌", "", None, None)]
    kind = (st.station_type or "") + STATUS_NOTE.get(st.status, "")
    return [
        ("站点名称", st.name, None, None),
        ("站点编码", st.code, "站点类型", kind),
        ("所在村", " / ".join(st.village_path), None, None),
        ("运营主体", st.operator or "", "负责人", st.contact or ""),
        ("联系电话", st.phone or "", "建成日期", st.opened or "日期缺失"),
        ("合作模式", st.coop or "", "经纬度", _coords(st.lon, st.lat)),
        ("服务项目", "、".join(st.services), None, None),
        ("快递品牌", "、".join(st.brands), None, None),
    ]


def _row_height(*texts: _Text | None, minimum: float) -> float:
    return max(minimum, *(t.height + 2 * PAD for t in texts if t is not None))


def layout(sheet: Sheet) -> _Layout:
    """Measure and paginate one sheet (no drawing)."""
    prep = _Prep()
    blank = sheet.station is None
    title_text = prep(full_title(sheet))
    size = SIZE_TITLE
    room = WIDTH - 2 * (QR_SIZE + 4 * mm)
    while size > 12 and text_width(title_text, size) > room:
        size -= 0.5
    title = _Text(wrap(title_text, size, room), size)
    if sheet.answers is not None:
        subtitle = f"检查记录（编号 {sheet.answers.inspection_id}）"
    else:
        subtitle = "（空白表）" if blank else ""
    block: list[tuple[str, _Text, str | None, _Text | None]] = []
    block_height = 0.0
    min_h = (9 if blank else 7) * mm
    for label, value, label2, value2 in _block_rows(sheet.station, prep):
        if label2 is None:
            v = prep.wrapped(value, SIZE_TEXT, WIDTH - LABEL_W - 2 * PAD)
            block.append((label, v, None, None))
            block_height += _row_height(v, minimum=min_h)
        else:
            v1 = prep.wrapped(value, SIZE_TEXT, HALF_VALUE_W - 2 * PAD)
            v2 = prep.wrapped(value2, SIZE_TEXT, HALF_VALUE_W - 2 * PAD)
            block.append((label, v1, label2, v2))
            block_height += _row_height(v1, v2, minimum=min_h)
    rows: list[_Row] = []
    answers = sheet.answers.results if sheet.answers is not None else None
    for g, (category, items) in enumerate(sheet.checklist.groups(), 1):
        rows.append(_Row("category", 6.5 * mm, text=_Text([prep(f"{chinese_number(g)}、{category}")], SIZE_TEXT)))
        for number, item in items:
            text = prep.wrapped(item.text, SIZE_TEXT, TEXT_W - 2 * PAD)
            result, remark_raw = answers[number - 1] if answers is not None else (None, None)
            remark = prep.wrapped(remark_raw, SIZE_SMALL + 1, COL_W[5] - 2 * PAD) if remark_raw else None
            rows.append(_Row("item", _row_height(text, remark, minimum=8 * mm), number, text, remark, result))
    opinion = None
    if sheet.answers is not None and sheet.answers.remark:
        opinion = prep.wrapped(sheet.answers.remark, SIZE_TEXT, WIDTH - 2 * PAD)
    signer = ""
    if sheet.answers is not None:
        signer = prep(sheet.answers.operator or "")
    out = _Layout(title, subtitle, prep(sheet.region), block, block_height, min_h, None, rows, opinion, signer)
    if prep.missing:
        out.note = _Text(wrap(missing_note(prep.missing), SIZE_SMALL, WIDTH), SIZE_SMALL)
    out.missing = prep.missing
    _paginate_block(out)
    _paginate(out)
    return out


HEADER_ROW_H = 7.5 * mm
CONT_HEADER_H = 12 * mm
GAP = 4 * mm


def _head_height(lay: _Layout) -> float:
    """The first page's title and QR code, above the station block."""
    return max(QR_SIZE + 4 * mm, lay.title.height + 14 * mm)


#: a block row with more lines than this shows its label at its top instead of its middle
TALL_LINES = 3
#: a full-width block row is cut at a page foot only when at least this many of its lines stay above it
MIN_LINES_CUT = 2


def _continued(label: str) -> str:
    return label if label.endswith("(续)") else f"{label}(续)"


def _paginate_block(lay: _Layout) -> None:
    """Cut the station block into pages: whatever is stored is printed, never run off the page's foot.

    A row that does not fit below the previous one starts the next page; a full-width row taller than
    the room left (services, brands) is cut between its lines, its rest continuing on the next page
    under the same label marked (续).
    """
    pages: list[list[BlockRow]] = [[]]
    y = TOP - _head_height(lay)
    for row in lay.block:
        label, value, label2, value2 = row
        while True:
            h = _row_height(value, value2, minimum=lay.min_h)
            if y - h >= BOTTOM:
                pages[-1].append((label, value, label2, value2))
                y -= h
                break
            fit = int((y - BOTTOM - 2 * PAD) // (value.size * LEADING))
            if label2 is None and MIN_LINES_CUT <= fit < len(value.lines):
                pages[-1].append((label, _Text(value.lines[:fit], value.size), None, None))
                value = _Text(value.lines[fit:], value.size)
                label = _continued(label)
            elif not pages[-1]:  # alone on its page and still too tall: cannot happen (a half row fits a page)
                pages[-1].append((label, value, label2, value2))
                y -= h
                break
            pages.append([])
            y = TOP - CONT_HEADER_H
    if lay.note is not None:
        y -= lay.note.height + 1.5 * mm
    lay.block_pages = pages
    lay.block_end = y


def _opinion_height(lay: _Layout) -> float:
    body = lay.opinion.height if lay.opinion is not None else 3 * SIZE_TEXT * LEADING
    return body + 9 * mm


CLOSING_H = 22 * mm


def _paginate(lay: _Layout) -> None:
    """Cut the item rows into pages, starting below the station block on the block's last page."""
    pages: list[list[int]] = [[] for _ in lay.block_pages]
    y = lay.block_end - GAP - HEADER_ROW_H
    fresh = False  # nothing on the page yet (the block's last page holds the block)
    i = 0
    rows = lay.rows
    while i < len(rows):
        need = rows[i].height
        if rows[i].kind == "category" and i + 1 < len(rows):
            need += rows[i + 1].height  # a heading never stays alone at the foot of a page
        if y - need < BOTTOM and not fresh:
            pages.append([])
            y = TOP - CONT_HEADER_H - HEADER_ROW_H
            fresh = True
            continue
        fresh = False
        pages[-1].append(i)
        y -= rows[i].height
        i += 1
    closing = _opinion_height(lay) + CLOSING_H + GAP
    if y - closing < BOTTOM:
        pages.append([])
    lay.pages = pages
    lay.closing_page = len(pages) - 1


# --- drawing ------------------------------------------------------------------------------------------


class ChecklistWriter:
    """Writes sheets into one PDF (a batch), or is used once per file (`--split`)."""

    def __init__(self, out: Path | BinaryIO, *, printed_on: dt.date, title: str = "站点检查表",
                 compress: bool = True) -> None:
        register_font()
        target = str(out) if isinstance(out, Path) else out
        # the initial font is ours, so no unembedded Helvetica is named in the file
        self.canvas = Canvas(target, pagesize=A4, pageCompression=1 if compress else 0,
                             initialFontName=FONT_NAME, initialFontSize=SIZE_TEXT)
        self.canvas.setTitle(title)
        self.canvas.setAuthor("村邮通 VillagePost")
        self.canvas.setCreator("村邮通 VillagePost")
        self.canvas.setSubject("村级寄递物流站点检查表")
        self.printed_on = printed_on
        self.pages = 0
        self.sheets = 0
        self.missing: list[str] = []
        self._forms: dict[tuple[object, ...], str] = {}
        self._tx = self.canvas.beginText()
        self._size = -1.0
        self._grey = -1.0
        self._define(TABLE_HEADER_FORM, lambda: _draw_table_header(self.canvas))
        self._define(FOOTER_FORM, self._draw_footer_fixed)

    def add(self, sheet: Sheet) -> int:
        """Lay out and draw one sheet; returns its page count."""
        lay = layout(sheet)
        for ch in lay.missing:
            if ch not in self.missing:
                self.missing.append(ch)
        total = len(lay.pages)
        for p, row_ids in enumerate(lay.pages):
            self._begin_page()
            y = self._first_header(sheet, lay) if p == 0 else self._continued_header(sheet, lay)
            if p < len(lay.block_pages):
                y = self._block(lay, lay.block_pages[p], y)
                if p == len(lay.block_pages) - 1:
                    if lay.note is not None:
                        self._lines(LEFT, y - 1 * mm, lay.note, grey=0.25)
                        y -= lay.note.height + 1.5 * mm
                    y -= GAP
            if row_ids and sheet.answers is None:
                self._reuse(("table", sheet.checklist.items, tuple(row_ids), round(y, 3)),
                            partial(self._table, lay, row_ids, y))
                y -= HEADER_ROW_H + sum(lay.rows[i].height for i in row_ids)
            elif row_ids:
                y = self._table(lay, row_ids, y)
            if p == lay.closing_page:
                top = y - GAP if row_ids or p < len(lay.block_pages) else y
                if sheet.answers is None:
                    self._reuse(("closing", round(top, 3)), partial(self._closing, sheet, lay, top))
                else:
                    self._closing(sheet, lay, top)
            self._footer(sheet, p + 1, total)
            self._end_page()
        self.pages += total
        self.sheets += 1
        return total

    def close(self) -> None:
        self.canvas.save()

    # -- parts ---------------------------------------------------------------------------------------
    def _text(self, x: float, y: float, text: str, size: float, *, grey: float = 0.0,
              align: str = "left") -> None:
        """Queue `text` on the page's one text object (drawn over the page's graphics at the end).

        One BT…ET block per page instead of one per string: a page has ~50 strings, and reportlab's
        drawString builds a text object for each.
        """
        tx = self._tx
        if size != self._size:
            tx.setFont(FONT_NAME, size)
            self._size = size
        if grey != self._grey:
            tx.setFillGray(grey)
            self._grey = grey
        if align == "center":
            x -= text_width(text, size) / 2
        elif align == "right":
            x -= text_width(text, size)
        tx.setTextOrigin(x, y)
        tx.textOut(text)

    def _begin_page(self) -> None:
        self._tx = self.canvas.beginText()
        self._size = -1.0
        self._grey = -1.0

    def _end_page(self) -> None:
        self.canvas.drawText(self._tx)
        self.canvas.showPage()

    def _lines(self, x: float, top: float, t: _Text, *, align: str = "left", grey: float = 0.0) -> None:
        """Draw wrapped lines whose first line's top is at `top`."""
        y = top - t.size
        for line in t.lines:
            self._text(x, y, line, t.size, align=align, grey=grey)
            y -= t.size * LEADING

    def _first_header(self, sheet: Sheet, lay: _Layout) -> float:
        c = self.canvas
        if lay.region:
            self._text(LEFT, TOP - SIZE_LABEL, lay.region, SIZE_LABEL, grey=0.35)
        title_top = TOP - 7 * mm
        self._lines(PAGE_W / 2, title_top, lay.title, align="center")
        if lay.subtitle:
            self._text(PAGE_W / 2, title_top - lay.title.height - 3 * mm - SIZE_TEXT + 2, lay.subtitle, SIZE_TEXT,
                       align="center")
        if sheet.station is not None:
            draw_qr(c, sheet.station.code, RIGHT - QR_SIZE, TOP - QR_SIZE, QR_SIZE)
            self._text(RIGHT - QR_SIZE / 2, TOP - QR_SIZE - 2.8 * mm, sheet.station.code, SIZE_SMALL - 1,
                       align="center")
        return TOP - _head_height(lay)

    def _block(self, lay: _Layout, block: Sequence[BlockRow], top: float) -> float:
        """Draw this page's rows of the station block from `top`; returns where they end."""
        c = self.canvas
        y = top
        if not block:
            return y
        c.setLineWidth(0.6)
        c.setStrokeGray(0)
        for label, value, label2, value2 in block:
            h = _row_height(value, value2, minimum=lay.min_h)
            c.setFillGray(GREY_LABEL)
            c.rect(LEFT, y - h, LABEL_W, h, stroke=0, fill=1)
            if label2 is not None:
                c.rect(LEFT + WIDTH / 2, y - h, LABEL_W, h, stroke=0, fill=1)
            mid = y - h / 2 - SIZE_LABEL * 0.35
            # a tall row (a long list, a page of services) keeps its label at the top, beside its first line
            at = mid if len(value.lines) <= TALL_LINES else y - PAD - SIZE_LABEL
            self._text(LEFT + PAD, at, label, SIZE_LABEL)
            self._lines(LEFT + LABEL_W + PAD, y - (h - value.height) / 2, value)
            c.line(LEFT, y - h, RIGHT, y - h)
            c.line(LEFT + LABEL_W, y, LEFT + LABEL_W, y - h)
            if label2 is not None and value2 is not None:
                self._text(LEFT + WIDTH / 2 + PAD, mid, label2, SIZE_LABEL)
                self._lines(LEFT + WIDTH / 2 + LABEL_W + PAD, y - (h - value2.height) / 2, value2)
                c.line(LEFT + WIDTH / 2, y, LEFT + WIDTH / 2, y - h)
                c.line(LEFT + WIDTH / 2 + LABEL_W, y, LEFT + WIDTH / 2 + LABEL_W, y - h)
            y -= h
        c.setLineWidth(1)
        c.rect(LEFT, y, WIDTH, top - y, stroke=1, fill=0)
        return y

    def _continued_header(self, sheet: Sheet, lay: _Layout) -> float:
        title = f"{' '.join(lay.title.lines)}（续）"
        self._text(LEFT, TOP - 11, title, 11)
        if sheet.station is not None:
            # a long name is shortened with … so it never runs into the title
            room = WIDTH - text_width(title, 11) - 6 * mm
            name, code = printable(sheet.station.name).text, sheet.station.code
            who = f"{name}  {code}"
            while len(name) > 1 and text_width(who, SIZE_LABEL) > room:
                name = name[:-1]
                who = f"{name}…  {code}"
            self._text(RIGHT, TOP - 11, who, SIZE_LABEL, align="right", grey=0.3)
        c = self.canvas
        c.setLineWidth(0.6)
        c.line(LEFT, TOP - 15, RIGHT, TOP - 15)
        return TOP - CONT_HEADER_H

    def _define(self, name: str, draw: Callable[[], object]) -> None:
        """Write a form XObject `name` whose content is what `draw()` draws (in page coordinates).

        What every form repeats is written once per file and referenced from each page instead of being
        drawn 2,000 times: the table's header row, the footer's fixed text and rule, and — for forms
        without answers — each page's item table and the closing block, which depend only on the
        checklist and where they start. Text drawn inside goes into the form's own text object.
        """
        c = self.canvas
        saved = (self._tx, self._size, self._grey)
        c.beginForm(name)
        self._tx = c.beginText()
        self._size = self._grey = -1.0
        draw()
        c.drawText(self._tx)
        c.endForm()
        self._tx, self._size, self._grey = saved

    def _place(self, name: str, draw: Callable[[], object]) -> None:
        """Place the fixed form `name` (defined when the writer opened; `draw` is what it holds)."""
        self.canvas.doForm(name)

    def _reuse(self, key: tuple[object, ...], draw: Callable[[], object]) -> None:
        """Place the form drawn by `draw` for `key`, writing it the first time the key is seen."""
        name = self._forms.get(key)
        if name is None:
            name = self._forms[key] = f"vpForm{len(self._forms)}"
            self._define(name, draw)
        self.canvas.doForm(name)

    def _table_header(self, y: float) -> float:
        h = HEADER_ROW_H
        self.canvas.saveState()
        self.canvas.translate(0, y - h)
        self._place(TABLE_HEADER_FORM, lambda: _draw_table_header(self.canvas))
        self.canvas.restoreState()
        return y - h

    def _table(self, lay: _Layout, row_ids: Sequence[int], top: float) -> float:
        c = self.canvas
        y = self._table_header(top)
        c.setLineWidth(0.5)
        c.setStrokeGray(0)
        for i in row_ids:
            row = lay.rows[i]
            h = row.height
            if row.kind == "category":
                c.setFillGray(GREY_CATEGORY)
                c.rect(LEFT, y - h, WIDTH, h, stroke=0, fill=1)
                assert row.text is not None
                self._text(LEFT + PAD, y - h / 2 - SIZE_TEXT * 0.35, row.text.lines[0], SIZE_TEXT)
            else:
                assert row.text is not None
                mid = y - h / 2
                self._text(COL_X[0] + COL_W[0] / 2, mid - SIZE_TEXT * 0.35, str(row.number), SIZE_TEXT,
                           align="center")
                self._lines(COL_X[1] + PAD, y - (h - row.text.height) / 2, row.text)
                for k, result in ((2, Result.PASS), (3, Result.FAIL), (4, Result.NA)):
                    bx = COL_X[k] + (COL_W[k] - BOX) / 2
                    c.setLineWidth(0.7)
                    c.rect(bx, mid - BOX / 2, BOX, BOX, stroke=1, fill=0)
                    if row.result is result:
                        self._tick(bx, mid - BOX / 2)
                if row.remark is not None:
                    self._lines(COL_X[5] + PAD, y - (h - row.remark.height) / 2, row.remark)
                c.setLineWidth(0.5)
                for k in range(1, 6):
                    c.line(COL_X[k], y, COL_X[k], y - h)
            c.line(LEFT, y - h, RIGHT, y - h)
            y -= h
        c.setLineWidth(1)
        c.rect(LEFT, y, WIDTH, top - y, stroke=1, fill=0)
        c.setLineWidth(0.5)
        c.line(LEFT, top - HEADER_ROW_H, RIGHT, top - HEADER_ROW_H)
        return y

    def _tick(self, x: float, y: float) -> None:
        """A check mark drawn as lines inside the box at (x, y): no glyph needed, prints on any font."""
        c = self.canvas
        c.saveState()
        c.setLineWidth(1.4)
        c.setLineCap(1)
        c.setLineJoin(1)
        p = c.beginPath()
        p.moveTo(x + BOX * 0.18, y + BOX * 0.52)
        p.lineTo(x + BOX * 0.42, y + BOX * 0.22)
        p.lineTo(x + BOX * 0.86, y + BOX * 0.86)
        c.drawPath(p, stroke=1, fill=0)
        c.restoreState()

    def _closing(self, sheet: Sheet, lay: _Layout, top: float) -> None:
        c = self.canvas
        h = _opinion_height(lay)
        c.setLineWidth(1)
        c.rect(LEFT, top - h, WIDTH, h, stroke=1, fill=0)
        self._text(LEFT + PAD, top - 2 * mm - SIZE_LABEL, "检查意见：", SIZE_LABEL)
        if lay.opinion is not None:
            self._lines(LEFT + PAD, top - 7 * mm, lay.opinion)
        y = top - h - 9 * mm
        answers = sheet.answers
        inspector = printable(answers.inspector).text if answers is not None else ""
        half = WIDTH / 2
        signers = ((LEFT, "检查人（签字）：", inspector), (LEFT + half, "站点负责人（签字）：", lay.signer))
        for x, label, value in signers:
            self._text(x, y, label, SIZE_TEXT)
            start = x + text_width(label, SIZE_TEXT)
            c.setLineWidth(0.6)
            c.line(start, y - 1.5, x + half - 6 * mm, y - 1.5)
            if value:
                self._text(start + 2 * mm, y + 0.5, value, SIZE_TEXT)
        y -= 10 * mm
        if answers is not None:
            d = answers.inspected_on
            self._text(LEFT, y, f"检查日期：{d.year} 年 {d.month} 月 {d.day} 日", SIZE_TEXT)
        else:
            self._text(LEFT, y, "检查日期：          年        月        日", SIZE_TEXT)

    def _draw_footer_fixed(self) -> None:
        self._text(RIGHT, FOOTER_Y, f"村邮通 · 打印日期 {self.printed_on.isoformat()}", SIZE_SMALL, grey=0.35,
                   align="right")
        c = self.canvas
        c.setLineWidth(0.4)
        c.setStrokeGray(0.5)
        c.line(LEFT, FOOTER_Y + 10, RIGHT, FOOTER_Y + 10)

    def _footer(self, sheet: Sheet, page: int, total: int) -> None:
        self._text(PAGE_W / 2, FOOTER_Y, f"第 {page} 页 共 {total} 页", SIZE_LABEL, align="center")
        left = f"站点编码 {sheet.station.code}" if sheet.station is not None else "空白表"
        self._text(LEFT, FOOTER_Y, left, SIZE_SMALL, grey=0.35)
        self._place(FOOTER_FORM, self._draw_footer_fixed)


TABLE_HEADER_FORM = "vpTableHeader"
FOOTER_FORM = "vpFooter"


def _draw_table_header(c: Canvas) -> None:
    """The item table's header row with its bottom edge at y = 0 (placed by a translation)."""
    h = HEADER_ROW_H
    c.setFillGray(GREY_HEADER)
    c.rect(LEFT, 0, WIDTH, h, stroke=0, fill=1)
    c.setFillGray(0)
    c.setFont(FONT_NAME, SIZE_LABEL)
    base = h / 2 - SIZE_LABEL * 0.35
    for i, name in enumerate(("序号", "检查内容", "是", "否", "不适用", "备注")):
        c.drawCentredString(COL_X[i] + COL_W[i] / 2, base, name)


def write_checklists(out: Path | BinaryIO, sheets: Sequence[Sheet] | Callable[[], Sequence[Sheet]], *,
                     printed_on: dt.date, title: str = "站点检查表") -> ChecklistWriter:
    """Write `sheets` into one PDF at `out`; the writer (pages, sheets, replaced characters) is returned."""
    writer = ChecklistWriter(out, printed_on=printed_on, title=title)
    for sheet in sheets() if callable(sheets) else sheets:
        writer.add(sheet)
    writer.close()
    return writer
