"""What a roster import records in the history, and the covers derived from it, on both databases."""

from __future__ import annotations

import csv
import datetime as dt
import shutil
from collections.abc import Callable
from pathlib import Path

import openpyxl
from sqlalchemy import func, select

from tests.rosters.roster_fixtures import DATA
from villagepost.core.values import PartialDate
from villagepost.services.imports import import_roster
from villagepost.services.registry import Registry
from villagepost.storage.models import Station, StationEvent, StationSpan, VillageCover

TODAY = dt.date(2026, 11, 23)
COMBINED = {"村邮站+快递超市", "综合服务站"}


def truth(county: str) -> list[dict[str, str]]:
    with (DATA / "ningxia_truth.csv").open(encoding="utf-8") as fh:
        return [r for r in csv.DictReader(fh) if r["county_code"] == county and r["station_name"]]


def test_import_records_openings_and_derives_covers(make_registry: Callable[..., Registry]) -> None:
    reg = make_registry("640221")
    report = import_roster(reg, DATA / "A01_pingluo_clean.xlsx", today=TODAY)
    assert report.status == "ok"
    rows = truth("640221")
    with reg.read() as s:
        events = s.execute(select(StationEvent.kind, StationEvent.known, StationEvent.effective_on,
                                  StationEvent.new_type, StationEvent.actor)).all()
        assert len(events) == len(rows) == 88
        assert {e.kind for e in events} == {"opened"} and {e.actor for e in events} == {"tester"}
        assert s.execute(select(func.count()).select_from(StationSpan)).scalar_one() == 88
        covered = {v: d for v, d in s.execute(select(VillageCover.village_code, VillageCover.start_on))}
    # expected from the truth file alone: each village with a combined station, from the (last day of the)
    # opening date, or from the import day when the roster gave none
    expected: dict[str, dt.date] = {}
    for r in rows:
        if r["station_type"] in COMBINED:
            start = PartialDate.parse_iso(r["opened"]).last_day if r["opened"] else TODAY
            expected[r["code"]] = min(start, expected.get(r["code"], start))
    assert covered == expected
    assert len(expected) == 49


def test_reimport_records_nothing_new_and_a_changed_type_is_dated_the_import_day(
        make_registry: Callable[..., Registry], tmp_path: Path) -> None:
    reg = make_registry("640221")
    import_roster(reg, DATA / "A01_pingluo_clean.xlsx", today=TODAY)
    with reg.read() as s:
        before = s.execute(select(func.count()).select_from(StationEvent)).scalar_one()
    import_roster(reg, DATA / "A01_pingluo_clean.xlsx", today=TODAY + dt.timedelta(days=3))
    with reg.read() as s:
        assert s.execute(select(func.count()).select_from(StationEvent)).scalar_one() == before
        post = s.execute(select(Station.code, Station.village_code, Station.name, Station.opened)
                         .where(Station.station_type == "村邮站").order_by(Station.code)).first()
    assert post is not None
    # the township upgrades one 村邮站 to a combined station and corrects another station's opening date
    copy = tmp_path / "changed.xlsx"
    shutil.copyfile(DATA / "A01_pingluo_clean.xlsx", copy)
    book = openpyxl.load_workbook(copy)
    sheet = book["站点统计"]
    header = [c.value for c in sheet[1]]
    code_col, name_col = header.index("区划代码"), header.index("站点名称")
    for row in sheet.iter_rows(min_row=2):
        if row[code_col].value == post.village_code and row[name_col].value == post.name:
            row[header.index("站点类型")].value = "村邮站+快递超市"
            row[header.index("建成日期")].value = dt.datetime(2020, 5, 6)
    book.save(copy)
    later = TODAY + dt.timedelta(days=10)
    report = import_roster(reg, copy, today=later)
    assert report.counts()["stations_updated"] == 1
    with reg.read() as s:
        events = s.execute(select(StationEvent.kind, StationEvent.known, StationEvent.effective_on,
                                  StationEvent.new_type).where(StationEvent.station_code == post.code)
                           .order_by(StationEvent.id)).all()
        # the corrected opening date supersedes the first opening (undone + opened again, nothing edited in
        # place, so what the registry said before stays reproducible), then the type change of the import day
        assert [tuple(e) for e in events] == [("opened", post.opened, dt.date.fromisoformat(post.opened), "村邮站"),
                                              ("undone", None, later, None),
                                              ("opened", "2020-05-06", dt.date(2020, 5, 6), "村邮站"),
                                              ("type_changed", None, later, "村邮站+快递超市")]
        station = s.execute(select(Station.station_type, Station.opened).where(Station.code == post.code)).one()
        assert tuple(station) == ("村邮站+快递超市", "2020-05-06")
        cover = s.execute(select(VillageCover.start_on).where(VillageCover.village_code == post.village_code)).all()
    # covered from the import day (unless another combined station of the village covered it earlier)
    assert cover and min(c[0] for c in cover) <= later
