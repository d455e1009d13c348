"""A township's roster import and a station of theirs that serves a village of another township.

新利村's station (城关镇) was made to serve 别村 of 高庄乡 by the county. When 城关镇's staff import their roster
again, a change that leaves 别村's coverage as it was goes in (a new type that still counts, a phone); one
that would move 别村's coverage (an earlier opening date) refuses the import with the village and the scope
named, and nothing is written — on SQLite and on PostgreSQL, where the account's own role writes.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path

import openpyxl
import pytest
from sqlalchemy import select

from tests.cli.conftest import db_label
from villagepost.core.errors import KnownError
from villagepost.services import accounts, imports, station_ops
from villagepost.services.registry import Registry
from villagepost.storage.models import Station, VillageCover

ROSTER = Path(__file__).parents[1] / "rosters" / "data" / "A01_pingluo_clean.xlsx"
XINLI = "640221100204-01"  # 新利村快递综合服务站, 村邮站+快递超市, opened 2024-08-12
THEIRS = "640221101200"


def _roster(tmp_path: Path, **changes: object) -> Path:
    """A01 with 新利村's row changed (column title -> value)."""
    wb = openpyxl.load_workbook(ROSTER)
    ws = wb.active
    assert ws is not None
    titles = [c.value for c in ws[1]]
    for row in ws.iter_rows(min_row=2):
        if row[titles.index("站点名称")].value == "新利村快递综合服务站":
            for title, value in changes.items():
                row[titles.index(title)].value = value
    out = tmp_path / "城关镇.xlsx"
    wb.save(out)
    return out


def _state(reg: Registry) -> tuple[object, ...]:
    with reg.read() as s:
        station = s.execute(select(Station.station_type, Station.phone, Station.version)
                            .where(Station.code == XINLI)).one()
        covers = s.execute(select(VillageCover.village_code, VillageCover.start_on)
                           .order_by(VillageCover.village_code)).all()
    return tuple(station), tuple(covers)


def test_a_township_import_keeps_off_another_townships_coverage(
        make_registry: Callable[..., Registry], tmp_path: Path) -> None:
    reg = make_registry("640221")
    assert imports.import_roster(reg, ROSTER).exit_code == 0
    station_ops.edit_station(reg, XINLI, {"served": [THEIRS]})
    accounts.add_account(reg, "boss", "admin", [], "secret1")
    accounts.add_account(reg, "tong", "township", ["640221100"], "secret3")
    with Registry.open(db_label(reg), login=("tong", "secret3"), source="test") as town:
        before = _state(reg)
        with pytest.raises(KnownError) as err:
            imports.import_roster(town, _roster(tmp_path, 建成日期=dt.datetime(2024, 6, 1), 联系电话="13912345678"))
        assert err.value.message("zh") == (
            "这项修改会改变村“640221101200”的覆盖情况，但该村在用户“tong”的修改范围（640221100）以外，未保存；"
            "这要由县级管理员办理")
        assert _state(reg) == before
        # a new type that still counts toward coverage leaves 别村's period as it was: it goes in
        result = imports.import_roster(town, _roster(tmp_path, 站点类型="综合服务站", 联系电话="13912345678"))
        assert result.exit_code == 3  # the other townships' rows are out_of_scope row errors
    (stype, phone, _version), covers = _state(reg)
    assert (stype, phone) == ("综合服务站", "13912345678")
    assert dict(covers)[THEIRS] == dt.date(2024, 8, 12)
