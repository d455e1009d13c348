"""Shared fixtures: registries built from the real bundled division codes, on SQLite and on PostgreSQL.

Loading a province reads the national files (~3 s), so each scope is loaded once per test session into a
template SQLite file and copied per test. PostgreSQL runs when VILLAGEPOST_TEST_PG_URL points at a server
(`.ci/run` starts one); each test then gets a fresh database of its own. In CI (CI=true) a missing server
is an error, never a silent skip.
"""

from __future__ import annotations

import os
import shutil
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from villagepost.core import clock
from villagepost.core.actor import Actor
from villagepost.services import divisions as div_svc
from villagepost.services.registry import Registry

PG_ENV = "VILLAGEPOST_TEST_PG_URL"
TEST_ACTOR = Actor(name="tester")

#: The day every test runs on, unless it moves the clock itself (`set_clock`). No test reads the real clock:
#: the application asks `villagepost.core.clock` for today and now, and this variable — set here, before any
#: test module is imported, and inherited by CLI subprocesses — fixes the instant it answers.
TEST_TODAY = "2026-11-23"
os.environ[clock.ENV] = TEST_TODAY
#: Automatic backups (daily on first open, before imports) copy and verify the whole registry; the tests of
#: backups turn them on (`auto_backups`), every other test would only pay for them.
os.environ["VILLAGEPOST_AUTO_BACKUP"] = "0"


@pytest.fixture
def set_clock(monkeypatch: pytest.MonkeyPatch) -> Callable[[str], None]:
    """A function: ISO date or date-time -> the clock of this test (and of its subprocesses) from then on."""

    def move(instant: str) -> None:
        clock.parse_instant(instant)  # a typo in a test fails here, not as a puzzling figure later
        monkeypatch.setenv(clock.ENV, instant)

    return move


def pytest_configure(config: pytest.Config) -> None:
    if os.environ.get("CI") and not os.environ.get(PG_ENV):
        raise pytest.UsageError(f"CI=true but {PG_ENV} is not set: the PostgreSQL half must run in CI")


@pytest.fixture(scope="session")
def _template_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("templates")


@pytest.fixture(scope="session")
def sqlite_template(_template_dir: Path) -> Callable[[tuple[str, ...]], Path]:
    """A function: scopes -> path of a template SQLite registry with those scopes loaded (cached)."""
    cache: dict[tuple[str, ...], Path] = {}

    def make(scopes: tuple[str, ...]) -> Path:
        if scopes not in cache:
            path = _template_dir / f"tpl-{'-'.join(scopes) or 'empty'}.sqlite"
            with Registry.open(path, actor=TEST_ACTOR) as reg:
                if scopes:
                    div_svc.load(reg, scopes)
                with reg.engine.connect() as conn:
                    conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
            cache[scopes] = path
        return cache[scopes]

    return make


def _pg_admin_url() -> str | None:
    return os.environ.get(PG_ENV)


@pytest.fixture(scope="session")
def pg_server() -> str:
    url = _pg_admin_url()
    if not url:
        pytest.skip(f"PostgreSQL tests need {PG_ENV} (e.g. postgresql+psycopg://user:pw@localhost/postgres); "
                    ".ci/run sets it")
    return url


@pytest.fixture
def pg_database(pg_server: str) -> Iterator[str]:
    """A fresh, empty PostgreSQL database for one test; dropped afterwards."""
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    name = f"vp_test_{uuid.uuid4().hex[:12]}"
    admin = create_engine(pg_server, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    url = make_url(pg_server).set(database=name).render_as_string(hide_password=False)
    try:
        yield url
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            # Accounts are LOGIN roles named "<database>.<account>" (plus two group roles), and roles
            # belong to the whole server: drop this database's, once the database no longer needs them.
            roles = conn.execute(text("SELECT rolname FROM pg_roles WHERE rolname LIKE :p"), {"p": f"{name}.%"})
            for (role,) in sorted(roles, key=lambda r: r[0].endswith((".users", ".admins"))):
                conn.execute(text(f'DROP ROLE IF EXISTS "{role}"'))
        admin.dispose()


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.pg)])
def backend(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
def make_registry(
    backend: str, request: pytest.FixtureRequest, tmp_path: Path, sqlite_template: Callable[[tuple[str, ...]], Path]
) -> Iterator[Callable[..., Registry]]:
    """A function: scopes -> an open Registry on the parametrised backend with those scopes loaded."""
    opened: list[Registry] = []

    def make(*scopes: str, actor: Actor = TEST_ACTOR) -> Registry:
        if backend == "sqlite":
            path = tmp_path / f"reg-{len(opened)}.sqlite"
            shutil.copyfile(sqlite_template(tuple(scopes)), path)
            reg = Registry.open(path, actor=actor)
        else:
            url = request.getfixturevalue("pg_database") if not opened else _extra_pg(request)
            reg = Registry.open(url, actor=actor)
            if scopes:
                div_svc.load(reg, scopes)
        opened.append(reg)
        return reg

    yield make
    for reg in opened:
        reg.close()


def _extra_pg(request: pytest.FixtureRequest) -> str:
    raise pytest.UsageError("one PostgreSQL registry per test")


@pytest.fixture
def sqlite_registry(tmp_path: Path, sqlite_template: Callable[[tuple[str, ...]], Path]) -> Callable[..., Registry]:
    """SQLite only (for tests of SQLite-specific behaviour): scopes -> open Registry (closed by the caller)."""

    def make(*scopes: str, actor: Actor = TEST_ACTOR, name: str = "reg.sqlite") -> Registry:
        path = tmp_path / name
        shutil.copyfile(sqlite_template(tuple(scopes)), path)
        return Registry.open(path, actor=actor)

    return make


def _qt_problem() -> str | None:
    """Why Qt cannot run here (missing system libraries), or None."""
    try:
        from PySide6 import QtGui  # noqa: F401
    except ImportError as exc:
        return str(exc)
    return None


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    gui_items = [item for item in items if item.get_closest_marker("gui")]
    if not gui_items:
        return
    problem = _qt_problem()
    if problem is None:
        return
    if os.environ.get("CI"):
        raise pytest.UsageError(f"CI=true but Qt cannot load: {problem}")
    skip = pytest.mark.skip(reason=f"Qt cannot load here ({problem}); install libegl1 libgl1 libxkbcommon0 "
                                   "libfontconfig1 libdbus-1-3")
    for item in gui_items:
        item.add_marker(skip)
