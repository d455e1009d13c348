"""Coverage of a real county (金凤区 640106) worked out by hand, on SQLite and PostgreSQL.

The stations and the covered villages on each date are in tests/coverage_county.py.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest
from coverage_county import (
    COUNTY,
    COVERED,
    EMPTY_SUBDISTRICTS,
    FENGDENG,
    HUANGHE,
    LIANGTIAN,
    MANCHENG,
    RECORDED,
    TODAY,
    TOTALS,
    TOWNSHIPS,
    build,
)

from villagepost.core.actor import Actor
from villagepost.core.divisions import Level
from villagepost.core.errors import KnownError
from villagepost.services import coverage as svc
from villagepost.services import station_ops as ops
from villagepost.services.registry import Registry

D = dt.date


@pytest.fixture
def county(make_registry: Callable[..., Registry]) -> Registry:
    reg = make_registry(COUNTY)
    build(reg)
    return reg


def test_covered_and_total_by_township_on_each_date(county: Registry) -> None:
    for day, (mancheng, huanghe, liangtian, fengdeng) in COVERED.items():
        report = svc.coverage(county, COUNTY, on=day)
        got = {c.code: (c.villages_covered, c.villages_total) for c in report.children}
        assert got == {MANCHENG: (mancheng, 1), HUANGHE: (huanghe, 4), LIANGTIAN: (liangtian, 8),
                       FENGDENG: (fengdeng, 7), **dict.fromkeys(EMPTY_SUBDISTRICTS, (0, 0))}, day
        assert report.villages_total == 20
        assert report.villages_covered == mancheng + huanghe + liangtian + fengdeng, day
        assert report.children_level == Level.TOWNSHIP
        assert [c.code for c in report.children] == list(TOWNSHIPS)


def test_rates_and_json_on_the_pacing_day(county: Registry) -> None:
    report = svc.coverage(county, COUNTY, on=TODAY)
    assert (report.villages_covered, report.villages_total, report.rate) == (10, 20, 0.5)
    assert report.name == "金凤区" and report.level == Level.COUNTY
    doc = report.to_json()
    assert doc["scope"] == COUNTY and doc["on"] == "2024-09-15" and doc["rate"] == 0.5
    assert doc["children_level"] == "township" and doc["date_missing_villages"] == 1
    assert doc["children"][0] == {"code": MANCHENG, "name": "满城北街街道", "villages_total": 1,
                                  "villages_covered": 0, "rate": 0.0}
    by_code = {c["code"]: c for c in doc["children"]}
    assert by_code[HUANGHE]["rate"] == 0.75  # 魏家桥 and 砖渠 (G serves both) and 双渠口 (L) of 4
    assert by_code[LIANGTIAN]["rate"] == 0.5  # A B C D of 8
    assert by_code[FENGDENG]["rate"] == 3 / 7  # E F J of 7
    assert by_code["640106003"] == {"code": "640106003", "name": "长城中路街道", "villages_total": 0,
                                    "villages_covered": 0, "rate": 0.0}


def test_date_missing_villages_are_counted_from_their_recording_day(county: Registry) -> None:
    # D (光明村) has no opening date: recorded 2024-01-10, so it covers from then and is flagged
    assert svc.coverage(county, LIANGTIAN, on=RECORDED - dt.timedelta(days=1)).villages_covered == 3
    report = svc.coverage(county, LIANGTIAN, on=RECORDED)
    assert (report.villages_covered, report.date_missing_villages) == (4, 1)
    assert svc.coverage(county, FENGDENG, on=RECORDED).date_missing_villages == 0


def test_a_township_by_village(county: Registry) -> None:
    report = svc.coverage(county, FENGDENG, on=D(2024, 4, 1), level=Level.VILLAGE)
    assert report.children_level == Level.VILLAGE
    assert [(c.code, c.name, c.villages_total, c.villages_covered) for c in report.children] == [
        ("640106101201", "西新村", 1, 1),  # E, merged 2023-09-15
        ("640106101202", "新联村", 1, 0),  # F closed 2024-03-31: served that day only
        ("640106101203", "新丰村", 1, 0),  # J opens 2024-05-10
        ("640106101204", "联丰村", 1, 0),  # K: merger undone
        ("640106101205", "永丰村", 1, 0),
        ("640106101206", "润丰村", 1, 0),
        ("640106101207", "和丰村", 1, 0),
    ]
    # a 街道 lists only its 建制村 (平伏桥村), not its residents' committees (I stands in one)
    mancheng = svc.coverage(county, MANCHENG, on=TODAY, level=Level.VILLAGE)
    assert [(c.code, c.villages_covered) for c in mancheng.children] == [("640106001200", 0)]


def test_month_and_year_only_dates_count_from_the_last_day(county: Registry) -> None:
    # B opened "2023-06": not on 06-29, yes on 06-30; C opened "2022": yes on 2022-12-31, not the day before
    assert svc.coverage(county, "640106100201", on=D(2023, 6, 29)).villages_covered == 0
    assert svc.coverage(county, "640106100201", on=D(2023, 6, 30)).villages_covered == 1
    assert svc.coverage(county, "640106100202", on=D(2022, 12, 30)).villages_covered == 0
    assert svc.coverage(county, "640106100202", on=D(2022, 12, 31)).villages_covered == 1


def test_higher_scopes_and_levels(county: Registry) -> None:
    city = svc.coverage(county, "6401", on=TODAY, level=Level.COUNTY)
    assert city.villages_total == sum(c.villages_total for c in city.children) == 20
    jinfeng = next(c for c in city.children if c.code == COUNTY)
    assert (jinfeng.villages_covered, jinfeng.villages_total) == (10, 20)
    # only 金凤区 is loaded in this registry: the city is that county
    assert [c.code for c in city.children] == [COUNTY]
    province = svc.coverage(county, "64", on=TODAY)
    assert (province.villages_covered, province.villages_total, province.children_level) == (10, 20, Level.CITY)
    nation = svc.coverage(county, "", on=TODAY)
    assert (nation.scope, nation.name, nation.level, nation.villages_covered) == ("", "全国", 0, 10)
    assert [c.code for c in nation.children] == ["64"]
    padded = svc.coverage(county, "640106000000", on=TODAY)
    assert (padded.scope, padded.villages_covered) == (COUNTY, 10)


def test_village_like_units_join_the_denominator_with_the_setting(make_registry: Callable[..., Registry]) -> None:
    reg = make_registry("640122")  # 贺兰县: 62 村委会, and 类似村委会 (林场生活区, 农场村委会 …)
    assert svc.include_village_like(reg) is False
    before = svc.coverage(reg, "640122", on=TODAY)
    like_code = "640122400501"  # 铁西村委会, VVV 501 (类似村委会)
    ops.add_station(reg, ops.StationDraft(like_code, "铁西服务站", station_type="综合服务站", opened="2024-01-01"),
                    today=RECORDED)
    assert svc.coverage(reg, "640122", on=TODAY).villages_covered == 0  # not a 建制村 by default
    svc.set_include_village_like(reg, True)
    assert svc.include_village_like(reg) is True
    after = svc.coverage(reg, "640122", on=TODAY)
    like_total = {"640122": 7}  # 103502, 400501–400503, 401501, 401502, 402598
    assert after.villages_total == before.villages_total + like_total["640122"]
    assert after.villages_covered == 1
    township = svc.coverage(reg, "640122400", on=TODAY, level=Level.VILLAGE)
    assert [(c.code, c.villages_covered) for c in township.children][:3] == [
        ("640122400501", 1), ("640122400502", 0), ("640122400503", 0)]
    svc.set_include_village_like(reg, False)
    assert svc.coverage(reg, "640122", on=TODAY).villages_total == before.villages_total


def test_the_setting_is_refused_to_an_actor_with_a_partial_scope(make_registry: Callable[..., Registry]) -> None:
    reg = make_registry(COUNTY, actor=Actor("乡镇用户", (LIANGTIAN,)))
    with pytest.raises(KnownError) as err:
        svc.set_include_village_like(reg, True)
    assert err.value.key == "coverage.setting_not_allowed"
    assert "乡镇用户" in err.value.message() and LIANGTIAN in err.value.message()
    assert svc.include_village_like(reg) is False


def test_refusals(county: Registry) -> None:
    with pytest.raises(KnownError) as err:
        svc.coverage(county, "640106", level=Level.COUNTY)
    assert err.value.key == "coverage.level_not_below"
    assert err.value.message() == "层级“县”不在金凤区（640106，县级）之下：下级统计只能按更低的层级（乡镇、村）"
    assert err.value.message("en").endswith("use a lower level (township/village)")
    with pytest.raises(KnownError) as err:
        svc.coverage(county, "640106100200", level=Level.VILLAGE)
    assert err.value.key == "coverage.no_level_below"
    with pytest.raises(KnownError) as err:
        svc.coverage(county, "640107")
    assert err.value.key == "div.unknown_code"
    with pytest.raises(KnownError) as err:
        svc.coverage(county, "64010")
    assert err.value.key == "code.bad_length"


def test_a_village_scope_has_no_children(county: Registry) -> None:
    report = svc.coverage(county, "640106002202", on=TODAY)  # 砖渠村, served by G from 魏家桥村
    assert (report.villages_total, report.villages_covered, report.children, report.children_level) == (1, 1, [], None)


def test_station_counts_by_type_status_and_coop(county: Registry) -> None:
    def counts(day: dt.date) -> dict[tuple[str | None, str], int]:
        out: dict[tuple[str | None, str], int] = {}
        for row in svc.station_counts(county, COUNTY, on=day):
            assert row.coop is None  # no cooperation modes were recorded
            out[(row.station_type, row.status)] = out.get((row.station_type, row.status), 0) + row.count
        return out

    # 2024-04-01: A D G and E1 (combined since its merger); B C I; F closed the day before; E2 absorbed by the
    # merger (closed as itself); H; K1 and K2 as they were (their merger was undone); J and L not yet opened
    assert counts(D(2024, 4, 1)) == {("村邮站", "operating"): 1, ("快递超市", "operating"): 2,
                                     ("快递超市", "closed"): 1, ("村邮站+快递超市", "operating"): 4,
                                     ("综合服务站", "operating"): 3, ("综合服务站", "closed"): 1}
    # 2022-06-01: only E1 (opened 2022-05-01) existed
    assert counts(D(2022, 6, 1)) == {("村邮站", "operating"): 1}
    rows = svc.station_counts(county, LIANGTIAN, on=TODAY)
    assert [(r.station_type, r.status, r.count) for r in rows] == [("村邮站+快递超市", "operating", 2),
                                                                  ("综合服务站", "operating", 2)]
    assert rows[0].to_json() == {"station_type": "村邮站+快递超市", "status": "operating", "coop": None, "count": 2}


def test_the_curve_equals_coverage_at_each_month_end(county: Registry) -> None:
    points = svc.curve(county, COUNTY, D(2022, 11, 1), D(2024, 8, 1))
    assert len(points) == 22 and points[0].month_end == D(2022, 11, 30) and points[-1].month_end == D(2024, 8, 31)
    for p in points:
        assert p.total == 20
        assert p.covered == svc.coverage(county, COUNTY, on=p.month_end).villages_covered, p.month_end
    by_month = {p.month_end: p.covered for p in points}
    # C from 2022-12-31; F 2023-01-20; A 2023-03-15; B 2023-06-30; E 2023-09-15; G×2 2023-11-05; D 2024-01-10;
    # F closed after 2024-03-31; J 2024-05-10; F again 2024-07-01; L 2024-08-20
    assert [by_month[D(2022, 11, 30)], by_month[D(2022, 12, 31)], by_month[D(2023, 1, 31)],
            by_month[D(2023, 3, 31)], by_month[D(2023, 6, 30)], by_month[D(2023, 9, 30)],
            by_month[D(2023, 11, 30)], by_month[D(2024, 1, 31)], by_month[D(2024, 3, 31)],
            by_month[D(2024, 4, 30)], by_month[D(2024, 5, 31)], by_month[D(2024, 7, 31)],
            by_month[D(2024, 8, 31)]] == [0, 1, 2, 3, 4, 5, 7, 8, 8, 7, 8, 9, 10]


def test_totals_match_the_division_counts(county: Registry) -> None:
    report = svc.coverage(county, COUNTY, on=TODAY)
    assert {c.code: c.villages_total for c in report.children} == TOTALS


def test_retired_units_count_nowhere(county: Registry) -> None:
    """A later edition retires 丰登镇 and its villages (as the division loader does: flag, recount, rebuild
    the covers); their stations and history stay, but they leave the totals, the covered and the lists."""
    from sqlalchemy import update

    from villagepost.storage.division_counts import recount_villages
    from villagepost.storage.history_store import rebuild_covers, stations_villages
    from villagepost.storage.models import Division
    from villagepost.storage.queries import prefix_filter

    with county.connection() as conn:
        conn.execute(update(Division).where(prefix_filter(Division.code, FENGDENG)).values(retired=True))
        recount_villages(conn, ["64"])
        rebuild_covers(conn, stations_villages(conn, ["64"]))
    report = svc.coverage(county, COUNTY, on=TODAY)
    assert (report.villages_total, report.villages_covered) == (13, 7)  # 20 − 7 villages; 10 − E F J
    assert FENGDENG not in {c.code for c in report.children}
    assert [c.code for c in svc.coverage(county, COUNTY, on=TODAY, level=Level.VILLAGE).children
            if c.code.startswith(FENGDENG)] == []
    assert sum(c.count for c in svc.station_counts(county, FENGDENG, on=TODAY)) == 6  # the stations remain
