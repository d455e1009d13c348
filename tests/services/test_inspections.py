"""Inspections on both databases: recording (typed and from the filled workbook), refusals, lists of
failed items and of stations due, deletion; stations from the real 平罗县 (640221) roster fixture."""

from __future__ import annotations

import dataclasses
import datetime as dt
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from openpyxl import load_workbook

from villagepost.core.actor import Actor
from villagepost.core.checklists import Result, default_checklist
from villagepost.core.errors import KnownError
from villagepost.services import inspections as svc
from villagepost.services import station_ops as ops
from villagepost.services.imports import import_roster
from villagepost.services.registry import Registry

sys.path.insert(0, str(Path(__file__).parents[1] / "rosters"))
from roster_fixtures import DATA

TODAY = dt.date(2026, 11, 23)
HEPING = "640221100201-01"  # 城关镇 和平村村邮站
XINLI = "640221100204-01"  # 城关镇 新利村快递综合服务站
XINMIN = "640221100205-01"  # 城关镇 新民村综合服务站
ITEMS = default_checklist().items


def pingluo(make_registry: Callable[..., Registry]) -> Registry:
    reg = make_registry("640221")
    report = import_roster(reg, DATA / "A01_pingluo_clean.xlsx", today=TODAY)
    assert report.exit_code == 0
    return reg


def answers(fail: dict[int, str] | None = None, na: tuple[int, ...] = ()) -> list[svc.Answer]:
    """Answers to the default checklist: item numbers (1-based) in `fail` with their remark, `na` not applicable."""
    fail = fail or {}
    out = []
    for n, item in enumerate(ITEMS, 1):
        result = Result.FAIL if n in fail else Result.NA if n in na else Result.PASS
        out.append(svc.Answer(item.text, result, fail.get(n)))
    return out


def record(reg: Registry, station: str, on: dt.date, fail: dict[int, str] | None = None, **kw: object) -> int:
    draft = svc.InspectionDraft(station, on, "李四", answers(fail, **kw))  # type: ignore[arg-type]
    return svc.record_inspection(reg, draft, today=TODAY)


def test_record_and_read_back(make_registry: Callable[..., Registry]) -> None:
    reg = pingluo(make_registry)
    shuffled = list(reversed(answers({12: "灭火器过期"}, na=(13,))))
    draft = svc.InspectionDraft(HEPING, dt.date(2026, 11, 2), " 李四 ", shuffled, operator="罗德",
                                remark="限期一周整改")
    new_id = svc.record_inspection(reg, draft, today=TODAY)
    got = svc.get_inspection(reg, new_id)
    assert (got.station_code, got.station_name, got.inspected_on, got.inspector, got.operator, got.remark) == (
        HEPING, "和平村村邮站", dt.date(2026, 11, 2), "李四", "罗德", "限期一周整改")
    assert [i.text for i in got.items] == [i.text for i in ITEMS]  # checklist order, whatever the input order
    assert (got.count(Result.PASS), got.count(Result.FAIL), got.count(Result.NA)) == (15, 1, 1)
    assert [(i.number, i.result, i.remark) for i in got.items if i.result is not Result.PASS] == [
        (12, Result.FAIL, "灭火器过期"), (13, Result.NA, None)]
    assert got.recorded_by == "tester" and got.recorded_on == TODAY
    assert got.checklist_title == "村级寄递物流综合服务站检查表"


@pytest.mark.parametrize(("change", "key"), [
    (lambda a: a[:-1], "inspection.missing_items"),
    (lambda a: [*a, svc.Answer("门头有没有霓虹灯", Result.PASS)], "inspection.unknown_items"),
    (lambda a: [*a, a[0]], "inspection.duplicate_item"),
])
def test_incomplete_or_foreign_answers_are_refused(make_registry: Callable[..., Registry],
                                                    change: Callable[[list[svc.Answer]], list[svc.Answer]],
                                                    key: str) -> None:
    reg = pingluo(make_registry)
    with pytest.raises(KnownError) as err:
        svc.record_inspection(reg, svc.InspectionDraft(HEPING, TODAY, "李四", change(answers())), today=TODAY)
    assert err.value.key == key
    assert svc.list_inspections(reg, "640221") == []


def test_refusals_name_the_problem(make_registry: Callable[..., Registry]) -> None:
    reg = pingluo(make_registry)
    cases = [
        (svc.InspectionDraft("640221100201-09", TODAY, "李四", answers()), "inspection.unknown_station"),
        (svc.InspectionDraft(HEPING, TODAY, "  ", answers()), "inspection.no_inspector"),
        (svc.InspectionDraft(HEPING, TODAY + dt.timedelta(days=1), "李四", answers()), "inspection.future_date"),
        (svc.InspectionDraft(HEPING, TODAY, "李" * 51, answers()), "inspection.inspector_too_long"),
        (svc.InspectionDraft(HEPING, TODAY, "李四", answers(), remark="长" * 501), "inspection.remark_too_long"),
    ]
    for draft, key in cases:
        with pytest.raises(KnownError) as err:
            svc.record_inspection(reg, draft, today=TODAY)
        assert err.value.key == key
    assert "不在登记册中" in KnownError("inspection.unknown_station", code="x").message("zh")


def test_actor_outside_the_scope_is_refused(make_registry: Callable[..., Registry]) -> None:
    clerk = pingluo(make_registry)
    reg = dataclasses.replace(clerk, actor=Actor("黄渠桥镇", scopes=("640221101",)))  # same database
    with pytest.raises(KnownError) as err:
        record(reg, HEPING, TODAY)
    assert err.value.key == "inspection.out_of_scope" and "黄渠桥镇" in err.value.message("zh")
    assert svc.list_inspections(clerk, "640221") == []


def test_list_failed_and_due(make_registry: Callable[..., Registry]) -> None:
    reg = pingluo(make_registry)
    first = record(reg, HEPING, dt.date(2026, 3, 1), {5: "无服务公示", 12: "灭火器过期"})
    second = record(reg, HEPING, dt.date(2026, 10, 9), {12: "仍未更换"})
    old = record(reg, XINLI, dt.date(2025, 10, 1))
    recent = record(reg, XINMIN, dt.date(2026, 9, 1))
    rows = svc.list_inspections(reg, "640221100")
    assert [(r.id, r.station_code, r.inspected_on, r.failed) for r in rows] == [
        (second, HEPING, dt.date(2026, 10, 9), 1), (recent, XINMIN, dt.date(2026, 9, 1), 0),
        (first, HEPING, dt.date(2026, 3, 1), 2), (old, XINLI, dt.date(2025, 10, 1), 0)]
    assert [r.id for r in svc.list_inspections(reg, "640221", station=HEPING)] == [second, first]
    # failed items: only what the latest inspection of each station found
    failed = svc.failed_items(reg, "640221")
    assert [(f.station_code, f.inspection_id, f.number, f.remark) for f in failed] == [(HEPING, second, 12, "仍未更换")]
    # due on 2026-11-23 with a 12-month interval and re-inspection 1 month after a failure:
    due = {d.station_code: d for d in svc.due_inspections(reg, "640221100", today=TODAY)}
    assert (due[HEPING].reason, due[HEPING].due_on) == ("failed", dt.date(2026, 11, 9))
    assert (due[XINLI].reason, due[XINLI].due_on) == ("interval", dt.date(2026, 10, 1))
    assert XINMIN not in due
    # the 6 other operating stations of 城关镇 were never inspected and come first
    ordered = svc.due_inspections(reg, "640221100", today=TODAY)
    assert [d.reason for d in ordered] == ["never"] * 6 + ["interval", "failed"]
    assert [d.station_code for d in ordered[-2:]] == [XINLI, HEPING]
    # a shorter interval makes the recent one due as well
    assert XINMIN in {d.station_code for d in svc.due_inspections(reg, "640221100", months=2, today=TODAY)}
    with pytest.raises(KnownError):
        svc.due_inspections(reg, "640221100", months=0, today=TODAY)


def test_closed_stations_are_not_due(make_registry: Callable[..., Registry]) -> None:
    reg = pingluo(make_registry)
    ops.close_station(reg, HEPING, "2026-06-30", today=TODAY)
    codes = {d.station_code for d in svc.due_inspections(reg, "640221100", today=TODAY)}
    assert HEPING not in codes and XINLI in codes and len(codes) == 8


def test_delete(make_registry: Callable[..., Registry]) -> None:
    reg = pingluo(make_registry)
    new_id = record(reg, HEPING, TODAY, {1: "x"})
    svc.delete_inspection(reg, new_id)
    assert svc.list_inspections(reg, "640221") == []
    assert svc.failed_items(reg, "640221") == []
    with pytest.raises(KnownError) as err:
        svc.get_inspection(reg, new_id)
    assert err.value.key == "inspection.unknown"


def _fill(form: Path, out: Path, *, date: object, inspector: str | None, results: dict[int, object],
          remarks: dict[int, str] | None = None) -> None:
    wb = load_workbook(form)
    ws = wb.worksheets[0]
    labels = {ws.cell(r, 1).value: r for r in range(1, 15)}
    ws.cell(labels["检查日期"], 2).value = date
    ws.cell(labels["检查人"], 2).value = inspector
    ws.cell(labels["站点负责人"], 2).value = "罗德"
    ws.cell(labels["检查意见"], 2).value = "基本合格"
    header = next(r for r in range(1, 20) if ws.cell(r, 3).value == "检查内容")
    for n in range(1, len(ITEMS) + 1):
        ws.cell(header + n, 4).value = results.get(n, "是")
        if remarks and n in remarks:
            ws.cell(header + n, 5).value = remarks[n]
    wb.save(out)


def test_workbook_form_round_trip(make_registry: Callable[..., Registry], tmp_path: Path) -> None:
    reg = pingluo(make_registry)
    form = tmp_path / "form.xlsx"
    written = svc.write_form(reg, HEPING, form)
    assert written == {"status": "ok", "path": str(form), "station_code": HEPING, "items": 17}
    filled = tmp_path / "filled.xlsx"
    _fill(form, filled, date=dt.datetime(2026, 11, 20), inspector="李四",
          results={3: "×", 7: "不适用", 9: " 否 "}, remarks={3: "品牌未更新", 9: "未指定平安员"})
    new_id = svc.record_from_workbook(reg, filled, today=TODAY)
    got = svc.get_inspection(reg, new_id)
    assert (got.inspected_on, got.inspector, got.operator, got.remark) == (dt.date(2026, 11, 20), "李四", "罗德",
                                                                          "基本合格")
    assert [(i.number, i.result.value, i.remark) for i in got.items if i.result is not Result.PASS] == [
        (3, "fail", "品牌未更新"), (7, "na", None), (9, "fail", "未指定平安员")]


@pytest.mark.parametrize(("date", "inspector", "results", "key"), [
    ("2026年11月20日", None, {}, "inspection.no_inspector"),
    (None, "李四", {}, "inspection.no_date"),
    ("2026-11", "李四", {}, "inspection.bad_date"),
    ("2027-01-05", "李四", {}, "inspection.future_date"),
    ("2026/11/20", "李四", {4: "还行"}, "inspection.bad_result"),
    ("2026/11/20", "李四", {4: None}, "inspection.bad_result"),
])
def test_workbook_form_refusals(make_registry: Callable[..., Registry], tmp_path: Path, *, date: object,
                                inspector: str | None, results: dict[int, object], key: str) -> None:
    reg = pingluo(make_registry)
    form = tmp_path / "form.xlsx"
    svc.write_form(reg, HEPING, form)
    filled = tmp_path / "filled.xlsx"
    _fill(form, filled, date=date, inspector=inspector, results=results)
    with pytest.raises(KnownError) as err:
        svc.record_from_workbook(reg, filled, today=TODAY)
    assert err.value.key == key
    assert svc.list_inspections(reg, "640221") == []


def test_a_roster_is_not_a_form(make_registry: Callable[..., Registry]) -> None:
    reg = pingluo(make_registry)
    with pytest.raises(KnownError) as err:
        svc.record_from_workbook(reg, DATA / "A01_pingluo_clean.xlsx", today=TODAY)
    assert err.value.key == "inspection.not_a_form"
    with pytest.raises(KnownError) as err:
        svc.record_from_workbook(reg, DATA / "D09_zip_bomb.xlsx", today=TODAY)
    assert err.value.key == "roster.file.zip_bomb"


def test_plus_months_clamps_to_the_month() -> None:
    assert svc.plus_months(dt.date(2026, 1, 31), 1) == dt.date(2026, 2, 28)
    assert svc.plus_months(dt.date(2025, 11, 30), 3) == dt.date(2026, 2, 28)
    assert svc.plus_months(dt.date(2024, 2, 29), 12) == dt.date(2025, 2, 28)
