"""The audit's text of a created or removed record is exactly what json.dumps would write.

`_json_of` builds the JSON object by hand for speed; the audit view, the exports and every audit row
already stored read it as JSON, so the text must not change by a byte.
"""

from __future__ import annotations

import datetime as dt
import json
from enum import StrEnum
from typing import Any

import pytest

from villagepost.core.stations import StationStatus, StationType
from villagepost.storage.audit_store import _json_of, text_of


def _reference(values: dict[str, Any]) -> str:
    return json.dumps({k: text_of(v) for k, v in values.items() if v is not None}, ensure_ascii=False,
                      sort_keys=True)


class _Colour(StrEnum):
    RED = "红"


CASES: list[dict[str, Any]] = [
    {},
    {"name": "和平村村邮站"},
    # the keys of a created station, in the writer's order (not sorted)
    {"name": "张家村村邮站", "station_type": StationType("村邮站+快递超市"), "coop": "邮快合作", "lon": 105.123456,
     "lat": 36.5, "opened": "2021-03", "contact": "张三", "phone": "13912345678", "operator": None,
     "services": "收寄、代投", "brands": "中通、韵达", "floor_area": 45.0, "status": StationStatus.OPERATING,
     "served": ["640221100201", "640221100202"]},
    # what JSON must escape: quotes, backslashes, control characters, line breaks
    {"z": 'say "hi"', "a": "C:\\roster\\一.xlsx", "m": "tab\there\nnew line\r\x00\x1f\x7f"},
    # characters outside the BMP, a lone surrogate, the line separators JavaScript minds
    {"name": "𠀀村\U0001F600", "odd": "\ud800", "sep": "\u2028\u2029"},
    # dates, datetimes, booleans, integers, floats, tuples, a str subclass, an empty string, None
    {"on": dt.date(2024, 2, 29), "at": dt.datetime(2026, 12, 7, 8, 30, 1), "ok": True, "no": False, "n": 7,
     "x": 0.1, "big": 1e20, "t": ("a", "b"), "c": _Colour.RED, "e": "", "gone": None},
]


@pytest.mark.parametrize("values", CASES)
def test_the_text_is_json_dumps_to_the_byte(values: dict[str, Any]) -> None:
    assert _json_of(values) == _reference(values)
    assert json.loads(_json_of(values)) == {k: text_of(v) for k, v in values.items() if v is not None}


def test_text_of_keeps_its_rules() -> None:
    assert text_of("村") == "村"
    assert text_of(None) is None
    assert text_of(True) == "1"
    assert text_of(dt.date(2025, 1, 2)) == "2025-01-02"
    assert text_of(0.1) == "0.1"
    assert text_of(["a", "b"]) == "a、b"
    assert text_of(_Colour.RED) == "红"
    assert text_of(12) == "12"
