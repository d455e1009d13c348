"""Cell values of the example rosters: the value-level row errors of the C files on exactly the expected
rows, B15's dates and B16's coordinates to the expected value, free text kept verbatim (D13, D14)."""

from __future__ import annotations

import datetime as dt
import math

import pytest
from roster_fixtures import DATA, EXPECTED, REGISTRY_KINDS, files, readable

from villagepost.rosters.parse import ParsedRow, parse_row
from villagepost.rosters.reader import RosterRow, open_roster

TODAY = dt.date(2025, 11, 23)


def _read(name: str) -> list[tuple[RosterRow, ParsedRow]]:
    with open_roster(DATA / name) as book:
        return [(row, parse_row(row, TODAY)) for row in book.rows()]


def _by_code(name: str) -> dict[str, tuple[RosterRow, ParsedRow]]:
    return {str(parsed.code): (row, parsed) for row, parsed in _read(name) if parsed.code is not None}


def _expected_value_errors(name: str) -> set[tuple[int, str]]:
    """(row, kind) of every expected error the reader must find; registry-only errors are left out and an
    error whose acceptable kinds include a value kind (swapped/out of range) counts with all of them."""
    out: set[tuple[int, str]] = set()
    for err in EXPECTED[name]["errors"]:
        kinds = {err["kind"], *err.get("also_acceptable_kinds", [])} - REGISTRY_KINDS
        out.update((err["row"], kind) for kind in kinds)
    return out


@pytest.mark.parametrize("name", readable())
def test_value_errors_on_exactly_the_expected_rows(name: str) -> None:
    wanted = _expected_value_errors(name)
    found = {(p.row, p.kind) for _, parsed in _read(name) for p in parsed.problems}
    assert {r for r, _ in found} == {r for r, _ in wanted}
    for row, kind in found:
        assert (row, kind) in wanted, (row, kind)
    for err in EXPECTED[name]["errors"]:
        kinds = {err["kind"], *err.get("also_acceptable_kinds", [])} - REGISTRY_KINDS
        if kinds:
            assert any((err["row"], k) in found for k in kinds), err


def test_problems_name_row_column_and_value() -> None:
    problems = [p for _, parsed in _read("C08_phone_malformed.xlsx") for p in parsed.problems]
    first = problems[0]
    assert (first.row, first.field, first.column, first.kind, first.value) == (
        10, "phone", "联系电话", "phone_format", "0953-1234")
    assert "第10行" in first.message_zh and "联系电话" in first.message_zh
    assert "row 10" in first.message_en


def test_long_values_are_quoted_short() -> None:
    problems = [p for _, parsed in _read("D15_long_strings.xlsx") for p in parsed.problems]
    assert {p.kind for p in problems} == {"field_too_long"}
    assert all(len(p.message_zh) < 200 and len(p.value) <= 50 for p in problems)


def test_b15_dates_exact() -> None:
    rows = _by_code("B15_date_formats.xlsx")
    checks = EXPECTED["B15_date_formats.xlsx"]["checks"]
    assert len(checks) > 50
    for check in checks:
        row, parsed = rows[check["code"]]
        assert row.row == check["row"]
        assert parsed.opened is not None
        assert parsed.opened.iso == check["expected"], check


def test_b16_coordinates_within_1e6() -> None:
    rows = _by_code("B16_dms_coordinates.xlsx")
    for check in EXPECTED["B16_dms_coordinates.xlsx"]["checks"]:
        row, parsed = rows[check["code"]]
        assert row.text("lon") == check["written_lon"]
        assert parsed.lon is not None and parsed.lat is not None
        assert math.isclose(parsed.lon, check["expected_lon"], abs_tol=1e-6), check
        assert math.isclose(parsed.lat, check["expected_lat"], abs_tol=1e-6), check


@pytest.mark.parametrize("name", ["D13_csv_injection_text.xlsx", "D14_reportlab_markup.xlsx"])
def test_free_text_verbatim(name: str) -> None:
    rows = _by_code(name)
    for check in EXPECTED[name]["checks"]:
        _, parsed = rows[check["code"]]
        assert getattr(parsed, check["field"]) == check["expected"], check


def test_whitespace_trimmed_and_phones_normalised() -> None:
    for _, parsed in _read("B07_whitespace_nbsp.xlsx"):
        for value in (parsed.village, parsed.station_name, parsed.contact, parsed.township):
            assert value is None or value == value.strip(" \u00a0\u3000\u200b\ufeff\t\n")
        assert parsed.phone is None or parsed.phone.replace("-", "").isdigit()
    phones = {str(p.code): p.phone for _, p in _read("B07_whitespace_nbsp.xlsx")}
    clean = {str(p.code): p.phone for _, p in _read("A01_pingluo_clean.xlsx")}
    assert phones == clean


@pytest.mark.parametrize("name", files("B", outcomes=("import",)))
def test_b_files_read_like_their_clean_baseline(name: str) -> None:
    """Normalised values of a messy layout equal the clean file's for every code both hold."""
    baseline = {"640221": "A01_pingluo_clean.xlsx", "640323": "A02_yanchi_clean.xlsx",
                "640521": "A03_zhongning_clean.xlsx"}.get(EXPECTED[name]["division_scope"][0])
    if baseline is None or name in ("B15_date_formats.xlsx", "B16_dms_coordinates.xlsx"):
        return
    base = {code: parsed for code, (_, parsed) in _by_code(baseline).items()}
    for code, (_, parsed) in _by_code(name).items():
        ref = base[code]
        assert parsed.code == ref.code
        if "station_type" in EXPECTED[name]["columns"]:
            assert (parsed.station_type, parsed.coop, parsed.opened, parsed.phone) == (
                ref.station_type, ref.coop, ref.opened, ref.phone), code
            assert parsed.station_name == ref.station_name
            for mine, theirs in ((parsed.lon, ref.lon), (parsed.lat, ref.lat)):
                assert (mine is None) == (theirs is None)
                if mine is not None and theirs is not None:
                    assert math.isclose(mine, theirs, abs_tol=1e-9)
