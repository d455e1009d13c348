"""The import error report: the whole sheet back, bad cells red with comments, 错误说明, 原行号, 错误汇总."""

from __future__ import annotations

import datetime as dt
import zipfile
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from villagepost.rosters.report import write_error_report

HEADER = ["序号", "县（区）", "乡镇（街道）", "行政村", "区划代码", "站点名称", "站点类型", "经度", "纬度",
          "建成日期", "联系人", "联系电话"]
RED = "FFC7CE"


def _source(path: Path, rows: list[list[Any]], *, title: str | None = "平罗县村级寄递物流站点统计表") -> Path:
    """A roster as a township sends it: optional title row, header, data; text cells stay text."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "站点统计"
    if title:
        ws.append([title])
    ws.append(HEADER)
    for values in rows:
        ws.append(values)
        row = ws._current_row
        for col, value in enumerate(values, start=1):
            if isinstance(value, str):
                ws.cell(row, col).data_type = "s"  # formula-looking text stays text, as in a real roster
        if values[4] is not None:
            ws.cell(row, 5).number_format = "@"
    wb.save(path)
    return path


def _row(n: int, code: str, name: str | None = None, **over: Any) -> list[Any]:
    values: list[Any] = [n, "平罗县", "城关镇", f"村{n}", code, name, "村邮站" if name else None, 106.4, 38.9,
                         dt.datetime(2022, 9, 9), "罗德", "15675671692"]
    for idx, value in over.items():
        values[int(idx.removeprefix("c"))] = value
    return values


def _errors() -> list[dict[str, Any]]:
    return [
        {"row": 5, "column": "区划代码", "column_index": 4, "kind": "duplicate_code",
         "message": "区划代码 640221100201 与第4行重复"},
        {"row": 7, "column": "站点类型", "column_index": 6, "kind": "unknown_station_type",
         "message": "站点类型“待定”无法识别"},
        {"row": 7, "column": "联系电话", "column_index": 11, "kind": "phone_format",
         "message": "电话“0953-1234”格式不对"},
        {"row": 8, "column": None, "column_index": None, "kind": "name_mismatch", "message": "整行：村名与代码不符"},
    ]


@pytest.fixture
def source(tmp_path: Path) -> Path:
    rows = [
        _row(1, "640221100200", '=HYPERLINK("http://example.com","马")'),  # row 3
        _row(2, "640221100201", "+cmd|' /C calc'!A0", c10="-2+3"),  # row 4
        _row(3, "640221100201", "😀𡐓站"),  # row 5: duplicate code
        _row(4, "640221100202"),  # row 6
        _row(5, "640221100203", "甲站", c6="待定", c11="0953-1234"),  # row 7: two bad cells
        _row(6, "640221100204", "@SUM(A1:A2)"),  # row 8: row-level error
        [None] * 12,  # row 9: empty, dropped
        _row(7, "640221100205"),  # row 10
    ]
    return _source(tmp_path / "roster.xlsx", rows)


def _cells(ws: Any) -> list[list[Any]]:
    return [list(r) for r in ws.iter_rows()]


def test_bad_cells_are_red_with_comments_and_error_rows_come_first(source: Path, tmp_path: Path) -> None:
    out = write_error_report(source, "站点统计", [2], _errors(), tmp_path / "report.xlsx")
    assert out == tmp_path / "report.xlsx"
    wb = openpyxl.load_workbook(out)
    assert wb.sheetnames == ["站点统计", "错误汇总"]
    ws = wb["站点统计"]
    rows = _cells(ws)
    assert rows[0][0].value == "平罗县村级寄递物流站点统计表"
    assert [c.value for c in rows[1]] == [*HEADER, "原行号", "错误说明"]
    assert ws.freeze_panes == "A3" and ws.auto_filter.ref == "A2:N9"
    # error rows first (in source order), then the others; the empty row 9 is not copied
    assert [r[12].value for r in rows[2:]] == [5, 7, 8, 3, 4, 6, 10]

    red = {(r[12].value, i) for r in rows[2:] for i, c in enumerate(r[:12])
           if c.fill.fill_type == "solid" and c.fill.fgColor.rgb.endswith(RED)}
    assert red == {(5, 4), (7, 6), (7, 11)}
    commented = {(r[12].value, i): c.comment.text for r in rows[2:] for i, c in enumerate(r) if c.comment}
    assert commented == {(5, 4): "区划代码 640221100201 与第4行重复", (7, 6): "站点类型“待定”无法识别",
                         (7, 11): "电话“0953-1234”格式不对"}
    notes = {r[12].value: r[13].value for r in rows[2:]}
    assert notes == {5: "【区划代码】区划代码 640221100201 与第4行重复",
                     7: "【站点类型】站点类型“待定”无法识别\n【联系电话】电话“0953-1234”格式不对",
                     8: "整行：村名与代码不符", 3: None, 4: None, 6: None, 10: None}


def test_values_are_copied_verbatim_and_text_safe(source: Path, tmp_path: Path) -> None:
    out = write_error_report(source, "站点统计", [2], _errors(), tmp_path / "report.xlsx")
    ws = openpyxl.load_workbook(out)["站点统计"]
    original = {r[0].row: r for r in openpyxl.load_workbook(source)["站点统计"].iter_rows(min_row=3)}
    for row in ws.iter_rows(min_row=3):
        src = original[row[12].value]
        assert [c.value for c in row[:12]] == [c.value for c in src]
        code = row[4]
        assert code.data_type == "s" and code.number_format == "@"
    by_row = {r[12].value: r for r in ws.iter_rows(min_row=3)}
    assert by_row[3][5].value == '=HYPERLINK("http://example.com","马")' and by_row[3][5].data_type == "s"
    assert by_row[3][5].quotePrefix
    assert by_row[4][5].value == "+cmd|' /C calc'!A0" and by_row[4][10].value == "-2+3"
    assert by_row[8][5].value == "@SUM(A1:A2)" and by_row[8][5].data_type == "s"
    assert by_row[5][5].value == "😀𡐓站"
    assert by_row[3][9].value == dt.datetime(2022, 9, 9) and by_row[3][9].is_date
    with zipfile.ZipFile(out) as z:
        for name in z.namelist():
            if name.startswith("xl/worksheets/sheet"):
                xml = z.read(name).decode()
                assert "<f>" not in xml and "<f " not in xml


def test_summary_sheet(source: Path, tmp_path: Path) -> None:
    out = write_error_report(source, "站点统计", [2], _errors(), tmp_path / "report.xlsx")
    rows = list(openpyxl.load_workbook(out)["错误汇总"].iter_rows(values_only=True))
    assert rows == [
        ("原行号", "列", "错误类型", "原值", "说明"),
        (5, "区划代码", "区划代码重复", "640221100201", "区划代码 640221100201 与第4行重复"),
        (7, "站点类型", "站点类型无法识别", "待定", "站点类型“待定”无法识别"),
        (7, "联系电话", "电话格式错误", "0953-1234", "电话“0953-1234”格式不对"),
        (8, None, "村名与代码不符", None, "整行：村名与代码不符"),
    ]


def test_source_order_on_request_and_a_cell_beyond_the_data(tmp_path: Path) -> None:
    source = _source(tmp_path / "r.xlsx", [_row(1, "640221100200"), _row(2, "640221100201")], title=None)
    errors = [{"row": 3, "column": "备注", "column_index": 13, "kind": "field_too_long", "message": "太长"}]
    out = write_error_report(source, "站点统计", [1], errors, tmp_path / "rep.xlsx", errors_first=False)
    ws = openpyxl.load_workbook(out)["站点统计"]
    assert [c.value for c in ws[1]] == [*HEADER, None, None, "原行号", "错误说明"]
    assert [r[14] for r in ws.iter_rows(min_row=2, values_only=True)] == [2, 3]
    assert ws["N3"].fill.fgColor.rgb.endswith(RED) and ws["N3"].comment.text == "太长"


def test_big_sheet_keeps_every_row(tmp_path: Path) -> None:
    rows = [_row(i, f"640221{100 + i % 50:03d}{200 + i % 100:03d}", f"站{i}") for i in range(1, 5001)]
    source = _source(tmp_path / "big.xlsx", rows, title=None)
    errors = [{"row": r, "column": "联系电话", "column_index": 11, "kind": "phone_format", "message": f"第{r}行电话"}
              for r in range(10, 5002, 250)]
    out = write_error_report(source, "站点统计", [1], errors, tmp_path / "rep.xlsx")
    ws = openpyxl.load_workbook(out, read_only=True)["站点统计"]
    numbers = [r[12] for r in ws.iter_rows(min_row=2, values_only=True)]
    assert len(numbers) == 5000 and sorted(numbers) == list(range(2, 5002))
    assert numbers[:20] == list(range(10, 5002, 250))
