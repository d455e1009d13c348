"""Open a roster workbook, find its roster sheet and header, and stream its data rows.

Why two engines: python-calamine (Rust) reads ~100k rows/s, openpyxl's read-only mode ~15k rows/s, and the
national roster has 487k rows. calamine keeps every rule the import needs (dates as dates, numeric codes
as exact floats, rich text flattened, cached formula values, hidden sheets and columns) but it trusts the
file: it allocates the dense range of a sheet (a stray cell at XFD1048576 aborts the process) and does not
notice XML that is not well-formed. So `safety.scan_package` runs first; it measures every sheet and
collects merged ranges and formulas without cached values from the bytes. A sheet calamine could not hold
(or irregular XML) is read with openpyxl instead, bounded to the header's columns; openpyxl is also the
reader of last resort when calamine refuses a file the checks passed.

The expat well-formedness pass over big parts runs in a thread while calamine loads (calamine releases
the GIL), so a damaged sheet is refused before the first row is yielded.
"""

from __future__ import annotations

import operator
import re
import threading
from abc import ABC, abstractmethod
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import Any, Literal, Protocol

import python_calamine

from villagepost.core.errors import Cancelled
from villagepost.core.values import cell_text, column_letter, is_blank, squeeze
from villagepost.rosters.layout import DIVISION_FIELDS, FIELDS, HEADER_SEARCH_ROWS, KEY_FIELDS, detect_layout
from villagepost.rosters.safety import (
    OOXML_KINDS,
    FileKind,
    PackageScan,
    RosterFileError,
    SheetInfo,
    deferred_bytes,
    deferred_sheets,
    refusal_from,
    scan_package,
    verify_wellformed,
    wellformed_in_child,
)
from villagepost.rosters.sheet_layout import ColumnMap, ColumnRef, RosterLayout

Engine = Literal["auto", "calamine", "openpyxl"]
Progress = Callable[[int, int], None]
CancelCheck = Callable[[], bool]

#: Rows read between two progress reports / cancellation checks.
CHECK_EVERY = 2000
#: A run of this many completely empty rows ends the data (formatting down to row 1,048,576).
MAX_EMPTY_RUN = 5000
#: Columns shown by `preview` at most.
PREVIEW_WIDTH = 64

_TOTAL = re.compile(r"^(?:小计|合计|总计|共计)|(?:小计|合计|总计|共计)$")
_FOOTER = re.compile(r"^(?:填表人|填报人|制表人|审核人|审批人|统计人|单位负责人|分管领导|填表日期|填报日期|制表日期|"
                     r"注[:：]|备注[:：]|说明[:：]|联系人[:：])")
_CODE_LIKE = re.compile(r"\d{6}")


# --- public data types -------------------------------------------------------------------------------


@dataclass(slots=True)
class RosterRow:
    """One data row: Excel row number and the mapped cells as read (merged division cells filled down)."""

    row: int
    raw: dict[str, object]
    headers: Mapping[str, str]

    def text(self, name: str) -> str:
        """The cell of `name` as written, trimmed ('' when the field is not mapped or empty)."""
        return cell_text(self.raw.get(name))

    def column(self, name: str) -> str:
        """The header text of the field's column as written, trimmed."""
        return cell_text(self.headers.get(name, name))


# --- engines -----------------------------------------------------------------------------------------


class _Sheet(Protocol):
    def rows(self, start_row: int, width: int) -> Iterator[tuple[int, Sequence[object]]]: ...


class _CalamineSheet:
    def __init__(self, sheet: python_calamine.CalamineSheet) -> None:
        self.sheet = sheet
        start = sheet.start
        self.first_row = (start[0] + 1) if start else 1
        self.first_col = start[1] if start else 0

    def rows(self, start_row: int, width: int) -> Iterator[tuple[int, Sequence[object]]]:
        number = self.first_row
        pad: list[object] = [""] * self.first_col
        for values in self.sheet.iter_rows():
            if number >= start_row:
                if pad:
                    yield number, (pad + values)[:width]
                else:  # no copy when the row is no wider than wanted (the roster's own columns)
                    yield number, values if len(values) <= width else values[:width]
            number += 1


class _TextSheet:
    def __init__(self, scan: PackageScan) -> None:
        assert scan.text is not None
        self.table = scan.text

    def rows(self, start_row: int, width: int) -> Iterator[tuple[int, Sequence[object]]]:
        for number, values in enumerate(self.table.iter_rows(), start=1):
            if number >= start_row:
                yield number, values if len(values) <= width else values[:width]


class _OpenpyxlSheet:
    def __init__(self, sheet: Any) -> None:
        self.sheet = sheet

    def rows(self, start_row: int, width: int) -> Iterator[tuple[int, Sequence[object]]]:
        number = start_row
        for values in self.sheet.iter_rows(min_row=start_row, max_col=max(width, 1), values_only=True):
            yield number, values
            number += 1


class _Engine(ABC):
    """An open workbook in one library; `sheet(info)` loads a sheet or raises RosterFileError."""

    name = ""

    @abstractmethod
    def sheet(self, info: SheetInfo) -> _Sheet:
        """The sheet described by `info`, ready to iterate."""

    @abstractmethod
    def close(self) -> None:
        """Release the file."""


#: File name endings calamine recognises for each kind (it picks its parser by the name).
_SUFFIXES: dict[FileKind, tuple[str, ...]] = {
    FileKind.XLSX: (".xlsx", ".xlsm", ".xltx", ".xltm", ".xlam"),
    FileKind.XLSM: (".xlsx", ".xlsm", ".xltx", ".xltm", ".xlam"),
    FileKind.XLSB: (".xlsb",),
    FileKind.XLS: (".xls", ".xla"),
    FileKind.ODS: (".ods",),
}


class _Calamine(_Engine):
    name = "calamine"

    def __init__(self, scan: PackageScan) -> None:
        self.path = scan.source
        if self.path.suffix.lower() in _SUFFIXES.get(scan.kind, ()):
            self.book = python_calamine.CalamineWorkbook.from_path(str(self.path))
        else:  # a renamed file: calamine tells the format from the bytes
            with self.path.open("rb") as fh:
                self.book = python_calamine.CalamineWorkbook.from_filelike(fh)

    def sheet(self, info: SheetInfo) -> _Sheet:
        return _CalamineSheet(self.book.get_sheet_by_name(info.name))

    def close(self) -> None:
        self.book.close()


class _Text(_Engine):
    name = "text"

    def __init__(self, scan: PackageScan) -> None:
        self.scan = scan

    def sheet(self, info: SheetInfo) -> _Sheet:
        return _TextSheet(self.scan)

    def close(self) -> None:
        pass


class _Openpyxl(_Engine):
    name = "openpyxl"

    def __init__(self, scan: PackageScan) -> None:
        import openpyxl

        self.path = scan.source
        self.book = openpyxl.load_workbook(self.path, read_only=True, data_only=True, keep_links=False)

    def sheet(self, info: SheetInfo) -> _Sheet:
        return _OpenpyxlSheet(self.book[info.name])

    def close(self) -> None:
        self.book.close()


def _is_panic(exc: BaseException) -> bool:
    """A Rust panic inside calamine, which pyo3 raises as a BaseException (not an Exception)."""
    return type(exc).__name__ == "PanicException"


def _damaged(path: Path, exc: BaseException) -> RosterFileError:
    return RosterFileError("damaged", path, detail=f"读取失败：{type(exc).__name__}",
                           detail_en=f"{type(exc).__name__}: {exc}")


# --- the workbook --------------------------------------------------------------------------------------


class RosterWorkbook:
    """An open roster: `.layout`, `.preview()`, `.rows()`, `.with_columns()`. Use it as a context manager."""

    def __init__(self, path: Path, scan: PackageScan, layout: RosterLayout, *, sheet: _Sheet,
                 engines: list[_Engine], merges: list[tuple[int, int, int, int]], max_row: int,
                 formula_cells: list[tuple[int, int]]) -> None:
        self.path = path
        self.scan = scan
        self.layout = layout
        self._sheet = sheet
        self._engines = engines
        self._merges = merges
        self._max_row = max_row
        self._formula_cells = formula_cells
        #: Rows skipped by the last `rows()` run (blank, 序号-only, 小计/合计, footer, repeated header).
        self.skipped = 0
        self.skipped_rows: list[int] = []

    # context management
    def __enter__(self) -> RosterWorkbook:
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.close()

    def close(self) -> None:
        for engine in self._engines:
            engine.close()
        self._engines = []
        self.scan.discard()

    # mapping override
    def with_columns(self, mapping: Mapping[str, int] | ColumnMap) -> RosterWorkbook:
        """The same workbook read with another mapping (the GUI's mapping editor): field -> column index."""
        wanted = {n: r.index for n, r in mapping.items()} if isinstance(mapping, ColumnMap) else dict(mapping)
        unknown = set(wanted) - set(FIELDS)
        if unknown:
            raise ValueError(f"unknown fields: {sorted(unknown)}")
        if len(set(wanted.values())) != len(wanted):
            raise ValueError("two fields mapped to the same column")
        if not any(f in wanted for f in KEY_FIELDS):
            raise RosterFileError("sheet_not_roster", self.path, sheet=self.layout.sheet)
        cells = self.layout.header_cells
        columns = ColumnMap({name: ColumnRef(col, cells[col] if col < len(cells) else "")
                             for name, col in sorted(wanted.items(), key=lambda kv: FIELDS.index(kv[0]))})
        used = {ref.index for ref in columns.entries.values()}
        unmapped = [ColumnRef(i, t) for i, t in enumerate(cells) if i not in used and cell_text(t)]
        layout = RosterLayout(self.layout.sheet, self.layout.sheet_names, self.layout.header_rows, columns,
                              self.layout.first_data_row, unmapped, cells, self.layout.engine)
        other = RosterWorkbook(self.path, self.scan, layout, sheet=self._sheet, engines=[], merges=self._merges,
                               max_row=self._max_row, formula_cells=self._formula_cells)
        other._check_formulas()
        return other

    # reading
    def preview(self, n: int = 20) -> list[tuple[int, list[object]]]:
        """The first `n` rows of the roster sheet from row 1, as read: (Excel row, cell values)."""
        width = max(len(self.layout.header_cells), self.layout.columns.width)
        out: list[tuple[int, list[object]]] = []
        for number, values in self._sheet.rows(1, min(width, PREVIEW_WIDTH)):
            out.append((number, [None if v == "" else v for v in values]))
            if len(out) >= n:
                break
        return out

    def rows(self, progress: Progress | None = None, cancelled: CancelCheck | None = None) -> Iterator[RosterRow]:
        """The data rows, skipping blank, 序号-only, 小计/合计, footer and repeated-header rows.

        Raises RosterFileError('no_rows') when the sheet holds no data row, Cancelled when `cancelled()`
        turns true (checked every CHECK_EVERY rows).
        """
        self.skipped = 0
        self.skipped_rows = []
        yielded = 0
        for item in self._iter(progress, cancelled):
            if item is None:
                continue
            yielded += 1
            yield item
        if yielded == 0:
            raise RosterFileError("no_rows", self.path, sheet=self.layout.sheet,
                                  header_rows="、".join(map(str, self.layout.header_rows)))

    def has_rows(self) -> bool:
        """True when at least one data row exists (reads only as far as the first one)."""
        return any(item is not None for item in self._iter(None, None))

    def _iter(self, progress: Progress | None, cancelled: CancelCheck | None) -> Iterator[RosterRow | None]:
        columns = self.layout.columns
        width = columns.width
        mapped = [(name, ref.index) for name, ref in columns.items()]
        content = [(name, idx) for name, idx in mapped if name not in DIVISION_FIELDS]
        headers = columns.headers()
        code_idx = columns.index("code") if "code" in columns else None
        key_idx = code_idx if code_idx is not None else columns.index("village")
        key_header = squeeze(cell_text(headers["code" if code_idx is not None else "village"]))
        fill = _FillDown(self._merges, [(n, i) for n, i in mapped if n in DIVISION_FIELDS])
        # Text has no merged cells: a merged 县/乡镇 block saved as CSV keeps its name in the first row only.
        blank_fill = _BlankFill([n for n, _ in mapped if n in DIVISION_FIELDS]) if self.scan.text else None
        first = self.layout.first_data_row
        total = max(self._max_row - first + 1, 0)
        empty_run = 0
        done = 0
        names = [name for name, _ in mapped]
        pick = operator.itemgetter(*[idx for _, idx in mapped])
        code_mode = code_idx is not None
        for number, values in self._sheet.rows(first, width):
            done += 1
            if done % CHECK_EVERY == 0:
                if cancelled is not None and cancelled():
                    raise Cancelled
                if progress is not None:
                    progress(done, total)
            n_values = len(values)
            key = values[key_idx] if key_idx < n_values else None
            # Fast path: a row whose code cell holds a code-like value is a data row.
            if not (code_mode and (type(key) is float or (type(key) is str and _CODE_LIKE.search(key)))):
                if all(is_blank(v) for v in values):
                    empty_run += 1
                    self._skip(number)
                    if empty_run >= MAX_EMPTY_RUN:
                        break
                    yield None
                    continue
                if all(idx >= n_values or is_blank(values[idx]) for _, idx in content):
                    fill.observe(number, values)
                    self._skip(number)
                    yield None
                    continue
                key_text = cell_text(key)
                if not _CODE_LIKE.search(key_text) and (_is_furniture(values) or squeeze(key_text) == key_header):
                    self._skip(number)
                    yield None
                    continue
            empty_run = 0
            if n_values >= width:
                picked = pick(values)
                if len(names) == 1:
                    picked = (picked,)
            else:
                picked = tuple(values[idx] if idx < n_values else None for _, idx in mapped)
            raw: dict[str, object] = {
                name: (None if value == "" else value) for name, value in zip(names, picked, strict=True)}
            fill.apply(number, raw)
            if blank_fill is not None:
                blank_fill.apply(raw)
            yield RosterRow(number, raw, headers)
        if progress is not None:
            progress(total, total)

    def _skip(self, number: int) -> None:
        self.skipped += 1
        if len(self.skipped_rows) < 100_000:
            self.skipped_rows.append(number)

    def _check_formulas(self) -> None:
        cols = {ref.index: name for name, ref in self.layout.columns.items()}
        hits = [(r, c) for r, c in self._formula_cells if r >= self.layout.first_data_row and c in cols]
        if hits:
            header = cell_text(self.layout.columns.header(cols[hits[0][1]]))
            cells = "、".join(f"{column_letter(c)}{r}" for r, c in hits[:5])
            raise RosterFileError("formulas_without_values", self.path, sheet=self.layout.sheet, column=header,
                                  cells=cells)


def _is_furniture(values: Sequence[object]) -> bool:
    """A 小计/合计 row or a signature/footer row (填表人, 审核人, 注：...)."""
    first = True
    for value in values:
        if not isinstance(value, str) or is_blank(value):
            continue
        text = squeeze(value)
        if _TOTAL.search(text):
            return True
        if first and _FOOTER.match(text):
            return True
        first = False
    return False


class _FillDown:
    """Fills the cells of vertically merged division ranges (县 written once for its block) downwards.

    Works from the merge list of the byte scan, so it behaves the same with either engine.
    """

    def __init__(self, merges: Sequence[tuple[int, int, int, int]], columns: Sequence[tuple[str, int]]) -> None:
        self.by_col: dict[int, dict[int, int]] = {}
        self.names = dict(columns)
        wanted = {idx for _, idx in columns}
        for top, left, bottom, right in merges:
            if bottom <= top:
                continue
            for col in range(left, right + 1):
                if col in wanted:
                    starts = self.by_col.setdefault(col, {})
                    for row in range(top + 1, bottom + 1):
                        starts[row] = top
        self.values: dict[tuple[int, int], object] = {}
        self.tops = {(col, top) for col, rows in self.by_col.items() for top in rows.values()}

    def observe(self, number: int, values: Sequence[object]) -> None:
        for col in self.by_col:
            if (col, number) in self.tops and col < len(values):
                self.values[(col, number)] = values[col]

    def apply(self, number: int, raw: dict[str, object]) -> None:
        if not self.by_col:
            return
        for name, col in self.names.items():
            starts = self.by_col.get(col)
            if starts is None:
                continue
            if (col, number) in self.tops:
                self.values[(col, number)] = raw.get(name)
            top = starts.get(number)
            if top is not None and raw.get(name) is None:
                raw[name] = self.values.get((col, top))


class _BlankFill:
    """Fills blank division cells of a text roster from the row above (what a merged block exports as)."""

    def __init__(self, names: Sequence[str]) -> None:
        self.names = [n for n in names if n != "village"]
        self.last: dict[str, object] = {}

    def apply(self, raw: dict[str, object]) -> None:
        for name in self.names:
            value = raw.get(name)
            if value is None or is_blank(value):
                if name in self.last:
                    raw[name] = self.last[name]
            else:
                self.last[name] = value


# --- opening -------------------------------------------------------------------------------------------


def open_roster(path: str | Path, *, sheet: str | None = None, engine: Engine = "auto",
                while_loading: Callable[[SheetInfo], None] | None = None) -> RosterWorkbook:
    """Check `path`, find the roster sheet (or use `sheet`), detect its header and mapping.

    Raises RosterFileError for every whole-file problem (see `safety.RosterFileError`). The caller reads
    `.layout`, may override it with `.with_columns()`, then iterates `.rows()`; close it (or use `with`).
    `while_loading(info)`, if given, is called at most once, in this thread, while calamine loads the
    first candidate sheet in another (the load releases the GIL): the import warms its registry index
    there. It is not called when the sheet is read with openpyxl. An exception of it propagates.
    """
    path = Path(path)
    scan = scan_package(path, defer_large=True)
    checker: _Background | _ChildCheck | None = None
    engines: list[_Engine] = []
    try:
        if scan.deferred:
            big = deferred_bytes(scan) >= CHILD_CHECK_BYTES
            checker = _ChildCheck(scan) if big else _Background(lambda: verify_wellformed(scan))
        hooks = [while_loading] if while_loading is not None else []
        result = _open(path, scan, sheet, engine, engines, hooks=hooks)
        if checker is not None:
            checker.join()
        return result
    except BaseException:
        if checker is not None:
            checker.join(reraise=False)
        for e in engines:
            e.close()
        scan.discard()
        raise


#: Deferred XML at least this large is checked in a child process (its start costs ~0.3 s).
CHILD_CHECK_BYTES = 48 << 20


class _ChildCheck:
    """The well-formedness check in a second process, so the second core does it while we read."""

    def __init__(self, scan: PackageScan) -> None:
        import multiprocessing
        from concurrent.futures import ProcessPoolExecutor

        self.path = scan.path
        source = scan.source
        # spawn, not fork: the parent may hold threads (the window, a connection pool) whose locks a fork
        # would copy in a locked state.
        self.pool = ProcessPoolExecutor(max_workers=1, mp_context=multiprocessing.get_context("spawn"))
        self.future = self.pool.submit(wellformed_in_child, str(source), list(scan.deferred),
                                       deferred_sheets(scan))

    def join(self, reraise: bool = True) -> None:
        try:
            found = self.future.result()
        finally:
            self.pool.shutdown(wait=True)
        if reraise and found is not None:
            raise refusal_from(self.path, found)


class _Background:
    def __init__(self, work: Callable[[], None]) -> None:
        self.error: BaseException | None = None

        def run() -> None:
            try:
                work()
            except BaseException as exc:  # re-raised in the caller's thread by join()
                self.error = exc

        self.thread = threading.Thread(target=run, name="roster-wellformed", daemon=True)
        self.thread.start()

    def join(self, reraise: bool = True) -> None:
        self.thread.join()
        if reraise and self.error is not None:
            raise self.error


def _unreadable(scan: PackageScan, exc: BaseException) -> RosterFileError:
    """Why calamine could not read a workbook that only it reads (no openpyxl fallback)."""
    if scan.path.suffix.lower() in (".et", ".ett"):
        return RosterFileError("wps_et", scan.path)
    if scan.kind == FileKind.XLS and "biff" in str(exc).lower():
        return RosterFileError("legacy_xls", scan.path, detail="Excel 5.0/95", detail_en="Excel 5.0/95")
    return _damaged(scan.path, exc)


def _engine_for(scan: PackageScan, info: SheetInfo, wanted: Engine, engines: list[_Engine]) -> _Engine:
    path = scan.path
    ooxml = scan.kind in OOXML_KINDS
    name: str = wanted
    if scan.kind == FileKind.CSV:
        name = "text"
    elif not ooxml:
        name = "calamine"  # openpyxl reads OOXML only
    elif name == "auto":
        name = "calamine" if info.scan.fits_calamine else "openpyxl"
    for e in engines:
        if e.name == name:
            return e
    try:
        created: _Engine
        if name == "text":
            created = _Text(scan)
        elif name == "calamine":
            created = _Calamine(scan)
        else:
            created = _Openpyxl(scan)
    except python_calamine.CalamineError as exc:
        if not ooxml:
            raise _unreadable(scan, exc) from None
        if wanted != "auto":
            raise _damaged(path, exc) from None
        return _engine_for(scan, info, "openpyxl", engines)
    except BaseException as exc:  # openpyxl raises many types for files the byte checks let through
        if not (isinstance(exc, Exception) or _is_panic(exc)):
            raise
        if not ooxml:
            raise _unreadable(scan, exc) from None
        raise _damaged(path, exc) from None
    engines.append(created)
    return created


def _load_beside(engine: _Engine, info: SheetInfo, hook: Callable[[SheetInfo], None]) -> Callable[[], _Sheet]:
    """`engine.sheet(info)` in a helper thread while `hook(info)` runs in this one.

    Returns the load's outcome as a call (the sheet, or the load's exception raised), so the caller
    classifies load errors as before; an exception of the hook propagates here, unclassified.
    """
    box: list[_Sheet] = []
    failed: list[BaseException] = []

    def load() -> None:
        try:
            box.append(engine.sheet(info))
        except BaseException as exc:  # re-raised below, in the caller's thread
            failed.append(exc)

    thread = threading.Thread(target=load, name="roster-load", daemon=True)
    thread.start()
    try:
        hook(info)
    finally:
        thread.join()

    def outcome() -> _Sheet:
        if failed:
            raise failed[0]
        return box[0]

    return outcome


def _load(scan: PackageScan, info: SheetInfo, wanted: Engine, engines: list[_Engine],
          hooks: list[Callable[[SheetInfo], None]] | None = None) -> tuple[_Sheet, str]:
    path = scan.path
    engine = _engine_for(scan, info, wanted, engines)

    def load() -> _Sheet:
        return engine.sheet(info)

    if hooks and isinstance(engine, _Calamine):
        load = _load_beside(engine, info, hooks.pop())
    try:
        return load(), engine.name
    except (python_calamine.ZipError, python_calamine.XmlError) as exc:
        raise _damaged(path, exc) from None
    except python_calamine.CalamineError as exc:
        if scan.kind not in OOXML_KINDS:
            raise _unreadable(scan, exc) from None
        if wanted != "auto":
            raise
        return _load(scan, info, "openpyxl", engines, hooks)
    except RosterFileError:
        raise
    except BaseException as exc:
        if not (isinstance(exc, Exception) or _is_panic(exc)):
            raise
        raise _damaged(path, exc) from None


def _head(sheet: _Sheet, info: SheetInfo) -> list[tuple[int, Sequence[object]]]:
    width = min(info.scan.max_col + 1, 1024)
    out: list[tuple[int, Sequence[object]]] = []
    for number, values in sheet.rows(1, width):
        out.append((number, values))
        if number >= HEADER_SEARCH_ROWS + 1:
            break
    return out


def _open(path: Path, scan: PackageScan, wanted_sheet: str | None, engine: Engine,
          engines: list[_Engine], *, hooks: list[Callable[[SheetInfo], None]]) -> RosterWorkbook:
    names = [s.name for s in scan.sheets]
    if wanted_sheet is not None:
        chosen = scan.sheet(wanted_sheet)
        if chosen is None:
            raise RosterFileError("no_such_sheet", path, sheet=wanted_sheet, sheets="、".join(names))
        candidates = [chosen]
    else:
        candidates = [s for s in scan.sheets if s.scan.max_row > 0]
        if not candidates:
            raise RosterFileError("empty", path)
    best: tuple[tuple[int, float], SheetInfo, _Sheet, str, Any] | None = None
    for info in candidates:
        sheet, engine_name = _load(scan, info, engine, engines, hooks)
        head = _head(sheet, info)
        detected = detect_layout(head, info.scan.merges)
        if detected is None:
            continue
        rank = (len(detected.columns), detected.score)
        if best is None or rank > best[0]:
            best = (rank, info, sheet, engine_name, detected)
    if best is None:
        if wanted_sheet is not None:
            raise RosterFileError("sheet_not_roster", path, sheet=wanted_sheet)
        if all(s.scan.max_row == 0 for s in scan.sheets):
            raise RosterFileError("empty", path)
        raise RosterFileError("no_roster_sheet", path, sheets="、".join(names))
    _, info, sheet, engine_name, detected = best
    columns = ColumnMap({name: ColumnRef(col, text) for name, (col, text) in detected.columns.items()})
    used = {ref.index for ref in columns.entries.values()}
    unmapped = [ColumnRef(i, t) for i, t in enumerate(detected.header_cells) if i not in used and cell_text(t)]
    layout = RosterLayout(info.name, names, detected.header_rows, columns, detected.header_rows[-1] + 1,
                          unmapped, detected.header_cells, engine_name)
    book = RosterWorkbook(path, scan, layout, sheet=sheet, engines=engines, merges=info.scan.merges,
                          max_row=info.scan.max_row, formula_cells=info.scan.formulas_without_values)
    book._check_formulas()
    if not book.has_rows():
        raise RosterFileError("no_rows", path, sheet=info.name, header_rows="、".join(map(str, layout.header_rows)))
    return book
