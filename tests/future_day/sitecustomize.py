"""Put on PYTHONPATH only by the future-date CI run (`faketime -f +365d`), for every Python process it starts.

libfaketime 0.9.10 (Debian 12) with its monotonic clock left real hands Python 3.11's ``time.sleep`` a
negative deadline: Python sleeps with ``clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME)`` and the library
shifts that absolute monotonic time by the wall-clock offset, so every sleep fails with EINVAL
(wolfcw/libfaketime#426). A relative wait does not pass through that path, so sleeping is done with
``select`` here. Nothing else is changed: the wall clock stays a year ahead, which is the point of the run.
"""

from __future__ import annotations

import select
import time


def _relative_sleep(seconds: float) -> None:
    """Sleep like ``time.sleep`` (same errors for bad input) without an absolute monotonic deadline."""
    if seconds < 0:
        raise ValueError("sleep length must be non-negative")
    select.select([], [], [], seconds)


time.sleep = _relative_sleep
