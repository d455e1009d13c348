"""The coverage summary on both databases: its numbers equal the coverage and pacing services', gaps and
targets per unit worked out by hand, the PDF read back (header repeated, pages numbered) and the workbook
typed (text, numbers, percent). 平罗县 (640221) with the real roster fixture imported."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path

import openpyxl
import pytest
from pdf_reading import fonts, page_texts

from villagepost.core.divisions import Level
from villagepost.core.errors import KnownError
from villagepost.core.pacing import Measure
from villagepost.services.coverage import coverage
from villagepost.services.imports import import_roster
from villagepost.services.pacing import pacing
from villagepost.services.printing import print_summary
from villagepost.services.registry import Registry
from villagepost.services.summary import gap_of, next_target, summary
from villagepost.services.targets import set_target

ROSTER = Path(__file__).parents[1] / "rosters" / "data" / "A01_pingluo_clean.xlsx"
ON = dt.date(2026, 11, 23)
PLAN = dt.date(2024, 1, 1)


@pytest.fixture
def reg(make_registry: Callable[..., Registry]) -> Registry:
    """平罗县 with its roster imported; targets 85% by 2026-12-31 and 100% by 2027-12-31 set on 2024-01-01,
    and 城关镇 (640221100) with its own 50% by 2026-12-31."""
    registry = make_registry("640221")
    assert import_roster(registry, ROSTER, today=ON).exit_code == 0
    set_target(registry, "640221", Measure.COVERAGE_RATE, 0.85, dt.date(2026, 12, 31), today=PLAN)
    set_target(registry, "640221", Measure.COVERAGE_RATE, 1.0, dt.date(2027, 12, 31), today=PLAN)
    set_target(registry, "640221100", Measure.COVERAGE_RATE, 0.5, dt.date(2026, 12, 31), today=PLAN)
    return registry


def squash(text: str) -> str:
    return "".join(text.split())


def test_numbers_come_from_the_services(reg: Registry) -> None:
    s = summary(reg, "640221", on=ON)
    report = coverage(reg, "640221", on=ON)
    assert (s.report.villages_total, s.report.villages_covered) == (report.villages_total, report.villages_covered)
    assert [(u.code, u.name, u.total, u.covered) for u in s.units] == [
        (c.code, c.name, c.villages_total, c.villages_covered) for c in report.children]
    assert len(s.units) == 13 and s.units_level == Level.TOWNSHIP
    p = pacing(reg, "640221", today=ON)
    assert [t.id for t, _ in s.pacing.paces] == [t.id for t, _ in p.paces]
    assert s.lag_target is not None and (s.lag_target.value, s.lag_target.deadline) == (0.85, dt.date(2026, 12, 31))
    assert [(lag.code, lag.lag.shortfall_villages) for lag in s.lagging] == [
        (lag.code, lag.lag.shortfall_villages) for lag in p.lagging[s.lag_target.id]]


def test_unit_targets_and_gaps_by_hand(reg: Registry) -> None:
    s = summary(reg, "640221", on=ON)
    by_code = {u.code: u for u in s.units}
    chengguan = by_code["640221100"]
    # 城关镇: 16 建制村, 4 covered (the roster's combined stations); its own target 50% → ceil(8) - 4 = 4
    assert (chengguan.total, chengguan.covered, chengguan.target, chengguan.gap) == (16, 4, 0.5, 4)
    # 姚伏镇: 18 建制村, 4 covered; the county's 85% by 2026-12-31 → ceil(15.3) - 4 = 12
    yaofu = by_code["640221104"]
    assert (yaofu.total, yaofu.covered, yaofu.target, yaofu.gap) == (18, 4, 0.85, 12)
    # 灵沙乡: 11 建制村, 7 covered → ceil(9.35) - 7 = 3
    assert (by_code["640221201"].total, by_code["640221201"].covered, by_code["640221201"].gap) == (11, 7, 3)
    # after the first deadline the county's next target (100% by 2027-12-31) applies
    later = {u.code: u for u in summary(reg, "640221", on=dt.date(2027, 1, 15)).units}
    assert (later["640221104"].target, later["640221104"].deadline) == (1.0, dt.date(2027, 12, 31))
    assert later["640221100"].target == 0.5  # 城关镇's own (passed) target is still its own


def test_next_target_and_gap_rules() -> None:
    assert gap_of(None, 10, 3) is None
    assert gap_of(0.85, 20, 17) == 0 and gap_of(0.85, 20, 16) == 1 and gap_of(0.85, 20, 20) == 0
    assert gap_of(1.0, 0, 0) == 0
    assert next_target([], ON) is None


def test_pdf_content_pages_and_repeated_header(reg: Registry, tmp_path: Path) -> None:
    out = tmp_path / "平罗县.pdf"
    result = print_summary(reg, "640221", out, on=ON, level=Level.VILLAGE, today=ON)
    texts = [squash(t) for t in page_texts(out)]
    assert result.pages == len(texts) >= 4  # 144 建制村 rows
    first = texts[0]
    assert "平罗县村级寄递物流综合服务站覆盖率汇总表" in first
    assert "范围：宁夏回族自治区/石嘴山市/平罗县（640221）统计日期：2026-11-23" in first
    r = coverage(reg, "640221", on=ON)
    assert f"{r.villages_total}{r.villages_covered}{r.rate * 100:.1f}%" in first
    header = "序号村代码建制村已覆盖覆盖率目标差距（村）"
    pages_with_rows = [t for t in texts if "村委会640221" in t]  # a village's name, then its code
    assert len(pages_with_rows) >= 3
    assert [t.count(header) for t in pages_with_rows] == [1] * len(pages_with_rows)
    assert sum(t.count("村委会640221") for t in texts) == 144
    for n, text in enumerate(texts, 1):
        assert f"第{n}页共{len(texts)}页" in text
    last = texts[-1]
    assert "制表单位：平罗县交通运输局" in last and "制表日期：2026-11-23" in last
    assert "五、覆盖率进度图" in "".join(texts) and "目标85.0%（2026-12-31）" in "".join(texts)
    assert all(key == "/FontFile2" for key in fonts(out).values())


def test_pdf_lists_lagging_units(reg: Registry, tmp_path: Path) -> None:
    out = tmp_path / "lag.pdf"
    print_summary(reg, "640221", out, on=ON, unit="<b>平罗县</b>交通运输局", today=ON)
    text = squash("".join(page_texts(out)))
    s = summary(reg, "640221", on=ON)
    assert s.lagging, "the 2024 plan puts townships behind by 2026-11"
    assert "四、进度落后的单位（对照2026-12-31前85.0%的目标进度线）" in text
    for lag in s.lagging:
        assert f"{lag.name}{lag.code}{lag.lag.rate * 100:.1f}%{lag.lag.line * 100:.1f}%" in text
    assert "制表单位：<b>平罗县</b>交通运输局" in text


def test_workbook_is_typed(reg: Registry, tmp_path: Path) -> None:
    out = tmp_path / "平罗县.xlsx"
    result = print_summary(reg, "640221", out, on=ON, today=ON)
    assert result.paths == [str(out)]
    wb = openpyxl.load_workbook(out)
    assert wb.sheetnames == ["覆盖率汇总", "目标与进度", "进度落后单位"]
    ws = wb["覆盖率汇总"]
    assert ws["A1"].value == "平罗县村级寄递物流综合服务站覆盖率汇总表"
    assert [c.value for c in ws[3]] == ["代码", "乡镇（街道）", "建制村", "已覆盖", "覆盖率", "目标", "目标截止日期",
                                        "差距（村）"]
    row = [c for c in ws[4]]
    assert [c.value for c in row[:6]] == ["640221100", "城关镇", 16, 4, 0.25, 0.5]
    assert (row[0].data_type, row[2].data_type, row[4].number_format, row[7].value) == ("s", "n", "0.0%", 4)
    total = [c.value for c in ws[17]]
    r = coverage(reg, "640221", on=ON)
    assert total[:5] == ["640221", "合计", r.villages_total, r.villages_covered, pytest.approx(r.rate)]
    paces = wb["目标与进度"]
    assert [c.value for c in paces[4]][:2] == ["覆盖率 85.0%", dt.datetime(2026, 12, 31)]
    lags = wb["进度落后单位"]
    s = summary(reg, "640221", on=ON)
    assert lags.max_row == 3 + len(s.lagging)


def test_refusals(reg: Registry, tmp_path: Path) -> None:
    with pytest.raises(KnownError) as err:
        print_summary(reg, "640221", tmp_path / "x.csv", on=ON)
    assert err.value.key == "output.bad_suffix"
    with pytest.raises(KnownError):
        print_summary(reg, "659999", tmp_path / "x.pdf", on=ON)
    assert not (tmp_path / "x.pdf").exists()
