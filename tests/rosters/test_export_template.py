"""`export template`: a township's fill-in roster with dropdowns, prompts and instructions."""

from __future__ import annotations

import datetime as dt
import zipfile
from collections.abc import Callable
from pathlib import Path

import openpyxl
import pytest

from villagepost.core.actor import Actor
from villagepost.core.errors import KnownError
from villagepost.services.exports import export_template
from villagepost.services.registry import Registry
from villagepost.services.station_writer import STATION_FIELDS, StationInput, StationWriter
from villagepost.storage.station_queries import village_units_in

TODAY = dt.date(2025, 6, 1)
HEADERS = ["县（区）", "乡镇（街道）", "行政村", "区划代码", "站点名称", "站点类型", "合作模式", "经度", "纬度",
           "建成日期", "联系人", "联系电话"]
TOWNSHIP = "640221100"  # 平罗县 城关镇: 16 村委会
HEPING = "640221100201"


def _put(reg: Registry, *items: tuple[str, StationInput]) -> None:
    with reg.connection() as conn:
        writer = StationWriter(conn, Actor(name="clerk"), TODAY)
        for village, data in items:
            writer.apply(village, data, frozenset(STATION_FIELDS))
        writer.flush()


def test_template_rows_prefilled_and_formats(make_registry: Callable[..., Registry], tmp_path: Path) -> None:
    reg = make_registry("640221")
    with reg.read() as s:
        committees = [u.code for u in village_units_in(s, TOWNSHIP, ("村委会",))]
        resident = village_units_in(s, TOWNSHIP, ("居委会",))[0].code
    assert len(committees) == 16
    _put(reg,
         (HEPING, StationInput(name="=1+2", station_type="村邮站+快递超市", coop="邮快合作", lon=106.438139,
                               lat=38.905924, opened="2022-09-09", contact="罗德", phone="15675671692")),
         (resident, StationInput(name="社区站", station_type="快递超市")))
    out = tmp_path / "tpl.xlsx"
    result = export_template(reg, out, TOWNSHIP)
    assert result.to_json() == {"status": "ok", "path": str(out), "rows": 16, "stations": 1, "villages": 16}

    wb = openpyxl.load_workbook(out)
    assert wb.sheetnames == ["站点填报", "填表说明"]
    assert wb.active.title == "站点填报"
    ws = wb["站点填报"]
    assert [c.value for c in ws[1]] == HEADERS
    assert ws.max_row == 17 and ws.freeze_panes == "A2" and ws.auto_filter.ref == "A1:L17"
    assert [r[3] for r in ws.iter_rows(min_row=2, values_only=True)] == committees
    for row in ws.iter_rows(min_row=2):
        assert row[3].data_type == "s" and row[3].number_format == "@"
        assert row[11].number_format == "@"  # empty phone cells too: a typed landline keeps its 0
        assert row[3].fill.fgColor.rgb.endswith("EDEDED")  # official columns shaded
    heping = next(r for r in ws.iter_rows(min_row=2) if r[3].value == HEPING)
    assert [c.value for c in heping] == ["平罗县", "城关镇", "和平村委会", HEPING, "=1+2", "村邮站+快递超市",
                                         "邮快合作", 106.438139, 38.905924, dt.datetime(2022, 9, 9), "罗德",
                                         "15675671692"]
    assert heping[4].data_type == "s" and heping[4].quotePrefix
    empty = next(r for r in ws.iter_rows(min_row=2) if r[3].value != HEPING)
    assert empty[9].value is None and empty[9].number_format == "@"  # typed "2024-03" stays a month
    assert ws.column_dimensions["D"].number_format == "@"
    with zipfile.ZipFile(out) as z:
        xml = z.read("xl/worksheets/sheet1.xml").decode()
    assert "<f>" not in xml and "<f " not in xml


def test_dropdowns_and_prompts(make_registry: Callable[..., Registry], tmp_path: Path) -> None:
    reg = make_registry("640221")
    out = tmp_path / "tpl.xlsx"
    export_template(reg, out, "640221100000")  # padded township code is the same township
    ws = openpyxl.load_workbook(out)["站点填报"]
    by_col = {str(dv.sqref).split(":")[0].rstrip("0123456789"): dv for dv in ws.data_validations.dataValidation}
    assert by_col["F"].type == "list"
    assert by_col["F"].formula1 == '"村邮站,快递超市,村邮站+快递超市,综合服务站"'
    assert by_col["G"].type == "list"
    assert by_col["G"].formula1 == '"邮快合作,快快合作,快商合作,交快合作,快供合作,快电合作"'
    assert not by_col["F"].showDropDown  # (OOXML's inverted flag: True would hide the arrow)
    assert by_col["H"].type == "decimal" and (by_col["H"].formula1, by_col["H"].formula2) == ("73.4", "135.1")
    assert by_col["I"].type == "decimal" and (by_col["I"].formula1, by_col["I"].formula2) == ("3.8", "53.6")
    for col in "HIJLD":
        assert by_col[col].showInputMessage and by_col[col].prompt
    assert "2024-03" in by_col["J"].prompt and "手机" in by_col["L"].prompt
    assert str(by_col["F"].sqref) == "F2:F217"  # the 16 villages and 200 spare rows


def test_instructions_explain_every_column(make_registry: Callable[..., Registry], tmp_path: Path) -> None:
    reg = make_registry("640221")
    out = tmp_path / "tpl.xlsx"
    export_template(reg, out, TOWNSHIP)
    rows = list(openpyxl.load_workbook(out)["填表说明"].iter_rows(values_only=True))
    assert "城关镇" in rows[0][0]
    explained = {r[0]: r[2] for r in rows if r[0] in HEADERS}
    assert set(explained) == set(HEADERS)
    assert "不得修改" in explained["区划代码"] or "请勿修改" in explained["区划代码"]
    assert "2024-03" in explained["建成日期"] and "73.4" in explained["经度"]
    text = "\n".join(str(r[0]) for r in rows)
    assert "第1行是表头" in text and "区划代码" in text


@pytest.mark.parametrize(("scope", "level_zh", "level_en"), [("640221", "县", "county"), ("64", "省", "province"),
                                                             ("640221100200", "村", "village")])
def test_other_levels_are_refused(make_registry: Callable[..., Registry], tmp_path: Path,
                                  scope: str, level_zh: str, level_en: str) -> None:
    reg = make_registry("640221")
    with pytest.raises(KnownError) as exc:
        export_template(reg, tmp_path / "tpl.xlsx", scope)
    assert exc.value.key == "export.template_needs_township"
    assert f"{level_zh}级" in exc.value.message("zh") and "9位乡镇" in exc.value.message("zh")
    assert level_en in exc.value.message("en") and "township" in exc.value.message("en")
    assert not (tmp_path / "tpl.xlsx").exists()
