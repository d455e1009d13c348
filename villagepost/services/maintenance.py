"""Registry maintenance the window's menus and the CLI share: a copy of the registry to a file.

Why a service: the CLI's `db backup` and the window's 文件 → 备份数据库 must make the same verified copy
(SQLite's online backup, safe while the registry is in use) and refuse the same targets and servers.
"""

from __future__ import annotations

from pathlib import Path

from villagepost.services import backups
from villagepost.services.registry import Registry
from villagepost.storage import backup_store
from villagepost.storage.errors import translated
from villagepost.storage.registry_checks import Problem, full_problems


def backup(reg: Registry, out: Path | str) -> Path:
    """A verified copy of an SQLite registry at the new file `out` (see `backups.copy_to` for refusals)."""
    if reg.location.path is None:
        backups.sqlite_path(reg.location.url.render_as_string(hide_password=False))
    return backups.copy_to(reg.location.path, out)


def check(db: str | Path | None) -> list[Problem]:
    """`db check`: every check of `storage.registry_checks.full_problems`; [] when whole.

    A registry too damaged to open at all gives one `integrity` problem with the reason; a missing or
    foreign file is still refused by name.
    """
    from villagepost.core.errors import DatabaseError
    from villagepost.storage import location as loc

    where = loc.resolve(db)
    try:
        with Registry.open(db, create=False, check=False) as reg, translated(reg.label), \
                reg.engine.connect() as conn:
            problems = full_problems(conn, sqlite=where.is_sqlite)
            conn.rollback()
        if where.path is not None:
            if problems:
                backup_store.mark_damaged(where.path, f"{problems[0].kind}: {problems[0].detail}")
            else:
                backup_store.clear_damaged(where.path)
        return problems
    except DatabaseError as exc:
        if exc.key != "db.corrupt":
            raise
        return [Problem("integrity", str(exc.params.get("reason", "")))]
