"""Printing use cases: station checklists (blank, pre-filled, batched, split), filled inspection records,
and the coverage summary. The CLI (`villagepost print …`) and the window call exactly these functions.

A batch reads everything it prints in two queries (stations with their columns, names on their paths)
plus one template look-up per county, then lays out and draws; progress is reported per station.
Which stations a scope prints: those operating or suspended (planned stations are not open yet, closed
ones are history); `--station` prints any one station. Order: by code, i.e. by township, then village,
then the station's serial.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import tempfile
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from villagepost.core import clock
from villagepost.core.checklists import Checklist
from villagepost.core.divisions import Level
from villagepost.core.errors import Cancelled, KnownError
from villagepost.core.files import publish
from villagepost.core.stations import stored_items
from villagepost.reports.checklist_pdf import Answers, ChecklistWriter, Sheet, StationFacts, full_title
from villagepost.services import printing_messages as _messages  # noqa: F401  (registers the texts)
from villagepost.services.checklists import checklist_in
from villagepost.services.divisions import parse_scope, require_unit
from villagepost.services.inspections import INSPECTED_STATUSES, get_inspection
from villagepost.services.output_files import checked_output, part_name, part_prefix, write_guard
from villagepost.services.registry import Registry
from villagepost.storage import print_queries as pq

Progress = Callable[[int, int, str], None]


@dataclass(frozen=True)
class PrintResult:
    """What a print wrote: the files, forms (stations) and pages, and characters the font lacked."""

    paths: list[str]
    sheets: int
    pages: int
    missing: list[str] = field(default_factory=list)

    def to_json(self) -> dict[str, object]:
        return {"status": "ok", "paths": self.paths, "sheets": self.sheets, "pages": self.pages,
                "missing_characters": [f"U+{ord(c):04X}" for c in self.missing]}


def _facts(row: Any, names: dict[str, str]) -> StationFacts:
    v = row.village_code
    path = tuple(names[c] for c in (v[:2], v[:4], v[:6], v[:9], v) if c in names)
    return StationFacts(row.code, row.name, row.station_type, row.status, path, row.operator, row.contact, row.phone,
                        row.opened, row.coop, row.lon, row.lat, tuple(stored_items(row.services)),
                        tuple(stored_items(row.brands)))


def _region(code: str, names: dict[str, str]) -> str:
    """"宁夏回族自治区 石嘴山市 平罗县" for any code at or below a county (as far as the code reaches)."""
    return " ".join(names[c] for c in (code[:2], code[:4], code[:6]) if len(c) <= len(code) and c in names)


class _Templates:
    """The checklist of each county, looked up once per county of the batch."""

    def __init__(self, session: Any) -> None:
        self.session = session
        self.cache: dict[str, Checklist] = {}

    def __call__(self, village_code: str) -> Checklist:
        county = village_code[:6]
        found = self.cache.get(county)
        if found is None:
            found = self.cache[county] = checklist_in(self.session, county)
        return found


def checklist_sheets(reg: Registry, *, station: str | None = None, scope: str | None = None,
                     stations: Sequence[str] | None = None) -> list[Sheet]:
    """The pre-filled forms of one station, of chosen `stations` (any status, in code order: the window's
    selection) or of the operating/suspended stations under `scope`."""
    with reg.read() as s:
        if stations is not None:
            rows = pq.stations_by_codes(s, stations)
            found = {r.code for r in rows}
            absent = [c for c in stations if c.strip() not in found]
            if absent or not rows:
                raise KnownError("print.unknown_station", code=absent[0] if absent else "")
        elif station is not None:
            row = pq.station_for_print(s, station.strip())
            if row is None:
                raise KnownError("print.unknown_station", code=station)
            rows = [row]
        else:
            code = parse_scope(scope or "")
            require_unit(reg, code)
            rows = pq.stations_for_print(s, code, INSPECTED_STATUSES)
            if not rows:
                raise KnownError("print.no_stations", code=code)
        names = pq.path_names(s, [r.village_code for r in rows])
        templates = _Templates(s)
        return [Sheet(templates(r.village_code), names.get(r.village_code[:6], ""), _region(r.village_code, names),
                      _facts(r, names)) for r in rows]


def blank_sheet(reg: Registry, scope: str | None = None) -> Sheet:
    """An empty form with the template and the name of the county `scope` (the default and no name without)."""
    if not scope:
        from villagepost.core.checklists import default_checklist

        return Sheet(default_checklist(), "", "")
    code = parse_scope(scope)
    unit, _ = require_unit(reg, code)
    with reg.read() as s:
        names = pq.path_names(s, [code])
        checklist = checklist_in(s, code)
    county = names.get(code[:6], "") if unit.level >= Level.COUNTY else unit.name
    return Sheet(checklist, county, _region(code, names))


def _safe_name(text: str) -> str:
    """A station name as part of a file name on Windows too: no \\ / : * ? " < > | or control characters."""
    cleaned = re.sub(r'[\\/:*?"<>|\x00-\x1f]+', "_", text).strip(" ._")
    return cleaned[:40] or "站点"


def _each(sheets: Sequence[Sheet], progress: Progress | None,
          cancelled: Callable[[], bool] | None) -> Iterator[Sheet]:
    """The sheets one by one, reporting progress before each and stopping when the user cancels."""
    total = len(sheets)
    for i, sheet in enumerate(sheets):
        if cancelled is not None and cancelled():
            raise Cancelled()
        if progress is not None:
            progress(i, total, "")
        yield sheet
    if progress is not None:
        progress(total, total, "")


def _write_pdf(target: Path, sheets: Iterable[Sheet], *, printed_on: dt.date, title: str) -> ChecklistWriter:
    """Write into `target` through a temporary file beside it, renamed over it only when complete: a print
    that fails or is cancelled half way never leaves a truncated PDF, nor destroys the previous one."""
    with write_guard(target):
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, name = tempfile.mkstemp(prefix=part_prefix(target.stem), suffix=".pdf.part", dir=target.parent)
        os.close(fd)
        part = Path(name)
        try:
            writer = ChecklistWriter(part, printed_on=printed_on, title=title)
            for sheet in sheets:
                writer.add(sheet)
            writer.close()
            publish(part, target)
        except BaseException:
            part.unlink(missing_ok=True)
            raise
    return writer


def print_checklists(reg: Registry, out: Path | None, *, station: str | None = None, scope: str | None = None,
                     stations: Sequence[str] | None = None, blank: bool = False, split_dir: Path | None = None,
                     today: dt.date | None = None,
                     progress: Progress | None = None, cancelled: Callable[[], bool] | None = None) -> PrintResult:
    """Print checklists: one station, every station of a scope (one PDF, or one file each in `split_dir`),
    or with `blank` an empty form (of `scope`'s county, or of the station's county); `stations` prints the
    chosen stations (the window's selection) in code order.

    `progress(done, total, "")` is called per station; when `cancelled()` turns true the print stops with
    `Cancelled` and the file being written is removed (files of a split already finished stay).
    """
    today = today or clock.today()
    if blank:
        where = scope or (station[:12] if station else None)
        sheets = [blank_sheet(reg, where)]
    else:
        sheets = checklist_sheets(reg, station=station, scope=scope, stations=stations)
    if split_dir is not None:
        split_dir = Path(split_dir)
        paths: list[str] = []
        pages = 0
        missing: list[str] = []
        with write_guard(split_dir):
            split_dir.mkdir(parents=True, exist_ok=True)
        for sheet in _each(sheets, progress, cancelled):
            name = "空白检查表.pdf" if sheet.station is None else \
                f"{sheet.station.code}_{_safe_name(sheet.station.name)}.pdf"
            writer = _write_pdf(split_dir / name, [sheet], printed_on=today, title=_title(sheet))
            paths.append(str(split_dir / name))
            pages += writer.pages
            missing += [c for c in writer.missing if c not in missing]
        return PrintResult(paths, len(sheets), pages, missing)
    if out is None:
        raise KnownError("print.no_output")
    target = checked_output(out, ".pdf")
    writer = _write_pdf(target, _each(sheets, progress, cancelled), printed_on=today,
                        title=_title(sheets[0]) if len(sheets) == 1 else "站点检查表")
    return PrintResult([str(target)], writer.sheets, writer.pages, writer.missing)


def _title(sheet: Sheet) -> str:
    base = full_title(sheet)
    return f"{base} {sheet.station.name}" if sheet.station is not None else base


def inspection_sheet(reg: Registry, inspection_id: int) -> Sheet:
    """The form of a recorded inspection: the station as it is now, the items and answers as recorded."""
    record = get_inspection(reg, inspection_id)
    with reg.read() as s:
        row = pq.station_for_print(s, record.station_code)
        names = pq.path_names(s, [record.village_code])
    answers = Answers(record.id, record.inspected_on, record.inspector, record.operator, record.remark,
                      tuple((i.result, i.remark) for i in record.items))
    v = record.village_code
    return Sheet(record.checklist, names.get(v[:6], ""), _region(v, names), _facts(row, names), answers)


def print_inspection(reg: Registry, inspection_id: int, out: Path, *, today: dt.date | None = None) -> PrintResult:
    """Print the filled checklist of a recorded inspection."""
    sheet = inspection_sheet(reg, inspection_id)
    target = checked_output(out, ".pdf")
    writer = _write_pdf(target, [sheet], printed_on=today or clock.today(),
                        title=f"{_title(sheet)} 检查记录 {inspection_id}")
    return PrintResult([str(target)], 1, writer.pages, writer.missing)


def default_unit(name: str, level: int) -> str:
    """制表单位 when none is given: the scope's transport bureau (a province's is a 厅)."""
    return f"{name}交通运输{'厅' if level == Level.PROVINCE else '局'}"


def print_summary(reg: Registry, scope: str, out: Path, *, on: dt.date | None = None, level: Level | None = None,
                  unit: str | None = None, today: dt.date | None = None, progress: Progress | None = None,
                  cancelled: Callable[[], bool] | None = None, as_recorded_on: dt.datetime | None = None
                  ) -> PrintResult:
    """The coverage summary of `scope` on `on` as OUT.pdf or OUT.xlsx (the same table either way).

    as_recorded_on: print the summary as the registry said it at that (aware) instant — after later
    corrections, the figures of a summary printed then; `on` defaults to that instant's day. The summary
    always prints the recording instant it reflects.

    `progress(step, 2, "")` after the numbers and after the file; `cancelled()` is asked before each step
    and before the finished file replaces OUT, so a cancelled summary leaves no file (and an older OUT intact).
    """
    from villagepost.services.summary import summary

    def step(done: int) -> None:
        if cancelled is not None and cancelled():
            raise Cancelled()
        if progress is not None:
            progress(done, 2, "")

    target = checked_output(out, ".pdf", ".xlsx")
    step(0)
    if as_recorded_on is None:
        data = summary(reg, scope, on=on, level=level)
    else:
        from villagepost.services import as_recorded
        from villagepost.services.coverage import scope_unit

        code = scope_unit(reg, scope).code
        with as_recorded.replaying(reg, code, as_recorded_on):
            data = summary(reg, scope, on=on or as_recorded.local_day(as_recorded_on), level=level,
                           recorded_at=as_recorded.stored(as_recorded_on))
    by = (unit or "").strip() or default_unit(data.name, data.level)
    printed = today or clock.today()
    step(1)
    with write_guard(target):
        target.parent.mkdir(parents=True, exist_ok=True)
        part = part_name(target)
        try:
            if target.suffix.lower() == ".pdf":
                from villagepost.reports.summary_pdf import write_summary_pdf

                pages = write_summary_pdf(data, part, unit=by, printed_on=printed)
            else:
                from villagepost.reports.summary_xlsx import write_summary_xlsx

                write_summary_xlsx(data, part, unit=by, printed_on=printed)
                pages = 0
            step(2)
            publish(part, target)
        finally:
            part.unlink(missing_ok=True)
    return PrintResult([str(target)], 1, pages)
