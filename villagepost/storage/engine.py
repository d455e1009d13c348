"""Engines for SQLite (the embedded default) and PostgreSQL (a province's shared server).

SQLite is set up for a desktop registry that must never be half-written:
- foreign keys on (SQLite leaves them off by default);
- WAL, so the window keeps reading while an import writes;
- synchronous=FULL: a commit is on disk before "导入完成" is shown, so a power cut right after an import
  never loses it (WAL with NORMAL could drop the last commits). Imports are one transaction each, so the
  extra fsync per commit costs nothing a clerk can measure;
- transactions begin explicitly (pysqlite's own implicit transactions would commit DDL early and break
  the all-or-nothing migrations and imports);
- a busy timeout, so a second window waits for a writer instead of failing at once;
- write transactions begin IMMEDIATE: they take the write lock before their first read. A plain
  (deferred) BEGIN that reads first and writes later cannot wait for another writer at all: when it
  tries to upgrade its read snapshot to a write, SQLite answers SQLITE_BUSY_SNAPSHOT at once, without
  calling the busy handler. Write transactions are marked by the `WRITE` execution option
  (`Registry.write()` / `connection()`); everything else keeps the deferred BEGIN, so the window
  reads while an import writes. Whoever holds the write lock leaves a note beside the file
  (`writer_note`) so that a refused writer can say who is writing.
"""

from __future__ import annotations

import os
import sqlite3
import weakref
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.pool import QueuePool

from villagepost.storage.location import DbLocation
from villagepost.storage.writer_note import NoteKeeper

#: how long a writer waits for another one (SQLite's busy timeout), in seconds; the README promises 10 s.
#: VILLAGEPOST_BUSY_TIMEOUT (seconds) changes it, for a slow shared disk or for tests of the refusal.
BUSY_TIMEOUT_ENV = "VILLAGEPOST_BUSY_TIMEOUT"
DEFAULT_BUSY_TIMEOUT_S = 10.0
#: execution option marking a connection whose transactions write (BEGIN IMMEDIATE on SQLite)
WRITE = "villagepost_write"

_keepers: weakref.WeakKeyDictionary[Engine, NoteKeeper] = weakref.WeakKeyDictionary()


def busy_timeout_ms() -> int:
    raw = os.environ.get(BUSY_TIMEOUT_ENV, "").strip()
    try:
        seconds = float(raw) if raw else DEFAULT_BUSY_TIMEOUT_S
    except ValueError:
        seconds = DEFAULT_BUSY_TIMEOUT_S
    return max(0, int(seconds * 1000))


def note_keeper(engine: Engine) -> NoteKeeper | None:
    """The writer note of an SQLite file engine (None for PostgreSQL and in-memory databases)."""
    return _keepers.get(engine)


def _sqlite_connect(dbapi_connection: Any, _record: Any) -> None:
    dbapi_connection.isolation_level = None  # we issue BEGIN ourselves
    cur = dbapi_connection.cursor()
    cur.execute(f"PRAGMA busy_timeout = {busy_timeout_ms()}")
    cur.execute("PRAGMA foreign_keys = ON")
    cur.execute("PRAGMA journal_mode = WAL")
    cur.execute("PRAGMA synchronous = FULL")
    cur.execute("PRAGMA temp_store = MEMORY")
    cur.execute("PRAGMA cache_size = -65536")  # 64 MiB page cache: the national registry's indexes fit
    cur.close()


def _sqlite_connect_read_only(dbapi_connection: Any, _record: Any) -> None:
    """A registry in a folder we may not write: no journal-mode change, nothing that writes."""
    dbapi_connection.isolation_level = None
    cur = dbapi_connection.cursor()
    cur.execute(f"PRAGMA busy_timeout = {busy_timeout_ms()}")
    cur.execute("PRAGMA foreign_keys = ON")
    cur.execute("PRAGMA temp_store = MEMORY")
    cur.close()


def _sqlite_begin(conn: Any) -> None:
    conn.exec_driver_sql("BEGIN")
def _begin_listener(keeper: NoteKeeper | None) -> Any:
    def begin(conn: Any) -> None:
        if not conn.get_execution_options().get(WRITE):
            conn.exec_driver_sql("BEGIN")
            return
        conn.exec_driver_sql("BEGIN IMMEDIATE")  # waits up to the busy timeout for another writer
        if keeper is not None:
            keeper.write(id(conn))

    return begin


def _end_listener(keeper: NoteKeeper) -> Any:
    def end(conn: Any) -> None:
        if conn.get_execution_options().get(WRITE):
            keeper.remove(id(conn))

    return end


def make_engine(location: DbLocation, *, read_only: bool = False, **kwargs: Any) -> Engine:
    """An engine for `location`, with the SQLite pragmas above where it is SQLite.

    read_only: open the file with SQLite's `mode=ro` (its folder or the file is not writable). SQLite needs
    to create `-shm` beside a WAL database even to read it; where it cannot and no `-wal` is left over,
    the file is opened `immutable` (nothing can change it there anyway).
    """
    if location.is_sqlite and read_only and location.path is not None:
        path = location.path
        query = "mode=ro"
        if not path.with_name(path.name + "-wal").exists():
            query += "&immutable=1"
        uri = f"{path.as_uri()}?{query}"
        engine = create_engine("sqlite://", creator=lambda: sqlite3.connect(uri, uri=True, check_same_thread=False),
                               poolclass=QueuePool, **kwargs)
        event.listen(engine, "connect", _sqlite_connect_read_only)
        event.listen(engine, "begin", _sqlite_begin)
        return engine
    if location.is_sqlite:
        if location.path is not None:
            location.path.parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(location.url, **kwargs)
        event.listen(engine, "connect", _sqlite_connect)
        keeper = NoteKeeper(location.path) if location.path is not None else None
        event.listen(engine, "begin", _begin_listener(keeper))
        if keeper is not None:
            _keepers[engine] = keeper
            event.listen(engine, "commit", _end_listener(keeper))
            event.listen(engine, "rollback", _end_listener(keeper))
        return engine
    kwargs.setdefault("pool_pre_ping", True)
    return create_engine(location.url, **kwargs)
