"""Validation of station values typed in the editor or on the command line.

The value rules are the roster import's (core.values parsers: types, cooperation modes, dates, phones,
coordinates, lengths), so a value refused in an import is refused here with the same words. What the
editor adds — lists of services and brands, floor area, served villages, the village's existence and
the actor's scope — is checked here too, field by field, so the window can mark each wrong field and the
CLI can print them all at once instead of stopping at the first.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from dataclasses import field as dc_field
from typing import Any

from sqlalchemy import Connection, select

from villagepost.core.actor import Actor
from villagepost.core.errors import KnownError
from villagepost.core.messages import tr
from villagepost.core.places import CountyPositions, province_problem
from villagepost.core.stations import (
    MAX_ITEM,
    MAX_ITEMS,
    StationType,
    canonical_brands,
    canonical_services,
    split_items,
)
from villagepost.core.values import (
    ValueKind,
    ValueProblem,
    cell_text,
    check_characters,
    check_length,
    coordinate_problems,
    parse_coop,
    parse_coordinate,
    parse_date,
    parse_phone,
    parse_station_type,
    parse_village_code,
    trim,
)
from villagepost.rosters import messages as _roster_messages  # noqa: F401  (the value texts)
from villagepost.services import station_messages
from villagepost.storage.division_index import DivisionIndex
from villagepost.storage.models import Division, Station
from villagepost.storage.place_queries import county_positions

#: what the editor may set on a station (village and code are fixed once it exists)
EDITABLE = ("name", "station_type", "coop", "operator", "contact", "phone", "lon", "lat", "opened", "services",
            "brands", "floor_area", "served", "notes")
_LIMITS = {"operator": 100, "contact": 50, "notes": 2000}


@dataclass(frozen=True)
class FieldProblem:
    """One wrong field: which, and why (catalogue key + params)."""

    field: str
    key: str
    params: dict[str, Any] = dc_field(default_factory=dict)

    def message(self, lang: str = "zh") -> str:
        zh, en = station_messages.FIELD_LABELS.get(self.field, (self.field, self.field))
        detail = tr(self.key, lang, self.params)
        label = en if lang == "en" else zh
        if detail.lower().startswith(label.lower()):  # the import's texts name the field already (联系电话“…”格式不对)
            return detail
        return tr("station.field", lang, {"field": label, "detail": detail})

    def to_json(self, lang: str = "zh") -> dict[str, Any]:
        return {"field": self.field, "kind": self.key, "message": self.message(lang)}


class StationInvalid(KnownError):
    """The values cannot be saved; `problems` lists every wrong field."""

    def __init__(self, problems: list[FieldProblem]) -> None:
        self.problems = problems
        super().__init__("station.invalid", details="; ".join(p.message("en") for p in problems))

    def message(self, lang: str = "zh") -> str:
        sep = "; " if lang == "en" else "；"
        return tr("station.invalid", lang, {"details": sep.join(p.message(lang) for p in self.problems)})

    def extra(self, lang: str = "zh") -> dict[str, Any]:
        return {"problems": [p.to_json(lang) for p in self.problems]}


def _blank(value: object) -> bool:
    return value is None or (isinstance(value, str) and not trim(value)) or value == []


def _items(value: object) -> list[str]:
    if isinstance(value, list | tuple):
        return [trim(str(v)) for v in value if not _blank(v)]
    return split_items(cell_text(value))


def _station_type(value: object) -> StationType:
    text = trim(cell_text(value))
    for member in StationType:
        if text == member.value:
            return member
    return parse_station_type(value)


def _number(name: str, value: object) -> float:
    if isinstance(value, int | float) and not isinstance(value, bool):
        return float(value)
    try:
        return float(trim(cell_text(value)).replace("，", "").replace(",", ""))
    except ValueError:
        raise ValueProblem(ValueKind.NUMBER_FORMAT, "station.number", value=cell_text(value)) from None


def clean_values(values: Mapping[str, object], today: dt.date) -> tuple[dict[str, Any], list[FieldProblem]]:
    """Typed values for the fields given (None clears an optional field), and the problems found."""
    out: dict[str, Any] = {}
    problems: list[FieldProblem] = []

    def refuse(name: str, exc: ValueProblem) -> None:
        problems.append(FieldProblem(name, exc.detail_key, exc.params))

    for name, raw in values.items():
        if name not in EDITABLE:
            problems.append(FieldProblem(name, "station.unknown_field", {"field": name}))
            continue
        try:
            if name == "name":
                text = trim(cell_text(raw)) if raw is not None else ""
                if not text:
                    problems.append(FieldProblem(name, "station.name_required"))
                    continue
                out[name] = check_length("station_name", check_characters(text, name=True))
            elif _blank(raw):
                out[name] = [] if name in ("services", "brands", "served") else None
            elif name == "station_type":
                out[name] = _station_type(raw).value
            elif name == "coop":
                out[name] = parse_coop(raw).value
            elif name == "phone":
                out[name] = parse_phone(raw)
            elif name in ("lon", "lat"):
                out[name] = parse_coordinate(raw)
            elif name == "opened":
                out[name] = parse_date(raw, today).iso
            elif name in ("services", "brands"):
                items = _items(raw)
                for item in items:
                    check_characters(item)
                if len(items) > MAX_ITEMS:
                    problems.append(FieldProblem(name, "station.too_many_items",
                                                 {"count": len(items), "limit": MAX_ITEMS}))
                    continue
                long = next((i for i in items if len(i) > MAX_ITEM), None)
                if long is not None:
                    problems.append(FieldProblem(name, "station.item_too_long", {"value": long, "limit": MAX_ITEM}))
                    continue
                out[name] = canonical_services(items) if name == "services" else canonical_brands(items)
            elif name == "floor_area":
                area = _number(name, raw)
                if not 0 < area <= 10_000:
                    problems.append(FieldProblem(name, "station.area_range", {"value": cell_text(raw)}))
                    continue
                out[name] = area
            elif name == "served":
                served = sorted({parse_village_code(v).code for v in _items(raw)})
                if len(served) > MAX_ITEMS:
                    problems.append(FieldProblem(name, "station.too_many_items",
                                                 {"count": len(served), "limit": MAX_ITEMS}))
                    continue
                out[name] = served
            else:
                text = check_characters(trim(cell_text(raw)), multiline=name == "notes")
                limit = _LIMITS.get(name)
                if limit is not None and len(text) > limit:
                    problems.append(FieldProblem(name, "roster.value.too_long",
                                                 {"value": text[:20] + "…", "length": len(text), "limit": limit}))
                    continue
                out[name] = text
        except ValueProblem as exc:
            refuse(name, exc)
    if out.get("lon") is not None or out.get("lat") is not None:
        for name, problem in coordinate_problems(out.get("lon"), out.get("lat")).items():
            out.pop(name, None)
            refuse(name if name in ("lon", "lat") else "lon", problem)
    return out, problems


def check_village(index: DivisionIndex, actor: Actor, code: str, field_name: str = "village_code",
                  *, own_village: str | None = None) -> list[FieldProblem]:
    """The unit is a village-level unit of the registry, not retired, and within the actor's scope."""
    unit = index.get(code)
    if unit is None or unit.level != 5:
        return [FieldProblem(field_name, "station.village_unknown", {"code": code})]
    if unit.retired:
        return [FieldProblem(field_name, "station.village_retired", {"code": code})]
    if code == own_village:
        return [FieldProblem(field_name, "station.served_self", {"code": code})]
    if own_village is not None and code[:6] != own_village[:6]:
        return [FieldProblem(field_name, "station.served_other_county", {"code": code, "county": own_village[:6]})]
    if not actor.may_touch(code):
        key = "station.served_out_of_scope" if own_village is not None else "station.out_of_scope"
        return [FieldProblem(field_name, key,
                             {"actor": actor.name, "code": code, "scopes": "、".join(actor.scopes)})]
    return []


def require_scope(actor: Actor, code: str) -> None:
    """Refuse a change to a unit outside the actor's scopes (the one policy: `Actor.may_touch`)."""
    if not actor.may_touch(code):
        raise KnownError("station.out_of_scope", actor=actor.name, code=code, scopes="、".join(actor.scopes))


def cover_guard(actor: Actor) -> Callable[[Sequence[str]], None] | None:
    """The check `history_store.refresh` runs on the villages whose coverage a write is about to change.

    A station may serve a village of another township (a county clerk set it so). Its own township's
    staff may still edit it, as long as that village's coverage stays as it was; a change that would alter
    it (closing the station, a new opening date) is the county's to make. Refusing here, inside the
    transaction and before any cover row is written, gives the same clear message on SQLite as on
    PostgreSQL, where row-level security would otherwise reject the write as an internal error.
    """
    if not actor.scopes and actor.writes:
        return None

    def guard(villages: Sequence[str]) -> None:
        outside = [v for v in villages if not actor.may_touch(v)]
        if outside:
            raise KnownError("station.cover_out_of_scope", actor=actor.name, code=outside[0],
                             scopes=actor.scope_text())

    return guard


def check_place(village_code: str, lon: float | None, lat: float | None) -> list[FieldProblem]:
    """The coordinates lie within the extent of the village's province (the import's row rule)."""
    problem = province_problem(village_code, lon, lat)
    return [] if problem is None else [FieldProblem("lon", problem.detail_key, problem.params)]


@dataclass(frozen=True)
class PlaceWarning:
    """A saved station stands far from its county's other stations: said, not refused (it may be right)."""

    station: str
    county: str
    params: dict[str, Any]
    kind: str = "coord_far_from_county"

    def message(self, lang: str = "zh") -> str:
        return tr("station.far_from_county", lang, self.params)

    def to_json(self, lang: str = "zh") -> dict[str, Any]:
        return {"field": "lon", "kind": self.kind, "county": self.county, "message": self.message(lang)}


def place_warnings(conn: Connection, code: str) -> list[PlaceWarning]:
    """The warning for station `code` when it lies more than 150 km from the median of its county's
    other stations (the editor and the CLI show it after a save; the import reports it per row)."""
    row = conn.execute(select(Station.village_code, Station.lon, Station.lat).where(Station.code == code)).first()
    if row is None or row.lon is None or row.lat is None:
        return []
    county = row.village_code[:6]
    far = CountyPositions(county_positions(conn, [county])[county]).far(row.lon, row.lat, own=code)
    if far is None:
        return []
    name = conn.execute(select(Division.name).where(Division.code == county)).scalar() or county
    return [PlaceWarning(code, county, far.params(name))]

