"""Every readable example roster: detected sheet, header rows, column mapping and row count, exactly as
expected.json says, with both engines (calamine for speed, openpyxl as the reader of last resort)."""

from __future__ import annotations

import pytest
from roster_fixtures import DATA, EXPECTED, readable

from villagepost.rosters.layout import FIELDS
from villagepost.rosters.reader import open_roster


def _expected_rows(exp: dict[str, object]) -> int:
    errors = exp["errors"]
    assert isinstance(errors, list)
    villages = exp["villages_imported"]
    assert isinstance(villages, int)
    return villages + len({e["row"] for e in errors})


#: Station attribute columns of the examples that their expectations predate.
EXTRA_STATION_COLUMNS = {"B12_extra_columns.xlsx": {"brands": "快递品牌", "floor_area": "站点面积（㎡）"}}


@pytest.mark.parametrize("engine", ["auto", "openpyxl"])
@pytest.mark.parametrize("name", readable())
def test_layout_and_row_count(name: str, engine: str) -> None:
    exp = EXPECTED[name]
    with open_roster(DATA / name, engine=engine) as book:  # type: ignore[arg-type]
        layout = book.layout
        assert layout.sheet == exp["sheet"]
        assert layout.header_rows == exp["header_rows"]
        headers = layout.columns.headers()
        assert {f: headers.get(f) for f in exp["columns"]} == exp["columns"]
        # Fields the expectations do not list may only be genuine extra columns (地级市 / 所属市, and the
        # station attributes read since: 快递品牌, 站点面积).
        extra = {f: headers[f] for f in headers if f not in exp["columns"]}
        assert set(extra) <= {"city", "services", "brands", "floor_area"}
        assert all("市" in text for f, text in extra.items() if f == "city")
        assert {f: headers[f] for f in extra if f != "city"} == EXTRA_STATION_COLUMNS.get(name, {})
        assert layout.first_data_row == exp["header_rows"][-1] + 1
        assert set(headers) <= set(FIELDS)
        rows = list(book.rows())
    assert len(rows) == _expected_rows(exp)
    numbers = [r.row for r in rows]
    assert numbers == sorted(numbers)
    first, last = exp["data_rows"]
    assert first <= numbers[0] and numbers[-1] <= last
    assert not set(numbers) & set(exp["skipped_rows_without_error"])


def test_extra_city_column_of_the_province_roster() -> None:
    with open_roster(DATA / "E01_ningxia_province_all.xlsx") as book:
        assert book.layout.columns.header("city") == "地级市"


@pytest.mark.parametrize("name", ["B13_blank_rows.xlsx", "B14_totals_footer_rows.xlsx"])
def test_skipped_rows_are_counted(name: str) -> None:
    exp = EXPECTED[name]
    with open_roster(DATA / name) as book:
        list(book.rows())
        assert set(exp["skipped_rows_without_error"]) <= set(book.skipped_rows)
        assert book.skipped == len(book.skipped_rows)


def test_look_alike_columns_stay_unmapped() -> None:
    with open_roster(DATA / "B12_extra_columns.xlsx") as book:
        unmapped = {ref.header for ref in book.layout.unmapped}
    # 快递品牌 was a look-alike until brands became a field of their own (EXTRA_STATION_COLUMNS)
    look_alikes = {"邮政编码", "统一社会信用代码", "站点编号", "是否邮快合作",
                   "村党组织书记", "备注", "序号"}
    assert look_alikes <= unmapped


def test_merged_county_and_township_are_filled_down() -> None:
    with open_roster(DATA / "B03_merged_county_township.xlsx") as book:
        rows = list(book.rows())
    assert all(r.text("county") == "中宁县" for r in rows)
    assert all(r.text("township") for r in rows)
    assert rows[1].text("township") == "宁安镇"


def test_merged_fill_down_is_the_same_with_openpyxl() -> None:
    with open_roster(DATA / "B03_merged_county_township.xlsx", engine="openpyxl") as book:
        rows = list(book.rows())
    assert all(r.text("county") == "中宁县" for r in rows)
    assert rows[1].text("township") == "宁安镇"


def test_multiple_sheets_pick_the_roster_and_list_all() -> None:
    with open_roster(DATA / "B17_multiple_sheets.xlsx") as book:
        assert book.layout.sheet == "站点明细"
        assert book.layout.sheet_names == ["说明", "汇总表", "站点明细", "下拉选项", "Sheet5"]
