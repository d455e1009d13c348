"""The window's table queries (services.tables) on a real county, on SQLite and PostgreSQL.

平罗县 (640221) from the bundled codes, with the example roster A01 (every 村委会 of the county; 88 stations)
imported. Expectations come from the roster file itself and from the division table read without the code
under test, so a wrong filter, order or join fails here.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from tests.rosters.roster_fixtures import DATA
from villagepost.core.errors import KnownError
from villagepost.core.stations import StationType
from villagepost.services import imports, tables
from villagepost.services.registry import Registry
from villagepost.services.tables import StationFilter, VillageFilter
from villagepost.storage.models import Division

COUNTY = "640221"
TOWNSHIP = "640221100"  # 城关镇
ROSTER = DATA / "A01_pingluo_clean.xlsx"
TODAY = dt.date(2025, 12, 31)
COMBINED = {StationType.COMBINED.value, StationType.SERVICE_STATION.value}


@dataclass(frozen=True)
class RosterStation:
    village: str
    name: str
    type: str
    coop: str | None
    opened: str | None
    phone: str | None


def roster_stations() -> list[RosterStation]:
    """The station rows of A01 as written (codes are text; dates are Excel dates or empty)."""
    ws = load_workbook(ROSTER, read_only=True).active
    out = []
    for row in ws.iter_rows(min_row=2, values_only=True):
        if row[5]:
            opened = row[10].date().isoformat() if row[10] is not None else None
            out.append(RosterStation(str(row[4]), str(row[5]), str(row[6]), row[7], opened,
                                     None if row[12] is None else str(row[12])))
    return out


@pytest.fixture
def county(make_registry: Callable[..., Registry]) -> Registry:
    reg = make_registry(COUNTY)
    report = imports.import_roster(reg, ROSTER, today=TODAY)
    assert report.status == "ok", report.message("en")
    return reg


def units(reg: Registry) -> list[Division]:
    with reg.read() as s:
        return list(s.scalars(select(Division).where(Division.level == 5, Division.code.like(f"{COUNTY}%"))))


def codes(ids: object) -> list[str]:
    return [f"{int(i):012d}" for i in ids]  # type: ignore[attr-defined]


# --- villages ---------------------------------------------------------------------------------------


def test_village_count_and_code_order(county: Registry) -> None:
    expected = sorted(u.code for u in units(county))
    assert len(expected) == 182  # 29 居委会 + 144 村委会 + 9 类似村委会 (divisions show 640221)
    f = VillageFilter(scope=COUNTY, on=TODAY)
    assert tables.village_count(county, f) == 182
    assert codes(tables.village_ids(county, f)) == expected
    assert codes(tables.village_ids(county, f, descending=True)) == expected[::-1]


@pytest.mark.parametrize("sort", ["code", "name", "class", "township", "covered", "stations"])
def test_every_sort_is_total_and_its_ends_match_the_full_order(county: Registry, sort: str) -> None:
    f = VillageFilter(scope=COUNTY, on=TODAY)
    full = codes(tables.village_ids(county, f, sort))
    assert sorted(full) == sorted(u.code for u in units(county))
    assert codes(tables.village_ids(county, f, sort, limit=7)) == full[:7]
    assert codes(tables.village_ids(county, f, sort, descending=True, limit=7))[::-1] == full[-7:]
    assert codes(tables.village_ids(county, f, sort, descending=True)) == full[::-1]


def test_name_sorts_by_pinyin_then_code(county: Registry) -> None:
    by_pinyin = [u.code for u in sorted(units(county), key=lambda u: (u.pinyin, u.code))]
    assert codes(tables.village_ids(county, VillageFilter(scope=COUNTY), "name")) == by_pinyin


def test_covered_and_station_sorts_put_the_served_villages_last(county: Registry) -> None:
    stations = roster_stations()
    covered = sorted({s.village for s in stations if s.type in COMBINED})
    with_station = sorted({s.village for s in stations})
    f = VillageFilter(scope=COUNTY, on=TODAY)
    assert codes(tables.village_ids(county, f, "covered"))[-len(covered):] == covered
    assert codes(tables.village_ids(county, f, "stations"))[-len(with_station):] == with_station


def test_filters(county: Registry) -> None:
    all_units = units(county)
    stations = roster_stations()
    covered = sorted({s.village for s in stations if s.type in COMBINED})
    village_committees = sorted(u.code for u in all_units if u.village_class == "村委会")
    assert len(village_committees) == 144

    def ids(**kw: object) -> list[str]:
        kw.setdefault("on", TODAY)
        return codes(tables.village_ids(county, VillageFilter(scope=COUNTY, **kw)))  # type: ignore[arg-type]

    assert ids(village_class="村委会") == village_committees
    assert ids(covered=True) == covered
    assert ids(covered=False) == sorted(u.code for u in all_units if u.code not in set(covered))
    assert ids(covered=True, on=dt.date(2000, 1, 1)) == []  # nothing opened then
    assert ids(text=TOWNSHIP) == sorted(u.code for u in all_units if u.code.startswith(TOWNSHIP))
    assert ids(text="６４０２２１１００２０") == [c for c in village_committees if c.startswith("64022110020")]
    assert ids(text="和平") == sorted(u.code for u in all_units if "和平" in u.name)
    initials = next(u.initials for u in all_units if u.code == "640221100201")  # 和平村委会
    assert ids(text=initials.upper()) == sorted(u.code for u in all_units if u.initials.startswith(initials)
                                                or u.pinyin.startswith(initials))
    assert ids(text="100%") == []  # LIKE wildcards are escaped
    assert tables.village_count(county, VillageFilter(scope=COUNTY, text="和平", village_class="村委会")) == \
        len([u for u in all_units if "和平" in u.name and u.village_class == "村委会"])


def test_village_rows(county: Registry) -> None:
    stations = {s.village: s for s in roster_stations()}
    rows = tables.village_rows(county, [640221100201, 640221100200, 999999999999], TODAY)
    assert set(rows) == {640221100201, 640221100200}
    heping = rows[640221100201]
    assert (heping.code, heping.name, heping.village_class, heping.township, heping.county, heping.retired) == \
        ("640221100201", "和平村委会", "村委会", "城关镇", "平罗县", False)
    assert heping.stations == (stations["640221100201"].name,) == ("和平村村邮站",)
    assert heping.covered_since is None  # a 村邮站 alone is not a combined station
    hezuo = rows[640221100200]
    assert hezuo.stations == () and hezuo.covered_since is None


def test_covered_rows_carry_the_opening_or_the_missing_date(county: Registry) -> None:
    combined = [s for s in roster_stations() if s.type in COMBINED]
    dated = next(s for s in combined if s.opened)
    undated = next(s for s in combined if s.opened is None)
    rows = tables.village_rows(county, [int(dated.village), int(undated.village)], TODAY)
    assert rows[int(dated.village)].covered_since == dt.date.fromisoformat(dated.opened)  # type: ignore[arg-type]
    assert not rows[int(dated.village)].cover_date_missing
    assert rows[int(undated.village)].covered_since == TODAY  # counted from the recording day
    assert rows[int(undated.village)].cover_date_missing


def test_computed_sorts_are_bounded(county: Registry, monkeypatch: pytest.MonkeyPatch) -> None:
    f = VillageFilter(scope=COUNTY, on=TODAY)
    monkeypatch.setattr(tables, "BOUNDED_SORT_LIMIT", 181)
    with pytest.raises(KnownError) as refused:
        tables.village_ids(county, f, "stations", column="站点数")
    assert refused.value.key == "table.sort_unbounded"
    assert refused.value.message() == ("共有 182 行，按“站点数”排序需要逐行计算，太慢。"
                                       "请先在左侧选择一个省或更小的范围（不超过 181 行）再排序。")
    assert len(tables.village_ids(county, f, "name")) == 182  # an ordinary column sorts any size
    monkeypatch.setattr(tables, "BOUNDED_SORT_LIMIT", 182)
    assert len(tables.village_ids(county, f, "stations")) == 182
    with pytest.raises(KnownError) as unknown:
        tables.village_ids(county, f, "pinyin")
    assert unknown.value.key == "table.unknown_sort"


# --- stations ---------------------------------------------------------------------------------------


def test_station_count_order_and_rows(county: Registry) -> None:
    roster = roster_stations()
    assert len(roster) == 88
    f = StationFilter(scope=COUNTY)
    assert tables.station_count(county, f) == 88
    ids = tables.station_ids(county, f)
    rows = tables.station_rows(county, [int(i) for i in ids])
    shown = [rows[int(i)] for i in ids]
    # one station per village in this roster: code order is village order, serial 01
    assert [r.code for r in shown] == [f"{s.village}-01" for s in sorted(roster, key=lambda s: s.village)]
    by_village = {s.village: s for s in roster}
    for row in shown:
        src = by_village[row.village_code]
        assert (row.name, row.station_type, row.status, row.coop, row.opened, row.phone) == \
            (src.name, src.type, "operating", src.coop, src.opened, src.phone)
        assert row.date_missing == (src.opened is None)
    assert shown[0].village == "和平村委会"


@pytest.mark.parametrize("sort", ["code", "name", "type", "status", "coop", "village", "opened", "operator",
                                  "phone"])
def test_station_sorts_are_total(county: Registry, sort: str) -> None:
    f = StationFilter(scope=COUNTY)
    full = list(tables.station_ids(county, f, sort))
    assert len(set(full)) == 88
    assert list(tables.station_ids(county, f, sort, limit=5)) == full[:5]
    assert list(tables.station_ids(county, f, sort, descending=True, limit=5))[::-1] == full[-5:]


def test_station_opened_sort_puts_missing_dates_first(county: Registry) -> None:
    roster = roster_stations()
    f = StationFilter(scope=COUNTY)
    ids = [int(i) for i in tables.station_ids(county, f, "opened")]
    rows = tables.station_rows(county, ids)
    opened = [rows[i].opened for i in ids]
    missing = sum(1 for s in roster if s.opened is None)
    assert missing == 7
    assert opened[:missing] == [None] * missing
    assert opened[missing:] == sorted(s.opened for s in roster if s.opened is not None)


def test_station_filters(county: Registry) -> None:
    roster = roster_stations()

    def count(**kw: object) -> int:
        return tables.station_count(county, StationFilter(scope=COUNTY, **kw))  # type: ignore[arg-type]

    for station_type in {s.type for s in roster}:
        assert count(station_type=station_type) == sum(1 for s in roster if s.type == station_type)
    assert count(status="operating") == 88
    assert count(status="closed") == 0
    assert count(text="村邮站") == sum(1 for s in roster if "村邮站" in s.name)
    assert count(text=TOWNSHIP) == sum(1 for s in roster if s.village.startswith(TOWNSHIP))
    assert count(text="640221100201-01") == 1
    assert tables.station_count(county, StationFilter(scope="640323")) == 0  # another county


def test_find_stations(county: Registry) -> None:
    hits = tables.find_stations(county, "和平村村邮站")
    assert [(h.code, h.name, h.village_code, h.village) for h in hits] == [
        ("640221100201-01", "和平村村邮站", "640221100201", "和平村委会")]
    assert tables.station_id(county, "640221100201-01") == hits[0].id
    assert tables.station_id(county, "640221100201-09") is None
    by_code = tables.find_stations(county, "640221100201")
    assert [h.code for h in by_code] == ["640221100201-01"]
    some = tables.find_stations(county, "村邮站", limit=5)
    assert len(some) == 5 and all("村邮站" in h.name for h in some)
    assert tables.find_stations(county, "   ") == []


def test_id_lists_on_a_connection_that_used_temp_storage(sqlite_registry: Callable[..., Registry]) -> None:
    """SQLite refuses to change temp storage inside a transaction once it has used it: the pragmas are
    set before the transaction, and the connection goes back to the pool as it came."""
    reg = sqlite_registry(COUNTY)
    with reg.connection() as conn:  # the pool's one connection opens its temp database
        conn.exec_driver_sql("CREATE TEMP TABLE scratch (a INTEGER)")
        conn.exec_driver_sql("INSERT INTO scratch VALUES (1)")
    assert len(tables.village_ids(reg, VillageFilter(scope=COUNTY), "name")) == 182
    with reg.connection() as conn:
        assert conn.exec_driver_sql("PRAGMA temp_store").scalar() == 2  # MEMORY, as the engine set it
        assert conn.exec_driver_sql("PRAGMA cache_size").scalar() == -65536
