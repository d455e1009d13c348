"""The schema revision this program writes, as a constant of its own.

Why a module of its own: read-only commands that open the registry with the standard library alone
(`storage.plain_read`) compare the stored revision with it, without importing SQLAlchemy or Alembic.
"""

from __future__ import annotations

#: the newest migration (tests/storage/test_schema.py checks it equals Alembic's head)
SCHEMA_HEAD = "0007"
VERSION_TABLE = "alembic_version"
