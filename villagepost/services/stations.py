"""Station use cases: list, count, and (with the roster import and the station editor) write stations."""

from __future__ import annotations

from sqlalchemy import func, select

from villagepost.services.registry import Registry
from villagepost.storage.models import Station


def count_stations(reg: Registry) -> int:
    with reg.read() as s:
        return s.execute(select(func.count()).select_from(Station)).scalar_one()
