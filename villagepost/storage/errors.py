"""Turning database driver failures into errors a clerk can act on.

Only true bugs should reach the crash dialog; a locked, read-only, full or damaged database is the
user's to fix, and says how (after qutebrowser's misc/sql.py).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import exc as sa_exc

from villagepost.core.errors import DatabaseError

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
)


def known_error_for(exc: BaseException, db_label: str) -> DatabaseError | None:
    """The user-facing error for a driver exception, or None when it looks like a bug."""
    orig = getattr(exc, "orig", exc)
    text = str(orig).lower()
    if isinstance(orig, sqlite3.Error):
        for pattern, key in _SQLITE_PATTERNS:
            if pattern in text:
                return DatabaseError(key, db=db_label, reason=str(orig))
    if isinstance(exc, sa_exc.OperationalError) and not isinstance(orig, sqlite3.Error):
        # PostgreSQL: server down, wrong password, no such database: all things the user fixes.
        return DatabaseError("db.cannot_open", db=db_label, reason=str(orig).strip().splitlines()[0])
    return None


@contextmanager
def translated(db_label: str) -> Iterator[None]:
    """Re-raise known driver failures as DatabaseError; let everything else through."""
    try:
        yield
    except (sa_exc.DBAPIError, sqlite3.Error) as exc:
        known = known_error_for(exc, db_label)
        if known is None:
            raise
        raise known from exc
