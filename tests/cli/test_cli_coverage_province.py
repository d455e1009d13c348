"""After importing the whole Ningxia roster (2,214 村委会, 1,392 stations), `coverage` and `pacing` equal the
numbers computed independently from the fixture's truth table (tests/rosters/data/ningxia_truth.csv).

From the truth alone: a 村委会 is covered on D when its row names a combined station (村邮站+快递超市 or
综合服务站) opened on or before D; a combined station without an opening date covers from the day of the
import (DOMAIN.md §6, issue 5 item 3). Totals are the truth's rows per county: every 村委会 of the province.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
from collections import Counter
from collections.abc import Callable
from pathlib import Path

import pytest

from villagepost.core.coverage import month_ends
from villagepost.services.imports import import_roster
from villagepost.services.registry import Registry

DATA = Path(__file__).parents[1] / "rosters" / "data"
IMPORTED = dt.date(2025, 11, 20)  # after the latest opening date of the truth (2025-10-27)
COMBINED = {"村邮站+快递超市", "综合服务站"}
Run = Callable[..., tuple[int, str, str]]


def _truth() -> list[dict[str, str]]:
    with (DATA / "ningxia_truth.csv").open(encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def _covered_from(row: dict[str, str]) -> dt.date | None:
    if row["station_type"] not in COMBINED:
        return None
    return dt.date.fromisoformat(row["opened"]) if row["opened"] else IMPORTED


def _expected(on: dt.date) -> tuple[dict[str, int], dict[str, int], dict[str, str]]:
    totals: Counter[str] = Counter()
    covered: Counter[str] = Counter()
    names: dict[str, str] = {}
    for row in _truth():
        county = row["county_code"]
        totals[county] += 1
        names[county] = row["county"]
        start = _covered_from(row)
        if start is not None and start <= on:
            covered[county] += 1
    return dict(totals), dict(covered), names


@pytest.fixture(scope="module")
def _ningxia_file(tmp_path_factory: pytest.TempPathFactory, sqlite_template: Callable[[tuple[str, ...]], Path]
                  ) -> Path:
    """An SQLite registry of province 64 with the roster imported (once for the module's SQLite tests)."""
    import shutil

    path = tmp_path_factory.mktemp("ningxia") / "ningxia.sqlite"
    shutil.copyfile(sqlite_template(("64",)), path)
    with Registry.open(path) as reg:
        report = import_roster(reg, DATA / "E01_ningxia_province_all.xlsx", today=IMPORTED)
        assert (report.status, report.villages_imported, report.stations_imported) == ("ok", 2214, 1392)
    return path


@pytest.fixture
def db(backend: str, request: pytest.FixtureRequest, make_registry: Callable[..., Registry]) -> str:
    if backend == "sqlite":
        return str(request.getfixturevalue("_ningxia_file"))
    reg = make_registry("64")
    report = import_roster(reg, DATA / "E01_ningxia_province_all.xlsx", today=IMPORTED)
    assert (report.status, report.villages_imported, report.stations_imported) == ("ok", 2214, 1392)
    return reg.location.url.render_as_string(hide_password=False)


@pytest.mark.parametrize("on", [dt.date(2019, 12, 31), dt.date(2023, 6, 30), dt.date(2025, 10, 26), IMPORTED])
def test_province_by_county_equals_the_truth(run: Run, db: str, on: dt.date) -> None:
    code, out, _ = run("--db", db, "coverage", "--scope", "64", "--level", "county", "--on", on.isoformat(), "--json")
    assert code == 0
    doc = json.loads(out)
    totals, covered, names = _expected(on)
    assert len(totals) == 22 and sum(totals.values()) == 2214
    assert (doc["villages_total"], doc["villages_covered"]) == (2214, sum(covered.values()))
    assert [c["code"] for c in doc["children"]] == sorted(totals)  # every county of 64 holds 村委会
    assert {c["code"]: (c["name"], c["villages_total"], c["villages_covered"]) for c in doc["children"]} == {
        county: (names[county], totals[county], covered.get(county, 0)) for county in totals}
    for c in doc["children"]:
        assert c["rate"] == c["villages_covered"] / c["villages_total"]


def test_dateless_stations_count_from_the_import_day(run: Run, db: str) -> None:
    dateless = sum(1 for row in _truth() if row["station_type"] in COMBINED and not row["opened"])
    assert dateless > 0
    day_before = (IMPORTED - dt.timedelta(days=1)).isoformat()
    _, out, _ = run("--db", db, "coverage", "--scope", "64", "--on", day_before, "--json")
    before = json.loads(out)
    _, out, _ = run("--db", db, "coverage", "--scope", "64", "--on", IMPORTED.isoformat(), "--json")
    after = json.loads(out)
    assert after["villages_covered"] - before["villages_covered"] == dateless
    assert after["date_missing_villages"] == dateless and before["date_missing_villages"] == 0


def test_the_province_pacing_curve_equals_the_truth(run: Run, db: str) -> None:
    code, out, _ = run("--db", db, "pacing", "--scope", "64", "--on", IMPORTED.isoformat(), "--json")
    assert code == 0
    doc = json.loads(out)
    starts = sorted(d for d in (_covered_from(row) for row in _truth()) if d is not None)
    days = [m for m in month_ends(starts[0], IMPORTED) if m < IMPORTED] + [IMPORTED]
    assert [(p["month_end"], p["covered"], p["total"]) for p in doc["curve"]] == [
        (d.isoformat(), sum(1 for s in starts if s <= d), 2214) for d in days]
