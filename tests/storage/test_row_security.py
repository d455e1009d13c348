"""PostgreSQL enforces the scopes itself: raw SQL through psycopg as an account's role cannot leave them."""

from __future__ import annotations

from collections.abc import Iterator

import psycopg
import pytest
from sqlalchemy import Select, select, text
from sqlalchemy.engine import make_url

from villagepost.services import accounts, station_ops
from villagepost.services.registry import Registry
from villagepost.storage.models import Station
from villagepost.storage.rls import login_role
from villagepost.storage.schema import SCHEMA_HEAD

pytestmark = pytest.mark.pg

COUNTY, MINE, THEIRS = "640221", "640221100200", "640221101200"


@pytest.fixture
def registry(pg_database: str) -> Iterator[Registry]:
    from tests.conftest import TEST_ACTOR
    from villagepost.services import divisions as div_svc

    reg = Registry.open(pg_database, actor=TEST_ACTOR)
    div_svc.load(reg, [COUNTY])
    yield reg
    reg.close()


def _connect(reg: Registry, account: str, password: str) -> psycopg.Connection[tuple[object, ...]]:
    url = make_url(reg.location.url.render_as_string(hide_password=False))
    database = url.database or ""
    return psycopg.connect(host=url.host, port=url.port, dbname=database, user=login_role(database, account),
                           password=password, autocommit=True)


def _stations(reg: Registry) -> tuple[str, str]:
    draft = station_ops.StationDraft
    mine = station_ops.add_station(reg, draft(village_code=MINE, name="合作村邮站", station_type="村邮站"))
    theirs = station_ops.add_station(reg, draft(village_code=THEIRS, name="别村邮站", station_type="村邮站"))
    accounts.add_account(reg, "boss", "admin", [], "secret1")
    accounts.add_account(reg, "tong", "township", [MINE[:9]], "secret3")
    accounts.add_account(reg, "sup", "supervisor", [COUNTY], "secret4")
    return mine, theirs


def test_township_role_cannot_update_another_townships_station_with_raw_sql(registry: Registry) -> None:
    mine, theirs = _stations(registry)
    with _connect(registry, "tong", "secret3") as conn:
        other = conn.execute("UPDATE station SET phone = '110' WHERE code = %s", (theirs,))
        assert other.rowcount == 0
        own = conn.execute("UPDATE station SET phone = '120' WHERE code = %s", (mine,))
        assert own.rowcount == 1
        # reads reach the whole county (both stations), writes only the township
        assert conn.execute("SELECT count(*) FROM station").fetchone() == (2,)
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            conn.execute("INSERT INTO station_event (station_code, kind, effective_on, recorded_on, recorded_at) "
                         "VALUES (%s, 'closed', '2026-01-01', '2026-01-01', now())", (theirs,))
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            conn.execute("DELETE FROM audit_log")
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            conn.execute("SELECT password FROM account")
        assert conn.execute("SELECT rolsuper FROM pg_roles WHERE rolname = current_user").fetchone() == (False,)
        assert conn.execute("SELECT count(*) FROM pg_tables WHERE tableowner = current_user").fetchone() == (0,)
    with registry.read() as s:
        phones = dict(s.execute(_phones()).all())
    assert phones == {mine: "120", theirs: None}


def test_township_role_cannot_make_its_station_serve_another_township_with_raw_sql(registry: Registry) -> None:
    mine, _ = _stations(registry)
    with registry.engine.begin() as conn:  # the county made it serve a village of the other township
        conn.execute(text("INSERT INTO station_village (station_code, village_code) VALUES (:s, :v)"),
                     {"s": mine, "v": THEIRS})
    with _connect(registry, "tong", "secret3") as conn:
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            conn.execute("INSERT INTO station_village (station_code, village_code) VALUES (%s, %s)",
                         (mine, "640221101201"))
        assert conn.execute("DELETE FROM station_village WHERE village_code = %s", (THEIRS,)).rowcount == 0
        own = conn.execute("INSERT INTO station_village (station_code, village_code) VALUES (%s, %s)",
                           (mine, "640221100201"))
        assert own.rowcount == 1
    with registry.engine.connect() as conn:
        served = conn.execute(text("SELECT village_code FROM station_village ORDER BY 1")).scalars().all()
    assert served == ["640221100201", THEIRS]


def _phones() -> Select[tuple[str, str | None]]:
    return select(Station.code, Station.phone)


def test_supervisor_role_writes_nothing_and_a_disabled_account_cannot_connect(registry: Registry) -> None:
    mine, _ = _stations(registry)
    with _connect(registry, "sup", "secret4") as conn:
        assert conn.execute("UPDATE station SET phone = '110' WHERE code = %s", (mine,)).rowcount == 0
        assert conn.execute("SELECT count(*) FROM station").fetchone() == (2,)
    accounts.set_disabled(registry, "sup")
    with pytest.raises(psycopg.OperationalError, match="not permitted to log in"):
        _connect(registry, "sup", "secret4")


def test_account_connection_is_its_own_role(registry: Registry) -> None:
    _stations(registry)
    url = registry.location.url.render_as_string(hide_password=False)
    with Registry.open(url, login=("tong", "secret3"), source="test") as town:
        assert town.location.url.username == login_role(registry.location.url.database or "", "tong")
        with town.engine.connect() as conn:
            assert conn.exec_driver_sql("SELECT session_user").scalar() == town.location.url.username


def test_an_account_does_not_upgrade_the_schema_the_owner_does(registry: Registry) -> None:
    from villagepost.core.errors import KnownError

    _stations(registry)
    with registry.engine.begin() as conn:
        conn.execute(text("UPDATE alembic_version SET version_num = '0003'"))
    url = registry.location.url.render_as_string(hide_password=False)
    try:
        with pytest.raises(KnownError) as err:
            Registry.open(url, login=("tong", "secret3"))
        assert err.value.key == "account.upgrade_needed"
        assert "db upgrade" in err.value.message("zh")
    finally:
        with registry.engine.begin() as conn:
            conn.execute(text(f"UPDATE alembic_version SET version_num = '{SCHEMA_HEAD}'"))
