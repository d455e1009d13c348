"""A version number on every station, for optimistic locking of edits.

The window's editor and `station edit --expect-version N` carry the version they started from; a save
whose station was saved by someone else meanwhile (version moved on) is refused with both versions
shown, instead of silently overwriting the other clerk's change. Every write to a station row bumps it.

Revision ID: 0005
Revises: 0003
Create Date: 2026-12-07
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("station", sa.Column("version", sa.Integer(), server_default="1", nullable=False))


def downgrade() -> None:
    with op.batch_alter_table("station") as batch:
        batch.drop_column("version")
