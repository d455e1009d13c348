"""Inspections of stations: record the answers, keep them per station, list failures and what is due.

The window's inspection form and `villagepost inspection …` call these functions. An inspection answers
every item of the checklist that applies to the station (services.checklists.checklist_for) with 是/否/
不适用; the answers are stored with the item texts as they were asked, so a later edit of the template
never changes what an old inspection says. Scope checks go through `actor.may_touch(village code)`.

"Due for (re-)inspection" (DOMAIN.md §5, issue 6 item 3): an operating or suspended station is due when it
was never inspected, when its last inspection is `months` old or older, or — sooner — `recheck_months`
after a last inspection that found any item failed.
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import Subquery, func, select
from sqlalchemy.orm import Session

from villagepost.core import clock
from villagepost.core.checklists import MAX_REMARK, CheckItem, Checklist, Result, parse_result, text_key
from villagepost.core.errors import KnownError
from villagepost.core.values import ValueProblem, parse_date
from villagepost.services.checklists import checklist_in
from villagepost.services.divisions import parse_scope, require_unit
from villagepost.services.registry import Registry
from villagepost.storage.audit_store import AuditBatch
from villagepost.storage.models import Inspection, InspectionItem, Station
from villagepost.storage.queries import prefix_filter

MAX_NAME = 50
#: statuses of stations that are inspected (planned ones are not open yet, closed ones are history)
INSPECTED_STATUSES = ("operating", "suspended")
DEFAULT_MONTHS = 12
DEFAULT_RECHECK_MONTHS = 1


class InspectionError(KnownError):
    """An inspection that cannot be recorded as given, with the reason."""


@dataclass(frozen=True)
class Answer:
    """The answer to one item: the item's text (as asked), the result and an optional remark."""

    text: str
    result: Result
    remark: str | None = None


@dataclass(frozen=True)
class InspectionDraft:
    """What the form (window or workbook) hands in; `answers` may come in any order."""

    station_code: str
    inspected_on: dt.date
    inspector: str
    answers: Sequence[Answer]
    operator: str | None = None
    remark: str | None = None


@dataclass(frozen=True)
class AnsweredItem:
    number: int
    category: str
    text: str
    result: Result
    remark: str | None

    def to_json(self) -> dict[str, object]:
        return {"number": self.number, "category": self.category, "text": self.text, "result": self.result.value,
                "result_zh": self.result.zh, "remark": self.remark}


@dataclass(frozen=True)
class InspectionRecord:
    """A stored inspection with its answers in checklist order."""

    id: int
    station_code: str
    station_name: str
    village_code: str
    inspected_on: dt.date
    inspector: str
    operator: str | None
    remark: str | None
    checklist_title: str
    items: tuple[AnsweredItem, ...]
    recorded_on: dt.date
    recorded_by: str

    def count(self, result: Result) -> int:
        return sum(1 for it in self.items if it.result is result)

    @property
    def checklist(self) -> Checklist:
        """The checklist as it was answered (for printing the filled form)."""
        return Checklist(self.checklist_title, tuple(CheckItem(i.category, i.text) for i in self.items))

    def to_json(self) -> dict[str, object]:
        return {"id": self.id, "station_code": self.station_code, "station_name": self.station_name,
                "inspected_on": self.inspected_on.isoformat(), "inspector": self.inspector,
                "operator": self.operator, "remark": self.remark, "checklist_title": self.checklist_title,
                "passed": self.count(Result.PASS), "failed": self.count(Result.FAIL), "na": self.count(Result.NA),
                "recorded_on": self.recorded_on.isoformat(), "recorded_by": self.recorded_by,
                "items": [i.to_json() for i in self.items]}


@dataclass(frozen=True)
class InspectionRow:
    """An inspection as lists show it."""

    id: int
    station_code: str
    station_name: str
    inspected_on: dt.date
    inspector: str
    failed: int

    def to_json(self) -> dict[str, object]:
        return {"id": self.id, "station_code": self.station_code, "station_name": self.station_name,
                "inspected_on": self.inspected_on.isoformat(), "inspector": self.inspector, "failed": self.failed}


@dataclass(frozen=True)
class FailedItem:
    """An item answered 否 in a station's latest inspection (still open until a later one passes it)."""

    station_code: str
    station_name: str
    inspection_id: int
    inspected_on: dt.date
    number: int
    category: str
    text: str
    remark: str | None

    def to_json(self) -> dict[str, object]:
        return {"station_code": self.station_code, "station_name": self.station_name,
                "inspection_id": self.inspection_id, "inspected_on": self.inspected_on.isoformat(),
                "number": self.number, "category": self.category, "text": self.text, "remark": self.remark}


@dataclass(frozen=True)
class DueStation:
    """A station due for inspection: `reason` is never | interval | failed; `due_on` None when never inspected."""

    station_code: str
    station_name: str
    status: str
    last_on: dt.date | None
    last_failed: int
    due_on: dt.date | None
    reason: str

    def to_json(self) -> dict[str, object]:
        return {"station_code": self.station_code, "station_name": self.station_name, "status": self.status,
                "last_inspected_on": self.last_on.isoformat() if self.last_on else None,
                "last_failed": self.last_failed, "due_on": self.due_on.isoformat() if self.due_on else None,
                "reason": self.reason}


# --- recording ----------------------------------------------------------------------------------


def _name(value: str | None, key: str, *, required: bool) -> str | None:
    text = " ".join((value or "").split())
    if not text:
        if required:
            raise InspectionError(key)
        return None
    if len(text) > MAX_NAME:
        raise InspectionError("inspection.inspector_too_long", limit=MAX_NAME)
    return text


def _remark(value: str | None, what: str) -> str | None:
    text = (value or "").strip()
    if len(text) > MAX_REMARK:
        raise InspectionError("inspection.remark_too_long", what=what, limit=MAX_REMARK)
    return text or None


def _station(session: Session, reg: Registry, code: str) -> Station:
    station = session.scalars(select(Station).where(Station.code == code.strip())).one_or_none()
    if station is None:
        raise InspectionError("inspection.unknown_station", code=code)
    if not reg.actor.may_touch(station.village_code):
        raise InspectionError("inspection.out_of_scope", actor=reg.actor.name, code=station.code)
    return station


def _ordered(checklist: Checklist, answers: Sequence[Answer]) -> list[tuple[int, CheckItem, Answer]]:
    """The answers matched to the checklist's items by text, in checklist order; refuses gaps and extras."""
    index = checklist.index()
    by_position: dict[int, Answer] = {}
    unknown: list[str] = []
    for answer in answers:
        pos = index.get(text_key(answer.text))
        if pos is None:
            unknown.append(answer.text)
            continue
        if pos in by_position:
            raise InspectionError("inspection.duplicate_item", text=answer.text)
        by_position[pos] = answer
    if unknown:
        raise InspectionError("inspection.unknown_items", title=checklist.title,
                              items="；".join(f"“{t}”" for t in unknown))
    missing = [f"{i + 1}. {item.text}" for i, item in enumerate(checklist.items) if i not in by_position]
    if missing:
        raise InspectionError("inspection.missing_items", items="；".join(missing))
    return [(i + 1, item, by_position[i]) for i, item in enumerate(checklist.items)]


#: one character per answer in an inspection's audit row
_ANSWER_MARK = {"pass": "是", "fail": "否", "na": "—"}


def record_inspection(reg: Registry, draft: InspectionDraft, *, today: dt.date | None = None) -> int:
    """Validate `draft` against the station's checklist and store it in one transaction; the new id."""
    today = today or clock.today()
    inspector = _name(draft.inspector, "inspection.no_inspector", required=True)
    operator = _name(draft.operator, "inspection.no_inspector", required=False)
    remark = _remark(draft.remark, "检查意见")
    if draft.inspected_on > today:
        raise InspectionError("inspection.future_date", value=draft.inspected_on.isoformat())
    with reg.write() as s:
        station = _station(s, reg, draft.station_code)
        checklist = checklist_in(s, station.village_code)
        ordered = _ordered(checklist, draft.answers)
        remarks = [_remark(a.remark, f"第 {n} 项备注") for n, _, a in ordered]
        row = Inspection(station_code=station.code, inspected_on=draft.inspected_on, inspector=inspector,
                         operator=operator, remark=remark, checklist_title=checklist.title,
                         failed=sum(1 for _, _, a in ordered if a.result is Result.FAIL),
                         recorded_on=today, recorded_by=reg.actor.name)
        s.add(row)
        s.flush()
        s.add_all(InspectionItem(inspection_id=row.id, position=n, category=item.category, text=item.text,
                                 result=a.result.value, remark=rm)
                  for (n, item, a), rm in zip(ordered, remarks, strict=True))
        audit = AuditBatch(reg.actor)
        audit.created("inspection", str(row.id), station.village_code, {
            "station_code": station.code, "inspected_on": row.inspected_on, "inspector": inspector,
            "operator": operator, "remark": remark, "checklist_title": checklist.title, "failed": row.failed,
            "answers": "".join(_ANSWER_MARK.get(a.result.value, "?") for _, _, a in ordered)})
        audit.write(s)
        return row.id


def draft_from_workbook(path: Path, *, today: dt.date | None = None) -> InspectionDraft:
    """Read a filled inspection form (reports.inspection_form) into a draft, refusing unreadable cells."""
    from villagepost.reports.inspection_form import as_date, read_inspection_form

    today = today or clock.today()
    form = read_inspection_form(Path(path))
    if form is None or not form.station_code:
        raise InspectionError("inspection.not_a_form", file=Path(path).name)
    raw_date = as_date(form.inspected_on)
    if raw_date is None:
        raise InspectionError("inspection.no_date")
    try:
        partial = parse_date(raw_date, today)
    except ValueProblem as exc:
        key = "inspection.future_date" if exc.kind.value == "future_date" else "inspection.bad_date"
        raise InspectionError(key, value=str(raw_date)) from None
    if partial.precision != "day":
        raise InspectionError("inspection.bad_date", value=str(raw_date))
    answers: list[Answer] = []
    for r in form.rows:
        result = parse_result(r.result)
        if result is None:
            raise InspectionError("inspection.bad_result", row=r.row, value="" if r.result is None else str(r.result))
        answers.append(Answer(r.text, result, r.remark))
    return InspectionDraft(form.station_code, partial.first_day, form.inspector or "", answers,
                           operator=form.operator, remark=form.remark)


def record_from_workbook(reg: Registry, path: Path, *, today: dt.date | None = None) -> int:
    """`inspection record --from FILLED.xlsx`: read the form and record it; the new inspection's id."""
    return record_inspection(reg, draft_from_workbook(path, today=today), today=today)


def delete_inspection(reg: Registry, inspection_id: int) -> None:
    """Remove an inspection entered by mistake: it is marked removed (who, when) with an audit row and
    leaves the lists, due dates and failures; its answers stay on record."""
    with reg.write() as s:
        row = s.get(Inspection, inspection_id)
        if row is None or row.removed_at is not None:
            raise InspectionError("inspection.unknown", id=inspection_id)
        station = _station(s, reg, row.station_code)
        row.removed_at = clock.utc_stamp()
        row.removed_by = reg.actor.name
        audit = AuditBatch(reg.actor)
        audit.removed("inspection", str(row.id), station.village_code, {
            "station_code": row.station_code, "inspected_on": row.inspected_on, "inspector": row.inspector,
            "failed": row.failed})
        audit.write(s)


# --- reading --------------------------------------------------------------------------------------


def get_inspection(reg: Registry, inspection_id: int) -> InspectionRecord:
    with reg.read() as s:
        row = s.get(Inspection, inspection_id)
        if row is None or row.removed_at is not None:
            raise InspectionError("inspection.unknown", id=inspection_id)
        station = s.scalars(select(Station).where(Station.code == row.station_code)).one()
        items = s.scalars(select(InspectionItem).where(InspectionItem.inspection_id == inspection_id)
                          .order_by(InspectionItem.position))
        answered = tuple(AnsweredItem(i.position, i.category, i.text, Result(i.result), i.remark) for i in items)
        return InspectionRecord(row.id, row.station_code, station.name, station.village_code, row.inspected_on,
                                row.inspector, row.operator, row.remark, row.checklist_title, answered,
                                row.recorded_on, row.recorded_by)


def _scope(reg: Registry, scope: str) -> str:
    code = parse_scope(scope)
    require_unit(reg, code)
    return code


def list_inspections(reg: Registry, scope: str, *, station: str | None = None) -> list[InspectionRow]:
    """Inspections of the stations under `scope` (or of one station), newest first."""
    code = _scope(reg, scope)
    stmt = (select(Inspection.id, Inspection.station_code, Station.name, Inspection.inspected_on,
                   Inspection.inspector, Inspection.failed)
            .join(Station, Station.code == Inspection.station_code)
            .where(prefix_filter(Station.village_code, code), Inspection.removed_at.is_(None)))
    if station:
        stmt = stmt.where(Inspection.station_code == station.strip())
    stmt = stmt.order_by(Inspection.inspected_on.desc(), Inspection.id.desc())
    with reg.read() as s:
        return [InspectionRow(*r) for r in s.execute(stmt)]


def _latest(scope: str) -> Subquery:
    """Subquery: the id of each station's latest inspection (by date, then recording order)."""
    ranked = (select(Inspection.id, Inspection.station_code,
                     func.row_number().over(partition_by=Inspection.station_code,
                                            order_by=(Inspection.inspected_on.desc(), Inspection.id.desc()))
                     .label("rn"))
              .join(Station, Station.code == Inspection.station_code)
              .where(prefix_filter(Station.village_code, scope), Inspection.removed_at.is_(None))
              .subquery())
    return select(ranked.c.id, ranked.c.station_code).where(ranked.c.rn == 1).subquery()


def failed_items(reg: Registry, scope: str) -> list[FailedItem]:
    """Items answered 否 in the latest inspection of each station under `scope`, by station then item."""
    code = _scope(reg, scope)
    latest = _latest(code)
    stmt = (select(Inspection.station_code, Station.name, Inspection.id, Inspection.inspected_on,
                   InspectionItem.position, InspectionItem.category, InspectionItem.text, InspectionItem.remark)
            .join(latest, latest.c.id == Inspection.id)
            .join(Station, Station.code == Inspection.station_code)
            .join(InspectionItem, InspectionItem.inspection_id == Inspection.id)
            .where(InspectionItem.result == Result.FAIL.value)
            .order_by(Inspection.station_code, InspectionItem.position))
    with reg.read() as s:
        return [FailedItem(*r) for r in s.execute(stmt)]


def plus_months(day: dt.date, months: int) -> dt.date:
    """The same day `months` later (the month's last day when it is shorter: 01-31 + 1 month = 02-28)."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    return dt.date(year, month + 1, min(day.day, calendar.monthrange(year, month + 1)[1]))


def due_inspections(reg: Registry, scope: str, *, months: int = DEFAULT_MONTHS,
                    recheck_months: int = DEFAULT_RECHECK_MONTHS, today: dt.date | None = None) -> list[DueStation]:
    """Operating and suspended stations under `scope` due for inspection on `today`, most overdue first
    (never inspected first of all, then by due date, then by code)."""
    if not 1 <= months <= 120 or not 1 <= recheck_months <= 120:
        raise InspectionError("inspection.bad_months")
    today = today or clock.today()
    code = _scope(reg, scope)
    latest = _latest(code)
    stmt = (select(Station.code, Station.name, Station.status, Inspection.inspected_on, Inspection.failed)
            .select_from(Station)
            .outerjoin(latest, latest.c.station_code == Station.code)
            .outerjoin(Inspection, Inspection.id == latest.c.id)
            .where(prefix_filter(Station.village_code, code), Station.status.in_(INSPECTED_STATUSES))
            .order_by(Station.code))
    out: list[DueStation] = []
    with reg.read() as s:
        for st_code, name, status, last_on, failed in s.execute(stmt):
            if last_on is None:
                out.append(DueStation(st_code, name, status, None, 0, None, "never"))
                continue
            n_failed = failed or 0
            due_on = plus_months(last_on, min(recheck_months, months) if n_failed else months)
            if due_on <= today:
                out.append(DueStation(st_code, name, status, last_on, n_failed, due_on,
                                      "failed" if n_failed else "interval"))
    out.sort(key=lambda d: (d.due_on is not None, d.due_on or dt.date.min, d.station_code))
    return out



def write_form(reg: Registry, station: str, out: Path) -> dict[str, object]:
    """Write the fill-in inspection workbook of `station` (its checklist's items, the station pre-filled)."""
    from villagepost.reports.inspection_form import FormStation, write_inspection_form
    from villagepost.services.output_files import checked_output, write_guard
    from villagepost.storage.print_queries import path_names

    target = checked_output(out, ".xlsx")
    with reg.read() as s:
        row = s.scalars(select(Station).where(Station.code == station.strip())).one_or_none()
        if row is None:
            raise InspectionError("inspection.unknown_station", code=station)
        checklist = checklist_in(s, row.village_code)
        names = path_names(s, [row.village_code])
    v = row.village_code
    place = " / ".join(names[c] for c in (v[:2], v[:4], v[:6], v[:9], v) if c in names)
    county = names.get(v[:6], "")
    with write_guard(target):
        write_inspection_form(checklist, FormStation(row.code, row.name, place), target,
                              county_title=f"{county}{checklist.title}")
    return {"status": "ok", "path": str(target), "station_code": row.code, "items": len(checklist.items)}
