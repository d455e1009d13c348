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

from villagepost.core.actor import DEFAULT_SOURCE, Actor, default_actor
from villagepost.core.errors import DatabaseError
from villagepost.storage import location as loc
from villagepost.storage.engine import make_engine
from villagepost.storage.errors import translated
from villagepost.storage.models import Setting
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

    @classmethod
    def open(cls, db: str | Path | None = None, *, actor: Actor | None = None,
             login: tuple[str, str] | None = None, source: str = DEFAULT_SOURCE) -> Registry:
        """Open (creating or upgrading as needed) the database `db`, else $VILLAGEPOST_DB, else the default.

        Who acts: `actor` when the caller names one (code in this process is trusted: tests, scripts);
        else the account `login` = (name, password) — on PostgreSQL the connection is then that account's
        own LOGIN role; else, on a registry without accounts, the local user. A registry with accounts
        refuses to open without a login (services.accounts).
        """
        where = loc.resolve(db)
        if login is not None and not where.is_sqlite and actor is None:
            from villagepost.storage.rls import login_role

            where = loc.DbLocation(where.url.set(username=login_role(where.url.database or "", login[0]),
                                                 password=login[1]), None)
        engine = make_engine(where)
        try:
            with translated(where.label):
                if login is not None and not where.is_sqlite and actor is None:
                    from villagepost.services.accounts import require_current_schema

                    require_current_schema(engine, where.label)
                report = ensure_schema(engine, where)
                if actor is None:
                    from villagepost.services.accounts import actor_on_open

                    with engine.connect() as conn:
                        actor = actor_on_open(conn, login, source=source)
                        conn.rollback()
        except DatabaseError as exc:
            engine.dispose()
            if login is not None and not where.is_sqlite:
                from villagepost.services.accounts import refused_login

                raise refused_login(exc, login[0]) from exc
            raise
        except BaseException:
            engine.dispose()
            raise
        reg = cls(where, engine, actor or default_actor().from_source(source), report)
        if report.backup is not None:
            reg.notices.append(("db.backup_made", {"path": str(report.backup)}))
        if where.path is not None and loc.risky_location(where.path):
            reg.notices.append(("db.network_share", {"db": where.label}))
        return reg

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
        """A Core connection in one transaction, for bulk work."""
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
