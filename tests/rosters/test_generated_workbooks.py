"""Shapes the example files do not cover, built on the fly with openpyxl: other provinces' codes, a
header under merged titles on row 7, 县（市、区）+街道, numeric codes, a stray cell at XFD1048576,
formatting to the last row, hidden columns and sheets, rich text, two rosters and --sheet, the
mapping override, preview, progress and cancellation."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import openpyxl
import pytest
from openpyxl.cell.rich_text import CellRichText, TextBlock
from openpyxl.cell.text import InlineFont

from villagepost.core.errors import Cancelled
from villagepost.rosters.parse import parse_row
from villagepost.rosters.reader import open_roster
from villagepost.rosters.safety import RosterFileError

TODAY = dt.date(2025, 11, 23)
HEADER = ["序号", "县（区）", "乡镇（街道）", "行政村", "区划代码", "站点名称", "站点类型", "经度", "纬度", "建成日期",
          "联系人", "联系电话"]
#: Real 2023 village committees of Jilin (22) and Guangdong (44).
ROWS = [
    [1, "南关区", "幸福乡", "新立城村委会", "220102200201", "新立城村邮站", "村邮站", 125.33, 43.8, "2023-05-01",
     "王明", "13904310000"],
    [2, "从化区", "吕田镇", "水埔村委会", "440117114201", "水埔村快递超市", "快递超市", 113.9, 23.9, "2024年1月",
     "陈红", "020-87654321"],
]


def _save(wb: openpyxl.Workbook, path: Path) -> Path:
    wb.save(path)
    return path


def _standard(path: Path, rows: list[list[object]] = ROWS) -> Path:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "名单"
    ws.append(HEADER)
    for row in rows:
        ws.append(row)
    return _save(wb, path)


def test_other_provinces(tmp_path: Path) -> None:
    with open_roster(_standard(tmp_path / "p.xlsx")) as book:
        parsed = [parse_row(r, TODAY) for r in book.rows()]
    assert [str(p.code) for p in parsed] == ["220102200201", "440117114201"]
    assert parsed[1].phone == "020-87654321"
    assert parsed[1].opened is not None and parsed[1].opened.iso == "2024-01"
    assert all(p.ok for p in parsed)


def test_header_on_row_7_under_merged_titles(tmp_path: Path) -> None:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws["A1"] = "某某县村级寄递物流综合服务站建设情况统计表"
    ws.merge_cells("A1:L1")
    ws["A2"] = "填报单位：某某乡人民政府"
    ws.merge_cells("A2:F2")
    ws["G2"] = "填报日期：2025年10月"
    ws.merge_cells("G2:L2")
    ws["A4"] = "说明：本表每个行政村填一行。"
    ws.merge_cells("A4:L5")
    for col, text in enumerate(HEADER, start=1):
        ws.cell(7, col, text)
    for r, row in enumerate(ROWS, start=8):
        for c, value in enumerate(row, start=1):
            ws.cell(r, c, value)
    with open_roster(_save(wb, tmp_path / "t.xlsx")) as book:
        assert book.layout.header_rows == [7]
        assert book.layout.first_data_row == 8
        assert [r.row for r in book.rows()] == [8, 9]


def test_synonyms_county_city_district_and_jiedao(tmp_path: Path) -> None:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["县（市、区）", "街道", "村名称", "统一编码", "服务站名称", "站点类型", "合作方式", "东经", "北纬",
               "投入使用时间", "站长", "联系方式"])
    ws.append(["西夏区", "贺兰山西路街道", "镇北堡村委会", "640105002200", "镇北堡站", "综合服务站", "邮快",
               "105.96", "38.6", "2021.3.15", "马某", "15600000000"])
    with open_roster(_save(wb, tmp_path / "s.xlsx")) as book:
        headers = book.layout.columns.headers()
        rows = list(book.rows())
    assert headers["county"] == "县（市、区）" and headers["township"] == "街道"
    assert headers["opened"] == "投入使用时间" and headers["contact"] == "站长"
    parsed = parse_row(rows[0], TODAY)
    assert parsed.coop is not None and parsed.coop.value == "邮快合作"
    assert parsed.opened is not None and parsed.opened.iso == "2021-03-15"


def test_code_column_formatted_as_number(tmp_path: Path) -> None:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["区划代码", "行政村"])
    ws.append([640221100200, "合作村委会"])
    ws.append([640221100201.0, "和平村委会"])
    ws["A2"].number_format = "0"
    ws["A3"].number_format = "0.00E+00"
    with open_roster(_save(wb, tmp_path / "n.xlsx")) as book:
        codes = [str(parse_row(r, TODAY).code) for r in book.rows()]
    assert codes == ["640221100200", "640221100201"]


def test_stray_cell_at_xfd1048576(tmp_path: Path) -> None:
    path = _standard(tmp_path / "stray.xlsx")
    wb = openpyxl.load_workbook(path)
    wb.active["XFD1048576"] = "x"
    _save(wb, path)
    with open_roster(path) as book:
        assert book.layout.engine == "openpyxl"  # calamine would allocate 17 billion cells
        rows = list(book.rows())
    assert [r.text("code") for r in rows] == ["220102200201", "440117114201"]


def test_formatting_down_to_the_last_row(tmp_path: Path) -> None:
    path = _standard(tmp_path / "fmt.xlsx")
    wb = openpyxl.load_workbook(path)
    ws = wb.active
    ws.row_dimensions[1048576].height = 20
    for col in "ABCDEFGHIJKL":
        ws[f"{col}1048576"].number_format = "@"
    _save(wb, path)
    with open_roster(path) as book:
        assert len(list(book.rows())) == 2


def test_hidden_column_hidden_sheet_and_rich_text(tmp_path: Path) -> None:
    wb = openpyxl.Workbook()
    wb.active.title = "说明"
    wb.active["A1"] = "填报说明"
    ws = wb.create_sheet("名单")
    ws.sheet_state = "hidden"
    ws.append(HEADER)
    ws.append(ROWS[0])
    ws["F2"] = CellRichText("新立城", TextBlock(InlineFont(b=True), "村邮站"))
    ws.column_dimensions["E"].hidden = True
    with open_roster(_save(wb, tmp_path / "h.xlsx")) as book:
        assert book.layout.sheet == "名单"
        row = next(iter(book.rows()))
    assert row.text("code") == "220102200201"
    assert row.text("station_name") == "新立城村邮站"


def test_two_rosters_and_sheet_choice(tmp_path: Path) -> None:
    wb = openpyxl.Workbook()
    first = wb.active
    first.title = "甲乡"
    first.append(HEADER)
    first.append(ROWS[0])
    second = wb.create_sheet("乙镇")
    second.append(HEADER)
    second.append(ROWS[1])
    path = _save(wb, tmp_path / "two.xlsx")
    with open_roster(path) as book:
        assert book.layout.sheet == "甲乡"
    with open_roster(path, sheet="乙镇") as book:
        assert book.layout.sheet == "乙镇"
        assert [r.text("code") for r in book.rows()] == ["440117114201"]
    with pytest.raises(RosterFileError) as caught:
        open_roster(path, sheet="丙村")
    assert caught.value.reason == "no_such_sheet"


def test_no_roster_sheet(tmp_path: Path) -> None:
    wb = openpyxl.Workbook()
    wb.active.append(["乡镇（街道）", "行政村数", "已建站点数"])
    wb.active.append(["宁安镇", 13, 6])
    with pytest.raises(RosterFileError) as caught:
        open_roster(_save(wb, tmp_path / "sum.xlsx"))
    assert caught.value.reason == "no_roster_sheet"


def test_header_with_units_whitespace_and_newlines(tmp_path: Path) -> None:
    wb = openpyxl.Workbook()
    wb.active.append(["区划代码\n（12位）", "行\u00a0政\u3000村", "经度（°）", "纬度(°)", "联系\n电话"])
    wb.active.append(["640221100200", "合作村委会", 106.4, 38.9, "'15675671692"])
    with open_roster(_save(wb, tmp_path / "u.xlsx")) as book:
        assert set(book.layout.columns.headers()) == {"code", "village", "lon", "lat", "phone"}
        parsed = parse_row(next(iter(book.rows())), TODAY)
    assert parsed.phone == "15675671692" and parsed.ok


def test_with_columns_override_and_preview(tmp_path: Path) -> None:
    wb = openpyxl.Workbook()
    wb.active.append(["区划代码", "行政村", "名称X"])
    wb.active.append(["640221100200", "合作村委会", "合作村邮站"])
    with open_roster(_save(wb, tmp_path / "o.xlsx")) as book:
        assert "station_name" not in book.layout.columns
        assert [ref.header for ref in book.layout.unmapped] == ["名称X"]
        other = book.with_columns({"code": 0, "village": 1, "station_name": 2})
        assert other.layout.columns.header("station_name") == "名称X"
        assert next(iter(other.rows())).text("station_name") == "合作村邮站"
        assert book.preview(5) == [(1, ["区划代码", "行政村", "名称X"]),
                                   (2, ["640221100200", "合作村委会", "合作村邮站"])]
        with pytest.raises(ValueError):
            book.with_columns({"code": 0, "village": 0})


def test_progress_and_cancel(tmp_path: Path) -> None:
    rows = [[i, "县", "乡", f"村{i}", f"640221100{200 + i % 199:03d}"] for i in range(5000)]
    path = _standard(tmp_path / "big.xlsx", rows)
    seen: list[tuple[int, int]] = []
    with open_roster(path) as book:
        assert sum(1 for _ in book.rows(progress=lambda d, t: seen.append((d, t)))) == 5000
        assert seen and seen[-1] == (5000, 5000)
        with pytest.raises(Cancelled):
            for _ in book.rows(cancelled=lambda: True):
                pass


def test_text_cells_keep_formula_looking_text_and_rare_characters(tmp_path: Path) -> None:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["区划代码", "行政村", "站点名称", "联系人"])
    ws.append(["640221100200", "𠀋村委会", "=1+2", "@马😀"])
    ws["C2"].data_type = "s"
    with open_roster(_save(wb, tmp_path / "f.xlsx")) as book:
        parsed = parse_row(next(iter(book.rows())), TODAY)
    assert parsed.station_name == "=1+2"
    assert parsed.contact == "@马😀"
    assert parsed.village == "𠀋村委会"
