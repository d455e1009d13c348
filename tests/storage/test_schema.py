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
    assert err.value.key == "db.not_sqlite"  # not SQLite at all: the wrong file, not a damaged registry
    assert "不是村邮通数据库" in err.value.message("zh")


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
        assert backup is not None and backup.parent == tmp_path / "old-backups" and "pre-upgrade" in backup.name
        assert reg.notices[0][0] == "db.backup_made"
        with reg.engine.connect() as conn:
            cols = [r[1] for r in conn.exec_driver_sql("PRAGMA table_info(station)")]
            assert "test_extra" in cols
            assert conn.exec_driver_sql("SELECT count(*) FROM division").scalar() == 198
    with sqlite3.connect(backup) as con:
        assert con.execute("SELECT version_num FROM alembic_version").fetchone() == (HEAD,)
        assert con.execute("SELECT count(*) FROM division").fetchone() == (198,)
    con.close()


def test_upgrade_to_0002_gives_stored_stations_their_history(tmp_path: Path) -> None:
    """A registry of schema 0001 with stations: the upgrade counts 建制村 per unit and derives histories."""
    from sqlalchemy import create_engine

    path = tmp_path / "v1.sqlite"
    engine = create_engine(f"sqlite:///{path}")
    schema._upgrade(engine, "0001")
    units = [("64", "宁夏回族自治区", 1, None, None), ("6402", "石嘴山市", 2, "64", None),
             ("640221", "平罗县", 3, "6402", None), ("640221106", "陶乐镇", 4, "640221", None),
             ("640221106001", "东街居委会", 5, "640221106", "居委会"),
             ("640221106200", "王家庄村委会", 5, "640221106", "村委会"),
             ("640221106201", "东园村委会", 5, "640221106", "村委会"),
             ("640221106500", "良繁场生活区", 5, "640221106", "类似村委会")]
    with engine.begin() as conn:
        for code, name, level, parent, cls in units:
            conn.exec_driver_sql("INSERT INTO division (code, name, level, parent_code, village_class, edition) "
                                 "VALUES (?, ?, ?, ?, ?, 2023)", (code, name, level, parent, cls))
        stations = [("640221106200-01", "640221106200", "甲", "村邮站+快递超市", "operating", "2024-03", None),
                    ("640221106201-01", "640221106201", "乙", "综合服务站", "closed", "2023", "2025-01-31"),
                    ("640221106201-02", "640221106201", "丙", "快递超市", "operating", None, None)]
        for code, village, name, stype, status, opened, closed in stations:
            conn.exec_driver_sql(
                "INSERT INTO station (code, village_code, name, name_key, station_type, status, opened, closed_on, "
                "recorded_on) VALUES (?, ?, ?, ?, ?, ?, ?, ?, '2025-06-01')",
                (code, village, name, name, stype, status, opened, closed))
    engine.dispose()
    with Registry.open(path) as reg, reg.engine.connect() as conn:
        assert (reg.schema.from_revision, reg.schema.to_revision) == ("0001", schema.SCHEMA_HEAD)
        counts = conn.exec_driver_sql("SELECT code, villages, villages_like FROM division WHERE level < 5 "
                                      "ORDER BY code").all()
        assert counts == [("64", 2, 1), ("6402", 2, 1), ("640221", 2, 1), ("640221106", 2, 1)]
        events = conn.exec_driver_sql("SELECT station_code, kind, effective_on, known, new_type FROM station_event "
                                      "ORDER BY id").all()
        assert events == [("640221106200-01", "opened", "2024-03-31", "2024-03", "村邮站+快递超市"),
                          ("640221106201-01", "opened", "2023-12-31", "2023", "综合服务站"),
                          ("640221106201-01", "closed", "2025-01-31", "2025-01-31", None),
                          ("640221106201-02", "opened", "2025-06-01", None, "快递超市")]
        covers = conn.exec_driver_sql("SELECT village_code, start_on, end_on FROM village_cover ORDER BY 1").all()
        assert covers == [("640221106200", "2024-03-31", None), ("640221106201", "2023-12-31", "2025-02-01")]
        assert conn.exec_driver_sql("SELECT status_since FROM station WHERE code = '640221106201-01'").scalar() \
            == "2025-01-31"
