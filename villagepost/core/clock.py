"""The one clock of the application: what "today" and "now" are.

Every date the registry reasons about — the day a station was recorded, "not after today", the trailing six
months of a pace, a default deadline, the date printed on a summary — comes from here, never from
`datetime.date.today()` or `datetime.now()` directly. That makes the figures for a fixed past date independent
of the day they are computed, and lets tests (and a CLI subprocess started by a test) fix the day they mean.

Tests freeze the clock with `frozen(...)` (the suite's autouse fixture does, for every test) and pass the same
instant to subprocesses in the environment variable `VILLAGEPOST_CLOCK` (an ISO date, `2026-11-23`, or an ISO
date-time, `2026-11-23T10:00:00+08:00`; a date alone means 10:00 local time that day). The variable is for
tests only: the application never sets it, and a user never needs it.

Elapsed-time measurements (progress throttling, timeouts) use `time.monotonic()`; they are not dates.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Iterator
from contextlib import contextmanager

ENV = "VILLAGEPOST_CLOCK"
_UTC = dt.UTC

_frozen: dt.datetime | None = None


def parse_instant(text: str, day_time: dt.time = dt.time(10, 0)) -> dt.datetime:
    """An aware instant from an ISO date or date-time: a date means `day_time` local time that day (10:00 for
    the test clock; the audit's `--since` takes the day's start, `--as-recorded-on` its end), a naive
    date-time means local time.

    Raises ValueError for anything else.
    """
    text = text.strip()
    try:
        day = dt.date.fromisoformat(text)
    except ValueError:
        instant = dt.datetime.fromisoformat(text)
    else:
        instant = dt.datetime.combine(day, day_time)
    return instant if instant.tzinfo is not None else instant.astimezone()


def _from_env() -> dt.datetime | None:
    raw = os.environ.get(ENV, "").strip()
    if not raw:
        return None
    try:
        return parse_instant(raw)
    except ValueError as exc:
        raise RuntimeError(f"{ENV}={raw!r} is not an ISO date or date-time") from exc


def now() -> dt.datetime:
    """The current instant, timezone-aware, in UTC."""
    instant = _frozen or _from_env()
    if instant is None:
        return dt.datetime.now(_UTC)
    return instant.astimezone(_UTC)


def local_now() -> dt.datetime:
    """The current instant, timezone-aware, in the computer's local time zone."""
    return now().astimezone()


def today() -> dt.date:
    """Today's date where the user sits (local time zone)."""
    return local_now().date()


def is_frozen() -> bool:
    """True while a test fixed the clock (in this process or through the environment)."""
    return _frozen is not None or bool(os.environ.get(ENV, "").strip())


@contextmanager
def frozen(instant: dt.datetime | dt.date | str) -> Iterator[dt.datetime]:
    """Fix the clock of this process at `instant` (a date means 10:00 local time) until the block ends.

    Subprocesses do not see this; set `VILLAGEPOST_CLOCK` in their environment (`env_value()` gives it).
    """
    global _frozen
    if isinstance(instant, str):
        fixed = parse_instant(instant)
    elif isinstance(instant, dt.datetime):
        fixed = instant if instant.tzinfo is not None else instant.astimezone()
    else:
        fixed = dt.datetime.combine(instant, dt.time(10, 0)).astimezone()
    before, _frozen = _frozen, fixed
    try:
        yield fixed
    finally:
        _frozen = before


def env_value() -> str:
    """The current instant as `VILLAGEPOST_CLOCK` wants it, so a subprocess shares this process's clock."""
    return now().isoformat()


def utc_stamp() -> dt.datetime:
    """Now as the registry stores instants: naive UTC, whole seconds (what SQL's CURRENT_TIMESTAMP gives)."""
    return now().replace(tzinfo=None, microsecond=0)


def local_text(stored: dt.datetime | None) -> str:
    """A stored naive-UTC instant as local time for people: `2026-11-23 18:00:00`; '' for None."""
    if stored is None:
        return ""
    aware = stored if stored.tzinfo is not None else stored.replace(tzinfo=_UTC)
    return aware.astimezone().replace(tzinfo=None).isoformat(sep=" ", timespec="seconds")
