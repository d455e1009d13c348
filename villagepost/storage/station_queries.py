"""Read queries over stations."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from villagepost.storage.models import Division, Station
from villagepost.storage.queries import prefix_filter


def stations_in(session: Session, scope: str) -> list[Station]:
    """Stations standing in village-level units under `scope`, ordered by village code then station code."""
    stmt = (
        select(Station)
        .where(prefix_filter(Station.village_code, scope))
        .order_by(Station.village_code, Station.code)
    )
    return list(session.scalars(stmt))


def village_units_in(session: Session, scope: str, classes: tuple[str, ...] | None = None) -> list[Division]:
    """Current village-level units under `scope` in code order, optionally limited to village classes."""
    stmt = select(Division).where(prefix_filter(Division.code, scope), Division.level == 5,
                                  Division.retired.is_(False))
    if classes:
        stmt = stmt.where(Division.village_class.in_(classes))
    return list(session.scalars(stmt.order_by(Division.code)))
