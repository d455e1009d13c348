"""A roster row turned into typed values plus the precise problems of its cells.

Why separate from the reader: reading decides which rows exist; parsing decides what each cell means.
The registry checks (code exists, belongs to the township, name matches, duplicates) come after this
and are not here: a `ParsedRow` only says what the row claims, in canonical form.

Stored forms: code as `Code` (12 digits), names trimmed (village NFKC-free, compare with
`village_name_key`), station_type/coop as enums, lon/lat as floats, opened as `PartialDate`, phone as a
digit string — mobile '15675671692', landline with the area-code hyphen kept '0952-7053794'.
An empty cell gives None and no problem; a cell with a problem gives None and a `CellProblem`.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field

from villagepost.core.codes import Code
from villagepost.core.messages import tr
from villagepost.core.places import province_problem
from villagepost.core.stations import MAX_ITEM, MAX_ITEMS, canonical_brands, canonical_services, join_items, split_items
from villagepost.core.values import (
    MAX_LENGTH,
    CoopMode,
    PartialDate,
    StationType,
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
from villagepost.rosters import messages as _messages  # noqa: F401  (registers the texts)
from villagepost.rosters.cell_problem import CellProblem
from villagepost.rosters.reader import RosterRow

#: Fields a row needs for a station to be recorded (the rest are attributes of the station).
STATION_FIELDS = ("station_name", "station_type")


@dataclass(slots=True)
class ParsedRow:
    """The typed values of one data row and the problems found in its cells."""

    row: int
    province: str | None = None
    city: str | None = None
    county: str | None = None
    township: str | None = None
    village: str | None = None
    code: Code | None = None
    station_name: str | None = None
    station_type: StationType | None = None
    coop: CoopMode | None = None
    lon: float | None = None
    lat: float | None = None
    opened: PartialDate | None = None
    contact: str | None = None
    phone: str | None = None
    #: services and brands as stored: canonical names joined by "、"; floor area in m²
    services: str | None = None
    brands: str | None = None
    floor_area: float | None = None
    #: further villages served, as written (names or codes): the import resolves them within the county
    served: tuple[str, ...] | None = None
    problems: list[CellProblem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems

    @property
    def has_station(self) -> bool:
        """True when the row describes a station (a name or a type is filled)."""
        return self.station_name is not None or self.station_type is not None


def _problem(row: RosterRow, name: str, exc: ValueProblem, value: str | None = None) -> CellProblem:
    column = row.column(name)
    shown = row.text(name) if value is None else value
    detail_zh = tr(exc.detail_key, "zh", exc.params)
    detail_en = tr(exc.detail_key, "en", exc.params)
    params = {"row": row.row, "column": column}
    return CellProblem(row.row, name, column, str(exc.kind), shown,
                       tr("roster.cell", "zh", {**params, "detail": detail_zh}),
                       tr("roster.cell", "en", {**params, "detail": detail_en}))


def _free_text(name: str) -> Callable[[object], str]:
    limit = MAX_LENGTH[name]
    is_name = name in ("station_name", "village")

    def parse(value: object) -> str:
        # A text cell trimmed directly, and check_length only for a long one: two calls fewer per cell
        # on the 487k village names of a national roster.
        text = trim(value) if type(value) is str else cell_text(value)
        check_characters(text, name=is_name)
        return text if len(text) <= limit else check_length(name, text)

    return parse


def _item_list(canonical: Callable[[list[str]], list[str]]) -> Callable[[object], str | None]:
    """A list cell ('中通、圆通，韵达') as stored: canonical names in vocabulary order joined by '、'."""

    def parse(value: object) -> str | None:
        items = canonical(split_items(cell_text(value)))
        long = next((item for item in items if len(item) > MAX_ITEM), None)
        if long is not None:
            raise ValueProblem(ValueKind.FIELD_TOO_LONG, "roster.value.item_too_long", value=long[:20],
                               limit=MAX_ITEM)
        return join_items(items)

    return parse


_AREA = re.compile(r"^(\d+(?:\.\d+)?)\s*(?:㎡|m2|m²|平方米|平米|平方)?$", re.IGNORECASE)


def parse_floor_area(value: object) -> float:
    """A floor area in m²: a number, or a number with its unit ('120㎡', '85.5平方米'); 0 < area ≤ 10000."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        area = float(value)
    else:
        text = unicodedata.normalize("NFKC", cell_text(value)).replace(",", "").replace(" ", "")
        found = _AREA.match(text)
        if found is None:
            raise ValueProblem(ValueKind.NUMBER_FORMAT, "roster.value.area.format", value=cell_text(value))
        area = float(found.group(1))
    if not 0 < area <= 10_000:
        raise ValueProblem(ValueKind.NUMBER_FORMAT, "roster.value.area.range", value=cell_text(value))
    return area


#: Longest served-village item: a township and village name written together ('城关镇和平村委会').
MAX_SERVED_ITEM = 50


def parse_served(value: object) -> tuple[str, ...]:
    """The served villages of a cell ('和平村、新利村', '640221100202;640221100203'), each once, as written.

    A code written as a number (640221100202.0) keeps its digits. Names are resolved against the county's
    villages by the import (`RegistryChecks.served_villages`), which knows where the station stands.
    """
    items = list(dict.fromkeys(split_items(cell_text(value))))
    if len(items) > MAX_ITEMS:
        raise ValueProblem(ValueKind.FIELD_TOO_LONG, "roster.value.served.too_many", value=cell_text(value)[:30],
                           count=len(items), limit=MAX_ITEMS)
    long = next((item for item in items if len(item) > MAX_SERVED_ITEM), None)
    if long is not None:
        raise ValueProblem(ValueKind.FIELD_TOO_LONG, "roster.value.item_too_long", value=long[:20],
                           limit=MAX_SERVED_ITEM)
    return tuple(items)



class RowParser:
    """Parses the rows of one roster, with the parsers built once and repeated values parsed once.

    Why a class: a national roster has 487k rows; building the parser table per row and re-parsing the
    same county, township, type, mode and date texts on every row was a third of the import's time.
    """

    #: fields whose values repeat across rows (a county name on every row of its block, 1.5k dates...)
    MEMO_FIELDS = frozenset({"province", "city", "county", "township", "station_type", "coop", "opened"})
    MEMO_LIMIT = 50_000

    def __init__(self, today: dt.date) -> None:
        self.today = today
        self.parsers: dict[str, Callable[[object], object]] = {
            "province": cell_text, "city": cell_text, "county": cell_text, "township": cell_text,
            "village": _free_text("village"), "code": parse_village_code,
            "station_name": _free_text("station_name"), "station_type": parse_station_type, "coop": parse_coop,
            "lon": parse_coordinate, "lat": parse_coordinate,
            "opened": self._date, "contact": _free_text("contact"), "phone": parse_phone,
            "services": _item_list(canonical_services), "brands": _item_list(canonical_brands),
            "floor_area": parse_floor_area, "served": parse_served,
        }
        self.memo: dict[str, dict[object, object]] = {name: {} for name in self.MEMO_FIELDS}

    def _date(self, value: object) -> PartialDate:
        return parse_date(value, self.today)

    def _parse(self, name: str, value: object) -> object:
        """The typed value, or the ValueProblem itself (memoised alike)."""
        memo = self.memo.get(name)
        if memo is not None:
            try:
                return memo[value]
            except KeyError:
                pass
            except TypeError:  # an unhashable cell value: parse it without the memo
                memo = None
        try:
            result: object = self.parsers[name](value)
        except ValueProblem as exc:
            # Without its traceback: exc -> traceback -> this frame -> result -> exc is a reference cycle
            # per bad cell, which only the cyclic GC (suspended in part during an import) would free.
            result = exc.with_traceback(None)
        if memo is not None:
            if len(memo) >= self.MEMO_LIMIT:
                memo.clear()
            memo[value] = result
        return result

    def __call__(self, row: RosterRow) -> ParsedRow:
        out = ParsedRow(row.row)
        memos = self.memo
        for name, value in row.raw.items():
            if value is None:
                continue
            # A memo hit first: a remembered value was non-blank when it was parsed, so the trim test
            # can wait for a miss (the county/township/type/mode/date cells of most rows hit).
            memo = memos.get(name)
            if memo is not None:
                try:
                    result = memo[value]
                except (KeyError, TypeError):
                    if type(value) is str and not trim(value):
                        continue
                    result = self._parse(name, value)
            else:
                if type(value) is str and not trim(value):
                    continue
                result = self._parse(name, value)
            if isinstance(result, ValueProblem):
                out.problems.append(_problem(row, name, result, value=cell_text(value)[:50] if name in (
                    "village", "station_name", "contact") else None))
            else:
                setattr(out, name, result)
        if out.lon is not None or out.lat is not None:
            coord_problems = coordinate_problems(out.lon, out.lat)
            for name, coord_problem in coord_problems.items():
                out.problems.append(_problem(row, name, coord_problem))
            if coord_problems:
                out.lon = out.lat = None  # half a coordinate pair locates nothing
            elif out.code is not None:  # in China, but is it in the village's province?
                outside = province_problem(out.code.code, out.lon, out.lat)
                if outside is not None:
                    out.problems.append(_problem(row, "lon", outside))
                    out.lon = out.lat = None
        return out


#: A parsed row as the import consumes it: (row, county, township, village, code, station_name,
#: station_type, coop, lon, lat, opened, contact, phone, problems, extra) with the code as its digits, the
#: type, mode and date as their stored strings, and None for no problems. A flat tuple because it is what
#: crosses the pipe from the forked reader (rosters.forked): rebuilding ParsedRow objects there cost
#: 3.3 s for the national roster, more than parsing in a second process saved.
#: `extra` is None, or (services, brands, floor_area, served) when the roster has any of those columns filled.
Extra = tuple[str | None, str | None, float | None, tuple[str, ...] | None]
CompactRow = tuple[int, str | None, str | None, str | None, str | None, str | None, str | None, str | None,
                   float | None, float | None, str | None, str | None, str | None, list[CellProblem] | None,
                   Extra | None]


def compact(parsed: ParsedRow) -> CompactRow:
    """`parsed` as a CompactRow (the import's only view of a row; province and city are not used)."""
    return (parsed.row, parsed.county, parsed.township, parsed.village,
            parsed.code.code if parsed.code is not None else None, parsed.station_name,
            parsed.station_type.value if parsed.station_type is not None else None,
            parsed.coop.value if parsed.coop is not None else None, parsed.lon, parsed.lat,
            parsed.opened.iso if parsed.opened is not None else None, parsed.contact, parsed.phone,
            parsed.problems or None,
            None if parsed.services is None and parsed.brands is None and parsed.floor_area is None
            and parsed.served is None else (parsed.services, parsed.brands, parsed.floor_area, parsed.served))


def parse_row(row: RosterRow, today: dt.date) -> ParsedRow:
    """Typed values and cell problems of `row`; `today` bounds opening dates (later = future_date).

    For many rows, build one `RowParser(today)` and call it per row: it memoises repeated values.
    """
    return RowParser(today)(row)
