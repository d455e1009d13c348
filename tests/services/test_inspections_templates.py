"""Checklist templates on both databases: default, a county's own, inherited from the city or province,
reset, the Excel round trip and its refusals, and inspections keeping the texts they were asked with."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Callable
from pathlib import Path

import pytest
from openpyxl import Workbook, load_workbook

from villagepost.core.actor import Actor
from villagepost.core.checklists import Result, default_checklist
from villagepost.core.errors import KnownError
from villagepost.services import checklists as svc
from villagepost.services import inspections as insp
from villagepost.services.registry import Registry
from villagepost.services.station_ops import StationDraft, add_station

TODAY = dt.date(2026, 11, 23)
PINGLUO, SHIZUISHAN, NINGXIA = "640221", "6402", "64"
VILLAGE = "640221100201"  # 平罗县 城关镇 和平村委会
ITEMS = [("安全", "落实实名收寄"), ("", "落实收寄验视"), ("环境", "设置包装废弃物回收装置")]


def test_default_applies_everywhere_until_a_county_saves_its_own(make_registry: Callable[..., Registry]) -> None:
    reg = make_registry(PINGLUO)
    default = default_checklist()
    assert len(default.items) == 17 and default.scope is None
    assert [g for g, _ in default.groups()] == ["站点信息", "标识与公示", "安全制度", "场地与设施", "台账与服务",
                                                "绿色环保"]
    assert svc.checklist_for(reg, VILLAGE) == default and svc.own_checklist(reg, PINGLUO) is None
    saved = svc.save_checklist(reg, PINGLUO, "平罗县站点检查表", ITEMS, today=TODAY)
    assert [(i.category, i.text) for i in saved.items] == [("安全", "落实实名收寄"), ("安全", "落实收寄验视"),
                                                           ("环境", "设置包装废弃物回收装置")]
    assert svc.checklist_for(reg, VILLAGE) == saved == svc.own_checklist(reg, PINGLUO)
    assert svc.checklist_for(reg, "640202") == default  # another county of the city
    # saving again replaces the whole template
    again = svc.save_checklist(reg, PINGLUO, "平罗县站点检查表", [("安全", "落实过机安检")], today=TODAY)
    assert svc.checklist_for(reg, VILLAGE) == again and len(again.items) == 1
    assert svc.reset_checklist(reg, PINGLUO) is True
    assert svc.reset_checklist(reg, PINGLUO) is False
    assert svc.checklist_for(reg, VILLAGE) == default


def test_city_and_province_templates_are_inherited(make_registry: Callable[..., Registry]) -> None:
    reg = make_registry(PINGLUO)
    province = svc.save_checklist(reg, NINGXIA, "宁夏检查表", [("甲", "省里的项目")], today=TODAY)
    assert svc.checklist_for(reg, VILLAGE) == province
    city = svc.save_checklist(reg, SHIZUISHAN, "石嘴山检查表", [("乙", "市里的项目")], today=TODAY)
    assert svc.checklist_for(reg, VILLAGE) == city
    assert svc.checklist_for(reg, "640104") == province  # a county of another city
    county = svc.save_checklist(reg, PINGLUO, "平罗检查表", [("丙", "县里的项目")], today=TODAY)
    assert svc.checklist_for(reg, VILLAGE).scope == county.scope == PINGLUO


@pytest.mark.parametrize(("title", "items", "key"), [
    ("", ITEMS, "checklist.no_title"),
    ("表" * 41, ITEMS, "checklist.title_too_long"),
    ("表", [], "checklist.no_items"),
    ("表", [("", "没有类别")], "checklist.item_no_category"),
    ("表", [("甲", "")], "checklist.item_no_text"),
    ("表", [("甲", "项目A"), ("乙", " 项目 A ")], "checklist.duplicate_item"),
    ("表", [("甲" * 21, "项目")], "checklist.category_too_long"),
    ("表", [("甲", "项" * 121)], "checklist.text_too_long"),
    ("表", [("甲", f"项目{i}") for i in range(101)], "checklist.too_many_items"),
])
def test_bad_templates_are_refused(make_registry: Callable[..., Registry], title: str,
                                   items: list[tuple[str, str]], key: str) -> None:
    reg = make_registry(PINGLUO)
    with pytest.raises(KnownError) as err:
        svc.save_checklist(reg, PINGLUO, title, items, today=TODAY)
    assert err.value.key == key
    assert svc.own_checklist(reg, PINGLUO) is None


def test_scope_must_be_a_county_or_above_and_the_actors(make_registry: Callable[..., Registry]) -> None:
    reg = make_registry(PINGLUO)
    with pytest.raises(KnownError) as err:
        svc.save_checklist(reg, "640221100", "表", ITEMS, today=TODAY)
    assert err.value.key == "checklist.scope_level" and "乡镇" in err.value.message("zh")
    township = dataclasses.replace(reg, actor=Actor("城关镇", scopes=("640221100",)))
    with pytest.raises(KnownError) as err:
        svc.save_checklist(township, PINGLUO, "表", ITEMS, today=TODAY)
    assert err.value.key == "checklist.out_of_scope"


def test_excel_round_trip(make_registry: Callable[..., Registry], tmp_path: Path) -> None:
    reg = make_registry(PINGLUO)
    out = tmp_path / "tpl.xlsx"
    exported = svc.export_checklist(reg, out, PINGLUO)
    assert exported.checklist == default_checklist()
    wb = load_workbook(out)
    ws = wb["检查项目"]
    assert (ws["A1"].value, ws["B1"].value) == ("检查表标题", "村级寄递物流综合服务站检查表")
    assert [c.value for c in ws[4]] == ["序号", "类别", "检查内容"]
    assert ws.cell(5, 3).value == "站点名称、类型、所在村与登记册一致"
    # a clerk edits: new title, drops row 5, adds an item continuing the category above, and a formula-like text
    ws["B1"] = "平罗县站点检查表"
    ws.delete_rows(5)
    last = ws.max_row
    ws.cell(last + 1, 2).value = None
    cell = ws.cell(last + 1, 3)
    cell.value = "=门前三包落实"
    cell.data_type = "s"  # typed as text (openpyxl would otherwise save a formula)
    wb.save(out)
    saved = svc.import_checklist(reg, out, PINGLUO, today=TODAY).checklist
    assert saved.title == "平罗县站点检查表" and len(saved.items) == 17
    assert saved.items[0].text == "运营主体、负责人及联系电话与登记一致，电话可以接通"
    assert (saved.items[-1].category, saved.items[-1].text) == ("绿色环保", "=门前三包落实")
    assert svc.checklist_for(reg, VILLAGE) == saved
    # exporting it again writes the formula-like text as text
    again = tmp_path / "again.xlsx"
    svc.export_checklist(reg, again, PINGLUO)
    text = load_workbook(again)["检查项目"].cell(21, 3)
    assert (text.value, text.data_type) == ("=门前三包落实", "s")


def test_hand_made_sheet_without_title_and_with_merged_categories(make_registry: Callable[..., Registry],
                                                                 tmp_path: Path) -> None:
    reg = make_registry(PINGLUO)
    wb = Workbook()
    ws = wb.active
    ws.append(["平罗县村邮站检查内容"])
    ws.append(["序号", "检查类别", "检查项目"])
    ws.append([1, "安全", "实名收寄"])
    ws.append([2, None, "验视"])
    ws.append([None, None, None])
    ws.append([3, "卫生", "地面整洁"])
    path = tmp_path / "hand.xlsx"
    wb.save(path)
    saved = svc.import_checklist(reg, path, PINGLUO, today=TODAY).checklist
    assert saved.title == default_checklist().title
    assert [(i.category, i.text) for i in saved.items] == [("安全", "实名收寄"), ("安全", "验视"), ("卫生", "地面整洁")]


def test_import_refusals_name_the_excel_row(make_registry: Callable[..., Registry], tmp_path: Path) -> None:
    reg = make_registry(PINGLUO)
    wb = Workbook()
    ws = wb.active
    ws.append(["检查表标题", "表"])
    ws.append(["类别", "检查内容"])
    ws.append(["安全", "实名收寄"])
    ws.append(["安全", "实名 收寄"])
    path = tmp_path / "dup.xlsx"
    wb.save(path)
    with pytest.raises(KnownError) as err:
        svc.import_checklist(reg, path, PINGLUO, today=TODAY)
    assert err.value.key == "checklist.duplicate_item"
    assert err.value.message("zh") == "第 4 行：检查内容“实名 收寄”与第 3 行重复"
    wb2 = Workbook()
    wb2.active.append(["名称", "数量"])
    wb2.save(tmp_path / "other.xlsx")
    with pytest.raises(KnownError) as err:
        svc.import_checklist(reg, tmp_path / "other.xlsx", PINGLUO, today=TODAY)
    assert err.value.key == "checklist.no_sheet"
    assert svc.own_checklist(reg, PINGLUO) is None


def test_inspections_keep_the_texts_they_answered(make_registry: Callable[..., Registry]) -> None:
    reg = make_registry(PINGLUO)
    code = add_station(reg, StationDraft(VILLAGE, "和平村村邮站", station_type="村邮站", opened="2024-03"),
                       today=TODAY)
    svc.save_checklist(reg, PINGLUO, "旧表", [("安全", "落实实名收寄"), ("安全", "落实收寄验视")], today=TODAY)
    draft = insp.InspectionDraft(code, TODAY, "李四", [insp.Answer("落实实名收寄", Result.PASS),
                                                        insp.Answer("落实收寄验视", Result.FAIL, "未验视")])
    first = insp.record_inspection(reg, draft, today=TODAY)
    svc.save_checklist(reg, PINGLUO, "新表", [("环境", "设置回收装置")], today=TODAY)
    old = insp.get_inspection(reg, first)
    assert old.checklist_title == "旧表"
    assert [(i.category, i.text, i.result) for i in old.items] == [
        ("安全", "落实实名收寄", Result.PASS), ("安全", "落实收寄验视", Result.FAIL)]
    with pytest.raises(KnownError) as err:  # the old form no longer matches the county's template
        insp.record_inspection(reg, draft, today=TODAY)
    assert err.value.key == "inspection.unknown_items"
