"""Opening an SQLite registry for reading with the standard library alone, when a full open would add nothing.

Why: a full open (`services.registry.Registry.open`) imports SQLAlchemy and the ORM models (~1 s of a
command's start-up on the project's machine), which a read-only command such as `divisions show` does not
need. This path is taken only when the full open would neither change the registry nor say anything: the
file passes the same pre-flight, sits in a writable folder that is not a network share or sync folder, is
not marked damaged, needs no schema upgrade, has no accounts (so the local user reads everything), and its
day's automatic backup is already made; then the same quick check of every open runs here. In every other
case, and on any SQLite error, the caller falls back to the full open, which gives the usual answer.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

from villagepost.core.errors import DatabaseError
from villagepost.storage import backup_store, file_checks, quick_check
from villagepost.storage.schema_head import SCHEMA_HEAD, VERSION_TABLE

#: as `storage.engine`'s busy timeout: wait for a writer rather than fail
BUSY_SECONDS = 10.0


def open_current(path: Path) -> sqlite3.Connection | None:
    """A read-only sqlite3 connection to the registry at `path`, or None when a full open is needed."""
    try:
        if file_checks.preflight(path, create=False) is not file_checks.OpenMode.READ_WRITE:
            return None
    except (DatabaseError, OSError):
        return None
    if file_checks.risky_location(path) or backup_store.damage_mark(path) is not None:
        return None
    try:
        if backup_store.daily_due(path):
            return None
    except OSError:
        return None
    try:
        conn = sqlite3.connect(f"{path.as_uri()}?mode=ro", uri=True, timeout=BUSY_SECONDS)
    except sqlite3.Error:
        return None
    try:
        if _usable(conn):
            return conn
    except sqlite3.Error:
        pass
    conn.close()
    return None


def _usable(conn: sqlite3.Connection) -> bool:
    tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    if VERSION_TABLE not in tables or "account" not in tables:
        return False
    if conn.execute(f"SELECT version_num FROM {VERSION_TABLE}").fetchall() != [(SCHEMA_HEAD,)]:
        return False
    if conn.execute("SELECT 1 FROM account LIMIT 1").fetchone() is not None:
        return False
    return not quick_check.quick_problems(conn)
