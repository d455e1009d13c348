"""The inspection form as a workbook: written for one station, filled in the field, read back.

`villagepost inspection form OUT.xlsx --station CODE` writes it; `villagepost inspection record --from
FILLED.xlsx` reads it. Layout (what the reader looks for by label, so rows may move): a block of
label/value rows (站点编码, 检查日期, 检查人, 站点负责人, 检查意见 …) and an item table whose header holds
检查内容 and 结果 (类别, 序号 and 备注 optional). Results are a dropdown of 是/否/不适用, but the reader also
accepts what inspectors type instead (√/×, 合格/不合格 …, core.checklists.parse_result). The reader only
extracts cells; the inspection service validates them against the station's checklist.
"""

from __future__ import annotations

import datetime as dt
import unicodedata
from dataclasses import dataclass, field
from itertools import islice
from pathlib import Path
from typing import Any

from openpyxl.worksheet.datavalidation import DataValidation

from villagepost.core.checklists import RESULT_ZH, Checklist, Result
from villagepost.rosters.safety import inspect_file
from villagepost.workbooks.xlsx_write import (
    LOCKED_FILL,
    TEXT_FORMAT,
    Column,
    Look,
    SheetWriter,
    new_workbook,
    save_atomically,
    simple_sheet,
)

FORM_SHEET = "检查填报"
HELP_SHEET = "填写说明"
LABEL_CODE = "站点编码"
LABEL_DATE = "检查日期"
LABEL_INSPECTOR = "检查人"
LABEL_OPERATOR = "站点负责人"
LABEL_REMARK = "检查意见"
ITEM_HEADERS = ("序号", "类别", "检查内容", "结果（是/否/不适用）", "备注")
MAX_ROWS = 2_000
MAX_COLUMNS = 30

_LOCKED = Look(fill=LOCKED_FILL, wrap=True)
_INPUT = Look(number_format=TEXT_FORMAT, wrap=True)

HELP_ROWS: tuple[tuple[str], ...] = (
    ("检查填报表填写说明",),
    ("1. 灰色单元格由登记册预先填好（站点编码、名称、所在村、检查内容），请勿修改。",),
    ("2. 填写检查日期（如 2025-06-01）、检查人；站点负责人和检查意见可选填。",),
    ("3. 每个检查项目在“结果”列选择 是、否 或 不适用（也可写 √、×）；“否”的项目请在备注中写明问题。",),
    ("4. 每一项都必须填写结果。填好后保存为 .xlsx，用“villagepost inspection record --from 文件.xlsx”登记。",),
    ("5. 检查表模板修改后，请重新生成填报表：已不在模板中的检查内容不会被登记。",),
)


@dataclass(frozen=True)
class FormStation:
    """The station facts written at the top of a form."""

    code: str
    name: str
    place: str


def _lines(station: FormStation, county_title: str) -> list[tuple[str, str | None, Look]]:
    return [
        ("检查表", county_title, _LOCKED),
        (LABEL_CODE, station.code, _LOCKED),
        ("站点名称", station.name, _LOCKED),
        ("所在村", station.place, _LOCKED),
        (LABEL_DATE, None, _INPUT),
        (LABEL_INSPECTOR, None, _INPUT),
        (LABEL_OPERATOR, None, _INPUT),
        (LABEL_REMARK, None, _INPUT),
    ]


def write_inspection_form(checklist: Checklist, station: FormStation, out: Path, *, county_title: str) -> Path:
    """Write the fill-in form of `station` with the items of `checklist` (atomically)."""
    wb = new_workbook()
    columns = [Column("序号", width=6), Column("类别", width=14), Column("检查内容", width=60, wrap=True),
               Column("结果", width=18), Column("备注", width=36, wrap=True)]
    sheet = SheetWriter(wb, FORM_SHEET, columns, header_rows=[], freeze=False, autofilter=False)
    label = Look(bold=True)
    for text, value, look in _lines(station, county_title):
        sheet.append([text, value], {0: label, 1: look})
    sheet.append([])
    sheet.append(list(ITEM_HEADERS), {i: Look(bold=True, fill="D9E1F2", wrap=True) for i in range(5)})
    first = sheet.appended + 1
    for number, item in enumerate(checklist.items, 1):
        sheet.append([number, item.category, item.text, None, None],
                     {1: _LOCKED, 2: _LOCKED, 3: _INPUT, 4: _INPUT})
    last = sheet.appended
    results = DataValidation(type="list", formula1='"' + ",".join(RESULT_ZH[r] for r in Result) + '"',
                             allow_blank=True, showErrorMessage=True, errorStyle="warning",
                             errorTitle="结果", error="请填写 是、否 或 不适用",
                             promptTitle="结果", prompt="是：符合；否：不符合（请在备注写明）；不适用",
                             showInputMessage=True)
    results.add(f"D{first}:D{last}")
    sheet.ws.data_validations.append(results)
    sheet.close()
    simple_sheet(wb, HELP_SHEET, HELP_ROWS, widths=(110,), wrap=(0,))
    return save_atomically(wb, out).path


@dataclass
class FilledRow:
    """One item row as written: the Excel row number, the item text, the result and remark cells."""

    row: int
    text: str
    result: Any
    remark: str | None


@dataclass
class FilledForm:
    """What a filled form holds, unvalidated (cells as read)."""

    station_code: str | None = None
    inspected_on: Any = None
    inspector: str | None = None
    operator: str | None = None
    remark: str | None = None
    rows: list[FilledRow] = field(default_factory=list)


def _norm(value: Any) -> str:
    if value is None:
        return ""
    return "".join(unicodedata.normalize("NFKC", str(value)).split())


def _text(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = str(value).strip()
    return text or None


_LABELS = {_norm(LABEL_CODE): "station_code", _norm(LABEL_DATE): "inspected_on", _norm(LABEL_INSPECTOR): "inspector",
           _norm(LABEL_OPERATOR): "operator", _norm(LABEL_REMARK): "remark", "检查人员": "inspector",
           "负责人": "operator", "备注": "remark", "检查时间": "inspected_on"}


def _read_rows(rows: list[tuple[Any, ...]]) -> FilledForm | None:
    form = FilledForm()
    header: int | None = None
    for r, cells in enumerate(rows):
        names = [_norm(c) for c in cells]
        if "检查内容" in names and any(n.startswith("结果") for n in names):
            header = r
            break
        if names and names[0] in _LABELS:
            value = next((c for c in cells[1:] if c is not None and str(c).strip()), None)
            key = _LABELS[names[0]]
            setattr(form, key, value if key == "inspected_on" else _text(value))
    if header is None or form.station_code is None:
        return None
    names = [_norm(c) for c in rows[header]]
    text_col = names.index("检查内容")
    result_col = next(i for i, n in enumerate(names) if n.startswith("结果"))
    remark_col = names.index("备注") if "备注" in names else None
    for n, cells in enumerate(rows[header + 1:], start=header + 2):
        def at(i: int | None, row: tuple[Any, ...] = cells) -> Any:
            return row[i] if i is not None and i < len(row) else None

        text = _text(at(text_col))
        result, remark = at(result_col), _text(at(remark_col))
        if text is None and _text(result) is None and remark is None:
            continue
        form.rows.append(FilledRow(n, text or "", result, remark))
    return form


def read_inspection_form(path: Path) -> FilledForm | None:
    """The filled form in the workbook at `path` (after the safety checks), or None if it holds none."""
    inspect_file(path)
    from openpyxl import load_workbook

    wb = load_workbook(path, read_only=True, data_only=True)
    try:
        for ws in wb.worksheets:
            rows = list(islice(ws.iter_rows(max_col=MAX_COLUMNS, values_only=True), MAX_ROWS))
            form = _read_rows(rows)
            if form is not None:
                return form
    finally:
        wb.close()
    return None


def as_date(value: Any) -> dt.date | str | None:
    """A date cell: a real date when Excel stored one, else the text for the caller to parse."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    return _text(value)
