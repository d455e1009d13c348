"""Targets of a scope (issue 5 item 4, DOMAIN.md §4): a coverage rate or a count of stations of a type,
a value and a deadline; several per scope (85% by 2024-12-31, 100% by 2025-12-31).

One target per (scope, measure, station type, deadline): setting the same one again updates its value
and note, so a county correcting "85%" to "90%" does not end up with two lines on its chart. The day it
was first set (`created_on`) is kept: the lag line of each township starts there.

A township without targets of its own is paced against the nearest ancestor's (`targets_for`): a
county's "100% by 2025" is every township's target too, unless the township was given its own.
"""

from __future__ import annotations

import datetime as dt
import math
from typing import Any

from sqlalchemy import select

from villagepost.core import clock
from villagepost.core.divisions import Level, ancestors_of
from villagepost.core.errors import KnownError
from villagepost.core.pacing import Measure
from villagepost.core.report_shapes import TargetRow
from villagepost.core.stations import StationType
from villagepost.services.coverage import NATION_LEVEL, scope_unit
from villagepost.services.registry import Registry
from villagepost.storage.audit_store import AuditBatch
from villagepost.storage.models import Division
from villagepost.storage.models import Target as TargetModel
from villagepost.storage.queries import prefix_filter


def _row(t: TargetModel, name: str) -> TargetRow:
    return TargetRow(t.id, t.scope, name, Measure(t.measure), t.value, t.deadline, t.station_type, t.created_on,
                     t.note)


def check_value(measure: Measure, value: float, station_type: StationType | str | None) -> StationType | None:
    """The refusals a user can cause, with the texts the CLI and the window show; returns the type."""
    if measure is Measure.COVERAGE_RATE:
        if not (isinstance(value, int | float) and math.isfinite(value) and 0 < value <= 1):
            raise KnownError("target.rate_range", value=f"{value * 100:g}")
        if station_type is not None:
            raise KnownError("target.rate_with_type")
        return None
    if station_type is None:
        raise KnownError("target.count_needs_type", types="、".join(t.value for t in StationType))
    try:
        stype = StationType(station_type)
    except ValueError:
        raise KnownError("target.type_unknown", value=str(station_type),
                         types="、".join(t.value for t in StationType)) from None
    if not (math.isfinite(value) and value >= 1 and value == int(value)):
        raise KnownError("target.count_invalid", value=f"{value:g}")
    return stype


def set_target(reg: Registry, scope: str, measure: Measure, value: float, deadline: dt.date, *,
               station_type: StationType | str | None = None, note: str | None = None,
               today: dt.date | None = None) -> TargetRow:
    """Record a target of `scope`; the same (scope, measure, type, deadline) again updates value and note
    (note None keeps the stored one, "" clears it)."""
    unit = scope_unit(reg, scope)
    if unit.level == NATION_LEVEL or unit.level >= Level.VILLAGE:
        raise KnownError("target.village_scope", scope=unit.code or unit.name)
    if not reg.actor.may_touch(unit.code):
        raise KnownError("target.out_of_scope", scope=unit.code, actor=reg.actor.name,
                         scopes="、".join(reg.actor.scopes))
    stype = check_value(measure, value, station_type)
    type_value = None if stype is None else stype.value
    # None keeps the stored note; an empty text clears it
    cleaned = None if note is None else (note.strip() or None)
    audit = AuditBatch(reg.actor)
    with reg.write() as s:
        existing = s.execute(select(TargetModel).where(
            TargetModel.removed_at.is_(None),
            TargetModel.scope == unit.code, TargetModel.measure == measure.value, TargetModel.deadline == deadline,
            TargetModel.station_type.is_(None) if type_value is None else TargetModel.station_type == type_value,
        )).scalar()
        if existing is None:
            existing = TargetModel(scope=unit.code, measure=measure.value, value=float(value), deadline=deadline,
                                   station_type=type_value, created_on=today or clock.today(),
                                   created_by=reg.actor.name, note=cleaned)
            s.add(existing)
            s.flush()
            audit.created("target", str(existing.id), unit.code, _audited(existing))
        else:
            before = _audited(existing)
            existing.value = float(value)
            if note is not None:
                existing.note = cleaned
            s.flush()
            audit.diff("target", str(existing.id), unit.code, before, _audited(existing))
        audit.write(s)
        return _row(existing, unit.name)


def _audited(t: TargetModel) -> dict[str, Any]:
    return {"scope": t.scope, "measure": t.measure, "value": t.value, "deadline": t.deadline,
            "station_type": t.station_type, "note": t.note}


def _names(s: Any, codes: set[str]) -> dict[str, str]:
    if not codes:
        return {}
    return dict(s.execute(select(Division.code, Division.name).where(Division.code.in_(sorted(codes)))).all())


def list_targets(reg: Registry, scope: str | None = None) -> list[TargetRow]:
    """The targets of `scope` and of every unit below it (None or '' = all), by scope then deadline."""
    code = "" if not scope else scope_unit(reg, scope).code
    with reg.read() as s:
        stmt = select(TargetModel).where(TargetModel.removed_at.is_(None))
        if code:
            stmt = stmt.where(prefix_filter(TargetModel.scope, code))
        rows = list(s.scalars(stmt.order_by(TargetModel.scope, TargetModel.deadline, TargetModel.measure,
                                            TargetModel.station_type, TargetModel.id)))
        names = _names(s, {t.scope for t in rows})
    return [_row(t, names.get(t.scope, "")) for t in rows]


def remove_target(reg: Registry, target_id: int) -> None:
    """Withdraw a target: it is marked removed (who, when) and leaves lists and pacing; the row and its
    audit stay, so a figure reported against it can still be explained."""
    with reg.write() as s:
        target = s.get(TargetModel, target_id)
        if target is None or target.removed_at is not None:
            raise KnownError("target.not_found", id=target_id)
        if not reg.actor.may_touch(target.scope):
            raise KnownError("target.out_of_scope", scope=target.scope, actor=reg.actor.name,
                             scopes="、".join(reg.actor.scopes))
        target.removed_at = clock.utc_stamp()
        target.removed_by = reg.actor.name
        audit = AuditBatch(reg.actor)
        audit.removed("target", str(target.id), target.scope, _audited(target))
        audit.write(s)


def targets_for(reg: Registry, scope: str) -> tuple[list[TargetRow], str]:
    """The targets `scope` is paced against, and whose they are: its own, else the nearest ancestor's.

    Returns ([], the scope's code) when neither it nor any unit above it has a target.
    """
    unit = scope_unit(reg, scope)
    if not unit.code:
        return [], ""
    chain = [unit.code, *reversed(ancestors_of(unit.code))]
    with reg.read() as s:
        rows = list(s.scalars(select(TargetModel).where(TargetModel.scope.in_(chain), TargetModel.removed_at.is_(None))
                              .order_by(TargetModel.deadline, TargetModel.measure, TargetModel.station_type,
                                        TargetModel.id)))
        names = _names(s, {t.scope for t in rows})
    for code in chain:
        own = [_row(t, names.get(code, "")) for t in rows if t.scope == code]
        if own:
            return own, code
    return [], unit.code
