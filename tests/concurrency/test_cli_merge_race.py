"""Two `villagepost station merge` commands started together for the same predecessor: one merges (exit 0),
the other is refused with a clear message (exit 2), never an internal error (exit 1)."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable

import pytest
from race_workers import db_of

from villagepost.services import station_ops as ops
from villagepost.services.registry import Registry

pytestmark = pytest.mark.slow

VILLAGE = "640221106200"


def test_two_cli_merges_of_one_predecessor(make_registry: Callable[..., Registry]) -> None:
    reg = make_registry("640221")

    def add(name: str, stype: str) -> str:
        return ops.add_station(reg, ops.StationDraft(VILLAGE, name, station_type=stype, opened="2020-01-01"))

    shop, post_a, post_b = add("快递超市", "快递超市"), add("甲村邮站", "村邮站"), add("乙村邮站", "村邮站")
    db = db_of(reg)
    procs = [subprocess.Popen([sys.executable, "-m", "villagepost", "--db", db, "station", "merge", post, shop,
                               "--on", "2026-11-01"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                              env=dict(os.environ))
             for post in (post_a, post_b)]
    results = [(p.wait(120), *p.communicate()) for p in procs]
    assert sorted(code for code, _, _ in results) == [0, 2], results
    loser = next(err for code, _, err in results if code == 2)
    assert f"站点“{shop}”在2026-11-01不在运营" in loser and "Traceback" not in loser
    history = ops.station_details(reg, shop).history
    assert [h.kind for h in history].count("merged") == 1
