"""Everything that depends on "today" follows the project clock, on the awkward days too.

The services are called without a `today=` argument, so they must ask `villagepost.core.clock`; the clock is
moved with `set_clock` to a month end, a year end (12-31 → 01-01, just before and just after local midnight)
and a leap day. 平罗县 (640221) from the real division codes: 陶乐镇 640221106 has 建制村 200–204.
"""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from villagepost.core import clock
from villagepost.core.pacing import Measure
from villagepost.services import coverage as cov
from villagepost.services import pacing as pacing_svc
from villagepost.services import station_ops as ops
from villagepost.services import targets as targets_svc
from villagepost.services.registry import Registry
from villagepost.services.station_checks import StationInvalid

WANGJIA, DONGYUAN, MATAI = "640221106200", "640221106201", "640221106202"
TAOLE = "640221106"


@pytest.fixture
def reg(sqlite_registry: Callable[..., Registry]) -> Registry:
    registry = sqlite_registry("640221")
    yield registry  # type: ignore[misc]
    registry.close()


def combined(reg: Registry, village: str, name: str, opened: str | None) -> str:
    return ops.add_station(reg, ops.StationDraft(village, name, station_type="村邮站+快递超市", opened=opened))


def test_the_clock_module(set_clock: Callable[[str], None]) -> None:
    assert clock.today() == dt.date(2026, 11, 23)  # the suite's day (tests/conftest.py)
    set_clock("2028-02-29T23:59:00")
    assert clock.today() == dt.date(2028, 2, 29) and clock.now().tzinfo is dt.UTC
    assert clock.local_now().replace(tzinfo=None) == dt.datetime(2028, 2, 29, 23, 59)
    with clock.frozen(dt.date(2024, 12, 31)) as at:
        assert clock.today() == dt.date(2024, 12, 31) and at.hour == 10
    assert clock.today() == dt.date(2028, 2, 29)  # the block is over
    set_clock("2026-12-31T23:30:00+08:00")  # an explicit zone: Beijing's 23:30 is 15:30 UTC
    assert clock.now() == dt.datetime(2026, 12, 31, 15, 30, tzinfo=dt.UTC)
    assert clock.utc_stamp() == dt.datetime(2026, 12, 31, 15, 30)
    with pytest.raises(ValueError):
        clock.parse_instant("2026-13-01")


def test_a_bad_clock_variable_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(clock.ENV, "tomorrow")
    with pytest.raises(RuntimeError, match="VILLAGEPOST_CLOCK"):
        clock.today()


@pytest.mark.parametrize(("now", "accepted", "refused"), [
    ("2026-12-31T23:30:00", ["2026-12-31", "2026-12", "2026"], ["2027-01-01", "2027-01", "2027"]),
    ("2027-01-01T00:10:00", ["2027-01-01", "2027-01", "2027"], ["2027-01-02", "2027-02"]),
    ("2028-02-29T10:00:00", ["2028-02-29", "2028-02"], ["2028-03-01", "2028-03"]),
    ("2028-02-28T10:00:00", ["2028-02-28", "2028-02"], ["2028-02-29"]),
    ("2026-11-30T23:59:00", ["2026-11-30", "2026-11"], ["2026-12-01", "2026-12"]),
])
def test_opening_dates_not_after_today(reg: Registry, set_clock: Callable[[str], None], now: str,
                                       accepted: list[str], refused: list[str]) -> None:
    set_clock(now)
    for i, opened in enumerate(accepted):
        code = combined(reg, WANGJIA, f"站{i}", opened)
        assert ops.station_details(reg, code).opened == opened
    for opened in refused:
        with pytest.raises(StationInvalid) as info:
            combined(reg, DONGYUAN, "未来站", opened)
        assert [p.field for p in info.value.problems] == ["opened"]


def test_a_dateless_station_counts_from_the_day_it_was_recorded(reg: Registry,
                                                                 set_clock: Callable[[str], None]) -> None:
    set_clock("2028-02-29T16:00:00")
    code = combined(reg, WANGJIA, "王家庄综合服务站", None)
    details = ops.station_details(reg, code)
    assert details.recorded_on == "2028-02-29"
    set_clock("2028-03-01T09:00:00")  # the figures for past days must not move with the clock
    assert cov.coverage(reg, TAOLE, on=dt.date(2028, 2, 28)).villages_covered == 0
    assert cov.coverage(reg, TAOLE, on=dt.date(2028, 2, 29)).villages_covered == 1
    assert cov.coverage(reg, TAOLE).on == dt.date(2028, 3, 1)  # no date: the clock's today
    assert cov.coverage(reg, TAOLE).villages_covered == 1


def test_the_trailing_six_months_move_at_the_turn_of_the_year(reg: Registry,
                                                              set_clock: Callable[[str], None]) -> None:
    set_clock("2026-12-31T12:00:00")
    combined(reg, WANGJIA, "甲", "2026-03-15")   # the curve starts at March's end with 1
    combined(reg, DONGYUAN, "乙", "2026-06-15")  # 2 from June's end
    combined(reg, MATAI, "丙", "2026-12-10")     # 4 from December's end
    combined(reg, "640221106203", "丁", "2026-12-31")
    targets_svc.set_target(reg, TAOLE, Measure.COVERAGE_RATE, 1.0, dt.date(2027, 12, 31))

    def pace_now() -> tuple[dt.date, int, float, int]:
        (row, p), = pacing_svc.pacing(reg, TAOLE).paces
        assert row.created_on == dt.date(2026, 12, 31)
        return p.today, p.trailing_months, p.trailing_per_month, p.months_left

    # December is not complete on 12-31: May..November, 1 → 2
    assert pace_now() == (dt.date(2026, 12, 31), 6, pytest.approx(1 / 6), 12)
    set_clock("2027-01-01T00:05:00")  # now December is: June..December, 2 → 4
    assert pace_now() == (dt.date(2027, 1, 1), 6, pytest.approx(2 / 6), 12)
    set_clock("2027-06-30T12:00:00")  # November..May, 2 → 4
    assert pace_now() == (dt.date(2027, 6, 30), 6, pytest.approx(2 / 6), 6)
    set_clock("2027-07-01T08:00:00")  # December..June: nothing new, so no projection
    assert pace_now() == (dt.date(2027, 7, 1), 6, 0.0, 6)
    (_row, p), = pacing_svc.pacing(reg, TAOLE).paces
    assert p.projected_full is None


def test_targets_keep_the_day_they_were_set(reg: Registry, set_clock: Callable[[str], None]) -> None:
    set_clock("2028-02-29T18:00:00")
    targets_svc.set_target(reg, TAOLE, Measure.COVERAGE_RATE, 0.5, dt.date(2028, 12, 31))
    set_clock("2029-02-28T18:00:00")  # a year later the same target set again changes its value only
    targets_svc.set_target(reg, TAOLE, Measure.COVERAGE_RATE, 0.6, dt.date(2028, 12, 31))
    (row,) = targets_svc.list_targets(reg, TAOLE)
    assert (row.created_on, row.value) == (dt.date(2028, 2, 29), 0.6)


def test_a_cli_subprocess_follows_the_clock_variable(tmp_path: Path, sqlite_template: Callable[..., Path]) -> None:
    db = tmp_path / "reg.sqlite"
    db.write_bytes(sqlite_template(("640221",)).read_bytes())
    env = {**os.environ, clock.ENV: "2024-12-31T23:50:00"}

    def cli(*args: str) -> str:
        done = subprocess.run([sys.executable, "-m", "villagepost", "--db", str(db), *args], env=env,
                              capture_output=True, text=True, timeout=120, check=False)
        assert done.returncode == 0, done.stderr
        return done.stdout

    cli("station", "add", "--village", WANGJIA, "--name", "王家庄站", "--type", "综合服务站")
    assert '"recorded_on": "2024-12-31"' in cli("--json", "station", "show", f"{WANGJIA}-01")
    env[clock.ENV] = "2025-01-01T00:10:00"
    assert '"villages_covered": 1' in cli("--json", "coverage", "--scope", TAOLE)
    assert '"on": "2025-01-01"' in cli("--json", "coverage", "--scope", TAOLE)
