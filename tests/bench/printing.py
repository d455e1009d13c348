"""Benchmark: 1,000 station checklists in one PDF, and a province's coverage summary (issue 6's Speed).

Run on demand (not collected by pytest):  .venv/bin/python tests/bench/printing.py [--repeat 3]

The registry: Jilin (province 22) with its 9,321-row roster imported (the bench roster cached under
/tmp/villagepost-bench by tests/bench/import_roster.py, else tests/rosters' Ningxia province file), cached
as /tmp/villagepost-bench/print-<province>.sqlite. Rows, side by side (medians of --repeat runs):

- floor: reportlab alone drawing the same 1,000 forms' pages — every string and every line, box and QR
  path our writer drew, replayed from a recording onto a fresh canvas with the same embedded subset TTF:
  no data access, no layout, no wrapping, no QR encoding. What reportlab itself costs for these pages.
- ours, render: `reports.checklist_pdf.write_checklists` over 1,000 prepared sheets (layout, wrapping, QR,
  drawing, subsetting, writing the file).
- ours, end to end: `services.printing.checklist_sheets` (the two queries and the templates) for the
  first 1,000 stations of a scope, then the render, i.e. what `print checklist --scope` does.
- summary: `services.printing.print_summary` of the whole province (its cities; and by county) to PDF,
  and to XLSX, with two coverage targets set (so pacing and lagging units are computed).
Wall-clock seconds; on this shared 2-core machine process CPU seconds are printed beside them.
"""

from __future__ import annotations

import argparse
import datetime as dt
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from reportlab.lib.pagesizes import A4
from reportlab.pdfgen.canvas import Canvas

from villagepost.core.divisions import Level
from villagepost.core.pacing import Measure
from villagepost.reports.checklist_pdf import ChecklistWriter, Sheet, write_checklists
from villagepost.reports.fonts import FONT_NAME, register_font
from villagepost.services import divisions as div_svc
from villagepost.services.imports import import_roster
from villagepost.services.printing import checklist_sheets, print_summary
from villagepost.services.registry import Registry
from villagepost.services.targets import set_target

CACHE = Path("/tmp/villagepost-bench")
REPO = Path(__file__).resolve().parents[2]
COUNT = 1000


def _registry(province: str) -> Path:
    path = CACHE / f"print-{province}.sqlite"
    if path.exists():
        return path
    CACHE.mkdir(parents=True, exist_ok=True)
    roster = CACHE / f"roster-{province}.xlsx"
    if not roster.exists():
        roster = REPO / "tests" / "rosters" / "data" / "E01_ningxia_province_all.xlsx"
        province = "64"
        path = CACHE / f"print-{province}.sqlite"
        if path.exists():
            return path
    tmp = path.with_suffix(".part")
    tmp.unlink(missing_ok=True)
    print(f"building {path.name} (divisions of {province}, roster {roster.name}) ...", file=sys.stderr)
    with Registry.open(tmp) as reg:
        div_svc.load(reg, [province])
        report = import_roster(reg, roster)
        print(f"  imported {report.counts()}", file=sys.stderr)
        plan = dt.date(2024, 1, 1)
        set_target(reg, province, Measure.COVERAGE_RATE, 0.85, dt.date(2025, 12, 31), today=plan)
        set_target(reg, province, Measure.COVERAGE_RATE, 1.0, dt.date(2026, 12, 31), today=plan)
        with reg.engine.connect() as conn:
            conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    tmp.replace(path)
    return path


def _timed(fn: Callable[[], Any]) -> tuple[float, float, Any]:
    w0, c0 = time.perf_counter(), time.process_time()
    out = fn()
    return time.perf_counter() - w0, time.process_time() - c0, out


class _Recorder(ChecklistWriter):
    """Our writer, recording every string it queues and every canvas primitive it draws, per page."""

    def __init__(self, out: Path) -> None:
        self.pages_ops: list[list[tuple[Any, ...]]] = [[]]
        super().__init__(out, printed_on=dt.date(2026, 11, 23))
        self.pages_ops = [[]]  # the fixed forms defined on opening are drawn on every page instead
        canvas = self.canvas
        for name in ("line", "rect", "drawPath", "setLineWidth", "setStrokeGray", "setFillGray", "setFillColorRGB",
                     "setLineCap", "setLineJoin", "saveState", "restoreState", "translate", "transform", "addLiteral",
                     "setFont", "drawString", "drawCentredString", "drawRightString"):
            original = getattr(canvas, name)

            def hook(*args: Any, _name: str = name, _orig: Any = original, **kw: Any) -> Any:
                self.pages_ops[-1].append((_name, args, kw))
                return _orig(*args, **kw)

            setattr(canvas, name, hook)

    # every form XObject is recorded as plain drawing on every page: the floor has no forms
    def _place(self, name: str, draw: Callable[[], object]) -> None:
        draw()

    def _reuse(self, key: tuple[object, ...], draw: Callable[[], object]) -> None:
        draw()

    def _text(self, x: float, y: float, text: str, size: float, *, grey: float = 0.0, align: str = "left") -> None:
        self.pages_ops[-1].append(("text", (x, y, text, size, grey, align), {}))
        super()._text(x, y, text, size, grey=grey, align=align)

    def _end_page(self) -> None:
        super()._end_page()
        self.pages_ops.append([])


def _replay(ops: list[list[tuple[Any, ...]]], out: Path, *, one_text_object: bool) -> int:
    """The floor: the recorded pages drawn with bare canvas calls, strings either with drawString each
    (the usual way) or, like our writer, into one text object per page."""
    register_font()
    c = Canvas(str(out), pagesize=A4, pageCompression=1, initialFontName=FONT_NAME)
    pages = 0
    for page in ops:
        if not page:
            continue
        tx = c.beginText()
        for name, args, kw in page:
            if name == "text":
                x, y, text, size, grey, align = args
                if align != "left":
                    w = c.stringWidth(text, FONT_NAME, size)
                    x -= w / 2 if align == "center" else w
                if one_text_object:
                    tx.setFont(FONT_NAME, size)
                    tx.setFillGray(grey)
                    tx.setTextOrigin(x, y)
                    tx.textOut(text)
                else:
                    c.setFont(FONT_NAME, size)
                    c.setFillGray(grey)
                    c.drawString(x, y, text)
            else:
                getattr(c, name)(*args, **kw)
        if one_text_object:
            c.drawText(tx)
        c.showPage()
        pages += 1
    c.save()
    return pages


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--province", default="22")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    source = _registry(args.province)
    province = source.stem.split("-")[1]
    work = Path(tempfile.mkdtemp(prefix="vp-print-bench-"))
    db = work / "reg.sqlite"
    shutil.copyfile(source, db)
    rows: list[tuple[str, str, list[tuple[float, float]]]] = []
    with Registry.open(db) as reg:
        register_font()
        sheets: list[Sheet] = checklist_sheets(reg, scope=province)[:COUNT]
        assert len(sheets) == COUNT, f"the bench registry holds only {len(sheets)} printable stations"
        # the recording (not timed) gives the floor its pages
        rec = _Recorder(work / "recorded.pdf")
        for sheet in sheets:
            rec.add(sheet)
        rec.close()
        pages = rec.pages

        floor = [_timed(lambda: _replay(rec.pages_ops, work / "floor.pdf", one_text_object=True))[:2]
                 for _ in range(args.repeat)]
        rows.append((f"floor: bare reportlab, {COUNT:,} forms replayed, text objects", "", floor))
        usual = [_timed(lambda: _replay(rec.pages_ops, work / "floor2.pdf", one_text_object=False))[:2]
                 for _ in range(args.repeat)]
        rows.append((f"floor: bare reportlab, {COUNT:,} forms replayed, drawString", "", usual))
        render = [_timed(lambda: write_checklists(work / "ours.pdf", sheets, printed_on=dt.date(2026, 11, 23)))[:2]
                  for _ in range(args.repeat)]
        rows.append((f"ours, render only: {COUNT:,} checklists", "target < 5 s", render))

        def end_to_end() -> int:
            got = checklist_sheets(reg, scope=province)[:COUNT]
            return write_checklists(work / "e2e.pdf", got, printed_on=dt.date(2026, 11, 23)).pages

        e2e = [_timed(end_to_end)[:2] for _ in range(args.repeat)]
        rows.append((f"ours, end to end: queries of {province} + {COUNT:,} checklists", "target < 5 s", e2e))

        for label, level, out in ((f"summary of {province} by city, PDF", None, "summary.pdf"),
                                  (f"summary of {province} by county, PDF", Level.COUNTY, "summary-county.pdf"),
                                  (f"summary of {province} by county, XLSX", Level.COUNTY, "summary.xlsx")):
            runs = [_timed(lambda level=level, out=out: print_summary(
                reg, province, work / out, on=dt.date(2026, 11, 23), level=level))[:2] for _ in range(args.repeat)]
            rows.append((label, "target < 2 s", runs))
    size = (work / "ours.pdf").stat().st_size / 1e6
    floor_size = (work / "floor.pdf").stat().st_size / 1e6
    print(f"\nprinting benchmark — {COUNT:,} checklists = {pages:,} A4 pages; province {province}; "
          f"median of {args.repeat} (wall s / CPU s)")
    print(f"{'case':<62} {'wall s':>8} {'CPU s':>8} {'× floor':>8}  note")
    base = statistics.median(w for w, _ in floor)
    for label, note, runs in rows:
        wall = statistics.median(w for w, _ in runs)
        cpu = statistics.median(c for _, c in runs)
        ratio = f"{wall / base:.2f}" if "summary" not in label else ""
        print(f"{label:<62} {wall:>8.2f} {cpu:>8.2f} {ratio:>8}  {note}")
    print(f"file sizes: ours {size:.1f} MB, floor {floor_size:.1f} MB; files in {work}")


if __name__ == "__main__":
    main()
