"""An open registry: the one object the CLI and the window hold, and the unit of work for every action.

Every user action runs in `with registry.write() as session:` — one transaction, committed at the end or
rolled back on any error (calibre's and SQLAlchemy's "separate and external" session pattern). Every
write names its actor, so audit and township roles can plug in here without touching callers.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import Connection, Engine, select
from sqlalchemy.orm import Session, sessionmaker

from villagepost.core import clock
from villagepost.core.actor import Actor, default_actor
from villagepost.core.errors import DatabaseError
from villagepost.storage import backup_store, file_checks
from villagepost.storage import location as loc
from villagepost.storage.engine import make_engine
from villagepost.storage.errors import translated
from villagepost.storage.models import Setting
from villagepost.storage.registry_checks import quick_problems, verify_file
from villagepost.storage.schema import SchemaReport, ensure_schema

log = logging.getLogger(__name__)


@dataclass
class Registry:
    """An open VillagePost database."""

    location: loc.DbLocation
    engine: Engine
    actor: Actor
    schema: SchemaReport
    #: message keys (with params) worth telling the user once, e.g. a database on a network share
    notices: list[tuple[str, dict[str, str]]] = field(default_factory=list)

    #: the folder when the registry was opened read-only because it (or the file) is not writable
    read_only_folder: Path | None = None

    @classmethod
    def open(cls, db: str | Path | None = None, *, actor: Actor | None = None, create: bool = True,
             check: bool = True) -> Registry:
        """Open the database `db`, else $VILLAGEPOST_DB, else the default; upgrade it as needed.

        create: a missing or zero-byte SQLite file becomes a new registry (only what sets one up passes
            True: `db init`, `divisions load`, the window's first start); otherwise each is refused by name.
        check: run the quick integrity check (`storage.registry_checks`); a damaged registry is refused
            before anything writes to it, naming the newest good backup.
        """
        where = loc.resolve(db)
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
                report = ensure_schema(engine, where, read_only=read_only)
        except BaseException:
            engine.dispose()
            raise
        reg = cls(where, engine, actor or default_actor(), report)
        if read_only and where.path is not None:
            reg.read_only_folder = where.path.parent
            reg.notices.append(("db.opened_read_only", {"db": where.label, "folder": str(where.path.parent)}))
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
        returned objects stay readable after the block.
        """
        with translated(self.label), Session(self.engine, expire_on_commit=False) as session:
            yield session

    @contextmanager
    def write(self) -> Iterator[Session]:
        """One unit of work: committed when the block ends, rolled back entirely on any exception."""
        with translated(self.label), Session(self.engine, expire_on_commit=False) as session, session.begin():
            yield session

    @contextmanager
    def connection(self) -> Iterator[Connection]:
        """A Core connection in one transaction, for bulk work (a registry opened read-only refuses its
        first write with `db.readonly_folder`, through `storage.errors`)."""
        with translated(self.label), self.engine.begin() as conn:
            yield conn

    def sessionmaker(self) -> sessionmaker[Session]:
        return sessionmaker(self.engine, expire_on_commit=False)

    def setting(self, key: str, default: str | None = None) -> str | None:
        with self.read() as s:
            value = s.execute(select(Setting.value).where(Setting.key == key)).scalar()
        return default if value is None else value

    def close(self) -> None:
        self.engine.dispose()

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
    if not backup_store.auto_enabled():
        return
    today = clock.today()
    try:
        if any(e.created_at.date() == today and e.reason != "damaged" for e in backup_store.list_backups(path)):
            return
        entry = backup_store.make_backup(path, "daily", verify_file)
        backup_store.rotate(path)
    except OSError as exc:
        reg.notices.append(("backup.daily_failed", {"reason": exc.strerror or str(exc)}))
        return
    reg.notices.append(("backup.daily_made", {"path": str(entry.file)}))
