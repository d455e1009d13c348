"""Retrying a unit of work that met another writer on PostgreSQL, and what a clerk sees when retries run out."""

from __future__ import annotations

from collections.abc import Callable

import psycopg
import pytest
from sqlalchemy import exc as sa_exc

from villagepost.core.errors import DatabaseError
from villagepost.services import registry as registry_module
from villagepost.services.registry import Registry, retrying
from villagepost.storage.errors import known_error_for
from villagepost.storage.locks import county_of, lock_counties


def _driver_error(cls: type[Exception], text: str) -> sa_exc.OperationalError:
    return sa_exc.OperationalError("UPDATE station …", {}, cls(text))


@pytest.mark.parametrize("cls", [psycopg.errors.DeadlockDetected, psycopg.errors.SerializationFailure,
                                 psycopg.errors.LockNotAvailable])
def test_deadlocks_and_serialisation_failures_are_conflicts_not_bugs(cls: type[Exception]) -> None:
    err = known_error_for(_driver_error(cls, "deadlock detected\nDETAIL: …"), "postgresql://server/vp")
    assert err is not None and err.key == "db.conflict"
    assert "同时修改相同的数据" in err.message("zh") and "at the same time" in err.message("en")


def test_a_conflict_is_retried_and_then_succeeds(monkeypatch: pytest.MonkeyPatch,
                                                 sqlite_registry: Callable[..., Registry]) -> None:
    monkeypatch.setattr(registry_module.time, "sleep", lambda _s: None)
    calls: list[int] = []

    @retrying
    def work(reg: Registry, value: int) -> int:
        calls.append(value)
        if len(calls) < 3:
            raise DatabaseError("db.conflict", db=reg.label, reason="deadlock detected")
        return value * 2

    reg = sqlite_registry()
    assert work(reg, 21) == 42 and calls == [21, 21, 21]
    calls.clear()

    @retrying
    def always(reg: Registry) -> None:
        calls.append(0)
        raise DatabaseError("db.conflict", db=reg.label, reason="deadlock detected")

    with pytest.raises(DatabaseError) as caught:
        always(reg)
    assert caught.value.key == "db.conflict" and len(calls) == registry_module.ATTEMPTS

    @retrying
    def refused(reg: Registry) -> None:
        calls.append(1)
        raise DatabaseError("db.readonly", db=reg.label)

    calls.clear()
    with pytest.raises(DatabaseError):
        refused(reg)
    assert calls == [1]  # only conflicts are retried
    reg.close()


def test_county_locks_are_taken_in_code_order(make_registry: Callable[..., Registry]) -> None:
    reg = make_registry()
    with reg.connection() as conn:
        assert lock_counties(conn, ["640221106200-01", "640104", "640221100200", "64"]) == ["640104", "640221"]
        if reg.is_postgres:
            held = conn.exec_driver_sql("SELECT objid FROM pg_locks WHERE locktype = 'advisory' AND classid = 22096 "
                                        "AND pid = pg_backend_pid() ORDER BY objid").scalars().all()
            assert held == [640104, 640221]
    assert county_of("640221106200-01") == "640221"
