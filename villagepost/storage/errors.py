"""Turning database driver failures into errors a clerk can act on.

Only true bugs should reach the crash dialog; a locked, read-only, full or damaged database is the
user's to fix, and says how (after qutebrowser's misc/sql.py).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import exc as sa_exc

from villagepost.core.errors import DatabaseError
from villagepost.storage.writer_note import read_note

#: PostgreSQL SQLSTATEs meaning "two writers met; run the unit of work again": serialization_failure,
#: deadlock_detected, lock_not_available. `Registry.retrying` retries them; they are never bugs.
RETRYABLE_SQLSTATES = frozenset({"40001", "40P01", "55P03"})

_SQLITE_PATTERNS: tuple[tuple[str, str], ...] = (
    ("database is locked", "db.locked"),
    ("database table is locked", "db.locked"),
    ("readonly database", "db.readonly"),
    ("read-only", "db.readonly"),
    ("database or disk is full", "db.full"),
    ("disk i/o error", "db.cannot_open"),
    ("unable to open database file", "db.cannot_open"),
    ("file is not a database", "db.corrupt"),
    ("database disk image is malformed", "db.corrupt"),
    # SQLite keeps no checksums: a flipped bit inside a name is only seen when Python decodes the text
    ("could not decode to utf-8", "db.corrupt"),
)


def _locked(db_label: str, db_path: Path | None, reason: str) -> DatabaseError:
    """A writer that waited the whole busy timeout: say who holds the database when the note tells."""
    from villagepost.storage.engine import busy_timeout_ms

    seconds = f"{busy_timeout_ms() / 1000:g}"
    note = read_note(db_path) if db_path is not None else None
    if note is None:
        return DatabaseError("db.locked", db=db_label, reason=reason, seconds=seconds)
    return DatabaseError("db.locked_by", db=db_label, reason=reason, seconds=seconds, **note.describe())


def known_error_for(exc: BaseException, db_label: str, db_path: Path | None = None) -> DatabaseError | None:
    """The user-facing error for a driver exception, or None when it looks like a bug.

    SQLite says "disk I/O error" or "unable to open database file" both for a full disk and for a folder
    it may not write; the folder is looked at to say which.
    """
    orig = getattr(exc, "orig", exc)
    text = str(orig).lower()
    if isinstance(orig, sqlite3.Error):
        for pattern, key in _SQLITE_PATTERNS:
            if pattern in text:
                if key == "db.locked":
                    return _locked(db_label, db_path, str(orig))
                return _sqlite_error(key, db_label, str(orig))
    if getattr(orig, "sqlstate", None) in RETRYABLE_SQLSTATES:
        return DatabaseError("db.conflict", db=db_label, reason=str(orig).strip().splitlines()[0])
    if isinstance(exc, sa_exc.OperationalError) and not isinstance(orig, sqlite3.Error):
        # PostgreSQL: server down, wrong password, no such database: all things the user fixes.
        return DatabaseError("db.cannot_open", db=db_label, reason=str(orig).strip().splitlines()[0])
    return None


def _sqlite_error(key: str, db_label: str, reason: str) -> DatabaseError:
    from villagepost.storage import backup_store, file_checks

    path = Path(db_label)
    if key == "db.corrupt":
        if path.is_absolute():
            backup_store.mark_damaged(path, reason)
        return backup_store.damaged_error(path, reason)
    if not path.is_absolute():
        return DatabaseError(key, db=db_label, reason=reason)
    folder = path.parent
    if key in ("db.cannot_open", "db.readonly", "db.full") and folder.is_dir():
        if file_checks.disk_full(folder):
            return DatabaseError("db.full", db=db_label, reason=reason)
        if not file_checks.folder_writable(folder):
            return DatabaseError("db.readonly_folder", db=db_label, folder=str(folder), reason=reason)
    return DatabaseError(key, db=db_label, reason=reason)


@contextmanager
def translated(db_label: str, db_path: Path | None = None) -> Iterator[None]:
    """Re-raise known driver failures as DatabaseError; let everything else through."""
    try:
        yield
    except (sa_exc.DBAPIError, sqlite3.Error) as exc:
        known = known_error_for(exc, db_label, db_path)
        if known is None:
            raise
        raise known from exc
