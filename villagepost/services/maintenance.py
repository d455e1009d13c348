"""Registry maintenance the window's menus and the CLI share: backups.

Why a service: the CLI's `db backup` and the window's 文件 → 备份数据库 must make the same consistent
copy (SQLite's online backup, safe while the registry is in use) and refuse the same way on a server.
"""

from __future__ import annotations

from pathlib import Path

from villagepost.core.errors import KnownError
from villagepost.services.registry import Registry
from villagepost.storage.schema import backup_sqlite_to


def backup(reg: Registry, out: Path | str) -> Path:
    """A consistent copy of an SQLite registry at `out`; a PostgreSQL registry is backed up with pg_dump."""
    if reg.location.path is None:
        raise KnownError("db.backup_server")
    return backup_sqlite_to(reg.location.path, Path(out))
