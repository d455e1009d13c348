"""Where the registry lives: the per-user default, `--db`, or VILLAGEPOST_DB.

A clerk never has to know about URLs: a plain file path means an SQLite file; a province server is a
`postgresql://` or `postgresql+psycopg://` URL.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from platformdirs import user_data_dir, user_log_dir
from sqlalchemy.engine import URL, make_url

from villagepost.core.errors import DatabaseError
from villagepost.storage.file_checks import risky_location  # noqa: F401  (where it was first defined)

APP_NAME = "VillagePost"
ENV_DB = "VILLAGEPOST_DB"
DEFAULT_FILENAME = "villagepost.sqlite"


def default_db_path() -> Path:
    """The default SQLite file: e.g. %LOCALAPPDATA%\\VillagePost\\villagepost.sqlite on Windows,
    ~/.local/share/VillagePost/villagepost.sqlite on Linux."""
    return Path(user_data_dir(APP_NAME, appauthor=False)) / DEFAULT_FILENAME


def log_dir() -> Path:
    return Path(user_log_dir(APP_NAME, appauthor=False))


@dataclass(frozen=True)
class DbLocation:
    """A resolved database location and how to show it to the user."""

    url: URL
    #: the SQLite file, or None for a server database
    path: Path | None

    @property
    def is_sqlite(self) -> bool:
        return self.url.get_backend_name() == "sqlite"

    @property
    def label(self) -> str:
        """What messages call the database: the file path, or the server URL without its password."""
        if self.path is not None:
            return str(self.path)
        return self.url.render_as_string(hide_password=True)


def _sqlite_file(path: Path) -> DbLocation:
    """An SQLite file as a URL built from its parts: a folder named like `a%20b` or `报表#1` (legal on
    Windows and Linux) must not be read as URL escapes or a fragment, which would open another file."""
    return DbLocation(URL.create("sqlite", database=str(path)), path)


def resolve(db: str | os.PathLike[str] | None = None) -> DbLocation:
    """Resolve `--db`, else $VILLAGEPOST_DB, else the per-user default file."""
    raw = os.fspath(db) if db is not None else os.environ.get(ENV_DB) or None
    if raw is None:
        return _sqlite_file(default_db_path())
    if "://" not in raw:
        return _sqlite_file(Path(raw).expanduser().resolve())
    try:
        url = make_url(raw)
    except Exception as exc:  # sqlalchemy raises ArgumentError for malformed URLs
        raise DatabaseError("db.bad_url", db=raw) from exc
    backend = url.get_backend_name()
    if backend in ("postgresql", "postgres"):
        url = url.set(drivername="postgresql+psycopg")
        return DbLocation(url, None)
    if backend == "sqlite":
        database = url.database or ""
        if not database or database == ":memory:":
            return DbLocation(url, None)
        path = Path(database).expanduser().resolve()
        return DbLocation(url.set(database=str(path)), path)
    raise DatabaseError("db.bad_url", db=raw)
