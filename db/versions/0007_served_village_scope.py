"""PostgreSQL: a station may be made to serve (or stop serving) only a village its writer may write.

Before, the policies of `station_village` looked at the station alone, so a township's role could, with raw
SQL, make its station serve another township's village. The program refuses that before it writes
(services.station_ops); from this schema on the server refuses it too. SQLite: nothing changes (the services'
check is the rule there).

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-07
"""

from __future__ import annotations

from alembic import op

from villagepost.storage import rls

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name == "postgresql":
        rls.set_served_policies(bind)


def downgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name == "postgresql":
        rls.set_served_policies(bind, "vp_may_write(station_code)")
