"""The schema gate: create, open, refuse newer, back up then upgrade older; models equal migrations."""

from __future__ import annotations

import shutil
import sqlite3
from collections.abc import Callable
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from villagepost.core.errors import DatabaseError, SchemaTooNew
from villagepost.services.registry import Registry
from villagepost.storage import schema
from villagepost.storage.models import Base


def test_schema_head_matches_alembic() -> None:
    assert schema.script_head() == schema.SCHEMA_HEAD


def test_models_match_migrations(make_registry: Callable[..., Registry]) -> None:
    reg = make_registry()
    with reg.engine.connect() as conn:
        diffs = compare_metadata(MigrationContext.configure(conn, opts={"compare_type": True}), Base.metadata)
    assert diffs == []


def test_new_database_is_created_at_head(tmp_path: Path) -> None:
    with Registry.open(tmp_path / "new.sqlite") as reg:
        assert reg.schema.action == "created"
    with Registry.open(tmp_path / "new.sqlite") as reg:
        assert reg.schema.action == "current"


def test_sqlite_pragmas(tmp_path: Path) -> None:
    with Registry.open(tmp_path / "p.sqlite") as reg, reg.engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA synchronous").scalar() == 2  # FULL
        assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() == 10_000


def test_newer_schema_is_refused_untouched(tmp_path: Path) -> None:
    path = tmp_path / "newer.sqlite"
    Registry.open(path).close()
    with sqlite3.connect(path) as con:
        con.execute("UPDATE alembic_version SET version_num = '9999'")
    con.close()
    before = path.read_bytes()
    with pytest.raises(SchemaTooNew) as err:
        Registry.open(path)
    assert "9999" in err.value.message("zh") and "较新版本" in err.value.message("zh")
    assert path.read_bytes() == before
    assert list(tmp_path.glob("*.bak*")) == []


def test_foreign_database_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "other.sqlite"
    with sqlite3.connect(path) as con:
        con.execute("CREATE TABLE notes (x TEXT)")
    con.close()
    with pytest.raises(DatabaseError) as err:
        Registry.open(path)
    assert err.value.key == "db.not_villagepost"


def test_not_a_database_file_is_a_known_error(tmp_path: Path) -> None:
    path = tmp_path / "junk.sqlite"
    path.write_bytes(b"this is not sqlite" * 100)
    with pytest.raises(DatabaseError) as err:
        Registry.open(path)
    assert err.value.key == "db.corrupt"


HEAD = schema.SCHEMA_HEAD
MIGRATION_NEXT = '''
"""test step: a column added"""
import sqlalchemy as sa
from alembic import op

revision = "0099"
down_revision = "HEAD_REVISION"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("station") as batch:
        batch.add_column(sa.Column("test_extra", sa.Float(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("station") as batch:
        batch.drop_column("test_extra")
'''.replace("HEAD_REVISION", HEAD)


def test_older_schema_is_backed_up_then_upgraded(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, sqlite_template: Callable[[tuple[str, ...]], Path]
) -> None:
    path = tmp_path / "old.sqlite"
    shutil.copyfile(sqlite_template(("640221",)), path)
    scripts = tmp_path / "migrations"
    shutil.copytree(schema.migrations_dir(), scripts, ignore=shutil.ignore_patterns("__pycache__"))
    (scripts / "versions" / "0099_test.py").write_text(MIGRATION_NEXT, encoding="utf-8")
    monkeypatch.setattr(schema, "MIGRATIONS_DIR", scripts)
    monkeypatch.setattr(schema, "SCHEMA_HEAD", "0099")

    with Registry.open(path) as reg:
        assert reg.schema.action == "upgraded"
        assert (reg.schema.from_revision, reg.schema.to_revision) == (HEAD, "0099")
        backup = reg.schema.backup
        assert backup is not None and backup.parent == tmp_path and f"schema{HEAD}" in backup.name
        assert reg.notices[0][0] == "db.backup_made"
        with reg.engine.connect() as conn:
            cols = [r[1] for r in conn.exec_driver_sql("PRAGMA table_info(station)")]
            assert "test_extra" in cols
            assert conn.exec_driver_sql("SELECT count(*) FROM division").scalar() == 198
    with sqlite3.connect(backup) as con:
        assert con.execute("SELECT version_num FROM alembic_version").fetchone() == (HEAD,)
        assert con.execute("SELECT count(*) FROM division").fetchone() == (198,)
    con.close()
