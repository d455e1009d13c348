"""Station histories, served villages, derived spans and covers, targets; 建制村 counts per unit.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-23

Data: every unit's 建制村 counts are computed, and stations stored before histories existed get the
events their rows imply, with spans and covers derived from them (storage.history_store.rebuild_all).
"""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from alembic import op

from villagepost.storage.models import CodeString

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("division") as batch:
        batch.add_column(sa.Column("villages", sa.Integer(), server_default="0", nullable=False))
        batch.add_column(sa.Column("villages_like", sa.Integer(), server_default="0", nullable=False))
    op.create_index("ix_division_level_code", "division", ["level", "code"])
    with op.batch_alter_table("station") as batch:
        batch.alter_column("closed_on", new_column_name="status_since")
        batch.add_column(sa.Column("services", sa.Text(), nullable=True))
        batch.add_column(sa.Column("brands", sa.Text(), nullable=True))
        batch.add_column(sa.Column("floor_area", sa.Float(), nullable=True))
    op.create_table(
        "station_village",
        sa.Column("station_code", CodeString(20), nullable=False),
        sa.Column("village_code", CodeString(12), nullable=False),
        sa.ForeignKeyConstraint(["station_code"], ["station.code"], name="fk_station_village_station_code_station"),
        sa.ForeignKeyConstraint(["village_code"], ["division.code"], name="fk_station_village_village_code_division"),
        sa.PrimaryKeyConstraint("station_code", "village_code", name="pk_station_village"),
    )
    op.create_index("ix_station_village_village_code", "station_village", ["village_code"])
    op.create_table(
        "station_event",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("station_code", CodeString(20), nullable=False),
        sa.Column("kind", sa.String(12), nullable=False),
        sa.Column("effective_on", sa.Date(), nullable=False),
        sa.Column("known", sa.String(10), nullable=True),
        sa.Column("new_type", sa.String(20), nullable=True),
        sa.Column("reverts", sa.Integer(), nullable=True),
        sa.Column("recorded_on", sa.Date(), nullable=False),
        sa.Column("recorded_at", sa.DateTime(), server_default=sa.func.current_timestamp(), nullable=False),
        sa.Column("actor", sa.String(50), server_default="", nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(["station_code"], ["station.code"], name="fk_station_event_station_code_station"),
        sa.ForeignKeyConstraint(["reverts"], ["station_event.id"], name="fk_station_event_reverts_station_event"),
        sa.PrimaryKeyConstraint("id", name="pk_station_event"),
    )
    op.create_index("ix_station_event_station_code", "station_event", ["station_code", "id"])
    op.create_table(
        "station_event_partner",
        sa.Column("event_id", sa.Integer(), nullable=False),
        sa.Column("station_code", CodeString(20), nullable=False),
        sa.ForeignKeyConstraint(["event_id"], ["station_event.id"],
                                name="fk_station_event_partner_event_id_station_event"),
        sa.ForeignKeyConstraint(["station_code"], ["station.code"],
                                name="fk_station_event_partner_station_code_station"),
        sa.PrimaryKeyConstraint("event_id", "station_code", name="pk_station_event_partner"),
    )
    op.create_index("ix_station_event_partner_station_code", "station_event_partner", ["station_code"])
    op.create_table(
        "station_span",
        sa.Column("station_code", CodeString(20), nullable=False),
        sa.Column("start_on", sa.Date(), nullable=False),
        sa.Column("end_on", sa.Date(), nullable=True),
        sa.Column("status", sa.String(12), nullable=False),
        sa.Column("station_type", sa.String(20), nullable=True),
        sa.Column("combined", sa.Boolean(), nullable=False),
        sa.Column("date_missing", sa.Boolean(), server_default="0", nullable=False),
        sa.ForeignKeyConstraint(["station_code"], ["station.code"], name="fk_station_span_station_code_station"),
        sa.PrimaryKeyConstraint("station_code", "start_on", name="pk_station_span"),
        sqlite_with_rowid=False,
    )
    op.create_table(
        "village_cover",
        sa.Column("village_code", CodeString(12), nullable=False),
        sa.Column("start_on", sa.Date(), nullable=False),
        sa.Column("end_on", sa.Date(), nullable=True),
        sa.Column("date_missing", sa.Boolean(), server_default="0", nullable=False),
        sa.PrimaryKeyConstraint("village_code", "start_on", name="pk_village_cover"),
        sqlite_with_rowid=False,
    )
    op.create_table(
        "target",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("scope", CodeString(12), nullable=False),
        sa.Column("measure", sa.String(16), nullable=False),
        sa.Column("value", sa.Float(), nullable=False),
        sa.Column("deadline", sa.Date(), nullable=False),
        sa.Column("station_type", sa.String(20), nullable=True),
        sa.Column("created_on", sa.Date(), nullable=False),
        sa.Column("created_by", sa.String(50), server_default="", nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(["scope"], ["division.code"], name="fk_target_scope_division"),
        sa.PrimaryKeyConstraint("id", name="pk_target"),
    )
    op.create_index("ix_target_scope", "target", ["scope", "deadline"])

    from villagepost.storage.division_counts import recount_villages
    from villagepost.storage.history_store import rebuild_all

    conn = op.get_bind()
    recount_villages(conn)
    rebuild_all(conn, today=dt.date.today())


def downgrade() -> None:
    op.drop_index("ix_target_scope", table_name="target")
    op.drop_table("target")
    op.drop_table("village_cover")
    op.drop_table("station_span")
    op.drop_index("ix_station_event_partner_station_code", table_name="station_event_partner")
    op.drop_table("station_event_partner")
    op.drop_index("ix_station_event_station_code", table_name="station_event")
    op.drop_table("station_event")
    op.drop_index("ix_station_village_village_code", table_name="station_village")
    op.drop_table("station_village")
    with op.batch_alter_table("station") as batch:
        batch.drop_column("floor_area")
        batch.drop_column("brands")
        batch.drop_column("services")
        batch.alter_column("status_since", new_column_name="closed_on")
    op.drop_index("ix_division_level_code", table_name="division")
    with op.batch_alter_table("division") as batch:
        batch.drop_column("villages_like")
        batch.drop_column("villages")
