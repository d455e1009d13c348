"""Accounts, roles and scopes: who may log in, who may change what, and the audit of every change."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path

import pytest
from sqlalchemy import func, select

from tests.conftest import TEST_ACTOR
from villagepost.core import clock
from villagepost.core.actor import Actor, Role
from villagepost.core.errors import KnownError
from villagepost.core.pacing import Measure
from villagepost.services import accounts, audit, imports, station_ops, targets
from villagepost.services.registry import Registry
from villagepost.storage.models import Account, AuditEntry, Station
from villagepost.storage.models import Target as TargetModel

ROSTER = Path(__file__).parents[1] / "rosters" / "data" / "A01_pingluo_clean.xlsx"
COUNTY, TOWNSHIP, OTHER_TOWNSHIP = "640221", "640221100", "640221101"


def _reopen(reg: Registry, name: str, password: str) -> Registry:
    where = str(reg.location.path) if reg.location.path else reg.location.url.render_as_string(hide_password=False)
    return Registry.open(where, login=(name, password), source="test")


def _label(reg: Registry) -> str:
    return str(reg.location.path) if reg.location.path else reg.location.url.render_as_string(hide_password=False)


def test_first_account_must_be_an_admin_then_login_is_required(make_registry: Callable[..., Registry]) -> None:
    reg = make_registry(COUNTY)
    with pytest.raises(KnownError) as err:
        accounts.add_account(reg, "tong", "township", [TOWNSHIP], "secret1")
    assert err.value.key == "account.first_admin"
    accounts.add_account(reg, "boss", "admin", [], "secret1")
    where = _label(reg)
    reg.close()
    with pytest.raises(KnownError) as err:
        Registry.open(where)
    assert err.value.key == "account.login_required"
    for login, key in ((("boss", "wrong!"), "account.wrong_password"), (("nobody", "secret1"), "account.unknown")):
        with pytest.raises(KnownError) as err:
            Registry.open(where, login=login)
        assert err.value.key == key
    with Registry.open(where, login=("boss", "secret1"), source="test") as boss:
        assert boss.actor == Actor(name="boss", scopes=(), role=Role.ADMIN, source="test", account=True)


def test_bad_roles_scopes_and_passwords_are_refused_and_change_nothing(make_registry: Callable[..., Registry]) -> None:
    reg = make_registry(COUNTY)
    accounts.add_account(reg, "boss", "admin", [], "secret1")
    cases = [
        (("x1", "god", [TOWNSHIP], "secret1"), "account.bad_role"),
        (("x2", "township", [COUNTY], "secret1"), "account.scope_level"),
        (("x3", "county", ["999999"], "secret1"), "account.scope_unknown"),
        (("x4", "township", [], "secret1"), "account.scope_required"),
        (("x5", "county", [COUNTY], "abc"), "account.password_short"),
        (("张三", "county", [COUNTY], "secret1"), "account.bad_name"),
        (("boss", "county", [COUNTY], "secret1"), "account.name_taken"),
    ]
    for args, key in cases:
        with pytest.raises(KnownError) as err:
            accounts.add_account(reg, *args)
        assert err.value.key == key, args
    with reg.read() as s:
        assert s.execute(select(func.count()).select_from(Account)).scalar() == 1


def test_county_admin_creates_township_account_whose_import_keeps_to_its_township(
        make_registry: Callable[..., Registry]) -> None:
    reg = make_registry(COUNTY, "640205")
    accounts.add_account(reg, "boss", "admin", [], "secret1")
    boss = _reopen(reg, "boss", "secret1")
    accounts.add_account(boss, "pingluo", "admin", [COUNTY], "secret2")
    county = _reopen(reg, "pingluo", "secret2")
    with pytest.raises(KnownError) as err:
        accounts.add_account(county, "far", "township", ["640205001"], "secret3")
    assert err.value.key == "account.scope_outside"
    accounts.add_account(county, "tong", "township", [TOWNSHIP], "secret3")
    town = _reopen(reg, "tong", "secret3")

    report = imports.import_roster(town, ROSTER)

    assert report.status == "partial"
    assert (report.villages_imported, report.stations_created, report.rows_rejected) == (16, 9, 128)
    assert {e.kind for e in report.errors} == {"out_of_scope"}
    with reg.read() as s:
        codes = list(s.execute(select(Station.village_code)).scalars())
        assert len(codes) == 9 and all(c.startswith(TOWNSHIP) for c in codes)
    rows = audit.entries(town, audit.AuditFilter(table="station"))
    assert len(rows) == 9 and {r.user for r in rows} == {"tong"}
    assert rows[0].source.startswith("import: A01_pingluo_clean.xlsx sha256:")
    assert all(r.field == "*" and r.old is None for r in rows)
    for r in (boss, county, town):
        r.close()


def test_township_writes_only_its_township_and_supervisor_writes_nothing(
        make_registry: Callable[..., Registry]) -> None:
    reg = make_registry(COUNTY)
    mine = station_ops.add_station(reg, station_ops.StationDraft(village_code="640221100200", name="合作村邮站",
                                                                  station_type="村邮站", opened="2023-05"))
    theirs = station_ops.add_station(reg, station_ops.StationDraft(village_code="640221101200", name="别村邮站",
                                                                    station_type="村邮站", opened="2023-05"))
    accounts.add_account(reg, "boss", "admin", [], "secret1")
    accounts.add_account(reg, "tong", "township", [TOWNSHIP], "secret3")
    accounts.add_account(reg, "sup", "supervisor", [COUNTY], "secret4")
    town = _reopen(reg, "tong", "secret3")
    sup = _reopen(reg, "sup", "secret4")

    assert station_ops.edit_station(town, mine, {"phone": "13800000000"})
    with pytest.raises(KnownError) as err:
        station_ops.edit_station(town, theirs, {"phone": "13800000000"})
    assert err.value.key == "station.out_of_scope"
    assert OTHER_TOWNSHIP[:6] in err.value.message("zh")
    with pytest.raises(KnownError) as err:
        station_ops.edit_station(sup, mine, {"phone": "13900000000"})
    assert err.value.key == "station.out_of_scope"
    with pytest.raises(KnownError):
        targets.set_target(sup, COUNTY, Measure.COVERAGE_RATE, 0.9, dt.date(2027, 6, 30))
    # reads: the township's staff read the whole county's audit, the supervisor too
    assert [r.record for r in audit.entries(sup) if r.field == "phone"] == [mine]
    town.close()
    sup.close()


def test_audit_keeps_old_and_new_values_and_removals_are_marks(make_registry: Callable[..., Registry]) -> None:
    reg = make_registry(COUNTY)
    code = station_ops.add_station(reg, station_ops.StationDraft(village_code="640221100200", name="合作村邮站",
                                                                  station_type="村邮站", phone="13800000000",
                                                                  opened="2024-03"))
    station_ops.edit_station(reg, code, {"phone": "13900000000", "contact": "王五"})
    station_ops.close_station(reg, code, "2026-10-01")
    target = targets.set_target(reg, COUNTY, Measure.COVERAGE_RATE, 0.9, dt.date(2027, 6, 30))
    targets.set_target(reg, COUNTY, Measure.COVERAGE_RATE, 0.95, dt.date(2027, 6, 30))
    targets.remove_target(reg, target.id)

    rows = audit.entries(reg, audit.AuditFilter(record=code))
    assert [(r.table, r.field, r.old, r.new) for r in rows[1:]] == [
        ("station_event", "opened", None, rows[1].new),
        ("station", "phone", "13800000000", "13900000000"),
        ("station", "contact", None, "王五"),
        ("station_event", "closed", None, rows[4].new),
    ]
    assert rows[0].field == "*" and '"phone": "13800000000"' in (rows[0].new or "")
    assert rows[4].new is not None and "2026-10-01" in rows[4].new
    assert {r.user for r in rows} == {TEST_ACTOR.name}
    trail = audit.entries(reg, audit.AuditFilter(table="target"))
    assert [(r.field, r.old, r.new) for r in trail[1:]] == [("value", "0.9", "0.95"), ("*", trail[2].old, None)]
    assert targets.list_targets(reg, COUNTY) == []
    with reg.read() as s:
        kept = s.execute(select(TargetModel.removed_by, TargetModel.value)).one()
        assert tuple(kept) == (TEST_ACTOR.name, 0.95)
        assert set(s.execute(select(AuditEntry.at)).scalars()) == {clock.utc_stamp()}  # stored in UTC


def test_township_staff_read_their_county_not_another(make_registry: Callable[..., Registry]) -> None:
    from villagepost.services import coverage, divisions

    reg = make_registry(COUNTY, "640205")
    accounts.add_account(reg, "boss", "admin", [], "secret1")
    accounts.add_account(reg, "tong", "township", [TOWNSHIP], "secret3")
    town = _reopen(reg, "tong", "secret3")
    assert coverage.scope_unit(town, OTHER_TOWNSHIP).code == OTHER_TOWNSHIP  # the county is theirs to read
    assert divisions.show(town, "64").code == "64"  # and the units above it
    with pytest.raises(KnownError) as err:
        coverage.scope_unit(town, "640205")
    assert err.value.message("zh") == "用户“tong”无权查看“640205”（可查看范围：640221）"
    town.close()
