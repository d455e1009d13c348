"""Importing a township's roster: read, validate every row, write the good ones, explain the bad ones.

One import is one database transaction: a kill or a power cut at any moment leaves the registry as it
was before or fully imported. Rows are atomic (a row with any error imports nothing); a file-level
failure, met at any point of a streaming read, imports nothing at all. `--strict` turns any row error
into a rejection of the file; `--dry-run` validates and counts, then rolls back.

The window's import wizard uses the same function through `RosterImport` (detect → mapping → validate
→ commit), with progress and cancel; cancel rolls back.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import gc
import hashlib
import json
import logging
import threading
import time
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import Connection

from villagepost.core import clock
from villagepost.core.actor import Actor
from villagepost.core.errors import Cancelled
from villagepost.core.messages import tr
from villagepost.core.stations import name_key
from villagepost.rosters import forked
from villagepost.rosters.prefetch import Prefetch, Prefetched
from villagepost.rosters.refusal import RosterFileError
from villagepost.rosters.validate import RegistryChecks, RowIssue
from villagepost.services.county_places import Placed, far_placed
from villagepost.services.registry import Registry, retrying
from villagepost.services.station_writer import STATION_FIELDS, StationInput, StationWriter
from villagepost.storage.audit_store import AuditBatch
from villagepost.storage.division_index import DivisionIndex

if TYPE_CHECKING:
    # The reader stack (calamine, defusedxml, the byte scans) is imported where a roster is read in this
    # process: the command line's import has its child read it (`rosters.prefetch`).
    from villagepost.rosters.parse import CompactRow
    from villagepost.rosters.reader import RosterWorkbook
    from villagepost.rosters.sheet_layout import ColumnMap, RosterLayout

log = logging.getLogger(__name__)
Progress = Callable[[int, int, str], None]
_NO_FIELDS: frozenset[str] = frozenset()
#: A sheet with at least this many rows spans provinces (the largest holds ~70k village committees): the
#: whole division index is read while calamine loads it. National roster, whole process: 23.7 s -> 22.4 s.
PRELOAD_ALL_ROWS = 150_000
NO_DATA = frozenset({"empty", "no_rows", "formulas_without_values"})
EXIT_BY_STATUS = {"ok": 0, "partial": 3, "rejected": 2, "no_data": 2}


#: Labels of changed fields that no roster column names (a rename changes the stored name).
_FIELD_LABELS = {"name": "站点名称"}
#: The roster field a stored field comes from, where their names differ.
_ROSTER_FIELD = {"name": "station_name"}


class _Discard(Exception):
    """Raised inside the transaction to roll it back on purpose (dry run, strict with errors)."""


@dataclass
class ImportReport:
    """The outcome of one import; `to_json` is the CLI's `--json` document."""

    file: str
    status: str = "ok"
    reason: str | None = None
    sheet: str | None = None
    header_rows: list[int] = field(default_factory=list)
    columns: dict[str, str] = field(default_factory=dict)
    rows_read: int = 0
    villages_imported: int = 0
    stations_imported: int = 0
    stations_created: int = 0
    stations_updated: int = 0
    stations_unchanged: int = 0
    rows_rejected: int = 0
    errors: list[RowIssue] = field(default_factory=list)
    warnings: list[RowIssue] = field(default_factory=list)
    dry_run: bool = False
    strict: bool = False
    seconds: float = 0.0
    message_key: str = "import.summary.ok"
    message_params: dict[str, Any] = field(default_factory=dict)
    #: a file-level refusal, kept to render its message in either language
    refusal: RosterFileError | None = None
    #: the verified backup made before the import changed the registry (None: dry run, server, turned off)
    pre_import_backup: str | None = None
    #: codes of the accepted rows, in file order (for the window's summary and tests; not in the JSON)
    accepted: list[str] = field(default_factory=list)
    #: every stored station this import changes (or, in a dry run, would change), with old -> new values
    updates: list[StationUpdate] = field(default_factory=list)
    #: Excel row -> the village as the row names it (its name, else its code), for the rows with errors
    row_villages: dict[int, str] = field(default_factory=dict)

    @property
    def exit_code(self) -> int:
        return EXIT_BY_STATUS[self.status]

    def message(self, lang: str = "zh") -> str:
        if self.refusal is not None:
            return self.refusal.message(lang)
        return tr(self.message_key, lang, {**self.counts(), **self.message_params})

    def counts(self) -> dict[str, int]:
        return {"rows_read": self.rows_read, "villages_imported": self.villages_imported,
                "stations_imported": self.stations_imported, "stations_created": self.stations_created,
                "stations_updated": self.stations_updated, "stations_unchanged": self.stations_unchanged,
                "rows_rejected": self.rows_rejected}

    def error_rows(self) -> list[int]:
        return sorted({e.row for e in self.errors})

    def to_json(self, lang: str = "zh") -> dict[str, Any]:
        return {
            "file": self.file, "status": self.status, "reason": self.reason, "message": self.message(lang),
            "sheet": self.sheet, "header_rows": self.header_rows, "columns": self.columns,
            **self.counts(),
            "errors": [{**e.to_json(lang), "village": self.row_villages.get(e.row, "")} for e in self.errors],
            "warnings": [w.to_json(lang) for w in self.warnings],
            "updates": [u.to_json() for u in self.updates],
            "dry_run": self.dry_run, "strict": self.strict, "seconds": round(self.seconds, 3),
        }


@dataclass(frozen=True, slots=True)
class FieldChange:
    """One stored field an import changes: the roster column it comes from, the stored and the new value."""

    field: str
    column: str
    old: Any
    new: Any

    def to_json(self) -> dict[str, Any]:
        return {"field": self.field, "column": self.column, "old": _plain(self.old), "new": _plain(self.new)}


@dataclass(frozen=True, slots=True)
class StationUpdate:
    """A stored station an import changes: where (row, village) and what (its fields, old -> new)."""

    row: int
    station: str
    name: str
    village_code: str
    village: str
    changes: tuple[FieldChange, ...]

    def to_json(self) -> dict[str, Any]:
        return {"row": self.row, "station": self.station, "name": self.name, "village_code": self.village_code,
                "village": self.village, "changes": [c.to_json() for c in self.changes]}

    def describe(self, lang: str = "zh") -> str:
        """One line for the CLI: 'row 5 和平村 和平村村邮站 (640221100201-01): 联系电话 A → B; ...'."""
        parts = "；".join(f"{c.column}：{_shown(c.old)} → {_shown(c.new)}" for c in self.changes)
        if lang == "en":
            parts = "; ".join(f"{c.column}: {_shown(c.old)} -> {_shown(c.new)}" for c in self.changes)
            return f"row {self.row}, {self.village}, {self.name} ({self.station}): {parts}"
        return f"第{self.row}行 {self.village} {self.name}（{self.station}）：{parts}"


def _plain(value: Any) -> Any:
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    if isinstance(value, (list, tuple)):  # served villages: codes
        return [_plain(v) for v in value]
    return str(value)


def _shown(value: Any) -> str:
    if isinstance(value, (list, tuple)):
        return "、".join(map(str, value)) or "（空）"
    return "（空）" if value is None or value == "" else str(value)


def _issue_from_cell(problem: Any, columns: ColumnMap) -> RowIssue:
    ref = columns.get(problem.field)
    return RowIssue(problem.row, problem.field, problem.column, problem.kind, problem.value, "",
                    column_index=ref.index if ref else None, rendered=(problem.message_zh, problem.message_en))


def _common_unit(codes: list[str]) -> str:
    """The smallest division holding every accepted row (the import's audit row is filed under it)."""
    if not codes:
        return ""
    low, high = min(codes), max(codes)
    same = next((i for i, (a, b) in enumerate(zip(low, high, strict=False)) if a != b), min(len(low), len(high)))
    prefix = low[:same]
    return next((prefix[:n] for n in (12, 9, 6, 4, 2) if len(prefix) >= n), "")


def import_source(path: Path, via: str) -> str:
    """Where an import's changes come from, as the audit keeps it: the file's name and SHA-256."""
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            digest.update(chunk)
    return f"import: {path.name} sha256:{digest.hexdigest()} ({via})"


def _process(book: RosterWorkbook | Prefetched, reg: Registry, conn: Connection, index: DivisionIndex,
             report: ImportReport, *, today: dt.date, progress: Progress | None, cancelled: Callable[[], bool] | None,
             commit: bool, actor: Actor, fork: bool = True) -> None:
    layout = book.layout
    columns = layout.columns
    headers = {name: (ref.header.strip(), ref.index) for name, ref in columns.items()}
    # The station attributes whose column the roster has (roster fields carry the model's names).
    present = (frozenset(STATION_FIELDS) | {"served"}) & frozenset(columns)
    checks = RegistryChecks(index, actor)
    writer = StationWriter(conn, actor, today)
    placed: list[Placed] = []  # stations this roster locates, for the far-from-the-county warning
    def rows_progress(done: int, total: int) -> None:
        if progress is not None:
            progress(done, total, "import.reading")

    # Both sources give the same CompactRow of the same RowParser: every rule below holds on both.
    source: Iterator[CompactRow]
    if isinstance(book, Prefetched):  # read and parsed by the child the command line forked first
        source = book.rows(rows_progress, cancelled)
    else:
        from villagepost.rosters.parse import RowParser, compact

        parse_row = RowParser(today)
        if fork and forked.can_fork(book):
            source = forked.parsed_rows(book, parse_row, rows_progress, cancelled)
        else:
            source = (compact(parse_row(raw)) for raw in book.rows(progress=rows_progress, cancelled=cancelled))
    served: list[str] = []  # the row's served villages, resolved (set on the rows that name some)
    for (row, county, township, village, code, station_name, station_type, coop, lon, lat, opened, contact,
         phone, problems, extra) in source:
        report.rows_read += 1
        # A clean row (nearly all of them) allocates no problem list nor skip set of its own.
        errors = [_issue_from_cell(p, columns) for p in problems] if problems else []
        unit = None
        if code is not None:
            written = {"county": county or "", "township": township or "", "village": village or ""}
            skip = frozenset(p.field for p in problems) if problems else _NO_FIELDS
            station_key = name_key(station_name) if station_name else ""
            reg_errors, reg_warnings, unit = checks.check(row, code, written, headers,
                                                          skip_fields=skip, station_key=station_key)
            if reg_errors:
                errors.extend(reg_errors)
            if reg_warnings:
                report.warnings.extend(reg_warnings)
            if unit is not None and extra is not None and extra[3]:
                served_errors, served = checks.served_villages(row, unit.code, extra[3], headers)
                errors.extend(served_errors)
        elif "code" not in {e.field for e in errors}:
            header, idx = headers.get("code", ("区划代码", None))
            errors.append(RowIssue(row, "code", header, "code_format", "", "import.code_missing",
                                   {"value": ""}, idx))
        if errors or unit is None:
            report.rows_rejected += 1
            report.errors.extend(errors)
            report.row_villages[row] = village or (str(code) if code is not None else "")
            continue
        report.villages_imported += 1
        report.accepted.append(unit.code)
        if station_name is None and station_type is None:  # the row describes no station
            continue
        report.stations_imported += 1
        # A station without a name is named after its village and type.
        defaulted = station_name is None
        data = StationInput(name=f"{unit.name}{station_type or ''}" if station_name is None else station_name,
                            station_type=station_type, coop=coop, lon=lon, lat=lat, opened=opened,
                            contact=contact, phone=phone)
        if extra is not None:
            data.services, data.brands, data.floor_area = extra[:3]
            if extra[3]:
                data.served = tuple(served)
        if defaulted:
            header, idx = headers.get("station_type", ("", None))
            report.warnings.append(RowIssue(row, "station_name", header, "station_name_missing", "",
                                            "import.station_name_defaulted", {"value": "", "name": data.name},
                                            idx))
        outcome = writer.apply(unit.code, data, present)
        if lon is not None and lat is not None:
            placed.append((row, outcome.code, unit.code[:6]))
        if outcome.action == "created":
            report.stations_created += 1
        elif outcome.action == "updated":
            report.stations_updated += 1
            report.updates.append(StationUpdate(row, outcome.code, data.name, unit.code, unit.name, tuple(
                FieldChange(f, headers.get(_ROSTER_FIELD.get(f, f), (_FIELD_LABELS.get(f, f), None))[0], old, new)
                for f, old, new in outcome.changes)))
        else:
            report.stations_unchanged += 1
        for key, params in outcome.warnings:
            if key == "station.roster_older":  # the history wins over an older roster's type
                header, idx = headers.get("station_type", ("", None))
                report.warnings.append(RowIssue(row, "station_type", header, "roster_older_than_history",
                                                params["roster_type"], key, {"value": params["roster_type"], **params},
                                                idx))
                continue
            header, idx = headers.get("station_name", ("", None))
            report.warnings.append(RowIssue(row, "station_name", header, "station_renamed",
                                            data.name, key, {"value": data.name, **params}, idx))
    writer.flush()
    if placed:
        _far_from_county(conn, index, placed, headers, report)
    writer.finish()
    if commit:
        audit = AuditBatch(actor)
        audit.fact("import", report.file, _common_unit(report.accepted), "rows",
                   json.dumps(report.counts(), ensure_ascii=False, sort_keys=True))
        audit.write(conn)
    if cancelled is not None and cancelled():
        raise Cancelled()
    if not commit or (report.strict and report.errors):
        raise _Discard()


def _far_from_county(conn: Connection, index: DivisionIndex, placed: list[Placed],
                     headers: Mapping[str, tuple[str, int | None]], report: ImportReport) -> None:
    """Warn (kind `coord_far_from_county`, naming the county) for each station the roster places more than
    150 km from the median of its county's other stations; the row is imported all the same."""
    def county_name(code: str) -> str:
        unit = index.get(code)
        return unit.name if unit is not None else code

    header, idx = headers.get("lon", ("经度", None))
    far = [RowIssue(row, "lon", header, "coord_far_from_county", "", "station.far_from_county", params, idx)
           for row, _county, params in far_placed(conn, placed, county_name)]
    if far:
        report.warnings.extend(far)
        report.warnings.sort(key=lambda w: w.row)


_GC_LOCK = threading.Lock()
_gc_depth = 0
_gc_saved: tuple[int, int, int] | None = None
#: gen-2 threshold while an import runs: in effect "never" (a national import makes ~10M allocations).
_NO_FULL_COLLECTION = 1 << 30


@contextlib.contextmanager
def _no_full_collections() -> Iterator[None]:
    """Suspend the cyclic GC's full (generation 2) collections while an import runs.

    Why: an import keeps millions of objects alive (the division index, the codes seen, the stations
    written), and every full collection walks all of them. Measured on the national roster (487,144
    rows): 52.3 s whole process with the default thresholds, 28.3 s with gen-2 collections suspended
    (identical output; 27.7 s with the GC disabled altogether, so gen 0/1 cost almost nothing).
    Generations 0 and 1 keep running, so a reference cycle made and dropped per row (an exception with
    its traceback) is still freed as it goes; only cycles that outlive a gen-1 pass wait until the
    import ends. Nested or concurrent imports (the window's worker thread) share one suspension.
    """
    global _gc_depth, _gc_saved
    with _GC_LOCK:
        if _gc_depth == 0:
            _gc_saved = gc.get_threshold()
            gc.set_threshold(_gc_saved[0], _gc_saved[1], _NO_FULL_COLLECTION)
        _gc_depth += 1
    try:
        yield
    finally:
        with _GC_LOCK:
            _gc_depth -= 1
            if _gc_depth == 0 and _gc_saved is not None:
                gc.set_threshold(*_gc_saved)
                _gc_saved = None


@retrying
def import_roster(
    reg: Registry,
    path: str | Path,
    *,
    sheet: str | None = None,
    mapping: Mapping[str, int] | None = None,
    dry_run: bool = False,
    strict: bool = False,
    today: dt.date | None = None,
    progress: Progress | None = None,
    cancelled: Callable[[], bool] | None = None,
    prefetch: Prefetch | None = None,
) -> ImportReport:
    """Import the roster at `path` into `reg` in one transaction and report what happened.

    `mapping` (field -> 0-based column) overrides the detected columns, as the wizard's mapping editor
    does. Raises Cancelled when `cancelled()` turns true (nothing is written); every other problem is in
    the report. `prefetch`: the child the command line forked to read this file while it started
    (`rosters.prefetch`); used when it read the same file, sheet and day, else the file is read here.
    """
    backup = None if dry_run else _backup_before_import(reg, Path(path))
    with _no_full_collections():
        day = today or clock.today()
        early = prefetch if prefetch is not None and mapping is None and prefetch.matches(Path(path), sheet, day) \
            else None
        report = _import_roster(reg, Path(path), sheet=sheet, mapping=mapping, dry_run=dry_run, strict=strict,
                                today=day, progress=progress, cancelled=cancelled, prefetch=early)
    report.pre_import_backup = backup
    return report


def _backup_before_import(reg: Registry, path: Path) -> str | None:
    """A verified backup of an SQLite registry before a roster changes it (kept 30 days by rotation).

    Only for a roster that exists: a missing file is refused by the import itself, and needs no backup.
    """
    from villagepost.services import backups
    from villagepost.storage import backup_store

    if reg.location.path is None or not backup_store.auto_enabled() or not path.is_file():
        return None
    return str(backups.create(reg.location.path, reason="pre-import").file)


def _import_roster(reg: Registry, path: Path, *, sheet: str | None, mapping: Mapping[str, int] | None,
                   dry_run: bool, strict: bool, today: dt.date, progress: Progress | None,
                   cancelled: Callable[[], bool] | None, prefetch: Prefetch | None = None,
                   fork: bool = True) -> ImportReport:
    started = time.perf_counter()
    report = ImportReport(file=path.name, dry_run=dry_run, strict=strict)
    try:
        actor = reg.actor.from_source(import_source(path, reg.actor.source))
    except OSError:
        actor = reg.actor  # the reader names the file problem below
    try:
        # _Discard must leave the transaction (rolling it back) before it is suppressed.
        with contextlib.suppress(_Discard), reg.connection() as conn:
            index = DivisionIndex(conn)
            # The child's refusal of the file is raised here, before anything is written. A national
            # roster's division index is read while the child loads the sheet (it says how many rows).
            early = prefetch.result(while_waiting=lambda rows: _warm(index, rows)) if prefetch is not None else None
            if early is not None:
                _warm(index, early.total)
                _describe(report, early.layout)
                _process(early, reg, conn, index, report, today=today, progress=progress, cancelled=cancelled,
                         commit=not dry_run, actor=actor)
            else:
                _read_and_process(reg, conn, index, report, path, sheet=sheet, mapping=mapping, today=today,
                                  progress=progress, cancelled=cancelled, commit=not dry_run, actor=actor, fork=fork)
    except forked.ReaderEnded:
        if not fork:
            raise
        # The transaction has rolled back: read the whole roster again here, without a child.
        log.warning("the roster reader process of %s ended early; reading it in this process", path.name)
        return _import_roster(reg, path, sheet=sheet, mapping=mapping, dry_run=dry_run, strict=strict, today=today,
                              progress=progress, cancelled=cancelled, prefetch=None, fork=False)
    except RosterFileError as exc:
        _refused(report, exc)
        report.seconds = time.perf_counter() - started
        return report
    _conclude(report)
    report.seconds = time.perf_counter() - started
    return report


def _read_and_process(reg: Registry, conn: Connection, index: DivisionIndex, report: ImportReport, path: Path, *,
                      sheet: str | None, mapping: Mapping[str, int] | None, today: dt.date,
                      progress: Progress | None, cancelled: Callable[[], bool] | None, commit: bool,
                      actor: Actor, fork: bool = True) -> None:
    """Read the roster in this process, then `_process` it."""
    from villagepost.rosters.reader import open_roster

    with open_roster(path, sheet=sheet, while_loading=lambda info: _warm(index, info.scan.max_row)) as opened:
        book = opened.with_columns(mapping) if mapping is not None else opened
        _describe(report, book.layout)
        _process(book, reg, conn, index, report, today=today, progress=progress, cancelled=cancelled,
                 commit=commit, actor=actor, fork=fork)


def _warm(index: DivisionIndex, rows: int) -> None:
    """A sheet this long spans provinces: read every unit at once (`DivisionIndex.preload_all`, once)."""
    if rows >= PRELOAD_ALL_ROWS:
        index.preload_all()


def _describe(report: ImportReport, layout: RosterLayout) -> None:
    report.sheet = layout.sheet
    report.header_rows = list(layout.header_rows)
    report.columns = {name: ref.header for name, ref in layout.columns.items()}


def _refused(report: ImportReport, exc: RosterFileError) -> None:
    """A file-level failure: nothing was imported, whatever had been read."""
    report.status = "no_data" if exc.reason in NO_DATA else "rejected"
    report.reason = exc.reason
    report.refusal = exc
    report.villages_imported = report.stations_imported = 0
    report.stations_created = report.stations_updated = report.stations_unchanged = 0
    report.updates = []
    report.row_villages = {}
    report.errors = []
    report.warnings = []
    report.accepted = []


def _conclude(report: ImportReport) -> None:
    if report.strict and report.errors:
        report.status, report.reason = "rejected", "row_errors"
        report.message_key = "import.summary.strict"
        report.villages_imported = report.stations_imported = 0
        report.stations_created = report.stations_updated = report.stations_unchanged = 0
        report.accepted = []
        report.updates = []
    elif report.errors:
        report.status = "partial"
        report.message_key = "import.summary.partial"
    else:
        report.status = "ok"
        report.message_key = "import.summary.ok"
    if report.dry_run and report.status != "rejected":
        report.message_key += "_dry"


@dataclass
class RosterImport:
    """The wizard's steps over one file: detect, override the mapping, validate (dry run), commit."""

    reg: Registry
    path: Path
    sheet: str | None = None
    mapping: dict[str, int] | None = None
    today: dt.date = field(default_factory=clock.today)

    def detect(self) -> tuple[RosterLayout, list[tuple[int, list[object]]]]:
        """The detected (or overridden) layout and the first rows for the preview."""
        from villagepost.rosters.reader import open_roster

        with open_roster(self.path, sheet=self.sheet) as opened:
            book = opened.with_columns(self.mapping) if self.mapping is not None else opened
            return book.layout, book.preview(20)

    def use_mapping(self, mapping: Mapping[str, int]) -> None:
        self.mapping = dict(mapping)

    def validate(self, progress: Progress | None = None, cancelled: Callable[[], bool] | None = None) -> ImportReport:
        return import_roster(self.reg, self.path, sheet=self.sheet, mapping=self.mapping, dry_run=True,
                             today=self.today, progress=progress, cancelled=cancelled)

    def commit(self, progress: Progress | None = None, cancelled: Callable[[], bool] | None = None,
               *, strict: bool = False) -> ImportReport:
        return import_roster(self.reg, self.path, sheet=self.sheet, mapping=self.mapping, strict=strict,
                             today=self.today, progress=progress, cancelled=cancelled)


def write_report(report: ImportReport, source: Path, out: Path) -> Path | None:
    """The township's error report (`--report OUT.xlsx`): the file's rows with the bad cells marked."""
    from villagepost.rosters.report import write_error_report

    if report.sheet is None:
        return None
    errors = [{"row": e.row, "column": e.column, "column_index": e.column_index, "kind": e.kind,
               "value": e.value, "message": e.message("zh")} for e in report.errors]
    return write_error_report(source, report.sheet, report.header_rows, errors, out)
