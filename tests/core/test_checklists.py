"""The checklist vocabulary: result spellings, grouping in template order, validation, the default."""

from __future__ import annotations

import pytest

from villagepost.core.checklists import (
    CheckItem,
    Checklist,
    ChecklistError,
    Result,
    default_checklist,
    make_checklist,
    parse_result,
    text_key,
)


@pytest.mark.parametrize(("written", "result"), [
    ("是", Result.PASS), (" √ ", Result.PASS), ("合格", Result.PASS), ("PASS", Result.PASS), ("ｙｅｓ", Result.PASS),
    ("否", Result.FAIL), ("×", Result.FAIL), ("不合格", Result.FAIL), ("N", Result.FAIL),
    ("不适用", Result.NA), ("N/A", Result.NA), ("／", Result.NA), ("—", Result.NA),
    ("", None), (None, None), ("还行", None), ("是否", None),
])
def test_parse_result(written: object, result: Result | None) -> None:
    assert parse_result(written) is result


def test_result_labels() -> None:
    assert [r.zh for r in Result] == ["是", "否", "不适用"]


def test_groups_follow_template_order() -> None:
    cl = Checklist("表", (CheckItem("甲", "一"), CheckItem("甲", "二"), CheckItem("乙", "三"), CheckItem("甲", "四")))
    assert [(g, [n for n, _ in items]) for g, items in cl.groups()] == [("甲", [1, 2]), ("乙", [3]), ("甲", [4])]
    assert cl.index() == {"一": 0, "二": 1, "三": 2, "四": 3}


def test_make_checklist_cleans_and_continues_categories() -> None:
    cl = make_checklist("  检查表 ", [(" 安全 ", " 实名  收寄 "), (None, "验视"), ("", ""), ("卫生", "整洁")])
    assert cl.title == "检查表"
    assert [(i.category, i.text) for i in cl.items] == [("安全", "实名 收寄"), ("安全", "验视"), ("卫生", "整洁")]
    assert text_key("实名 收寄") == text_key("实名收寄") == "实名收寄"


def test_make_checklist_names_the_row() -> None:
    with pytest.raises(ChecklistError) as err:
        make_checklist("表", [("甲", "一"), ("甲", "")], where=["5", "6"])
    assert err.value.key == "checklist.item_no_text" and err.value.message("zh") == "第 6 行：检查内容为空"


def test_default_covers_domain_section_5() -> None:
    cl = default_checklist()
    text = "".join(i.text for i in cl.items)
    for topic in ("标识标牌", "服务公示", "实名收寄", "收寄验视", "过机安检", "平安员", "存放区", "货架", "视频监控",
                  "消防", "台账", "包装废弃物回收", "智能快件箱", "投诉", "瘦身胶带"):
        assert topic in text, topic
    assert len(cl.items) == 17 and cl.title == "村级寄递物流综合服务站检查表"
