"""Cell values of a roster turned into typed values, or into a precise problem: pure functions, no Excel.

Why here and not next to the reader: the same rules apply to a value typed into the window, pasted from
a clipboard or read from a workbook, and they must be testable without a file. Every parser takes what
a cell can hold (str, int, float, date, datetime, None) and returns the canonical value or raises a
`ValueProblem` whose `kind` is one of the row-error kinds the import reports (`code_format`,
`unknown_station_type`, `coord_out_of_range`, ...).

Normalisation policy (MANIFEST conventions 6-7): every cell is trimmed of outer whitespace including
NBSP, U+3000, zero-width space and BOM; codes, digits, phones, coordinates, station types and headers are
NFKC-folded (full-width digits, ＋, （）); free text (station name, contact) is kept verbatim after trimming
— no NFKC, no markup handling, formula-looking text stays plain text.
"""

from __future__ import annotations

import calendar
import datetime as dt
import math
import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from villagepost.core.codes import Code, CodeFormatError, normalise_code
from villagepost.core.stations import ROSTER_TYPES, CoopMode, StationType

# --- trimming ---------------------------------------------------------------------------------

#: Characters stripped around every cell: what Excel users paste in from Word, web pages and WeChat.
TRIM_CHARS = (
    " \t\r\n\v\f\u0085\u00a0\u1680\u180e\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009"
    "\u200a\u200b\u200c\u200d\u2028\u2029\u202f\u205f\u2060\u3000\ufeff"
)
_INNER_SPACE = dict.fromkeys(map(ord, TRIM_CHARS), None)

#: Length limits (code points) of the free-text fields; longer values are row errors, never truncated.
MAX_LENGTH: Mapping[str, int] = {"village": 100, "station_name": 100, "contact": 50}


def trim(text: str) -> str:
    """`text` without outer whitespace of any kind (incl. NBSP, U+3000, ZWSP, BOM); idempotent."""
    return text.strip(TRIM_CHARS)


def fold(text: str) -> str:
    """NFKC and trimmed: the form codes, numbers, types and headers are compared in."""
    return trim(unicodedata.normalize("NFKC", text))


def squeeze(text: str) -> str:
    """NFKC with every whitespace character removed, also inside: '村邮站　＋　快递超市' -> '村邮站+快递超市'."""
    return unicodedata.normalize("NFKC", text).translate(_INNER_SPACE)


def is_blank(value: object) -> bool:
    """True for None, '' and whitespace-only strings: an empty cell as far as a roster is concerned."""
    return value is None or (isinstance(value, str) and not trim(value))


def cell_text(value: object) -> str:
    """The cell as written, trimmed: integral floats lose their '.0', dates print as ISO.

    Why: error messages and reports quote the value as the clerk typed it; Excel keeps 640221100200
    and 15675671692 as floats, which Python would print as 640221100200.0.
    """
    if value is None:
        return ""
    if isinstance(value, str):
        return trim(value)
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float):
        if math.isfinite(value) and value.is_integer() and abs(value) < 1e16:
            return str(int(value))
        return repr(value)
    if isinstance(value, dt.datetime):
        if value.time() == dt.time(0, 0):
            return value.date().isoformat()
        return value.isoformat(sep=" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    return trim(str(value))


# --- problems ---------------------------------------------------------------------------------


class ValueKind(StrEnum):
    """Kinds of value-level problems; the first eight are the import's row-error kinds."""

    CODE_FORMAT = "code_format"
    UNKNOWN_STATION_TYPE = "unknown_station_type"
    COORD_OUT_OF_RANGE = "coord_out_of_range"
    COORD_SWAPPED = "coord_swapped"
    FUTURE_DATE = "future_date"
    INVALID_DATE = "invalid_date"
    PHONE_FORMAT = "phone_format"
    FIELD_TOO_LONG = "field_too_long"
    UNKNOWN_COOP = "unknown_coop"
    COORD_FORMAT = "coord_format"
    NUMBER_FORMAT = "number_format"
    BAD_CHARACTER = "bad_character"


class ValueProblem(Exception):
    """Why a cell cannot become a typed value: `kind` for programs, `detail_key` + `params` for people.

    Raised by the parsers; `villagepost.rosters.parse` turns it into a row's CellProblem with the
    Chinese and English texts of the message catalogue (keys under 'roster.value.').
    """

    def __init__(self, kind: ValueKind, detail_key: str, **params: Any) -> None:
        super().__init__(f"{kind}: {detail_key} {params}")
        self.kind = kind
        self.detail_key = detail_key
        self.params: dict[str, Any] = params


# --- codes ------------------------------------------------------------------------------------


def column_letter(index: int) -> str:
    """0 → A, 25 → Z, 26 → AA: a 0-based column as Excel names it (in messages and the wizard)."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def parse_village_code(value: object) -> Code:
    """A 12-digit village-level code from a cell (text, number, apostrophe, full-width, inner spaces).

    A valid county or township code, or a padded one ('640221000000'), is a code_format problem here:
    a roster row names one village.
    """
    # `cell_text` only on the error paths: it was a fifth of this function's cost on a clean roster.
    try:
        code = normalise_code(value)
    except CodeFormatError as exc:
        raise ValueProblem(ValueKind.CODE_FORMAT, f"roster.value.code.{exc.reason}", value=cell_text(value),
                           **{k: v for k, v in exc.params.items() if k != "value"}) from None
    if len(code.code) != 12:
        raise ValueProblem(ValueKind.CODE_FORMAT, "roster.value.code.not_village", value=cell_text(value),
                           code=code.code)
    return code


# --- station types and cooperation modes -------------------------------------------------------


_STATION_TYPES: dict[str, StationType] = {
    "村邮站": StationType.VILLAGE_POST,
    "快递超市": StationType.EXPRESS_SHOP,
    "快递服务点": StationType.EXPRESS_SHOP,
    "村邮站+快递超市": StationType.COMBINED,
    "快递超市+村邮站": StationType.COMBINED,
    "综合服务站": StationType.SERVICE_STATION,
    "村级寄递物流综合服务站": StationType.SERVICE_STATION,
    "寄递物流综合服务站": StationType.SERVICE_STATION,
    "村级综合服务站": StationType.SERVICE_STATION,
}


def _from_vocabulary(value: object, aliases: Mapping[str, Any], kind: ValueKind, key: str, allowed: str) -> Any:
    """The vocabulary entry a cell names (compared NFKC, without any whitespace), or the problem."""
    try:
        return aliases[squeeze(cell_text(value))]
    except KeyError:
        raise ValueProblem(kind, key, value=cell_text(value), allowed=allowed) from None


def parse_station_type(value: object) -> StationType:
    """The station type of a cell; '村邮站 ＋ 快递超市' and the long name 村级寄递物流综合服务站 included."""
    return _from_vocabulary(value, _STATION_TYPES, ValueKind.UNKNOWN_STATION_TYPE, "roster.value.station_type",
                            "/".join(ROSTER_TYPES))


_COOP_ALIASES: dict[str, CoopMode] = {
    **{m.value: m for m in CoopMode},
    **{m.value.removesuffix("合作"): m for m in CoopMode},
    "客货邮融合": CoopMode.TRANSPORT_EXPRESS,
    "客货邮": CoopMode.TRANSPORT_EXPRESS,
}


def parse_coop(value: object) -> CoopMode:
    """The cooperation mode of a cell; short forms such as 邮快 are accepted."""
    return _from_vocabulary(value, _COOP_ALIASES, ValueKind.UNKNOWN_COOP, "roster.value.coop", "/".join(CoopMode))


# --- dates ------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True, order=True)
class PartialDate:
    """A date that may be known only to the month or the year (2024年3月, 2019年).

    Why not a `date` with day 1: the pacing curve must not pretend a station opened on the 1st, and a
    report must print the precision the township gave. `iso` is 'YYYY-MM-DD', 'YYYY-MM' or 'YYYY'.
    """

    year: int
    month: int | None = None
    day: int | None = None

    def __post_init__(self) -> None:
        if self.month is None and self.day is not None:
            raise ValueError("a day needs a month")
        # Validates the components; raises ValueError for 2021-02-29, month 14 ...
        dt.date(self.year, self.month or 1, self.day or 1)

    @property
    def iso(self) -> str:
        if self.month is None:
            return f"{self.year:04d}"
        if self.day is None:
            return f"{self.year:04d}-{self.month:02d}"
        return f"{self.year:04d}-{self.month:02d}-{self.day:02d}"

    @property
    def precision(self) -> str:
        """'day', 'month' or 'year'."""
        return "year" if self.month is None else "month" if self.day is None else "day"

    @property
    def first_day(self) -> dt.date:
        return dt.date(self.year, self.month or 1, self.day or 1)

    @property
    def last_day(self) -> dt.date:
        if self.day is not None and self.month is not None:
            return dt.date(self.year, self.month, self.day)
        month = self.month or 12
        return dt.date(self.year, month, calendar.monthrange(self.year, month)[1])

    @classmethod
    def from_date(cls, value: dt.date) -> PartialDate:
        return cls(value.year, value.month, value.day)

    @classmethod
    def parse_iso(cls, text: str) -> PartialDate:
        parts = [int(p) for p in text.split("-")]
        return cls(*parts)

    def __str__(self) -> str:
        return self.iso


#: Excel's day zero in the 1900 date system (serial 60 is the phantom 1900-02-29, so later serials
#: count from 1899-12-30).
_EXCEL_EPOCH = dt.date(1899, 12, 30)
_MAX_SERIAL = 2958465  # 9999-12-31
_TIME = r"(?:[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?"
_FULL = re.compile(r"^(\d{4})\s*[年./-]\s*(\d{1,2})\s*[月./-]\s*(\d{1,2})\s*[日号]?" + _TIME + "$")
_MONTH = re.compile(r"^(\d{4})\s*[年./-]\s*(\d{1,2})\s*月?$")
_YEAR = re.compile(r"^(\d{4})\s*年?$")
_COMPACT = re.compile(r"^(\d{4})(\d{2})(\d{2})$")
_COMPACT_MONTH = re.compile(r"^(\d{4})(\d{2})$")


def _make(shown: str, year: int, month: int | None = None, day: int | None = None) -> PartialDate:
    try:
        return PartialDate(year, month, day)
    except ValueError:
        raise ValueProblem(ValueKind.INVALID_DATE, "roster.value.date.impossible", value=shown) from None


def _from_number(number: float, shown: str) -> PartialDate:
    if not math.isfinite(number) or not float(number).is_integer():
        if math.isfinite(number) and 1 <= number <= _MAX_SERIAL:
            # A serial with a time of day: the date part is what counts.
            return PartialDate.from_date(_EXCEL_EPOCH + dt.timedelta(days=math.floor(number)))
        raise ValueProblem(ValueKind.INVALID_DATE, "roster.value.date.unreadable", value=shown)
    n = int(number)
    if 1900 <= n <= 2200:
        return _make(shown, n)
    if 19000101 <= n <= 22001231:
        return _make(shown, n // 10000, n // 100 % 100, n % 100)
    if 190001 <= n <= 220012:
        return _make(shown, n // 100, n % 100)
    if 1 <= n <= _MAX_SERIAL:
        return PartialDate.from_date(_EXCEL_EPOCH + dt.timedelta(days=n))
    raise ValueProblem(ValueKind.INVALID_DATE, "roster.value.date.unreadable", value=shown)


def _from_text(text: str, shown: str) -> PartialDate:
    text = fold(text)
    for pattern, arity in ((_FULL, 3), (_COMPACT, 3), (_MONTH, 2), (_COMPACT_MONTH, 2), (_YEAR, 1)):
        m = pattern.match(text)
        if m:
            parts = [int(g) for g in m.groups()[:arity]]
            return _make(shown, *parts)
    try:
        # ISO 8601 with a time zone or fractions: '2024-03-15T00:00:00+08:00'.
        return PartialDate.from_date(dt.datetime.fromisoformat(text).date())
    except ValueError:
        pass
    if re.fullmatch(r"\d+(?:\.\d+)?", text):
        return _from_number(float(text), shown)
    raise ValueProblem(ValueKind.INVALID_DATE, "roster.value.date.unreadable", value=shown)


#: No station of this registry opened before the People's Republic (0001-01-01 is a spreadsheet's blank date).
EARLIEST_DATE = dt.date(1949, 10, 1)


def parse_date(value: object, today: dt.date) -> PartialDate:
    """A (partial) date from an Excel date, datetime, serial number, 20240315, or text in the usual shapes.

    Text shapes: 2024.3.15, 2024/03/15, 2024-03-15, 2024年3月15日, '2024/03/15 00:00:00', 2024年3月,
    2024-03, 2024.03, 2019年, 2019. A value after `today` is a `future_date` problem (a month or year
    counts as future when it starts after today); an impossible one (2023/14/02, 2021年2月29日) is
    `invalid_date`.
    """
    shown = cell_text(value)
    if isinstance(value, dt.datetime):
        result = PartialDate.from_date(value.date())
    elif isinstance(value, dt.date):
        result = PartialDate.from_date(value)
    elif isinstance(value, bool):
        raise ValueProblem(ValueKind.INVALID_DATE, "roster.value.date.unreadable", value=shown)
    elif isinstance(value, int | float):
        result = _from_number(float(value), shown)
    elif isinstance(value, str):
        result = _from_text(value, shown)
    else:
        raise ValueProblem(ValueKind.INVALID_DATE, "roster.value.date.unreadable", value=shown)
    if result.first_day > today:
        raise ValueProblem(ValueKind.FUTURE_DATE, "roster.value.date.future", value=shown, date=result.iso,
                           today=today.isoformat())
    if result.last_day < EARLIEST_DATE:
        raise ValueProblem(ValueKind.INVALID_DATE, "roster.value.date.too_early", value=shown, date=result.iso,
                           earliest=EARLIEST_DATE.isoformat())
    return result


# --- coordinates ------------------------------------------------------------------------------

#: Bounding box of China used to accept a coordinate (MANIFEST convention 7).
LON_RANGE = (73.4, 135.1)
LAT_RANGE = (3.8, 53.6)

_NUM = r"\d+(?:\.\d*)?|\.\d+"
_DMS = re.compile(
    r"^(?P<pre>[ENWS]|东经|北纬|西经|南纬)?\s*(?P<sign>[-+])?\s*"
    rf"(?P<d>{_NUM})\s*(?:°|度)?\s*"
    rf"(?:(?P<m>{_NUM})\s*(?:′|'|’|分)?\s*"
    rf"(?:(?P<s>{_NUM})\s*(?:′′|″|\"|''|”|秒)?)?)?"
    r"\s*(?P<suf>[ENWS])?$",
    re.IGNORECASE,
)


def _coord_problem(shown: str) -> ValueProblem:
    return ValueProblem(ValueKind.COORD_FORMAT, "roster.value.coord.unreadable", value=shown)


def parse_coordinate(value: object) -> float:
    """Decimal degrees from a number or from text in decimal or DMS shapes.

    Accepts 107.474585, '107.474585°', '107°16′28.34″E', "107°3'11.41\"", '东经107°0\'22.2"',
    '107度28分35.61秒', 'E107°22\'45.78"', decimal minutes '106°56.6841′', space-separated '107 12 11.16'
    and full-width digits. W/S and a minus sign give negative values. The range is not checked here
    (see `coordinate_problems`), so a misplaced decimal point still reads as a number to report.
    """
    if type(value) is float and math.isfinite(value):  # the usual cell, before any text is made of it
        return value
    shown = cell_text(value)
    if isinstance(value, bool):
        raise _coord_problem(shown)
    if isinstance(value, int | float):
        number = float(value)
        if not math.isfinite(number):
            raise _coord_problem(shown)
        return number
    if not isinstance(value, str):
        raise _coord_problem(shown)
    m = _DMS.match(fold(value))
    if not m:
        raise _coord_problem(shown)
    degrees = float(m.group("d"))
    minutes = float(m.group("m")) if m.group("m") else 0.0
    seconds = float(m.group("s")) if m.group("s") else 0.0
    if m.group("m") and not degrees.is_integer():
        raise _coord_problem(shown)
    if minutes >= 60 or seconds >= 60 or (m.group("s") and not minutes.is_integer()):
        raise _coord_problem(shown)
    result = degrees + minutes / 60 + seconds / 3600
    hemis = {(m.group("pre") or "").upper(), (m.group("suf") or "").upper()}
    if hemis & {"W", "S", "西经", "南纬"} or m.group("sign") == "-":
        result = -result
    return result


def _inside(value: float, bounds: tuple[float, float]) -> bool:
    return bounds[0] <= value <= bounds[1]


def coordinate_problems(lon: float | None, lat: float | None) -> dict[str, ValueProblem]:
    """Range problems of a coordinate pair, keyed by field ('lon', 'lat'); empty when both are fine.

    A pair whose longitude is a valid latitude and whose latitude is a valid longitude is reported as
    `coord_swapped` on the longitude — never swapped back silently. A pair that is wrong as a whole
    (both outside China, e.g. 0/0 for "no location") is one problem of the pair, on the longitude: it is
    one mistake, and the township fixes it once.
    """
    problems: dict[str, ValueProblem] = {}
    lon_ok = lon is None or _inside(lon, LON_RANGE)
    lat_ok = lat is None or _inside(lat, LAT_RANGE)
    if lon_ok and lat_ok:
        return problems
    if lon is not None and lat is not None and _inside(lon, LAT_RANGE) and _inside(lat, LON_RANGE):
        problems["lon"] = ValueProblem(ValueKind.COORD_SWAPPED, "roster.value.coord.swapped",
                                       value=cell_text(lon), lon=lon, lat=lat)
        return problems
    if not lon_ok and not lat_ok:
        problems["lon"] = ValueProblem(ValueKind.COORD_OUT_OF_RANGE, "roster.value.coord.pair_range",
                                       value=cell_text(lon), lon=cell_text(lon), lat=cell_text(lat))
        return problems
    if not lon_ok:
        problems["lon"] = ValueProblem(ValueKind.COORD_OUT_OF_RANGE, "roster.value.coord.lon_range",
                                       value=cell_text(lon), low=LON_RANGE[0], high=LON_RANGE[1])
    if not lat_ok:
        problems["lat"] = ValueProblem(ValueKind.COORD_OUT_OF_RANGE, "roster.value.coord.lat_range",
                                       value=cell_text(lat), low=LAT_RANGE[0], high=LAT_RANGE[1])
    return problems


# --- phones -----------------------------------------------------------------------------------

_MOBILE = re.compile(r"^1[3-9]\d{9}$")
_PHONE_NOISE = re.compile(r"[\s\-‐‑–—()（）]")


def parse_phone(value: object) -> str:
    """A phone number as stored: a mobile as 11 digits ('15675671692'), a landline as area-hyphen-number.

    Landlines keep one hyphen after the area code ('0952-7053794', '010-12345678') because the split is
    what people read and dial; the area code is taken from the written hyphen, else 3 digits for 010 and
    02x and 4 digits otherwise. Spaces, hyphens, a leading apostrophe and numeric cells are accepted;
    anything else is `phone_format`.
    """
    if type(value) is str and len(value) == 11 and value.isascii() and _MOBILE.match(value):
        # The usual cell, a clean mobile number: what the full path below returns for it, without
        # building the shown text, NFKC and three regexes (0.5 s of 162k phones on the national roster).
        return value
    shown = cell_text(value)
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, bool) or not isinstance(value, int | str):
        raise ValueProblem(ValueKind.PHONE_FORMAT, "roster.value.phone", value=shown)
    text = fold(str(value)).lstrip("'‘’`")
    written_area: str | None = None
    hyphen = re.match(r"^\(?(0\d{2,3})\)?\s*[-‐‑–—)]\s*", text) or re.match(r"^[(（](0\d{2,3})[)）]", text)
    if hyphen:
        written_area = hyphen.group(1)
    digits = _PHONE_NOISE.sub("", text)
    if not digits.isdigit() or not digits.isascii():
        raise ValueProblem(ValueKind.PHONE_FORMAT, "roster.value.phone", value=shown)
    if _MOBILE.match(digits):
        return digits
    if digits.startswith("0"):
        area = written_area or (digits[:3] if digits[1] in "12" else digits[:4])
        local = digits[len(area):]
        if 3 <= len(area) <= 4 and 7 <= len(local) <= 8 and not local.startswith("0"):
            return f"{area}-{local}"
    raise ValueProblem(ValueKind.PHONE_FORMAT, "roster.value.phone", value=shown)


# --- free text and names ----------------------------------------------------------------------


#: Refused inside names and free text: C0/C1 control characters (NUL, ESC: they reach a terminal raw),
#: bidi embeddings/overrides/isolates (U+202A–U+202E, U+2066–U+2069: text that displays in another order
#: than it is stored) and zero-width characters (U+200B–U+200D, U+2060, U+FEFF: two names that look the
#: same but differ). Trimming already removed the harmless ones around a value.
_BAD_CHARACTER = re.compile("[\x00-\x1f\x7f-\x9f\u200b-\u200d\u2060\ufeff\u202a-\u202e\u2066-\u2069]")
#: Multi-line notes keep their line breaks and tabs.
_BAD_IN_NOTES = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u200b-\u200d\u2060\ufeff"
                           "\u202a-\u202e\u2066-\u2069]")
_VISIBLE = re.compile(f"[^{re.escape(TRIM_CHARS)}\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def check_characters(text: str, *, multiline: bool = False, name: bool = False) -> str:
    """`text` unchanged, or `bad_character` naming the first refused character (see `_BAD_CHARACTER`);
    a name must also hold at least one visible character."""
    found = (_BAD_IN_NOTES if multiline else _BAD_CHARACTER).search(text)
    if found is not None:
        raise ValueProblem(ValueKind.BAD_CHARACTER, "roster.value.bad_character", char=f"U+{ord(found.group()):04X}",
                           position=found.start() + 1)
    if name and text and _VISIBLE.search(text) is None:
        raise ValueProblem(ValueKind.BAD_CHARACTER, "roster.value.invisible_name")
    return text


def check_length(field_name: str, text: str) -> str:
    """`text` unchanged, or `field_too_long` when it exceeds MAX_LENGTH[field_name] code points."""
    limit = MAX_LENGTH.get(field_name)
    if limit is not None and len(text) > limit:
        raise ValueProblem(ValueKind.FIELD_TOO_LONG, "roster.value.too_long", value=text[:20] + "…",
                           length=len(text), limit=limit)
    return text


_VILLAGE_SUFFIXES = ("村民委员会", "村委员会", "村委会", "村")


def village_name_key(name: str) -> str:
    """The key two village names are compared by: NFKC, no whitespace, without 村/村委会/村民委员会/村委员会.

    '吴桥村民委员会', '吴桥村委会' and '吴桥 村' all give '吴桥'. Apply it to both the roster's name and
    the registry's official name (285 official names carry full-width parentheses).
    """
    key = squeeze(name)
    for suffix in _VILLAGE_SUFFIXES:
        if key.endswith(suffix) and len(key) > len(suffix):
            return key[: -len(suffix)]
    return key
