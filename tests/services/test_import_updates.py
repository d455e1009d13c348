"""An import says, per stored station it changes, which fields change from what to what — before it commits."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from pathlib import Path

import openpyxl
import pytest

from tests.rosters.roster_fixtures import DATA
from villagepost.cli import main
from villagepost.services.imports import FieldChange, import_roster
from villagepost.services.registry import Registry
from villagepost.services.stations import list_stations

TODAY = dt.date(2026, 11, 23)


def _edited(tmp_path: Path) -> Path:
    """A01 with row 3 (和平村委会's 和平村村邮站) given a new contact and phone, row 6's station renamed."""
    wb = openpyxl.load_workbook(DATA / "A01_pingluo_clean.xlsx")
    ws = wb.active
    assert ws is not None
    assert ws["F3"].value == "和平村村邮站" and ws["M3"].value == "15675671692"
    ws["L3"] = "王新"
    ws["M3"] = "13900001111"
    ws["F6"] = "新利村快递综合服务站（新址）"
    path = tmp_path / "A01_edited.xlsx"
    wb.save(path)
    return path


def test_dry_run_lists_each_change_and_writes_nothing(sqlite_registry: Callable[..., Registry],
                                                      tmp_path: Path) -> None:
    reg = sqlite_registry("640221")
    assert import_roster(reg, DATA / "A01_pingluo_clean.xlsx", today=TODAY).status == "ok"
    before = {s.code: (s.name, s.contact, s.phone) for s in list_stations(reg, "640221")}
    report = import_roster(reg, _edited(tmp_path), today=TODAY, dry_run=True)
    assert (report.status, report.stations_updated, report.stations_created) == ("ok", 2, 0)
    first, second = report.updates
    assert (first.row, first.village_code, first.village, first.name) == (
        3, "640221100201", "和平村委会", "和平村村邮站")
    assert first.changes == (FieldChange("contact", "联系人", "罗德", "王新"),
                             FieldChange("phone", "联系电话", "15675671692", "13900001111"))
    assert (second.row, second.station) == (6, "640221100204-01")
    assert second.changes == (FieldChange("name", "站点名称", "新利村快递综合服务站", "新利村快递综合服务站（新址）"),)
    assert {s.code: (s.name, s.contact, s.phone) for s in list_stations(reg, "640221")} == before
    doc = report.to_json("zh")
    assert doc["updates"][0]["changes"][1] == {"field": "phone", "column": "联系电话", "old": "15675671692",
                                               "new": "13900001111"}
    committed = import_roster(reg, _edited(tmp_path), today=TODAY)
    assert committed.updates == report.updates
    assert import_roster(reg, _edited(tmp_path), today=TODAY).updates == []


def test_cli_dry_run_shows_the_changes(sqlite_registry: Callable[..., Registry], tmp_path: Path,
                                       capsys: pytest.CaptureFixture[str]) -> None:
    reg = sqlite_registry("640221")
    db = str(reg.location.path)
    reg.close()
    assert main(["--db", db, "import", str(DATA / "A01_pingluo_clean.xlsx")]) == 0
    capsys.readouterr()
    edited = _edited(tmp_path)
    assert main(["--db", db, "import", str(edited), "--dry-run"]) == 0
    out = capsys.readouterr().out
    assert "将更新的站点 2 个" in out
    assert ("第3行 和平村委会 和平村村邮站（640221100201-01）：联系人：罗德 → 王新；"
            "联系电话：15675671692 → 13900001111") in out
    assert main(["--db", db, "--lang", "en", "import", str(edited), "--dry-run", "--json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert [u["row"] for u in doc["updates"]] == [3, 6]


def test_services_brands_and_area_columns_are_read_and_stored(sqlite_registry: Callable[..., Registry],
                                                              tmp_path: Path) -> None:
    """服务项目, 快递品牌 and 面积 (with their synonyms) map and store; a bad area is a row error."""
    wb = openpyxl.load_workbook(DATA / "A01_pingluo_clean.xlsx")
    ws = wb.active
    assert ws is not None
    ws["N1"], ws["O1"], ws["P1"] = "开展业务", "入驻快递品牌", "场地面积（㎡）"
    ws["N3"], ws["O3"], ws["P3"] = "代收代投，揽收寄件", "圆通、中通", "120平方米"
    ws["N6"], ws["O6"], ws["P6"] = None, "韵达", "很大"
    path = tmp_path / "A01_more.xlsx"
    wb.save(path)
    reg = sqlite_registry("640221")
    report = import_roster(reg, path, today=TODAY)
    assert report.columns["services"] == "开展业务" and report.columns["brands"] == "入驻快递品牌"
    assert report.columns["floor_area"] == "场地面积（㎡）"
    assert [(e.row, e.field, e.kind) for e in report.errors] == [(6, "floor_area", "number_format")]
    stored = {s.code: s for s in list_stations(reg, "640221")}
    hp = stored["640221100201-01"]
    assert (list(hp.services), list(hp.brands), hp.floor_area) == (["代收代投", "揽收寄件"], ["中通", "圆通"], 120.0)
    ws["P6"] = 80
    ws["P3"] = "130"
    wb.save(path)
    again = import_roster(reg, path, today=TODAY, dry_run=True)
    changed = {(u.row, c.field, c.old, c.new) for u in again.updates for c in u.changes}
    assert (3, "floor_area", 120.0, 130.0) in changed
