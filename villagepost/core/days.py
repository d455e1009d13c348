"""A full calendar day as a person types it, in the window's date fields and the CLI's date options.

Why one parser: a clerk who types 2025/12/31 in 截止日期 or `--deadline 20251231` must get what the
rosters already accept for the same day (core.values reads those), or be told why not — never a field
that silently keeps its old value. Month or year precision (2025-12, 2025年) is refused here: a deadline,
a report day or an inspection is one day. Whether the day may lie in the future is the caller's rule.
"""

from __future__ import annotations

import datetime as dt
import unicodedata

from villagepost.core.errors import KnownError
from villagepost.core.messages import register
from villagepost.core.values import PartialDate, ValueProblem, parse_date

#: the shapes every date field and date option takes, as the hints show them
DAY_FORMS = "2025-12-31、2025/12/31、20251231、2025年12月31日、2025.12.31"
DAY_FORMS_EN = "2025-12-31, 2025/12/31, 20251231, 2025年12月31日, 2025.12.31"

register({
    "day.empty": ("请填写日期，例如 " + DAY_FORMS, "enter a date, e.g. " + DAY_FORMS_EN),
    "day.unreadable": ("无法识别日期“{value}”，可写成 " + DAY_FORMS,
                       "cannot read the date '{value}'; write it as " + DAY_FORMS_EN),
    "day.impossible": ("日期“{value}”不存在（月份或日期不正确）",
                       "the date '{value}' does not exist (bad month or day)"),
    "day.month_only": ("“{value}”只写到月，请写出完整的年月日，例如 2025-12-31",
                       "'{value}' gives only the month; write the full day, e.g. 2025-12-31"),
    "day.year_only": ("“{value}”只写到年，请写出完整的年月日，例如 2025-12-31",
                      "'{value}' gives only the year; write the full day, e.g. 2025-12-31"),
    "day.after": ("日期 {day} 晚于 {latest}", "the date {day} is after {latest}"),
    "day.before": ("日期 {day} 早于 {earliest}", "the date {day} is before {earliest}"),
})


class DayError(KnownError):
    """A typed day that cannot be read, or is not a whole day."""


#: a far-future "today" for the roster parser, which refuses days after its today: a deadline may be ahead
_NO_LIMIT = dt.date(9999, 12, 31)


def parse_day(text: str) -> dt.date:
    """The day `text` names: 2025-12-31, 2025/12/31, 20251231, 2025年12月31日, 2025.12.31 (full-width digits,
    spaces and a time of day are fine). Raises DayError saying why not."""
    value = unicodedata.normalize("NFKC", text).strip()
    if not value:
        raise DayError("day.empty")
    if value.isdigit() and len(value) != 8:
        # A bare number other than YYYYMMDD would be read as an Excel serial (45000 → 2023-03-15):
        # right for a cell, a surprise for a typed field.
        raise DayError("day.unreadable", value=text)
    try:
        found: PartialDate = parse_date(value, _NO_LIMIT)
    except ValueProblem as problem:
        key = "day.impossible" if problem.detail_key.endswith("impossible") else "day.unreadable"
        raise DayError(key, value=text) from None
    if found.precision != "day":
        raise DayError("day.month_only" if found.precision == "month" else "day.year_only", value=text)
    return found.first_day


def check_range(day: dt.date, *, earliest: dt.date | None = None, latest: dt.date | None = None) -> None:
    """Raise DayError when `day` lies outside [earliest, latest]."""
    if latest is not None and day > latest:
        raise DayError("day.after", day=day.isoformat(), latest=latest.isoformat())
    if earliest is not None and day < earliest:
        raise DayError("day.before", day=day.isoformat(), earliest=earliest.isoformat())
