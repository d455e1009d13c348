"""Checklist templates (per county, city or province) and inspections with their answers.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-24
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from villagepost.storage.models import CodeString

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "checklist_template",
        sa.Column("scope", CodeString(12), nullable=False),
        sa.Column("title", sa.String(60), nullable=False),
        sa.Column("updated_on", sa.Date(), nullable=False),
        sa.Column("updated_by", sa.String(50), server_default="", nullable=False),
        sa.ForeignKeyConstraint(["scope"], ["division.code"], name="fk_checklist_template_scope_division"),
        sa.PrimaryKeyConstraint("scope", name="pk_checklist_template"),
    )
    op.create_table(
        "checklist_item",
        sa.Column("scope", CodeString(12), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("category", sa.String(40), nullable=False),
        sa.Column("text", sa.String(200), nullable=False),
        sa.ForeignKeyConstraint(["scope"], ["checklist_template.scope"],
                                name="fk_checklist_item_scope_checklist_template"),
        sa.PrimaryKeyConstraint("scope", "position", name="pk_checklist_item"),
    )
    op.create_table(
        "inspection",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("station_code", CodeString(20), nullable=False),
        sa.Column("inspected_on", sa.Date(), nullable=False),
        sa.Column("inspector", sa.String(50), nullable=False),
        sa.Column("operator", sa.String(50), nullable=True),
        sa.Column("remark", sa.Text(), nullable=True),
        sa.Column("checklist_title", sa.String(60), nullable=False),
        sa.Column("failed", sa.Integer(), server_default="0", nullable=False),
        sa.Column("recorded_on", sa.Date(), nullable=False),
        sa.Column("recorded_at", sa.DateTime(), server_default=sa.func.current_timestamp(), nullable=False),
        sa.Column("recorded_by", sa.String(50), server_default="", nullable=False),
        sa.ForeignKeyConstraint(["station_code"], ["station.code"], name="fk_inspection_station_code_station"),
        sa.PrimaryKeyConstraint("id", name="pk_inspection"),
    )
    op.create_index("ix_inspection_station_code", "inspection", ["station_code", "inspected_on"])
    op.create_table(
        "inspection_item",
        sa.Column("inspection_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("category", sa.String(40), nullable=False),
        sa.Column("text", sa.String(200), nullable=False),
        sa.Column("result", sa.String(4), nullable=False),
        sa.Column("remark", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(["inspection_id"], ["inspection.id"],
                                name="fk_inspection_item_inspection_id_inspection"),
        sa.PrimaryKeyConstraint("inspection_id", "position", name="pk_inspection_item"),
    )


def downgrade() -> None:
    op.drop_table("inspection_item")
    op.drop_index("ix_inspection_station_code", table_name="inspection")
    op.drop_table("inspection")
    op.drop_table("checklist_item")
    op.drop_table("checklist_template")
