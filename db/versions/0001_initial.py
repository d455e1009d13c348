"""Initial schema: divisions, stations, settings.

Revision ID: 0001
Revises:
Create Date: 2026-11-23
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from villagepost.storage.models import CodeString

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "division",
        sa.Column("code", CodeString(12), nullable=False),
        sa.Column("name", sa.String(100), nullable=False),
        sa.Column("level", sa.SmallInteger(), nullable=False),
        sa.Column("parent_code", CodeString(12), nullable=True),
        sa.Column("village_class", sa.String(8), nullable=True),
        sa.Column("edition", sa.SmallInteger(), nullable=False),
        sa.Column("retired", sa.Boolean(), server_default="0", nullable=False),
        sa.Column("pinyin", sa.String(400), server_default="", nullable=False),
        sa.Column("initials", sa.String(100), server_default="", nullable=False),
        sa.ForeignKeyConstraint(["parent_code"], ["division.code"], name="fk_division_parent_code_division"),
        sa.PrimaryKeyConstraint("code", name="pk_division"),
    )
    op.create_index("ix_division_parent_code", "division", ["parent_code", "code"])
    op.create_index("ix_division_initials", "division", ["initials"])
    op.create_table(
        "station",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", CodeString(20), nullable=False),
        sa.Column("village_code", CodeString(12), nullable=False),
        sa.Column("name", sa.String(100), nullable=False),
        sa.Column("name_key", sa.String(100), nullable=False),
        sa.Column("station_type", sa.String(20), nullable=True),
        sa.Column("status", sa.String(12), server_default="operating", nullable=False),
        sa.Column("coop", sa.String(12), nullable=True),
        sa.Column("operator", sa.String(100), nullable=True),
        sa.Column("opened", sa.String(10), nullable=True),
        sa.Column("closed_on", sa.Date(), nullable=True),
        sa.Column("lon", sa.Float(), nullable=True),
        sa.Column("lat", sa.Float(), nullable=True),
        sa.Column("contact", sa.String(50), nullable=True),
        sa.Column("phone", sa.String(20), nullable=True),
        sa.Column("recorded_on", sa.Date(), nullable=False),
        sa.Column("created_at", sa.DateTime(), server_default=sa.func.current_timestamp(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), server_default=sa.func.current_timestamp(), nullable=False),
        sa.Column("created_by", sa.String(50), server_default="", nullable=False),
        sa.Column("updated_by", sa.String(50), server_default="", nullable=False),
        sa.Column("notes", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(["village_code"], ["division.code"], name="fk_station_village_code_division"),
        sa.PrimaryKeyConstraint("id", name="pk_station"),
        sa.UniqueConstraint("code", name="uq_station_code"),
        sa.UniqueConstraint("village_code", "name_key", name="uq_station_village_code_name_key"),
    )
    op.create_index("ix_station_village_code", "station", ["village_code"])
    op.create_table(
        "setting",
        sa.Column("key", sa.String(64), nullable=False),
        sa.Column("value", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("key", name="pk_setting"),
    )


def downgrade() -> None:
    op.drop_table("setting")
    op.drop_index("ix_station_village_code", table_name="station")
    op.drop_table("station")
    op.drop_index("ix_division_initials", table_name="division")
    op.drop_index("ix_division_parent_code", table_name="division")
    op.drop_table("division")
