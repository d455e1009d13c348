from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from sqlalchemy import exc as sa_exc

from villagepost.core.errors import DatabaseError
from villagepost.storage import location
from villagepost.storage.errors import known_error_for


def test_default_location_is_the_user_data_dir(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(location.ENV_DB, raising=False)
    where = location.resolve(None)
    assert where.is_sqlite
    assert where.path == location.default_db_path()
    assert where.path is not None and where.path.name == "villagepost.sqlite"
    assert "VillagePost" in str(where.path)


def test_env_and_argument_override(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv(location.ENV_DB, str(tmp_path / "env.sqlite"))
    assert location.resolve(None).path == tmp_path / "env.sqlite"
    assert location.resolve(tmp_path / "arg.sqlite").path == tmp_path / "arg.sqlite"


def test_postgresql_urls_use_psycopg() -> None:
    where = location.resolve("postgresql://u:secret@db.example/villagepost")
    assert where.url.drivername == "postgresql+psycopg"
    assert where.path is None
    assert "secret" not in where.label


def test_bad_url_is_refused() -> None:
    with pytest.raises(DatabaseError) as err:
        location.resolve("mysql://x/y")
    assert err.value.key == "db.bad_url"


def test_risky_locations() -> None:
    assert location.risky_location(Path("//server/share/villagepost.sqlite"))
    assert location.risky_location(Path("/home/clerk/OneDrive/villagepost.sqlite"))
    assert not location.risky_location(Path("/tmp/villagepost.sqlite"))


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ("database is locked", "db.locked"),
        ("attempt to write a readonly database", "db.readonly"),
        ("database or disk is full", "db.full"),
        ("file is not a database", "db.corrupt"),
        ("unable to open database file", "db.cannot_open"),
    ],
)
def test_sqlite_failures_become_known_errors(text: str, key: str) -> None:
    wrapped = sa_exc.OperationalError("INSERT", {}, sqlite3.OperationalError(text))
    known = known_error_for(wrapped, "x.sqlite")
    assert known is not None and known.key == key
    assert "x.sqlite" in known.message("zh")


def test_bugs_are_not_disguised() -> None:
    assert known_error_for(sa_exc.OperationalError("SELECT", {}, sqlite3.OperationalError("no such column: z")),
                           "x") is None


def test_locked_database_is_reported(tmp_path: Path) -> None:
    from villagepost.services.registry import Registry
    from villagepost.storage.models import Setting

    path = tmp_path / "locked.sqlite"
    Registry.open(path).close()
    holder = sqlite3.connect(path, isolation_level=None)
    holder.execute("BEGIN EXCLUSIVE")
    try:
        with Registry.open(path) as reg:
            reg.engine.dispose()
            from sqlalchemy import event

            @event.listens_for(reg.engine, "connect")
            def _short(dbapi_conn: sqlite3.Connection, _rec: object) -> None:
                dbapi_conn.execute("PRAGMA busy_timeout = 50")

            with pytest.raises(DatabaseError) as err, reg.write() as s:
                s.add(Setting(key="k", value="v"))
            assert err.value.key == "db.locked"
    finally:
        holder.execute("ROLLBACK")
        holder.close()
