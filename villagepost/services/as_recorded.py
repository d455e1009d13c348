"""`--as-recorded-on`: figures as the registry said them at an earlier instant, after later corrections.

A date means the end of that day (everything recorded that day counts), local time; a date-time without
a zone is local time. The work happens in `storage.replay`: the events recorded up to the instant are
replayed into temporary tables that answer the usual coverage queries.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager, nullcontext

from villagepost.core import clock
from villagepost.core.errors import KnownError
from villagepost.core.messages import register
from villagepost.services.registry import Registry

register({
    "replay.bad_instant": ("“{value}”不是日期或时间（例如 2026-10-31 或 2026-10-31T18:00）",
                           "'{value}' is not a date or a date-time (e.g. 2026-10-31 or 2026-10-31T18:00)"),
    "replay.note": ("按 {at} 时登记册中的记录重算（之后的更正、补录不计）",
                    "as recorded in the registry at {at} (later corrections and additions left out)"),
    "replay.future": ("{value} 还没有到（现在是 {now}）", "{value} lies in the future (it is now {now})"),
})


def parse_instant(text: str) -> dt.datetime:
    """An aware instant from DATE (the end of that local day) or DATETIME (local time when no zone)."""
    try:
        instant = clock.parse_instant(text, dt.time(23, 59, 59))
    except ValueError:
        raise KnownError("replay.bad_instant", value=text) from None
    if instant > clock.now() and instant.date() > clock.today():
        raise KnownError("replay.future", value=text, now=clock.local_text(clock.utc_stamp()))
    return instant


def stored(instant: dt.datetime) -> dt.datetime:
    """The instant as the registry stores them: naive UTC, whole seconds."""
    return instant.astimezone(dt.UTC).replace(tzinfo=None, microsecond=0)


def local_day(instant: dt.datetime) -> dt.date:
    return instant.astimezone().date()


def shown(instant: dt.datetime) -> str:
    """Local time for people: 2026-10-31 23:59:59."""
    return clock.local_text(stored(instant))


@contextmanager
def _replay(reg: Registry, scope: str, instant: dt.datetime) -> Iterator[None]:
    with reg.as_recorded(scope, stored(instant)):
        yield


def replaying(reg: Registry, scope: str, instant: dt.datetime | None) -> AbstractContextManager[None]:
    """Reads of `reg` about `scope` as recorded at `instant` while the block runs; as usual when None."""
    return nullcontext() if instant is None else _replay(reg, scope, instant)
