"""Station identity and no-loss rules of the bulk writer, on SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from sqlalchemy import select

from villagepost.core.actor import Actor
from villagepost.services.registry import Registry
from villagepost.services.station_writer import STATION_FIELDS, StationInput, StationWriter
from villagepost.services.stations import list_stations
from villagepost.storage.models import Station

TODAY = dt.date(2025, 6, 1)
ALL = frozenset(STATION_FIELDS)
VILLAGE = "640221100200"  # 平罗县 城关镇 …


def _write(reg: Registry, *items: tuple[str, StationInput, frozenset[str]]) -> list[str]:
    with reg.connection() as conn:
        writer = StationWriter(conn, Actor(name="clerk"), TODAY)
        actions = [writer.apply(v, data, present).action for v, data, present in items]
        writer.flush()
    return actions


def test_create_then_same_name_is_unchanged(make_registry: Callable[..., Registry]) -> None:
    reg = make_registry("640221")
    data = StationInput(name="城关村邮站", station_type="村邮站", phone="13912345678", opened="2024-03")
    assert _write(reg, (VILLAGE, data, ALL)) == ["created"]
    with reg.read() as s:
        before = s.scalars(select(Station)).one()
        stamp = (before.created_at, before.updated_at)
    assert _write(reg, (VILLAGE, StationInput(name=" 城关村邮站\u3000", station_type="村邮站",
                                                phone="13912345678", opened="2024-03"), ALL)) == ["unchanged"]
    rows = list_stations(reg, "640221")
    assert [(r.code, r.name, r.type, r.opened, r.phone) for r in rows] == [
        (f"{VILLAGE}-01", "城关村邮站", "村邮站", "2024-03", "13912345678")]
    with reg.read() as s:
        after = s.scalars(select(Station)).one()
        assert (after.created_at, after.updated_at) == stamp
        assert after.created_by == "clerk" and after.recorded_on == TODAY


def test_fullwidth_name_is_the_same_station(make_registry: Callable[..., Registry]) -> None:
    reg = make_registry("640221")
    _write(reg, (VILLAGE, StationInput(name="１号站（东）", station_type="快递超市"), ALL))
    assert _write(reg, (VILLAGE, StationInput(name="1号站(东)", station_type="快递超市"), ALL)) == ["unchanged"]
    assert [r.name for r in list_stations(reg, VILLAGE)] == ["１号站（东）"]


def test_rename_of_only_station_of_type_is_an_update(make_registry: Callable[..., Registry]) -> None:
    reg = make_registry("640221")
    _write(reg, (VILLAGE, StationInput(name="旧名村邮站", station_type="村邮站"), ALL),
           (VILLAGE, StationInput(name="某快递超市", station_type="快递超市"), ALL))
    with reg.connection() as conn:
        writer = StationWriter(conn, Actor(name="clerk"), TODAY)
        out = writer.apply(VILLAGE, StationInput(name="新名村邮站", station_type="村邮站"), ALL)
        writer.flush()
    assert out.action == "updated" and out.code == f"{VILLAGE}-01"
    assert out.warnings[0][0] == "station.renamed"
    assert [(r.code, r.name) for r in list_stations(reg, VILLAGE)] == [
        (f"{VILLAGE}-01", "新名村邮站"), (f"{VILLAGE}-02", "某快递超市")]


def test_second_station_of_a_village_gets_the_next_code(make_registry: Callable[..., Registry]) -> None:
    reg = make_registry("640221")
    _write(reg, (VILLAGE, StationInput(name="甲站", station_type="村邮站"), ALL))
    _write(reg, (VILLAGE, StationInput(name="乙站", station_type="快递超市"), ALL),
           (VILLAGE, StationInput(name="丙站", station_type="快递超市"), ALL))
    assert [(r.code, r.name) for r in list_stations(reg, VILLAGE)] == [
        (f"{VILLAGE}-01", "甲站"), (f"{VILLAGE}-02", "乙站"), (f"{VILLAGE}-03", "丙站")]


def test_missing_columns_and_empty_cells_never_blank(make_registry: Callable[..., Registry]) -> None:
    reg = make_registry("640221")
    _write(reg, (VILLAGE, StationInput(name="甲站", station_type="村邮站", contact="马", phone="13912345678",
                                       lon=106.5, lat=38.9), ALL))
    # A roster with only name and type columns, and another with an empty phone cell.
    assert _write(reg, (VILLAGE, StationInput(name="甲站", station_type="村邮站"),
                        frozenset({"station_type"}))) == ["unchanged"]
    assert _write(reg, (VILLAGE, StationInput(name="甲站", station_type="村邮站", contact="马", phone=None,
                                              lon=106.5, lat=38.9), ALL)) == ["unchanged"]
    assert _write(reg, (VILLAGE, StationInput(name="甲站", station_type="村邮站", contact="马（新）"),
                        ALL)) == ["updated"]
    row = list_stations(reg, VILLAGE)[0]
    assert (row.contact, row.phone, row.lon, row.lat) == ("马（新）", "13912345678", 106.5, 38.9)
