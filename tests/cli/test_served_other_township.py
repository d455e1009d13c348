"""A township's staff and a station of theirs that serves a village of another township.

The county clerk made 合作村's station serve 别村 (another township of the same county). The township's staff
may still edit that station as long as 别村's coverage stays as it was, but may not make a station serve a
village outside their township, stop serving one, or make a change that alters its coverage. Each refusal
is a clear message naming the village and the scope, exit 2, nothing changed — on SQLite (the services'
check) and on PostgreSQL, where the account's own login role writes and row-level security would reject
rows of another township. Run as a clerk runs it: `villagepost` in a subprocess.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable

import pytest
from sqlalchemy import func, select

from tests.cli.conftest import db_label
from villagepost.services import accounts, station_ops
from villagepost.services.registry import Registry
from villagepost.storage.models import AuditEntry, Station, StationEvent, StationVillage, VillageCover

COUNTY = "640221"
MINE, MINE_TOO, THEIRS, THEIRS_TOO = "640221100200", "640221100201", "640221101200", "640221101201"


def _villagepost(db: str, *args: str, user: str = "tong", password: str = "secret3",
                 lang: str = "zh") -> tuple[int, str, str]:
    env = {**os.environ, "VILLAGEPOST_PASSWORD": password}
    proc = subprocess.run([sys.executable, "-m", "villagepost", "--db", db, "--lang", lang, "--user", user, *args],
                          check=False, capture_output=True, text=True, env=env, timeout=120)
    return proc.returncode, proc.stdout, proc.stderr


def _snapshot(reg: Registry) -> tuple[object, ...]:
    """Everything a refused edit could have touched."""
    with reg.read() as s:
        return (
            s.execute(select(Station.code, Station.phone, Station.status, Station.version)
                      .order_by(Station.code)).all(),
            s.execute(select(StationVillage.station_code, StationVillage.village_code)
                      .order_by(StationVillage.village_code)).all(),
            s.execute(select(VillageCover.village_code, VillageCover.start_on, VillageCover.end_on)
                      .order_by(VillageCover.village_code)).all(),
            s.execute(select(func.count()).select_from(StationEvent)).scalar_one(),
            s.execute(select(func.count()).select_from(AuditEntry)).scalar_one(),
        )


def _covered(reg: Registry) -> dict[str, str | None]:
    with reg.read() as s:
        rows = s.execute(select(VillageCover.village_code, VillageCover.end_on)).all()
    return {v: None if end is None else end.isoformat() for v, end in rows}


@pytest.fixture
def county(make_registry: Callable[..., Registry]) -> tuple[Registry, str, str]:
    """(registry, its --db, the station of 合作村 serving 别村), with a township account `tong` of 城关镇."""
    reg = make_registry(COUNTY)
    code = station_ops.add_station(reg, station_ops.StationDraft(
        village_code=MINE, name="合作村邮站", station_type="村邮站+快递超市", opened="2024-03-01", served=THEIRS))
    accounts.add_account(reg, "boss", "admin", [], "secret1")
    accounts.add_account(reg, "tong", "township", [MINE[:9]], "secret3")
    return reg, db_label(reg), code


def test_township_staff_edit_a_station_serving_another_township_within_their_rights(
        county: tuple[Registry, str, str]) -> None:
    reg, db, code = county
    assert _covered(reg) == {MINE: None, THEIRS: None}
    # a change that rebuilds the covers (a served village added in their own township) while 别村 stays
    code_, out, err = _villagepost(db, "station", "edit", code, "--serves", f"{THEIRS},{MINE_TOO}",
                                   "--phone", "13912345678")
    assert (code_, err) == (0, ""), err
    with reg.read() as s:
        served = sorted(s.execute(select(StationVillage.village_code)
                                  .where(StationVillage.station_code == code)).scalars())
        phone = s.execute(select(Station.phone).where(Station.code == code)).scalar_one()
    assert (served, phone) == ([MINE_TOO, THEIRS], "13912345678")
    assert _covered(reg) == {MINE: None, MINE_TOO: None, THEIRS: None}
    # a correction of the opening date that leaves 别村's period as it was is refused only if it changes it:
    # moving the opening changes every served village's period, 别村's too
    before = _snapshot(reg)
    code_, out, err = _villagepost(db, "station", "edit", code, "--opened", "2024-05-01")
    assert (code_, out) == (2, "")
    assert err == ("这项修改会改变村“640221101200”的覆盖情况，但该村在用户“tong”的修改范围（640221100）以外，未保存；"
                   "这要由县级管理员办理\n")
    assert _snapshot(reg) == before


@pytest.mark.parametrize(("args", "zh", "en"), [
    (("--serves", f"{THEIRS},{THEIRS_TOO}"),
     "站点信息有误：服务村：用户“tong”不能让站点服务其修改范围（640221100）以外的村“640221101201”；这要由县级管理员办理",
     "the station cannot be saved: served villages: user 'tong' may not make a station serve the village "
     "'640221101201', which lies outside their scope (640221100); a county clerk can do it"),
    (("--serves", MINE_TOO),
     "站点信息有误：服务村：村“640221101200”在用户“tong”的修改范围（640221100）以外，不能取消站点对它的服务；"
     "这要由县级管理员办理",
     "the station cannot be saved: served villages: the village '640221101200' lies outside the scope of user 'tong' "
     "(640221100), so they may not stop a station serving it; a county clerk can do it"),
])
def test_township_staff_may_not_add_or_drop_a_village_of_another_township(
        county: tuple[Registry, str, str], args: tuple[str, ...], zh: str, en: str) -> None:
    reg, db, code = county
    before = _snapshot(reg)
    assert _villagepost(db, "station", "edit", code, *args, "--phone", "13912345678") == (2, "", zh + "\n")
    assert _villagepost(db, "station", "edit", code, *args, lang="en") == (2, "", en + "\n")
    assert _snapshot(reg) == before


def test_closing_the_station_is_the_countys_to_do(county: tuple[Registry, str, str]) -> None:
    reg, db, code = county
    before = _snapshot(reg)
    code_, out, err = _villagepost(db, "station", "close", code, "--on", "2026-11-01", lang="en")
    assert (code_, out) == (2, "")
    assert err == ("this change would alter the coverage of the village '640221101200', which lies outside the scope "
                   "of user 'tong' (640221100); nothing was saved — a county clerk can do it\n")
    assert _snapshot(reg) == before
    # the administrator may, and 别村's cover ends with 合作村's
    assert _villagepost(db, "station", "close", code, "--on", "2026-11-01", user="boss", password="secret1")[0] == 0
    assert _covered(reg) == {MINE: "2026-11-02", THEIRS: "2026-11-02"}
