"""The coverage summary as an A4 PDF for meetings: headline numbers, targets and pace, a table per unit
(header repeated on every page), the lagging units, the pacing chart, 制表单位 and date at the foot.

Built with Platypus (tables that split across pages with their header rows repeated) and reportlab
graphics for the chart, drawn from the same numbers as the tables. Text that enters Paragraph markup is
escaped and passed through reports.fonts.printable (names print literally; missing glyphs as 〓); table
cells are plain strings, which reportlab draws without markup. Pages are numbered "第 N 页 共 M 页" by
a canvas that holds the pages back until it knows how many there are.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any
from xml.sax.saxutils import escape

from reportlab.graphics import renderPDF
from reportlab.graphics.shapes import STATE_DEFAULTS, Circle, Drawing, Line, Polygon, PolyLine, Rect, String
from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Flowable, KeepTogether, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from villagepost.core import clock
from villagepost.core.coverage import CurvePoint
from villagepost.core.pacing import Measure, count_text, line_value, rate_text
from villagepost.reports.fonts import FONT_NAME, printable, register_font

if TYPE_CHECKING:
    from villagepost.core.report_shapes import Summary

LEFT = RIGHT = 18 * mm
TOP = 16 * mm
BOTTOM = 22 * mm
WIDTH = A4[0] - LEFT - RIGHT
LEVEL_ZH = {1: "省", 2: "市", 3: "县（区）", 4: "乡镇（街道）", 5: "建制村"}

BLUE = colors.Color(0.12, 0.35, 0.65)
RED = colors.Color(0.75, 0.15, 0.15)
GREY = colors.Color(0.55, 0.55, 0.55)
HEADER_BG = colors.Color(0.85, 0.88, 0.93)


def _p(text: str) -> str:
    """User or registry text made safe for Paragraph markup: printable glyphs, escaped <, > and &."""
    return escape(printable(text).text)


def _t(text: str) -> str:
    """Plain table-cell text: only the glyph substitution (cells are not markup)."""
    return printable(text).text


def pct(rate: float | None) -> str:
    return "—" if rate is None else f"{rate * 100:.1f}%"


def _styles() -> dict[str, ParagraphStyle]:
    base = ParagraphStyle("base", fontName=FONT_NAME, fontSize=10, leading=14, wordWrap="CJK")
    return {
        "title": ParagraphStyle("title", parent=base, fontSize=17, leading=23, alignment=TA_CENTER),
        "sub": ParagraphStyle("sub", parent=base, fontSize=9.5, leading=13, alignment=TA_CENTER,
                              textColor=colors.Color(0.3, 0.3, 0.3)),
        "h2": ParagraphStyle("h2", parent=base, fontSize=12, leading=17, spaceBefore=9, spaceAfter=4),
        "body": base,
        "small": ParagraphStyle("small", parent=base, fontSize=8.5, leading=12, textColor=colors.Color(.3, .3, .3)),
        "foot": ParagraphStyle("foot", parent=base, fontSize=10.5, leading=15, spaceBefore=14),
    }


def _table(rows: Sequence[Sequence[str]], widths: Sequence[float], *, repeat: int = 1, total_row: bool = False,
           align_right_from: int = 2) -> Table:
    table = Table([list(r) for r in rows], colWidths=list(widths), repeatRows=repeat)
    style = [
        ("FONTNAME", (0, 0), (-1, -1), FONT_NAME),
        ("FONTSIZE", (0, 0), (-1, -1), 9),
        ("LEADING", (0, 0), (-1, -1), 12),
        ("GRID", (0, 0), (-1, -1), 0.5, colors.Color(0.35, 0.35, 0.35)),
        ("BOX", (0, 0), (-1, -1), 1, colors.black),
        ("BACKGROUND", (0, 0), (-1, repeat - 1), HEADER_BG),
        ("ALIGN", (0, 0), (-1, repeat - 1), "CENTER"),
        ("ALIGN", (align_right_from, repeat), (-1, -1), "RIGHT"),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("TOPPADDING", (0, 0), (-1, -1), 3),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
    ]
    if total_row:
        style.append(("BACKGROUND", (0, -1), (-1, -1), colors.Color(0.95, 0.95, 0.95)))
    table.setStyle(TableStyle(style))
    return table


def _month(day: dt.date) -> str:
    return f"{day.year}-{day.month:02d}"


def _pace_rows(s: Summary) -> list[list[str]]:
    rows = [["目标", "截止日期", "当前", "差距", "每月需新增", "近6个月月均", "预计全覆盖"]]
    for target, p in s.pacing.paces:
        if target.measure is Measure.COVERAGE_RATE:
            current = pct(p.achieved_rate)
            gap = f"{p.gap} 个村"
            full = p.projected_full.isoformat() if p.projected_full else "按当前进度无法实现"
        else:
            current = f"{count_text(p.achieved)} 个"
            gap = f"{p.gap} 个站"
            full = p.projected_goal.isoformat() if p.projected_goal else "按当前进度无法实现"
        need = "已过期" if p.needed_per_month is None else rate_text(p.needed_per_month)
        what = pct(target.value) if target.measure is Measure.COVERAGE_RATE else \
            f"{target.station_type} {target.value:g} 个"
        if p.deadline_passed:
            need = "已达成" if p.met_on_deadline else "到期未达成"
        rows.append([what, target.deadline.isoformat(), current, gap, need, rate_text(p.trailing_per_month), full])
    return rows


def _unit_rows(s: Summary) -> list[list[str]]:
    # the name column of villages says 村: "建制村" is the count column beside it
    level = "村" if s.units_level == 5 else LEVEL_ZH.get(s.units_level or 0, "单位")
    rows = [["序号", level, "代码", "建制村", "已覆盖", "覆盖率", "目标", "差距（村）"]]
    for n, u in enumerate(s.units, 1):
        rows.append([str(n), _t(u.name), u.code, f"{u.total:,}", f"{u.covered:,}", pct(u.rate), pct(u.target),
                     "—" if u.gap is None else f"{u.gap:,}"])
    r = s.report
    rows.append(["", "合计", r.scope, f"{r.villages_total:,}", f"{r.villages_covered:,}", pct(r.rate), "", ""])
    return rows


def _lag_rows(s: Summary) -> list[list[str]]:
    rows = [["序号", "单位", "代码", "当前覆盖率", "应达进度", "落后（个百分点）", "落后（村）"]]
    for n, lag in enumerate(s.lagging, 1):
        rows.append([str(n), _t(lag.name), lag.code, pct(lag.lag.rate), pct(lag.lag.line),
                     f"{lag.lag.shortfall_points:.1f}", f"{lag.lag.shortfall_villages:,}"])
    return rows


# --- the pacing chart ---------------------------------------------------------------------------


def pacing_chart(curve: Sequence[CurvePoint], summary: Summary, width: float = WIDTH,
                 height: float = 72 * mm) -> Drawing:
    """Coverage rate by month (blue), each coverage target at its deadline (red ◆), the lag line of the
    summary's target (dashed) and the summary's date (grey); axes 0–100% and month ends."""
    d = Drawing(width, height)
    x0, y0 = 16 * mm, 12 * mm
    w, h = width - x0 - 6 * mm, height - y0 - 8 * mm
    targets = [(t, p) for t, p in summary.pacing.paces if t.measure is Measure.COVERAGE_RATE]
    days = [p.month_end for p in curve] + [t.deadline for t, _ in targets] + [summary.on]
    first = min(days) if curve else summary.on
    last = max(days)
    span = max((last - first).days, 1)

    def x(day: dt.date) -> float:
        return x0 + w * (day - first).days / span

    def y(rate: float) -> float:
        return y0 + h * max(0.0, min(rate, 1.0))

    d.add(Rect(x0, y0, w, h, strokeColor=colors.Color(0.6, 0.6, 0.6), fillColor=None, strokeWidth=0.5))
    for k in range(0, 11, 2):
        yy = y(k / 10)
        d.add(Line(x0, yy, x0 + w, yy, strokeColor=colors.Color(0.88, 0.88, 0.88), strokeWidth=0.4))
        d.add(String(x0 - 2, yy - 3, f"{k * 10}%", fontName=FONT_NAME, fontSize=7, textAnchor="end"))
    months = max(1, round(span / 30.4))
    step = max(1, months // 8)
    marks = [p.month_end for p in curve][::step] if curve else []
    for day in marks:
        d.add(Line(x(day), y0, x(day), y0 - 2, strokeWidth=0.5))
        d.add(String(x(day), y0 - 9, _month(day), fontName=FONT_NAME, fontSize=6.5, textAnchor="middle"))
    on_x = x(summary.on)
    d.add(Line(on_x, y0, on_x, y0 + h, strokeColor=GREY, strokeWidth=0.6, strokeDashArray=[2, 2]))
    d.add(String(on_x - 2, y0 + 3, f"统计日期 {summary.on.isoformat()}", fontName=FONT_NAME, fontSize=6.5,
                 textAnchor="end", fillColor=GREY))
    # A target whose deadline has passed is a grey mark only: a line to it would run back from its
    # deadline, and a plan that has ended has no line to follow.
    if summary.lag_target is not None and curve and summary.lag_target.deadline >= summary.on:
        t = summary.lag_target.core(summary.scope)
        start = max(t.created_on or first, first)
        start_rate = _rate_at(curve, start)
        d.add(Line(x(start), y(start_rate), x(t.deadline),
                   y(line_value(start, start_rate, t, t.deadline)),
                   strokeColor=RED, strokeWidth=0.8, strokeDashArray=[4, 2]))
    if curve:
        pts: list[float] = []
        for p in curve:
            pts += [x(p.month_end), y(p.rate)]
        d.add(PolyLine(pts, strokeColor=BLUE, strokeWidth=1.6))
        for p in curve[-1:]:
            d.add(Circle(x(p.month_end), y(p.rate), 1.8, fillColor=BLUE, strokeColor=BLUE))
            d.add(String(x(p.month_end) - 3, y(p.rate) + 4, pct(p.rate), fontName=FONT_NAME, fontSize=7.5,
                         textAnchor="end", fillColor=BLUE))
    for i, (target, _) in enumerate(targets):
        tx, ty = x(target.deadline), y(target.value)
        colour = GREY if target.deadline < summary.on else RED
        d.add(Polygon([tx, ty + 3, tx + 3, ty, tx, ty - 3, tx - 3, ty], fillColor=colour, strokeColor=colour))
        # labels stacked from the top of the plot, each left of its mark, so close targets never overlap
        # (the date line's label sits at the foot of the plot)
        d.add(String(tx - 5, y0 + h - 9 - 9 * i, f"目标 {pct(target.value)}（{target.deadline.isoformat()}）",
                     fontName=FONT_NAME, fontSize=7, textAnchor="end", fillColor=colour))
    d.add(Line(x0 + 2 * mm, height - 3 * mm, x0 + 8 * mm, height - 3 * mm, strokeColor=BLUE, strokeWidth=1.6))
    d.add(String(x0 + 9 * mm, height - 4.2 * mm, "覆盖率（月末）", fontName=FONT_NAME, fontSize=7))
    d.add(Line(x0 + 32 * mm, height - 3 * mm, x0 + 38 * mm, height - 3 * mm, strokeColor=RED, strokeWidth=0.8,
               strokeDashArray=[4, 2]))
    d.add(String(x0 + 39 * mm, height - 4.2 * mm, "目标进度线", fontName=FONT_NAME, fontSize=7))
    return d


def _rate_at(curve: Sequence[CurvePoint], day: dt.date) -> float:
    before = [p for p in curve if p.month_end <= day]
    return before[-1].rate if before else 0.0


class ChartFlowable(Flowable):
    """A Drawing as a flowable whose renderer starts from our font, not Helvetica.

    reportlab's renderer opens every drawing by selecting its default state font (Helvetica) even when
    all its strings name another; that leaves an unembedded Helvetica in the page's resources. Our
    strings all name the bundled font, so the default is swapped for the drawing's duration.
    """

    def __init__(self, drawing: Drawing) -> None:
        super().__init__()
        self.drawing = drawing
        self.width, self.height = drawing.width, drawing.height

    def wrap(self, avail_width: float, avail_height: float) -> tuple[float, float]:
        return self.width, self.height

    def draw(self) -> None:
        saved = STATE_DEFAULTS["fontName"]
        STATE_DEFAULTS["fontName"] = FONT_NAME
        try:
            renderPDF.draw(self.drawing, self.canv, 0, 0)
        finally:
            STATE_DEFAULTS["fontName"] = saved


# --- page numbers ---------------------------------------------------------------------------------


class _NumberedCanvas(Canvas):
    """Holds the pages until save() so each footer can say 第 N 页 共 M 页."""

    printed_on = ""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._pages: list[dict[str, Any]] = []

    def showPage(self) -> None:  # noqa: N802  (reportlab's name)
        self._pages.append(dict(self.__dict__))
        self._startPage()

    def save(self) -> None:
        total = len(self._pages)
        for n, state in enumerate(self._pages, 1):
            self.__dict__.update(state)
            self.setFont(FONT_NAME, 9)
            self.drawCentredString(A4[0] / 2, 15 * mm, f"第 {n} 页 共 {total} 页")
            self.setFont(FONT_NAME, 7.5)
            self.setFillGray(0.35)
            self.drawRightString(A4[0] - RIGHT, 15 * mm, self.printed_on)
            super().showPage()
        super().save()


def write_summary_pdf(s: Summary, out: Path, *, unit: str, printed_on: dt.date) -> int:
    """Write the summary PDF; returns the number of pages."""
    register_font()
    st = _styles()
    title = f"{s.name}村级寄递物流综合服务站覆盖率汇总表"
    story: list[Any] = [
        Paragraph(_p(title), st["title"]),
        Paragraph(_p(f"范围：{s.path}（{s.scope}）　　统计日期：{s.on.isoformat()}"), st["sub"]),
        Paragraph(_p(f"数据登记截至：{clock.local_text(s.recorded_at)}"), st["sub"]),
        Spacer(1, 5 * mm),
        Paragraph("一、总体情况", st["h2"]),
    ]
    r = s.report
    head = [["建制村总数", "已覆盖建制村", "覆盖率", "其中建成日期缺失"],
            [f"{r.villages_total:,}", f"{r.villages_covered:,}", pct(r.rate), f"{r.date_missing_villages:,}"]]
    headline = _table(head, [WIDTH / 4] * 4, align_right_from=0)
    headline.setStyle(TableStyle([("ALIGN", (0, 1), (-1, -1), "CENTER"), ("FONTSIZE", (0, 1), (-1, -1), 12),
                                  ("LEADING", (0, 1), (-1, -1), 16)]))
    story.append(headline)
    note = "覆盖：建制村内（或登记为其服务的）至少有一个运营中的村级寄递物流综合服务站（村邮站＋快递超市）。"
    if r.include_village_like:
        note += "本登记册把类似村委会（500–599）计入建制村。"
    story.append(Paragraph(_p(note), st["small"]))
    story.append(Paragraph("二、目标与进度", st["h2"]))
    if s.pacing.paces:
        if s.pacing.inherited_from:
            story.append(Paragraph(_p(f"（本范围没有自己的目标，采用上级 {s.pacing.inherited_from} 的覆盖率目标）"),
                                   st["small"]))
        widths = [28 * mm, 22 * mm, 18 * mm, 20 * mm, 22 * mm, 22 * mm]
        story.append(_table(_pace_rows(s), [*widths, WIDTH - sum(widths)], align_right_from=2))
    else:
        story.append(Paragraph("尚未设定目标（可用 villagepost target set 设定）。", st["body"]))
    story.append(Paragraph(_p(f"三、各{LEVEL_ZH.get(s.units_level or 0, '下级单位')}覆盖情况"), st["h2"]))
    if s.units:
        widths = [11 * mm, 0, 27 * mm, 18 * mm, 18 * mm, 17 * mm, 17 * mm, 19 * mm]
        widths[1] = WIDTH - sum(widths)
        story.append(_table(_unit_rows(s), widths, total_row=True, align_right_from=3))
    else:
        story.append(Paragraph("（无下级单位）", st["body"]))
    lag_title = "四、进度落后的单位"
    fresh = s.lag_target is not None and bool(s.lagging) and s.lagging[0].lag.against_deadline
    if fresh and s.lag_target is not None:
        deadline, value = s.lag_target.deadline.isoformat(), pct(s.lag_target.value)
        lag_title += f"（目标今天设定，与截止日期 {deadline} 的 {value} 比较）"
    elif s.lag_target is not None:
        lag_title += f"（对照 {s.lag_target.deadline.isoformat()} 前 {pct(s.lag_target.value)} 的目标进度线）"
    story.append(Paragraph(_p(lag_title), st["h2"]))
    if s.lagging:
        widths = [11 * mm, 0, 27 * mm, 22 * mm, 22 * mm, 27 * mm, 20 * mm]
        widths[1] = WIDTH - sum(widths)
        story.append(_table(_lag_rows(s), widths, align_right_from=3))
    elif s.lag_target is None:
        story.append(Paragraph("没有覆盖率目标，无法判断进度。", st["body"]))
    else:
        story.append(Paragraph("没有落后于目标进度线的单位。", st["body"]))
    chart = ChartFlowable(pacing_chart(s.curve, s))
    story.append(KeepTogether([Paragraph("五、覆盖率进度图", st["h2"]), chart]))
    foot = Table([[Paragraph(_p(f"制表单位：{unit}"), st["foot"]),
                   Paragraph(_p(f"制表日期：{printed_on.isoformat()}"), st["foot"])]],
                 colWidths=[WIDTH * 0.62, WIDTH * 0.38])
    foot.setStyle(TableStyle([("FONTNAME", (0, 0), (-1, -1), FONT_NAME), ("LEFTPADDING", (0, 0), (-1, -1), 0),
                              ("VALIGN", (0, 0), (-1, -1), "BOTTOM")]))
    story.append(foot)
    doc = SimpleDocTemplate(str(out), pagesize=A4, leftMargin=LEFT, rightMargin=RIGHT, topMargin=TOP,
                            bottomMargin=BOTTOM, title=_t(title), author="村邮通 VillagePost",
                            creator="村邮通 VillagePost", initialFontName=FONT_NAME, initialFontSize=10)

    class Numbered(_NumberedCanvas):
        pass

    Numbered.printed_on = f"村邮通 · 打印日期 {printed_on.isoformat()}"
    doc.build(story, canvasmaker=Numbered)
    return doc.page
