"""Checklist templates: which one a station is inspected with, and a county's own (edit, import, export).

The window's template editor and `villagepost checklist …` call these functions. A station uses the
template of its county; a county without one uses its city's, then its province's, then the default
shipped in resources/checklists. Saving replaces the scope's whole template in one transaction.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from villagepost.core import clock
from villagepost.core.checklists import CheckItem, Checklist, ChecklistError, default_checklist, make_checklist
from villagepost.core.divisions import CODE_LENGTHS, Level, ancestors_of
from villagepost.services.divisions import parse_scope, require_unit
from villagepost.services.output_files import checked_output, write_guard
from villagepost.services.registry import Registry
from villagepost.storage.audit_store import AuditBatch
from villagepost.storage.models import ChecklistItem, ChecklistTemplate


def _template_levels(code: str) -> list[str]:
    """The codes whose template may apply to `code`, nearest first: its county, city, province (or itself)."""
    own = [code] if len(code) <= CODE_LENGTHS[Level.COUNTY] else []
    above = [c for c in ancestors_of(code) if len(c) <= CODE_LENGTHS[Level.COUNTY]]
    return own + list(reversed(above))


def _load(session: Session, scope: str) -> Checklist | None:
    head = session.get(ChecklistTemplate, scope)
    if head is None:
        return None
    rows = session.execute(select(ChecklistItem.category, ChecklistItem.text)
                           .where(ChecklistItem.scope == scope).order_by(ChecklistItem.position))
    return Checklist(head.title, tuple(CheckItem(c, t) for c, t in rows), scope)


def checklist_in(session: Session, code: str) -> Checklist:
    """The template that applies to the unit or station village `code` (inside a caller's session)."""
    for scope in _template_levels(code):
        found = _load(session, scope)
        if found is not None:
            return found
    return default_checklist()


def checklist_for(reg: Registry, code: str) -> Checklist:
    """The template that applies to `code` (a station's village code, a county, …; the default for '')."""
    if not code:
        return default_checklist()
    with reg.read() as s:
        return checklist_in(s, code)


def own_checklist(reg: Registry, scope: str) -> Checklist | None:
    """The template stored for exactly `scope`, or None when it uses an inherited one or the default."""
    with reg.read() as s:
        return _load(s, parse_scope(scope))


def _require_template_scope(reg: Registry, scope_text: str) -> str:
    scope = parse_scope(scope_text)
    unit, _ = require_unit(reg, scope)
    level = Level(unit.level)
    if level > Level.COUNTY:
        raise ChecklistError("checklist.scope_level", code=scope, name=unit.name, level=level.zh,
                             level_en=level.name.lower())
    if not reg.actor.may_touch(scope):
        raise ChecklistError("checklist.out_of_scope", actor=reg.actor.name, code=scope)
    return scope


def save_checklist(reg: Registry, scope: str, title: str, items: Iterable[tuple[str, str]], *,
                   today: dt.date | None = None) -> Checklist:
    """Store (replace) the template of `scope` (a county, city or province) after validating it.

    `items` are (category, text) in printed order; a blank category continues the one above.
    """
    code = _require_template_scope(reg, scope)
    checklist = make_checklist(title, items, scope=code)
    audit = AuditBatch(reg.actor)
    with reg.write() as s:
        before = _stored_items(s, code)
        s.execute(delete(ChecklistItem).where(ChecklistItem.scope == code))
        head = s.get(ChecklistTemplate, code)
        old_title = None if head is None else head.title
        if head is None:
            head = ChecklistTemplate(scope=code)
            s.add(head)
        head.title = checklist.title
        head.updated_on = today or clock.today()
        head.updated_by = reg.actor.name
        s.flush()
        s.add_all(ChecklistItem(scope=code, position=i, category=it.category, text=it.text)
                  for i, it in enumerate(checklist.items, 1))
        after = {f"item {i}": f"{it.category}：{it.text}" for i, it in enumerate(checklist.items, 1)}
        audit.changed("checklist_template", code, code,
                      {"title": (old_title, checklist.title),
                       **{k: (before.get(k), after.get(k)) for k in sorted({*before, *after}, key=_position)}})
        audit.write(s)
    return checklist


def _position(key: str) -> int:
    return int(key.rsplit(" ", 1)[-1])


def _stored_items(s: Session, code: str) -> dict[str, str]:
    """The stored items of a template as the audit shows them ("item 3" -> "category：text")."""
    rows = s.execute(select(ChecklistItem.position, ChecklistItem.category, ChecklistItem.text)
                     .where(ChecklistItem.scope == code))
    return {f"item {r.position}": f"{r.category}：{r.text}" for r in rows}


def reset_checklist(reg: Registry, scope: str) -> bool:
    """Remove the own template of `scope` (it then inherits again); False when it had none."""
    code = _require_template_scope(reg, scope)
    with reg.write() as s:
        before = _stored_items(s, code)
        s.execute(delete(ChecklistItem).where(ChecklistItem.scope == code))
        head = s.get(ChecklistTemplate, code)
        if head is None:
            return False
        audit = AuditBatch(reg.actor)
        audit.removed("checklist_template", code, code, {"title": head.title, **before})
        s.delete(head)
        audit.write(s)
    return True


@dataclass(frozen=True)
class ChecklistFile:
    """What an export wrote or an import read."""

    path: str
    checklist: Checklist

    def to_json(self) -> dict[str, object]:
        return {"status": "ok", "path": self.path, **self.checklist.to_json()}


def export_checklist(reg: Registry, out: Path, scope: str | None = None) -> ChecklistFile:
    """Write the template that applies to `scope` (the default without one) as an editable workbook."""
    from villagepost.reports.checklist_workbook import write_checklist_workbook

    code = ""
    if scope:
        code = parse_scope(scope)
        require_unit(reg, code)
    checklist = checklist_for(reg, code)
    out = checked_output(out, ".xlsx")
    with write_guard(out):
        path = write_checklist_workbook(checklist, out, scope_label=_scope_label(reg, code))
    return ChecklistFile(str(path), checklist)


def import_checklist(reg: Registry, path: Path, scope: str, *, today: dt.date | None = None) -> ChecklistFile:
    """Read an edited template workbook and store it as the template of `scope`."""
    from villagepost.reports.checklist_workbook import read_checklist_workbook

    _require_template_scope(reg, scope)
    title, rows, where = read_checklist_workbook(Path(path))
    checklist = make_checklist(title, rows, where=where)  # refuse before touching the registry
    saved = save_checklist(reg, scope, checklist.title, [(i.category, i.text) for i in checklist.items],
                           today=today)
    return ChecklistFile(str(path), saved)


def _scope_label(reg: Registry, code: str) -> str:
    if not code:
        return "默认检查表"
    _, path_text = require_unit(reg, code)
    return f"{code} {path_text}"
