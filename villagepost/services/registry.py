"""An open registry: the one object the CLI and the window hold, and the unit of work for every action.

Every user action runs in `with registry.write() as session:` — one transaction, committed at the end or
rolled back on any error (calibre's and SQLAlchemy's "separate and external" session pattern). Every
write names its actor, so audit and township roles can plug in here without touching callers.

Concurrency: `write()` and `connection()` are write transactions (on SQLite they begin IMMEDIATE and
wait up to the busy timeout for another writer; `read()` and `reading()` never take the write lock).
On PostgreSQL a unit of work that meets another writer in a deadlock or a serialisation failure is run
again by `retrying` (a bounded number of times), so a clerk never sees an internal error for it.
"""

from __future__ import annotations

import datetime as dt
import functools
import logging
import random
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Concatenate, ParamSpec, TypeVar

from sqlalchemy import Connection, Engine, select
from sqlalchemy.orm import Session, sessionmaker

from villagepost.core.actor import DEFAULT_SOURCE, Actor, default_actor
from villagepost.core.errors import DatabaseError
from villagepost.storage import backup_store, file_checks
from villagepost.storage import location as loc
from villagepost.storage.engine import WRITE, make_engine, note_keeper
from villagepost.storage.errors import translated
from villagepost.storage.models import Setting
from villagepost.storage.registry_checks import quick_problems, verify_file
from villagepost.storage.schema import SchemaReport, ensure_schema

log = logging.getLogger(__name__)

P = ParamSpec("P")
R = TypeVar("R")
#: how often a unit of work is tried when PostgreSQL reports a deadlock or a serialisation failure
ATTEMPTS = 6


@dataclass
class Registry:
    """An open VillagePost database."""

    location: loc.DbLocation
    engine: Engine
    actor: Actor
    schema: SchemaReport
    #: message keys (with params) worth telling the user once, e.g. a database on a network share
    notices: list[tuple[str, dict[str, str]]] = field(default_factory=list)
    #: while `as_recorded` runs: the connection whose shadow tables answer `read()` — in that thread only
    #: (the window reads on other threads meanwhile, and they must see the registry as it is)
    _pins: threading.local = field(default_factory=threading.local, repr=False)

    #: the folder when the registry was opened read-only because it (or the file) is not writable
    read_only_folder: Path | None = None

    @classmethod
    def open(cls, db: str | Path | None = None, *, actor: Actor | None = None, create: bool = True,
             check: bool = True, login: tuple[str, str] | None = None, source: str = DEFAULT_SOURCE) -> Registry:
        """Open the database `db`, else $VILLAGEPOST_DB, else the default; upgrade it as needed.

        create: a missing or zero-byte SQLite file becomes a new registry (only what sets one up passes
            True: `db init`, `divisions load`, the window's first start); otherwise each is refused by name.
        check: run the quick integrity check (`storage.registry_checks`); a damaged registry is refused
            before anything writes to it, naming the newest good backup.
        Who acts: `actor` when the caller names one (code in this process is trusted: tests, scripts);
        else the account `login` = (name, password) — on PostgreSQL the connection is then that account's
        own LOGIN role; else, on a registry without accounts, the local user. A registry with accounts
        refuses to open without a login (services.accounts).
        """
        where = loc.resolve(db)
        as_account = login is not None and not where.is_sqlite and actor is None
        if as_account:
            from villagepost.storage.rls import login_role

            assert login is not None
            where = loc.DbLocation(where.url.set(username=login_role(where.url.database or "", login[0]),
                                                 password=login[1]), None)
        mode = file_checks.OpenMode.READ_WRITE
        if where.path is not None:
            mode = file_checks.preflight(where.path, create=create)
            if mode is file_checks.OpenMode.CREATE and where.path.exists():
                where.path.unlink()  # a zero-byte file: SQLite would take it as empty anyway
        read_only = mode is file_checks.OpenMode.READ_ONLY
        with translated(where.label):
            engine = make_engine(where, read_only=read_only)
        try:
            with translated(where.label):
                if check and where.path is not None and mode is not file_checks.OpenMode.CREATE:
                    _refuse_if_damaged(engine, where.path)
                if as_account:
                    from villagepost.services.accounts import require_current_schema

                    require_current_schema(engine, where.label)
                report = ensure_schema(engine, where, read_only=read_only)
                if actor is None:
                    from villagepost.services.accounts import actor_on_open

                    with engine.connect() as conn:
                        actor = actor_on_open(conn, login, source=source)
                        conn.rollback()
        except DatabaseError as exc:
            engine.dispose()
            if as_account and login is not None:
                from villagepost.services.accounts import refused_login

                raise refused_login(exc, login[0]) from exc
            raise
        except BaseException:
            engine.dispose()
            raise
        reg = cls(where, engine, actor or default_actor().from_source(source), report)
        if read_only and where.path is not None:
            reg.read_only_folder = where.path.parent
            reg.notices.append(("db.opened_read_only", {"db": where.label, "folder": str(where.path.parent)}))
        keeper = note_keeper(engine)
        if keeper is not None:
            keeper.who = reg.actor.name
        if report.backup is not None:
            reg.notices.append(("db.backup_made", {"path": str(report.backup)}))
        if mode is file_checks.OpenMode.READ_WRITE and where.path is not None:
            try:
                _daily_backup(reg, where.path)
            except BaseException:
                reg.close()
                raise
        if where.path is not None and loc.risky_location(where.path):
            reg.notices.append(("db.network_share", {"db": where.label}))
        return reg

    def refuse_read_only(self) -> None:
        """Raise the read-only refusal before a write starts (SQLite would only say "readonly database")."""
        if self.read_only_folder is not None:
            raise DatabaseError("db.readonly_folder", db=self.label, folder=str(self.read_only_folder))

    @property
    def label(self) -> str:
        return self.location.label

    @contextmanager
    def read(self) -> Iterator[Session]:
        """A session for reading; nothing it does is committed.

        Closing (not rolling back) ends the transaction without expiring what was loaded, so the
        returned objects stay readable after the block. Inside `as_recorded`, reads answer as of that instant.
        """
        pinned: Connection | None = getattr(self._pins, "conn", None)
        if pinned is not None:
            with translated(self.label, self.location.path), Session(bind=pinned, expire_on_commit=False) as session:
                yield session
            return
        with translated(self.label, self.location.path), Session(self.engine, expire_on_commit=False) as session:
            yield session

    @contextmanager
    def write(self) -> Iterator[Session]:
        """One unit of work: committed when the block ends, rolled back entirely on any exception."""
        with (translated(self.label, self.location.path), Session(self._writer(), expire_on_commit=False) as session,
              session.begin()):
            yield session

    @contextmanager
    def connection(self) -> Iterator[Connection]:
        """A Core connection in one write transaction, for bulk work (on SQLite it holds the write lock; a
        registry opened read-only refuses its first write with `db.readonly_folder`, through `storage.errors`)."""
        with translated(self.label, self.location.path), self._writer().begin() as conn:
            yield conn

    @contextmanager
    def reading(self) -> Iterator[Connection]:
        """A Core connection in one read transaction: never waits for a writer, never blocks one."""
        with translated(self.label, self.location.path), self.engine.begin() as conn:
            yield conn

    @contextmanager
    def as_recorded(self, scope: str, recorded_until: dt.datetime) -> Iterator[tuple[int, int]]:
        """While the block runs, `read()` answers coverage questions about `scope` as the registry knew them
        at `recorded_until` (naive UTC): see `storage.replay`. Yields (stations with a history, events)."""
        from villagepost.storage import replay

        with translated(self.label, self.location.path), self.engine.connect() as conn, \
                replay.shadowed(conn, scope, recorded_until) as counts:
            self._pins.conn = conn
            try:
                yield counts
            finally:
                self._pins.conn = None

    def _writer(self) -> Engine:
        return self.engine.execution_options(**{WRITE: True})

    def sessionmaker(self) -> sessionmaker[Session]:
        """Sessions that write (BEGIN IMMEDIATE on SQLite)."""
        return sessionmaker(self._writer(), expire_on_commit=False)

    def setting(self, key: str, default: str | None = None) -> str | None:
        with self.read() as s:
            value = s.execute(select(Setting.value).where(Setting.key == key)).scalar()
        return default if value is None else value

    def close(self) -> None:
        self.engine.dispose()

    @property
    def is_postgres(self) -> bool:
        return not self.location.is_sqlite

    def __enter__(self) -> Registry:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _refuse_if_damaged(engine: Engine, path: Path) -> None:
    """The quick check of every open (see `storage.registry_checks`); a damaged registry is refused, and so
    is one an earlier command found damaged (until a restore or a passing `db check`)."""
    marked = backup_store.damage_mark(path)
    if marked is not None:
        raise backup_store.damaged_error(path, marked)
    with engine.connect() as conn:
        problems = quick_problems(conn)
        conn.rollback()
    if problems:
        backup_store.mark_damaged(path, problems[0].detail)
        raise backup_store.damaged_error(path, problems[0].detail)


def _daily_backup(reg: Registry, path: Path) -> None:
    """The first open of a day backs the registry up (verified, then rotated); a failure is a notice."""
    try:
        if not backup_store.daily_due(path):
            return
        entry = backup_store.make_backup(path, "daily", verify_file)
        backup_store.rotate(path)
    except OSError as exc:
        reg.notices.append(("backup.daily_failed", {"reason": exc.strerror or str(exc)}))
        return
    reg.notices.append(("backup.daily_made", {"path": str(entry.file)}))
def retrying(fn: Callable[Concatenate[Registry, P], R]) -> Callable[Concatenate[Registry, P], R]:
    """Run a unit of work again when PostgreSQL reports that it met another writer (deadlock, serialisation).

    The wrapped function must open its own transaction (as every service does), so a retry starts from
    scratch. After ATTEMPTS tries the clear `db.conflict` message goes to the user; never a traceback.
    """

    @functools.wraps(fn)
    def run(reg: Registry, *args: P.args, **kwargs: P.kwargs) -> R:
        for attempt in range(1, ATTEMPTS + 1):
            try:
                return fn(reg, *args, **kwargs)
            except DatabaseError as exc:
                if exc.key != "db.conflict" or attempt == ATTEMPTS:
                    raise
                log.info("%s met another writer (%s); attempt %d of %d", fn.__name__, exc.params.get("reason"),
                         attempt + 1, ATTEMPTS)
                time.sleep(random.uniform(0.01, 0.05) * attempt)  # jitter, so two retrying writers part ways
        raise AssertionError("unreachable")

    return run
