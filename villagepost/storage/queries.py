"""Small query helpers shared by the storage and service layers."""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, and_


def prefix_upper(scope: str) -> str:
    """The largest code under `scope`: codes are digit strings of at most 12 characters."""
    return scope + "9" * (12 - len(scope))


def prefix_filter(column: Any, scope: str) -> ColumnElement[bool]:
    """`column` lies under `scope`, written as a range so the primary-key index serves it on both databases."""
    return and_(column >= scope, column <= prefix_upper(scope))
