"""The place rules on both backends: a roster row outside its province is a row error, a station far from its
county's other stations a warning naming the county; the editor's service gives the same warning."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import openpyxl
import pytest

from tests.rosters.roster_fixtures import DATA
from villagepost.services.imports import import_roster
from villagepost.services.registry import Registry
from villagepost.services.station_checks import StationInvalid, place_warnings
from villagepost.services.station_ops import StationDraft, add_station, edit_station

HEPING = "640221100201-01"
XINLI = "640221100204-01"


def _roster(tmp_path: Path) -> Path:
    book = openpyxl.load_workbook(DATA / "A01_pingluo_clean.xlsx")
    sheet = book.active
    assert sheet is not None
    sheet["I3"], sheet["J3"] = 116.397128, 39.916527  # 和平村: Beijing
    sheet["I6"], sheet["J6"] = 106.42, 37.0  # 新利村: ~210 km south of the county's other stations
    out = tmp_path / "平罗县.xlsx"
    book.save(out)
    return out


def test_a_roster_gets_a_row_error_and_a_warning(make_registry: Callable[..., Registry], tmp_path: Path) -> None:
    reg = make_registry("640221")
    report = import_roster(reg, _roster(tmp_path))
    assert report.status == "partial"
    assert [(e.row, e.field, e.kind) for e in report.errors] == [(3, "lon", "coord_out_of_range")]
    assert "不在宁夏回族自治区范围内" in report.errors[0].message("zh")
    assert [(w.row, w.kind) for w in report.warnings] == [(6, "coord_far_from_county")]
    assert "站点离平罗县其他 75 个站点的中位位置约 21" in report.warnings[0].message("zh")
    assert "of the 75 other stations of 平罗县" in report.warnings[0].message("en")
    assert (report.stations_imported, report.rows_rejected) == (87, 1)
    with reg.reading() as conn:
        (warning,) = place_warnings(conn, XINLI)
        assert warning.county == "640221" and warning.params["others"] == 75
        assert place_warnings(conn, "640221100205-01") == []  # its neighbours are where they should be


def test_the_editor_service_refuses_beijing_and_warns_far(make_registry: Callable[..., Registry]) -> None:
    reg = make_registry("640221")
    with pytest.raises(StationInvalid) as refused:
        add_station(reg, StationDraft("640221100201", "和平村村邮站", lon="116.397128", lat="39.916527"))
    assert [(p.field, p.key) for p in refused.value.problems] == [("lon", "roster.value.coord.province")]
    for i, village in enumerate(("640221100200", "640221100202", "640221100204")):
        add_station(reg, StationDraft(village, f"站{i}", lon=106.44 + 0.01 * i, lat=38.9))
    code = add_station(reg, StationDraft("640221100201", "和平村村邮站", lon=106.44, lat=38.95))
    with reg.reading() as conn:
        assert place_warnings(conn, code) == []
    assert edit_station(reg, code, {"lat": "37.0"})
    with reg.reading() as conn:
        (warning,) = place_warnings(conn, code)
    assert warning.params["county"] == "平罗县" and warning.params["others"] == 3
    with pytest.raises(StationInvalid):
        edit_station(reg, code, {"lon": "116.4"})  # with the stored latitude 37.0: in Hebei's longitudes
