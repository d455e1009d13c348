"""The checklist PDF as a reader gets it: text, pages, fonts, escaped names, missing glyphs, the QR code."""

from __future__ import annotations

import datetime as dt
import os
import shutil
import subprocess
from pathlib import Path

import pytest
from pdf_reading import fonts, page_texts, render
from pypdf import PdfReader

from villagepost.core.checklists import CheckItem, Checklist, Result, default_checklist
from villagepost.reports.checklist_pdf import Answers, Sheet, StationFacts, chinese_number, layout, write_checklists
from villagepost.reports.fonts import MISSING, printable

PRINTED = dt.date(2025, 6, 2)
REGION = "宁夏回族自治区 石嘴山市 平罗县"
PATH = ("宁夏回族自治区", "石嘴山市", "平罗县", "城关镇", "和平村委会")


def facts(code: str = "640221100201-01", name: str = "和平村村邮站", **kw: object) -> StationFacts:
    values: dict[str, object] = dict(station_type="村邮站+快递超市", status="operating", village_path=PATH,
                                     operator="平罗县邮政分公司", contact="罗德", phone="15675671692",
                                     opened="2022-09-09", coop="邮快合作", lon=106.438139, lat=38.905924,
                                     services=("邮件/快件代收代投", "揽收寄件"), brands=("中通", "圆通", "EMS"))
    values.update(kw)
    return StationFacts(code, name, **values)  # type: ignore[arg-type]


def sheet(station: StationFacts | None = None, answers: Answers | None = None,
          checklist: Checklist | None = None) -> Sheet:
    return Sheet(checklist or default_checklist(), "平罗县", REGION, station, answers)


def squash(text: str) -> str:
    return "".join(text.split())


def test_station_form_text_pages_and_footer(tmp_path: Path) -> None:
    out = tmp_path / "one.pdf"
    writer = write_checklists(out, [sheet(facts())], printed_on=PRINTED)
    texts = page_texts(out)
    assert writer.pages == len(texts) == 2
    first = squash(texts[0])
    for expected in ("宁夏回族自治区石嘴山市平罗县", "平罗县村级寄递物流综合服务站检查表", "和平村村邮站",
                     "640221100201-01", "村邮站+快递超市", "宁夏回族自治区/石嘴山市/平罗县/城关镇/和平村委会",
                     "平罗县邮政分公司", "罗德", "15675671692", "2022-09-09", "邮快合作",
                     "东经106.438139°，北纬38.905924°", "邮件/快件代收代投、揽收寄件", "中通、圆通、EMS",
                     "一、站点信息", "落实实名收寄制度", "第1页共2页"):
        assert expected in first, expected
    second = squash(texts[1])
    assert "第2页共2页" in second and "（续）" in second
    assert "检查人（签字）" in second and "站点负责人（签字）" in second and "检查日期" in second
    # every one of the 17 default items is printed exactly once, numbered in order
    items = default_checklist().items
    both = squash("".join(texts))
    assert all(both.count(squash(item.text)) == 1 for item in items)
    assert [both.index(squash(it.text)) for it in items] == sorted(both.index(squash(it.text)) for it in items)


def test_table_header_repeats_on_every_page(tmp_path: Path) -> None:
    out = tmp_path / "long.pdf"
    many = Checklist("长检查表", tuple(CheckItem(f"类别{i // 10}", f"第{i}项检查内容：" + "货架摆放整齐，" * (i % 4))
                                    for i in range(60)))
    writer = write_checklists(out, [sheet(facts(), checklist=many)], printed_on=PRINTED)
    texts = [squash(t) for t in page_texts(out)]
    assert writer.pages == len(texts) >= 3
    with_rows = [t for t in texts if "项检查内容" in t]
    assert len(with_rows) >= 3
    assert all(t.count("序号检查内容是否不适用备注") == 1 for t in with_rows)
    for n, text in enumerate(texts, 1):
        assert f"第{n}页共{len(texts)}页" in text
    assert sum(t.count("第59项检查内容") for t in texts) == 1


def test_batch_numbers_pages_per_station(tmp_path: Path) -> None:
    out = tmp_path / "batch.pdf"
    stations = [facts(f"640221100{200 + i}-01", f"第{i}站") for i in range(5)]
    writer = write_checklists(out, [sheet(s) for s in stations], printed_on=PRINTED)
    texts = [squash(t) for t in page_texts(out)]
    assert (writer.sheets, writer.pages, len(texts)) == (5, 10, 10)
    assert [t.count("第1页共2页") for t in texts] == [1, 0] * 5
    assert [f"第{i}站" in texts[2 * i] for i in range(5)] == [True] * 5


def test_fonts_are_embedded_truetype_subsets(tmp_path: Path) -> None:
    out = tmp_path / "fonts.pdf"
    write_checklists(out, [sheet(facts()), sheet(None)], printed_on=PRINTED)
    found = fonts(out)
    assert found, "no fonts found"
    assert all(key == "/FontFile2" for key in found.values()), found
    assert all("WenQuanYiMicroHei" in name and name.lstrip("/")[6] == "+" for name in found), found  # ABCDEF+
    assert "Helvetica" not in str(found)


def test_markup_in_names_prints_literally(tmp_path: Path) -> None:
    out = tmp_path / "markup.pdf"
    write_checklists(out, [sheet(facts(name="<b>王</b>&amp;<font size=40>站", operator="A & B <i>"))],
                     printed_on=PRINTED)
    first = page_texts(out)[0]
    assert "<b>王</b>&amp;<font size=40>站" in first
    assert "A & B <i>" in first


def test_missing_glyphs_become_geta_with_a_note(tmp_path: Path) -> None:
    out = tmp_path / "missing.pdf"
    name = "莫𡐓村😀服务点㘵"
    writer = write_checklists(out, [sheet(facts(name=name, contact="\u0007张三\u200b"))], printed_on=PRINTED)
    assert writer.missing == ["𡐓", "😀", "㘵"]
    first = squash(page_texts(out)[0])
    assert f"莫{MISSING}村{MISSING}服务点{MISSING}" in first
    assert "U+21413、U+1F600、U+3635" in first
    assert "张三" in first and "\u0007" not in first


def test_printable_reports_each_missing_character_once() -> None:
    p = printable("𡐓𡐓a✓")
    assert p.text == f"{MISSING}{MISSING}a✓" and p.missing == ("𡐓",)
    assert printable("平罗县").missing == ()


def test_blank_form_has_no_station_and_no_qr(tmp_path: Path) -> None:
    out = tmp_path / "blank.pdf"
    writer = write_checklists(out, [sheet(None)], printed_on=PRINTED)
    first = squash(page_texts(out)[0])
    assert writer.pages == 2 and "（空白表）" in first and "站点名称" in first and "日期缺失" not in first
    assert "空白表" in first and "640221" not in first


def test_no_opening_date_prints_date_missing(tmp_path: Path) -> None:
    out = tmp_path / "nodate.pdf"
    write_checklists(out, [sheet(facts(opened=None, status="suspended"))], printed_on=PRINTED)
    first = squash(page_texts(out)[0])
    assert "日期缺失" in first and "村邮站+快递超市（暂停运营）" in first


def test_filled_form_shows_answers(tmp_path: Path) -> None:
    items = default_checklist().items
    results = tuple((Result.FAIL, "灭火器已过期") if i == 11 else (Result.NA, None) if i == 12 else
                    (Result.PASS, None) for i in range(len(items)))
    answers = Answers(42, dt.date(2025, 5, 30), "李四", "罗德", "整体良好，限期更换灭火器。", results)
    out = tmp_path / "filled.pdf"
    write_checklists(out, [sheet(facts(), answers)], printed_on=PRINTED)
    text = squash("".join(page_texts(out)))
    assert "检查记录（编号42）" in text and "灭火器已过期" in text and "整体良好，限期更换灭火器。" in text
    assert "李四" in text and "2025年5月30日" in text
    lay = layout(sheet(facts(), answers))
    ticked = [r.result for r in lay.rows if r.kind == "item"]
    assert ticked == [r for r, _ in results]


def test_chinese_category_numbers() -> None:
    assert [chinese_number(n) for n in (1, 9, 10, 11, 20, 21, 99)] == ["一", "九", "十", "十一", "二十", "二十一",
                                                                      "九十九"]


def test_page_is_a4_and_ink_stays_inside_15mm(tmp_path: Path) -> None:
    out = tmp_path / "a4.pdf"
    write_checklists(out, [sheet(facts())], printed_on=PRINTED)
    box = PdfReader(out).pages[0].mediabox
    assert (round(float(box.width), 1), round(float(box.height), 1)) == (595.3, 841.9)
    png = render(out, tmp_path, dpi=30)[0]
    from PIL import Image  # pillow comes with reportlab

    img = Image.open(png).convert("L")
    w, h = img.size
    margin = round(15 / 25.4 * 30)  # 15 mm at 30 dpi
    dark = [(x, y) for y in range(h) for x in range(w) if img.getpixel((x, y)) < 200]
    assert dark
    assert min(x for x, _ in dark) >= margin and max(x for x, _ in dark) <= w - margin
    assert min(y for _, y in dark) >= margin and max(y for _, y in dark) <= h - margin


def test_qr_code_carries_the_station_code(tmp_path: Path) -> None:
    exe = shutil.which("zbarimg")
    if exe is None:
        if os.environ.get("CI"):
            pytest.fail("zbarimg (zbar-tools) is needed in CI")
        pytest.skip("zbarimg (zbar-tools) not installed")
    out = tmp_path / "qr.pdf"
    write_checklists(out, [sheet(facts("640221100201-01"))], printed_on=PRINTED)
    png = render(out, tmp_path, dpi=150)[0]
    done = subprocess.run([exe, "-q", "--raw", str(png)], capture_output=True, text=True, check=True)
    assert done.stdout.split() == ["640221100201-01"]
