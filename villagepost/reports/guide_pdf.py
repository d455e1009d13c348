"""The user guide (Markdown) as an A4 PDF with the bundled font, for clerks who read on paper.

Why markdown-it-py: it parses the CommonMark the guide is written in (headings, lists, tables, pictures)
into a token stream, which maps one to one onto reportlab flowables — no HTML step, no browser engine.
The guide uses that subset only; anything else is printed as plain text rather than lost
(tests/reports/test_guide_pdf.py checks that every picture and heading of the guide reaches the PDF).
"""

from __future__ import annotations

import html
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from markdown_it import MarkdownIt
from markdown_it.token import Token
from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.lib.utils import ImageReader
from reportlab.platypus import (
    Flowable,
    Image,
    KeepTogether,
    ListFlowable,
    ListItem,
    PageBreak,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    Table,
    TableStyle,
)

from villagepost.core.files import publish
from villagepost.reports.fonts import printable, register_font

PAGE = A4
MARGIN = 18 * mm
WIDTH = PAGE[0] - 2 * MARGIN
HEADER_BG = colors.Color(0.9, 0.93, 0.9)


@dataclass(frozen=True)
class GuideResult:
    path: Path
    pages: int
    images: int
    headings: tuple[str, ...]


def _styles(font: str) -> dict[str, ParagraphStyle]:
    base = ParagraphStyle("base", fontName=font, fontSize=10.5, leading=16, wordWrap="CJK", spaceAfter=5)
    return {
        "h1": ParagraphStyle("h1", parent=base, fontSize=20, leading=28, alignment=TA_CENTER, spaceAfter=12),
        "h2": ParagraphStyle("h2", parent=base, fontSize=15, leading=21, spaceBefore=12, spaceAfter=6,
                             textColor=colors.Color(0.04, 0.42, 0.27)),
        "h3": ParagraphStyle("h3", parent=base, fontSize=12, leading=17, spaceBefore=8, spaceAfter=4),
        "body": base,
        "quote": ParagraphStyle("quote", parent=base, leftIndent=10, borderPadding=(4, 6, 4, 6),
                                backColor=colors.Color(0.96, 0.96, 0.9), borderColor=colors.Color(0.8, 0.75, 0.5),
                                borderWidth=0.5, spaceBefore=4, spaceAfter=8),
        "code": ParagraphStyle("code", parent=base, fontSize=9.5, leading=13, leftIndent=8,
                               backColor=colors.Color(0.95, 0.95, 0.95), borderPadding=4, spaceBefore=2,
                               spaceAfter=8),
        "cell": ParagraphStyle("cell", parent=base, fontSize=9, leading=12.5, spaceAfter=0),
        "caption": ParagraphStyle("caption", parent=base, fontSize=9, leading=12, alignment=TA_CENTER,
                                  textColor=colors.Color(0.35, 0.35, 0.35)),
    }


def _text(value: str) -> str:
    return html.escape(printable(value).text, quote=False)


def _inline(token: Token) -> tuple[str, list[tuple[str, str]]]:
    """reportlab paragraph markup of an inline token, and the pictures it holds (src, alt)."""
    parts: list[str] = []
    images: list[tuple[str, str]] = []
    for child in token.children or []:
        kind = child.type
        if kind == "text":
            parts.append(_text(child.content))
        elif kind in ("softbreak", "hardbreak"):
            parts.append("<br/>" if kind == "hardbreak" else " ")
        elif kind == "strong_open":
            parts.append("<b>")
        elif kind == "strong_close":
            parts.append("</b>")
        elif kind == "code_inline":
            parts.append(f'<font backColor="#eeeeee">{_text(child.content)}</font>')
        elif kind == "image":
            images.append((str(child.attrs.get("src", "")), child.content))
        # em, links and html: their text children carry the words; the marks themselves are dropped
    return "".join(parts), images


def _picture(folder: Path, src: str, alt: str, styles: dict[str, ParagraphStyle]) -> Flowable:
    path = (folder / src).resolve()
    width, height = ImageReader(str(path)).getSize()
    scale = min(WIDTH / width, (PAGE[1] * 0.45) / height)
    picture = Image(str(path), width=width * scale, height=height * scale)
    return KeepTogether([picture, Paragraph(_text(alt), styles["caption"])])


class _Builder:
    def __init__(self, folder: Path, styles: dict[str, ParagraphStyle]) -> None:
        self.folder = folder
        self.styles = styles
        self.images = 0
        self.headings: list[str] = []
        self._in_quote = False

    def blocks(self, tokens: Sequence[Token], start: int, stop_type: str | None) -> tuple[list[Flowable], int]:
        """Flowables of tokens[start:] up to the closing token `stop_type`; (flowables, index after it)."""
        out: list[Flowable] = []
        i = start
        while i < len(tokens):
            token = tokens[i]
            if stop_type is not None and token.type == stop_type:
                return out, i + 1
            if token.type == "heading_open":
                text, _ = _inline(tokens[i + 1])
                self.headings.append(tokens[i + 1].content)
                level = min(int(token.tag[1]), 3)
                if level == 2 and out and self.headings[:-1]:
                    out.append(Spacer(1, 4))
                out.append(Paragraph(text, self.styles[f"h{level}"]))
                i += 3
            elif token.type == "paragraph_open":
                text, images = _inline(tokens[i + 1])
                if text.strip():
                    out.append(Paragraph(text, self.styles["quote" if self._in_quote else "body"]))
                for src, alt in images:
                    out.append(_picture(self.folder, src, alt, self.styles))
                    self.images += 1
                i += 3
            elif token.type in ("bullet_list_open", "ordered_list_open"):
                items, i = self.blocks(tokens, i + 1, token.type.replace("_open", "_close"))
                kind = "bullet" if token.type == "bullet_list_open" else "1"
                out.append(ListFlowable(items, bulletType=kind, start=None if kind == "bullet" else 1,
                                        bulletFontName=self.styles["body"].fontName, bulletFontSize=9,
                                        leftIndent=14))
            elif token.type == "list_item_open":
                inner, i = self.blocks(tokens, i + 1, "list_item_close")
                out.append(ListItem(inner))
            elif token.type == "blockquote_open":
                self._in_quote = True
                inner, i = self.blocks(tokens, i + 1, "blockquote_close")
                self._in_quote = False
                out.extend(inner)
            elif token.type in ("fence", "code_block"):
                lines = "<br/>".join(_text(line) for line in token.content.rstrip("\n").split("\n"))
                out.append(Paragraph(lines, self.styles["code"]))
                i += 1
            elif token.type == "table_open":
                table, i = self._table(tokens, i + 1)
                out.append(table)
            elif token.type == "hr":
                out.append(PageBreak())
                i += 1
            else:
                i += 1
        return out, i

    def _table(self, tokens: Sequence[Token], start: int) -> tuple[Table, int]:
        rows: list[list[Paragraph]] = []
        i = start
        while tokens[i].type != "table_close":
            if tokens[i].type == "tr_open":
                rows.append([])
            elif tokens[i].type == "inline":
                text, _ = _inline(tokens[i])
                rows[-1].append(Paragraph(text, self.styles["cell"]))
            i += 1
        columns = max(len(r) for r in rows)
        widths = _column_widths(rows, columns)
        table = Table(rows, colWidths=widths, repeatRows=1)
        table.setStyle(TableStyle([
            ("FONTNAME", (0, 0), (-1, -1), self.styles["cell"].fontName),  # else Helvetica is named per cell
            ("GRID", (0, 0), (-1, -1), 0.5, colors.Color(0.6, 0.6, 0.6)),
            ("BACKGROUND", (0, 0), (-1, 0), HEADER_BG),
            ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ("TOPPADDING", (0, 0), (-1, -1), 3),
            ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
        ]))
        return table, i + 1


def _column_widths(rows: list[list[Paragraph]], columns: int) -> list[float]:
    """Share the page width by the longest text of each column (at least 15% each)."""
    longest = [max((len(r[c].text) if c < len(r) else 0) for r in rows) or 1 for c in range(columns)]
    total = sum(longest)
    shares = [max(n / total, 0.15) for n in longest]
    scale = sum(shares)
    return [WIDTH * s / scale for s in shares]


def write_guide_pdf(markdown: str, folder: Path, out: Path, *, title: str = "村邮通用户手册") -> GuideResult:
    """Render `markdown` (pictures relative to `folder`) to `out` (written beside, then renamed over it)."""
    font = register_font()
    builder = _Builder(folder, _styles(font))
    tokens = MarkdownIt("commonmark").enable("table").parse(markdown)
    story, _ = builder.blocks(tokens, 0, None)
    out.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.NamedTemporaryFile(dir=out.parent, prefix=f".{out.stem}-", suffix=".pdf.part",
                                     delete=False) as handle:
        part = Path(handle.name)
    pages: list[int] = []

    def footer(canvas: object, doc: SimpleDocTemplate) -> None:
        canvas.saveState()  # type: ignore[attr-defined]
        canvas.setFont(font, 8.5)  # type: ignore[attr-defined]
        canvas.setFillColor(colors.Color(0.4, 0.4, 0.4))  # type: ignore[attr-defined]
        canvas.drawCentredString(PAGE[0] / 2, 10 * mm, f"{title} · 第 {doc.page} 页")  # type: ignore[attr-defined]
        canvas.restoreState()  # type: ignore[attr-defined]
        pages.append(doc.page)

    try:
        doc = SimpleDocTemplate(str(part), pagesize=PAGE, leftMargin=MARGIN, rightMargin=MARGIN, topMargin=MARGIN,
                                bottomMargin=MARGIN, title=title, author="村邮通 VillagePost",
                                initialFontName=font, initialFontSize=10.5)  # no unembedded Helvetica
        doc.build(story, onFirstPage=footer, onLaterPages=footer)
        publish(part, out)
    finally:
        part.unlink(missing_ok=True)
    return GuideResult(out, max(pages, default=0), builder.images, tuple(builder.headings))
