"""Reading the audit trail: who changed what, when and from where — filtered, as JSON or an xlsx file.

The rows are written by every write path (storage.audit_store) in the change's own transaction. Readers
see only the part of the trail inside their read scopes (a township's staff: their county); times are
stored in UTC and shown in local time.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, NamedTuple

from sqlalchemy import ColumnElement, or_, select

from villagepost.core import clock
from villagepost.core.errors import KnownError
from villagepost.core.messages import register
from villagepost.services.registry import Registry
from villagepost.storage.errors import translated
from villagepost.storage.models import AuditEntry
from villagepost.storage.queries import prefix_filter

register({
    "audit.bad_since": ("“{value}”不是日期（应为 2026-11-01 或 2026-11-01T08:00）",
                        "'{value}' is not a date (2026-11-01 or 2026-11-01T08:00)"),
    "audit.out_of_scope": ("用户“{actor}”无权查看“{code}”的修改记录（可查看范围：{scopes}）",
                           "user '{actor}' may not read the changes of '{code}' (readable: {scopes})"),
    "audit.exported": ("已导出 {count} 条修改记录到 {path}", "{count} changes exported to {path}"),
})

#: the JSON keys of one entry, in order (the CLI's `audit --json` prints exactly these)
KEYS = ("at", "user", "source", "table", "record", "field", "old", "new")
HEADERS_ZH = ("时间", "用户", "来源", "表", "记录", "字段", "原值", "新值")
#: the view shows at most this many rows at once (newest first); filters narrow it
VIEW_LIMIT = 20_000


class AuditRow(NamedTuple):
    """One audit row as people read it (`at` in local time). A tuple: a county's 10,000 rows are made fast."""

    at: str
    user: str
    source: str
    table: str
    record: str
    field: str
    old: str | None
    new: str | None
    scope: str = ""

    def to_json(self) -> dict[str, Any]:
        return {k: getattr(self, k) for k in KEYS}


@dataclass(frozen=True)
class AuditFilter:
    scope: str | None = None
    user: str | None = None
    since: dt.datetime | None = None
    record: str | None = None
    table: str | None = None


def parse_since(text: str | None) -> dt.datetime | None:
    """A date (from local midnight) or an ISO date-time (local when no zone) as naive UTC, as stored."""
    if text is None or not text.strip():
        return None
    try:
        aware = clock.parse_instant(text, dt.time(0, 0))
    except ValueError as exc:
        raise KnownError("audit.bad_since", value=text) from exc
    return aware.astimezone(dt.UTC).replace(tzinfo=None)


def _scope_clause(reg: Registry, scope: str | None) -> ColumnElement[bool] | None:
    actor = reg.actor
    if scope is not None:
        if not actor.may_read(scope):
            raise KnownError("audit.out_of_scope", actor=actor.name, code=scope, scopes=actor.scope_text())
        return prefix_filter(AuditEntry.scope, scope)
    if not actor.read_scopes:
        return None
    return or_(*(prefix_filter(AuditEntry.scope, s) for s in actor.read_scopes))


def entries(reg: Registry, flt: AuditFilter = AuditFilter(), *, limit: int | None = None) -> list[AuditRow]:
    """The audit rows matching `flt` inside the actor's read scopes, oldest first (newest first with a limit)."""
    clauses: list[ColumnElement[bool]] = []
    scoped = _scope_clause(reg, flt.scope)
    if scoped is not None:
        clauses.append(scoped)
    if flt.user:
        clauses.append(AuditEntry.user_name == flt.user)
    if flt.since is not None:
        clauses.append(AuditEntry.at >= flt.since)
    if flt.record:
        clauses.append(AuditEntry.record == flt.record)
    if flt.table:
        clauses.append(AuditEntry.table_name == flt.table)
    stmt = select(AuditEntry.at, AuditEntry.user_name, AuditEntry.source, AuditEntry.table_name, AuditEntry.record,
                  AuditEntry.field, AuditEntry.old, AuditEntry.new, AuditEntry.scope).where(*clauses)
    if limit is None:
        stmt = stmt.order_by(AuditEntry.at, AuditEntry.id)
    else:
        stmt = stmt.order_by(AuditEntry.at.desc(), AuditEntry.id.desc()).limit(limit)
    with translated(reg.label), reg.engine.connect() as conn:
        rows = conn.execute(stmt).all()
        conn.rollback()
    if not rows:
        return []
    shown = _local_times([r[0] for r in rows])
    make = AuditRow._make
    return [make((shown(r[0]), *r[1:])) for r in rows]


def _local_times(stamps: list[dt.datetime]) -> Callable[[dt.datetime], str]:
    """stored naive UTC -> local ISO text; one zone lookup when the offset is the same over the whole span."""
    low, high = min(stamps), max(stamps)

    def offset(stamp: dt.datetime) -> dt.timedelta | None:
        return stamp.replace(tzinfo=dt.UTC).astimezone().utcoffset()

    same = offset(low)
    if same is None or offset(high) != same:
        return lambda stamp: clock.local_text(stamp).replace(" ", "T")
    return lambda stamp: (stamp + same).isoformat(timespec="seconds")


def village_entries(reg: Registry, village: str, *, limit: int | None = VIEW_LIMIT) -> list[AuditRow]:
    """The changes of a village's stations, inspections and targets (the village's 历史 panel)."""
    return entries(reg, AuditFilter(scope=village), limit=limit)


def export_xlsx(reg: Registry, flt: AuditFilter, out: Path | str) -> tuple[Path, int]:
    """The matching audit rows as an xlsx sheet (text cells: nothing in a value can become a formula)."""
    from villagepost.rosters.xlsx_write import Column, SheetWriter, new_workbook, save_atomically
    from villagepost.services.output_files import checked_output, write_guard

    path = checked_output(out, ".xlsx")
    rows = entries(reg, flt)
    wb = new_workbook()
    widths = (20, 12, 28, 14, 18, 14, 30, 30)
    sw = SheetWriter(wb, "修改记录", [Column(h, width=w) for h, w in zip(HEADERS_ZH, widths, strict=True)])
    for r in rows:
        sw.append([r.at.replace("T", " "), r.user, r.source, r.table, r.record, r.field, r.old or "", r.new or ""])
    sw.close()
    with write_guard(path):
        save_atomically(wb, path)
    return path, len(rows)
