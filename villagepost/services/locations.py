"""Where this PC keeps the registry and the logs: the window's way to the storage layer's answers.

Why a service: the window (options, the crash log, opening the default database) asked
villagepost.storage directly, the one place the GUI skipped the services layer.
"""

from __future__ import annotations

from pathlib import Path

from villagepost.storage import location as _location


def default_db_path() -> Path:
    """The per-user SQLite file the window opens when no database is named."""
    return _location.default_db_path()


def log_dir() -> Path:
    """The folder of the crash log."""
    return _location.log_dir()


def is_file_database(database: str) -> bool:
    """Whether `database` (a path or a URL) names a SQLite file rather than a server; raises the KnownError
    of an unreadable location."""
    return _location.resolve(database).path is not None


def file_database(database: str | None) -> Path | None:
    """The SQLite file that `database` (a path, a URL, or None for the default) names; None for a server.

    Raises the KnownError of a location that does not resolve."""
    return _location.resolve(database).path
