"""The schema-version gate: refuse a newer schema, back up, then migrate (after TagStudio and qutebrowser).

Opening a database must never damage it. So: an empty database gets the current schema; one at
`SCHEMA_HEAD` opens at once without importing Alembic (start-up stays fast); an older one is first copied
to a timestamped backup beside it and then upgraded in one transaction; one whose revision we do not know
was written by a newer VillagePost and is refused untouched.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import Connection, Engine, inspect, text

from villagepost.core.errors import DatabaseError, SchemaTooNew
from villagepost.storage.engine import WRITE
from villagepost.storage.location import DbLocation

if TYPE_CHECKING:
    from alembic.config import Config

#: The newest migration in db/versions; a test checks it equals Alembic's head.
SCHEMA_HEAD = "0007"
VERSION_TABLE = "alembic_version"
#: Where the migration scripts are; None means the shipped db/ (tests point it at a copy with extra steps).
MIGRATIONS_DIR: Path | None = None


def migrations_dir() -> Path:
    return MIGRATIONS_DIR or Path(str(resources.files("villagepost.migrations")))


@dataclass(frozen=True)
class SchemaReport:
    """What `ensure_schema` did: `created`, `current`, or `upgraded` (from → to, with the backup's path)."""

    action: str
    from_revision: str | None
    to_revision: str
    backup: Path | None = None


def _alembic_config(connection: Connection | None = None) -> Config:
    """Alembic configured in code: the scripts in db/ (shipped as villagepost.migrations), our connection."""
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(migrations_dir()))
    if connection is not None:
        cfg.attributes["connection"] = connection
    return cfg


def known_revisions() -> set[str]:
    from alembic.script import ScriptDirectory

    return {rev.revision for rev in ScriptDirectory.from_config(_alembic_config()).walk_revisions()}


def script_head() -> str | None:
    from alembic.script import ScriptDirectory

    return ScriptDirectory.from_config(_alembic_config()).get_current_head()


def current_revision(connection: Connection) -> str | None:
    if not inspect(connection).has_table(VERSION_TABLE):
        return None
    return connection.execute(text(f"SELECT version_num FROM {VERSION_TABLE}")).scalar()


def backup_before_upgrade(path: Path, found: str) -> Path:
    """A verified backup (integrity_check: the invariants speak of the new schema) in the backups folder."""
    from villagepost.storage import backup_store

    return backup_store.make_backup(path, "pre-upgrade", integrity_only, schema=found).file


def integrity_only(path: Path) -> list[str]:
    """SQLite's integrity_check of a file; [] when whole."""
    con = sqlite3.connect(f"{path.as_uri()}?mode=ro", uri=True)
    try:
        rows = [str(r[0]) for r in con.execute("PRAGMA integrity_check")]
    except sqlite3.DatabaseError as exc:
        return [str(exc)]
    finally:
        con.close()
    return [r for r in rows if r != "ok"]


def ensure_schema(engine: Engine, location: DbLocation, head: str | None = None, *,
                  read_only: bool = False) -> SchemaReport:
    """Bring the database to the schema head (`SCHEMA_HEAD`), or refuse. See the module docstring.

    read_only: the registry's folder is not writable; one that would need creating or upgrading is refused.
    """
    head = head or SCHEMA_HEAD
    with engine.connect() as conn:
        found = current_revision(conn)
        has_tables = bool(inspect(conn).get_table_names())
        conn.rollback()
    if found == head:
        return SchemaReport("current", found, head)
    if found is None and has_tables:
        raise DatabaseError("db.not_villagepost", db=location.label)
    if found is not None and found not in known_revisions():
        raise SchemaTooNew("db.schema_newer", db=location.label, found=found, supported=head)
    if read_only and location.path is not None:
        raise DatabaseError("db.readonly_folder", db=location.label, folder=str(location.path.parent))
    backup = None
    if found is not None and location.path is not None and location.path.exists():
        backup = backup_before_upgrade(location.path, found)
    _upgrade(engine, head)
    return SchemaReport("created" if found is None else "upgraded", found, head, backup)


def _upgrade(engine: Engine, revision: str = "head") -> None:
    from alembic import command

    with engine.execution_options(**{WRITE: True}).begin() as conn:
        command.upgrade(_alembic_config(conn), revision)


def backup_sqlite_to(path: Path, target: Path) -> Path:
    """A consistent copy of a live SQLite database at `target` (the user's `db backup OUT`)."""
    target = target.expanduser().resolve()
    target.parent.mkdir(parents=True, exist_ok=True)
    src = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        dst = sqlite3.connect(target)
        try:
            src.backup(dst)
        finally:
            dst.close()
    finally:
        src.close()
    return target
