"""The 服务村 roster column: served villages by name or code, resolved in the station's county, stored as the
station editor stores them (station_village), with the covers of combined stations following."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from sqlalchemy import text

from tests.rosters.roster_fixtures import DATA
from villagepost.cli import main
from villagepost.rosters.layout import map_header
from villagepost.services.imports import FieldChange, import_roster
from villagepost.services.registry import Registry

TODAY = dt.date(2026, 11, 23)
#: A01's stations: row 3 和平村村邮站 (640221100201), row 6 新利村快递综合服务站 (640221100204, 村邮站+快递超市,
#: opened 2024-08-12), row 7 新民村综合服务站 (640221100205), row 8 前进村兔喜生活超市 (640221100206)
HEPING, XINLI = "640221100201-01", "640221100204-01"


def _a01_with_served(tmp_path: Path, cells: dict[int, str], header: str = "服务村") -> Path:
    wb = openpyxl.load_workbook(DATA / "A01_pingluo_clean.xlsx")
    ws = wb.active
    assert ws is not None and ws["F3"].value == "和平村村邮站" and ws["F6"].value == "新利村快递综合服务站"
    ws["N1"] = header
    for row, value in cells.items():
        ws[f"N{row}"] = value
    path = tmp_path / "A01_served.xlsx"
    wb.save(path)
    return path


def _served(reg: Registry) -> dict[str, list[str]]:
    with reg.engine.connect() as conn:
        rows = conn.execute(text("SELECT station_code, village_code FROM station_village "
                                 "ORDER BY station_code, village_code")).all()
    out: dict[str, list[str]] = {}
    for station, village in rows:
        out.setdefault(station, []).append(village)
    return out


def _covers(reg: Registry, villages: tuple[str, ...]) -> dict[str, list[tuple[str, Any]]]:
    with reg.engine.connect() as conn:
        rows = conn.execute(text("SELECT village_code, start_on, end_on FROM village_cover ORDER BY village_code, "
                                 "start_on")).all()
    out: dict[str, list[tuple[str, Any]]] = {v: [] for v in villages}
    for village, start, end in rows:
        if village in out:
            out[village].append((str(start), end))
    return out


def test_served_villages_by_name_and_code_are_stored_with_the_covers(make_registry: Callable[..., Registry],
                                                                     tmp_path: Path) -> None:
    reg = make_registry("640221", "640324")
    path = _a01_with_served(tmp_path, {
        3: "新建村、关渠村委会",             # two names, one with 村委会
        6: "640221100202；合作 ,640221100202",  # a code, a bare name, the code again (kept once)
        7: "不存在村",                       # unknown name: row error
        8: "前进村，640324103200",           # its own village and another county's village: two errors
    })
    report = import_roster(reg, path, today=TODAY)
    assert report.columns["served"] == "服务村"
    assert (report.status, report.rows_rejected, report.stations_created) == ("partial", 2, 86)
    assert [(e.row, e.field, e.column, e.kind, e.value, e.message("zh")) for e in report.errors] == [
        (7, "served", "服务村", "served_unknown", "不存在村",
         "第7行“服务村”：服务村“不存在村”在平罗县找不到（请填本县的村名或12位区划代码）"),
        (8, "served", "服务村", "served_self", "前进村", "第8行“服务村”：服务村“前进村”就是站点所在村，不用再填"),
        (8, "served", "服务村", "served_other_county", "640324103200",
         "第8行“服务村”：服务村“640324103200”属于同心县，不在站点所在的平罗县（服务村须在同一县内）"),
    ]
    assert report.errors[0].message("en") == (
        "row 7, column '服务村': served village '不存在村' is not found in 平罗县 "
        "(write a village name of the county or its 12-digit code)")
    assert _served(reg) == {HEPING: ["640221100202", "640221100203"], XINLI: ["640221100200", "640221100202"]}
    # 新利's station is combined since 2024-08-12: the villages it serves are covered from then; 和平村村邮站
    # is a 村邮站 alone, so 关渠村 (served by it only) stays uncovered.
    assert _covers(reg, ("640221100200", "640221100202", "640221100203", "640221100204")) == {
        "640221100200": [("2024-08-12", None)], "640221100202": [("2024-08-12", None)],
        "640221100203": [], "640221100204": [("2024-08-12", None)]}
    # The same file again changes nothing.
    again = import_roster(reg, path, today=TODAY)
    assert (again.stations_updated, again.stations_unchanged, again.updates) == (0, 86, [])


def test_a_new_served_list_replaces_the_stored_one_and_an_empty_cell_keeps_it(
        make_registry: Callable[..., Registry], tmp_path: Path) -> None:
    reg = make_registry("640221")
    first = _a01_with_served(tmp_path, {3: "新建村、关渠村", 6: "新建村"})
    assert import_roster(reg, first, today=TODAY).status == "ok"
    changed = _a01_with_served(tmp_path, {3: None, 6: "合作村"})  # type: ignore[dict-item]
    preview = import_roster(reg, changed, today=TODAY, dry_run=True)
    assert [(u.row, u.station, u.changes) for u in preview.updates] == [
        (6, XINLI, (FieldChange("served", "服务村", ["640221100202"], ["640221100200"]),))]
    assert preview.updates[0].describe("zh") == (
        "第6行 新利村委会 新利村快递综合服务站（640221100204-01）：服务村：640221100202 → 640221100200")
    assert _served(reg)[XINLI] == ["640221100202"]
    report = import_roster(reg, changed, today=TODAY)
    assert (report.status, report.stations_updated) == ("ok", 1)
    assert _served(reg) == {HEPING: ["640221100202", "640221100203"], XINLI: ["640221100200"]}
    # 新建村 lost the only combined station serving it; 合作村 gained one.
    assert _covers(reg, ("640221100200", "640221100202")) == {"640221100200": [("2024-08-12", None)],
                                                              "640221100202": []}
    with reg.engine.connect() as conn:
        audit = conn.execute(text("SELECT old, new FROM audit_log WHERE record = :k "
                                  "AND field = 'served' ORDER BY id"), {"k": XINLI}).all()
    assert [tuple(a) for a in audit] == [("640221100202", "640221100200")]  # as the editor's (lists joined by 、)


def test_a_name_two_villages_share_needs_its_township(make_registry: Callable[..., Registry],
                                                      tmp_path: Path) -> None:
    """同心县 has a 南关村委会 in 下马关镇 (640324103200) and in 预旺镇 (640324104200)."""
    reg = make_registry("640324")
    wb = openpyxl.Workbook()
    ws = wb.active
    assert ws is not None
    ws.append(["县", "乡镇", "行政村", "区划代码", "站点名称", "站点类型", "覆盖行政村"])
    ws.append(["同心县", "下马关镇", "北关村委会", "640324103201", "北关村村邮站", "村邮站", "南关村"])
    ws.append(["同心县", "下马关镇", "西沟村委会", "640324103202", "西沟村村邮站", "村邮站",
               "下马关镇南关村、预旺/南关村委会"])
    path = tmp_path / "tongxin.xlsx"
    wb.save(path)
    report = import_roster(reg, path, today=TODAY)
    assert report.columns == {"county": "县", "township": "乡镇", "village": "行政村", "code": "区划代码",
                              "station_name": "站点名称", "station_type": "站点类型", "served": "覆盖行政村"}
    assert [(e.row, e.kind, e.value, e.message("zh")) for e in report.errors] == [
        (2, "served_ambiguous", "南关村",
         "第2行“覆盖行政村”：服务村“南关村”在同心县有2个同名村：南关村委会（下马关镇，640324103200）、"
         "南关村委会（预旺镇，640324104200）。请在村名前写上乡镇名（如“下马关镇南关村委会”），或填12位区划代码")]
    assert _served(reg) == {"640324103202-01": ["640324103200", "640324104200"]}


def test_too_many_served_villages_is_a_row_error(sqlite_registry: Callable[..., Registry], tmp_path: Path) -> None:
    reg = sqlite_registry("640221")
    many = "、".join(f"6402211002{n:02d}" for n in range(31))
    report = import_roster(reg, _a01_with_served(tmp_path, {3: many}), today=TODAY)
    assert [(e.row, e.field, e.kind, e.message("zh")) for e in report.errors] == [
        (3, "served", "field_too_long", "第3行“服务村”：服务村最多30个，本格写了31个")]
    assert _served(reg) == {}


def test_served_headers_map_beside_the_village_column() -> None:
    match = map_header(1, ["行政村", "区划代码", "站点名称", "服务行政村", "服务村数", "快递品牌"])
    assert {f: col for f, (col, _) in match.columns.items()} == {"village": 0, "code": 1, "station_name": 2,
                                                                  "served": 3, "brands": 5}


def test_cli_json_names_row_column_and_value(sqlite_registry: Callable[..., Registry], tmp_path: Path,
                                             capsys: pytest.CaptureFixture[str]) -> None:
    reg = sqlite_registry("640221")
    db = str(reg.location.path)
    reg.close()
    path = _a01_with_served(tmp_path, {3: "新建村、无名村"}, header="服务村庄")
    assert main(["--db", db, "--lang", "en", "import", str(path), "--json"]) == 3
    doc = json.loads(capsys.readouterr().out)
    assert [(e["row"], e["column"], e["field"], e["kind"], e["value"], e["village"]) for e in doc["errors"]] == [
        (3, "服务村庄", "served", "served_unknown", "无名村", "和平村委会")]
    assert doc["stations_created"] == 87
