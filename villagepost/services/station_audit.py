"""The audit rows of station changes made one at a time (the editor, the CLI): fields and history events.

Kept apart from station_ops so the operations stay about the registry's rules; each function here is
called inside the operation's own transaction, after the change it records.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from sqlalchemy import Connection, select

from villagepost.core.actor import Actor
from villagepost.storage.audit_store import AuditBatch
from villagepost.storage.models import StationEvent, StationEventPartner

#: columns that are bookkeeping, not facts a person changed
_SKIP = frozenset({"name_key", "updated_at", "updated_by", "created_at", "created_by"})


def created(conn: Connection, actor: Actor, code: str, village: str, values: Mapping[str, Any]) -> None:
    batch = AuditBatch(actor)
    batch.created("station", code, village, {k: v for k, v in values.items() if k not in _SKIP})
    batch.write(conn)


def edited(conn: Connection, actor: Actor, code: str, village: str, changes: Mapping[str, tuple[Any, Any]]) -> None:
    """One row per changed field, old → new."""
    batch = AuditBatch(actor)
    batch.changed("station", code, village, {k: v for k, v in changes.items() if k not in _SKIP})
    batch.write(conn)


def describe_event(conn: Connection, event_id: int) -> tuple[str, str, str]:
    """(station code, kind, text) of a recorded event: `#12 2024-03 村邮站+快递超市 ← A、B`."""
    row = conn.execute(select(StationEvent.station_code, StationEvent.kind, StationEvent.known,
                              StationEvent.effective_on, StationEvent.new_type, StationEvent.reverts)
                       .where(StationEvent.id == event_id)).one()
    partners = sorted(conn.execute(select(StationEventPartner.station_code)
                                   .where(StationEventPartner.event_id == event_id)).scalars())
    parts = [f"#{event_id}", row.known or f"{row.effective_on.isoformat()}（日期缺失）"]
    if row.new_type:
        parts.append(row.new_type)
    if row.reverts is not None:
        parts.append(f"撤销 #{row.reverts}")
    if partners:
        parts.append("← " + "、".join(partners))
    return row.station_code, row.kind, " ".join(parts)


def events(conn: Connection, actor: Actor, event_ids: Sequence[int]) -> None:
    """One row per history event recorded (events are facts: a correction is a new event, never an edit)."""
    batch = AuditBatch(actor)
    for event_id in event_ids:
        code, kind, text = describe_event(conn, event_id)
        batch.fact("station_event", code, code.split("-", 1)[0], kind, text)
    batch.write(conn)


def events_since(conn: Connection, actor: Actor, after_id: int, codes: Sequence[str]) -> None:
    """Audit the events of stations `codes` recorded after event `after_id` (this operation's events)."""
    stmt = (select(StationEvent.id).where(StationEvent.id > after_id, StationEvent.station_code.in_(list(codes)))
            .order_by(StationEvent.id))
    events(conn, actor, list(conn.execute(stmt).scalars()))


def last_event_id(conn: Connection) -> int:
    from sqlalchemy import func

    return int(conn.execute(select(func.coalesce(func.max(StationEvent.id), 0))).scalar_one())
