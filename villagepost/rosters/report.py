"""The error report of a roster import (`villagepost import … --report OUT.xlsx`).

What the township gets back is its own sheet, whole: the header rows (and any title rows above them) and
every non-empty data row, values copied as text-safe cells in the same columns, so it can fix the red
cells and send the very same file again. Each bad cell is filled light red and carries a comment with
the message; an extra column 错误说明 lists every message of the row, and 原行号 keeps the row number the
messages refer to. Rows with errors come first (by default), so the township sees them without
scrolling; sorting the autofilter on 原行号 restores the original order. A second sheet 错误汇总 lists
one error per line (原行号, 列, 错误类型, 原值, 说明).

Big files: the source is streamed with openpyxl's read-only mode and the report written in write-only
mode, which keeps cell comments (openpyxl collects one small record per comment and writes the VML
drawing at the end), so memory grows with the number of errors, not with the size of the sheet. The
source is read twice: once to measure the sheet's real width and keep the error rows (they are written
first), once to copy the other rows. The sheet's stored dimension is ignored: files from some tools
under-state it, and trusting it would silently drop rows.

The report is written from what the importer saw: cached values of formula cells (data_only), never
the formulas themselves.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from openpyxl import load_workbook

from villagepost.workbooks.xlsx_write import (
    ERROR_FILL,
    HEADER_LOOK,
    TEXT_FORMAT,
    CellValue,
    Column,
    Look,
    SheetWriter,
    new_workbook,
    save_atomically,
)

ROW_COLUMN = "原行号"
MESSAGES_COLUMN = "错误说明"
SUMMARY_SHEET = "错误汇总"

#: the error kinds of the importer (MANIFEST.md convention 5) as the township reads them
KIND_ZH: dict[str, str] = {
    "duplicate_code": "区划代码重复",
    "code_not_in_township": "代码不属于本乡镇",
    "code_not_in_county": "代码不属于本县",
    "code_format": "区划代码格式错误",
    "unknown_code": "区划代码不存在",
    "name_mismatch": "村名与代码不符",
    "unknown_station_type": "站点类型无法识别",
    "coord_out_of_range": "经纬度超出范围",
    "coord_swapped": "经纬度填反",
    "future_date": "日期晚于今天",
    "invalid_date": "日期无效",
    "phone_format": "电话格式错误",
    "field_too_long": "内容过长",
    "formulas_without_values": "公式没有计算结果",
}

_MESSAGE_LOOK = Look(wrap=True, color="9C0006")
#: how much of an over-long original value the summary quotes
_QUOTE = 200


def kind_zh(kind: str) -> str:
    """The Chinese name of an error kind (the kind itself when unknown, so nothing is hidden)."""
    return KIND_ZH.get(kind, kind)


def _cell(value: Any) -> CellValue:
    """A source value as the report writes it; anything exotic becomes its text."""
    if value is None or isinstance(value, str | int | float | bool | dt.date | dt.time):
        return value
    return str(value)


class _Row:
    """A source row kept in memory: values and number formats."""

    __slots__ = ("formats", "values")

    def __init__(self, cells: Sequence[Any]) -> None:
        self.values: list[CellValue] = [_cell(c.value) for c in cells]
        self.formats: list[str | None] = [c.number_format for c in cells]
        while self.values and self.values[-1] is None:
            self.values.pop()
            self.formats.pop()


def _quote(value: Any) -> str | None:
    """An original value as the summary shows it: dates without a midnight time, long text shortened."""
    if value is None:
        return None
    if isinstance(value, dt.datetime) and value.time() == dt.time():
        value = value.date()
    text = value.isoformat() if isinstance(value, dt.date | dt.time) else str(value)
    return text[:_QUOTE] + "…" if len(text) > _QUOTE else text


def _width(cells: Sequence[Any]) -> int:
    for i in range(len(cells) - 1, -1, -1):
        if cells[i].value is not None:
            return i + 1
    return 0


def _message_text(errs: Sequence[Mapping[str, Any]]) -> str:
    parts = []
    for e in errs:
        col = e.get("column")
        msg = str(e.get("message") or kind_zh(str(e.get("kind", ""))))
        parts.append(f"【{col}】{msg}" if col and e.get("column_index") is not None else msg)
    return "\n".join(parts)


def write_error_report(
    source: Path,
    sheet: str,
    header_rows: list[int],
    errors: list[dict[str, Any]],
    out: Path,
    *,
    errors_first: bool = True,
) -> Path:
    """Write the township's error report for `sheet` of `source` to `out` and return `out`.

    `header_rows` are the Excel (1-based) rows of the header; every row above the last one (title rows)
    is copied as part of the header block. Each error has `row` (Excel row), `column` (header text as
    written), `column_index` (0-based, None for a row-level error), `kind` and `message` (Chinese).
    `errors_first=False` keeps the source order (note: with errors first, an unfixed duplicate row
    would come before the row it duplicates if the file were imported again unchanged).
    """
    by_row: dict[int, list[dict[str, Any]]] = defaultdict(list)
    by_cell: dict[int, dict[int, list[str]]] = defaultdict(lambda: defaultdict(list))
    for e in errors:
        row = int(e["row"])
        by_row[row].append(e)
        if e.get("column_index") is not None:
            msg = str(e.get("message") or kind_zh(str(e.get("kind", ""))))
            by_cell[row][int(e["column_index"])].append(msg)
    for errs in by_row.values():
        errs.sort(key=lambda e: (e.get("column_index") is None, e.get("column_index") or 0))
    header_end = max(header_rows, default=0)

    wb_src = load_workbook(source, read_only=True, data_only=True)
    try:
        ws_src = wb_src[sheet]
        ws_src.reset_dimensions()
        header: list[_Row] = []
        kept: dict[int, _Row] = {}
        width = max((ci + 1 for cells in by_cell.values() for ci in cells), default=0)
        for r, cells in enumerate(ws_src.iter_rows(), start=1):
            width = max(width, _width(cells))
            if r <= header_end:
                header.append(_Row(cells))
            elif r in by_row:
                kept[r] = _Row(cells)

        wb = new_workbook()
        extra = {ROW_COLUMN: width, MESSAGES_COLUMN: width + 1}
        header_values: list[list[CellValue]] = [h.values + [None] * (width - len(h.values)) for h in header]
        if not header_values:
            header_values = [[None] * width]
        header_values[-1] = [*header_values[-1][:width], ROW_COLUMN, MESSAGES_COLUMN]
        columns = [Column("") for _ in range(width)]
        columns += [Column(ROW_COLUMN, width=8), Column(MESSAGES_COLUMN, width=50, wrap=True)]
        title = sheet if sheet != SUMMARY_SHEET else f"{sheet}(原表)"
        data = SheetWriter(wb, title, columns, header_rows=header_values, header_look=HEADER_LOOK)

        format_looks: dict[str, Look] = {}

        def emit(r: int, row: _Row) -> None:
            looks: dict[int, Look] = {}
            for i, fmt in enumerate(row.formats):
                if fmt and fmt != "General":
                    look = format_looks.get(fmt)
                    if look is None:
                        look = format_looks[fmt] = Look(number_format=fmt)
                    looks[i] = look
            comments: dict[int, str] = {}
            values: list[CellValue] = row.values + [None] * (width - len(row.values))
            errs = by_row.get(r)
            if errs:
                for ci, msgs in by_cell.get(r, {}).items():
                    base = looks.get(ci, Look())
                    looks[ci] = Look(number_format=base.number_format, fill=ERROR_FILL)
                    comments[ci] = "\n".join(msgs)
                looks[extra[MESSAGES_COLUMN]] = _MESSAGE_LOOK
            values += [r, _message_text(errs) if errs else None]
            data.append(values, looks, comments)

        for r in sorted(kept):
            if errors_first:
                emit(r, kept[r])
        for r, cells in enumerate(ws_src.iter_rows(min_row=header_end + 1), start=header_end + 1):
            if errors_first and r in kept:
                continue
            if not errors_first and r in kept:
                emit(r, kept[r])
                continue
            if _width(cells):
                emit(r, _Row(cells))
        data.close()

        summary = SheetWriter(wb, SUMMARY_SHEET, [
            Column("原行号", width=8), Column("列", width=16), Column("错误类型", width=18),
            Column("原值", TEXT_FORMAT, width=30), Column("说明", width=70, wrap=True)])
        for e in sorted(errors, key=lambda e: (int(e["row"]), e.get("column_index") is None,
                                               e.get("column_index") or 0)):
            r, ci = int(e["row"]), e.get("column_index")
            original: Any = e.get("value")
            src_row = kept.get(r)
            if ci is not None and src_row is not None and int(ci) < len(src_row.values):
                original = src_row.values[int(ci)] if src_row.values[int(ci)] is not None else original
            text = _quote(original)
            summary.append([r, e.get("column") or None, kind_zh(str(e.get("kind", ""))), text,
                            str(e.get("message") or "")])
        summary.close()
    finally:
        wb_src.close()
    save_atomically(wb, out)
    return Path(out)
