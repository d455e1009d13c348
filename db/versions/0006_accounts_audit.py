"""Accounts with roles and scopes, the audit log, removal marks on targets and inspections; on PostgreSQL
the group roles, grants and row-level security policies (villagepost.storage.rls).

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-07
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from villagepost.storage import rls
from villagepost.storage.models import CodeString

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "account",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(32), nullable=False),
        sa.Column("role", sa.String(12), nullable=False),
        sa.Column("password", sa.String(200), nullable=False),
        sa.Column("disabled", sa.Boolean(), server_default="0", nullable=False),
        sa.Column("pg_role", sa.String(63), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.Column("created_by", sa.String(50), server_default="", nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_account"),
        sa.UniqueConstraint("name", name="uq_account_name"),
    )
    op.create_table(
        "account_scope",
        sa.Column("account_id", sa.Integer(), nullable=False),
        sa.Column("code", CodeString(12), nullable=False),
        sa.ForeignKeyConstraint(["account_id"], ["account.id"], name="fk_account_scope_account_id_account"),
        sa.PrimaryKeyConstraint("account_id", "code", name="pk_account_scope"),
    )
    op.create_table(
        "audit_log",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.Column("user_name", sa.String(50), nullable=False),
        sa.Column("source", sa.String(300), nullable=False),
        sa.Column("table_name", sa.String(40), nullable=False),
        sa.Column("record", sa.String(40), nullable=False),
        sa.Column("scope", CodeString(12), server_default="", nullable=False),
        sa.Column("field", sa.String(40), nullable=False),
        sa.Column("old", sa.Text(), nullable=True),
        sa.Column("new", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_audit_log"),
    )
    op.create_index("ix_audit_log_scope_at", "audit_log", ["scope", "at"])
    op.create_index("ix_audit_log_record_at", "audit_log", ["record", "at"])
    op.create_index("ix_audit_log_user_name_at", "audit_log", ["user_name", "at"])
    op.create_index("ix_audit_log_at", "audit_log", ["at"])
    for table in ("target", "inspection"):
        with op.batch_alter_table(table) as batch:
            batch.add_column(sa.Column("removed_at", sa.DateTime(), nullable=True))
            batch.add_column(sa.Column("removed_by", sa.String(50), nullable=True))
    bind = op.get_bind()
    if bind.dialect.name == "postgresql":
        rls.install(bind)


def downgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name == "postgresql":
        rls.uninstall(bind)
    for table in ("inspection", "target"):
        with op.batch_alter_table(table) as batch:
            batch.drop_column("removed_by")
            batch.drop_column("removed_at")
    for name in ("ix_audit_log_at", "ix_audit_log_user_name_at", "ix_audit_log_record_at", "ix_audit_log_scope_at"):
        op.drop_index(name, table_name="audit_log")
    op.drop_table("audit_log")
    op.drop_table("account_scope")
    op.drop_table("account")
