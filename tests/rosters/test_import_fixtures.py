"""Every example roster imported into a fresh Ningxia registry gives exactly its expected outcome.

Expectations come from tests/rosters/data/expected.json and the canonical value of every village in
tests/rosters/data/ningxia_truth.csv (copies of the shared fixture set).
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from roster_fixtures import DATA, EXPECTED
from sqlalchemy import select

from villagepost.services.imports import ImportReport, import_roster
from villagepost.services.registry import Registry
from villagepost.services.stations import list_stations
from villagepost.storage.models import Station

TODAY = dt.date(2026, 11, 23)
STATUS = {"import": "ok", "import_with_row_errors": "partial", "reject_file": "rejected", "no_data": "no_data"}


def _truth() -> dict[str, dict[str, str]]:
    with (DATA / "ningxia_truth.csv").open(encoding="utf-8", newline="") as fh:
        return {row["code"]: row for row in csv.DictReader(fh)}


TRUTH = _truth()


def _import(reg: Registry, name: str, **kw: Any) -> ImportReport:
    return import_roster(reg, DATA / name, today=TODAY, **kw)


def _station_dump(reg: Registry) -> list[tuple[Any, ...]]:
    with reg.read() as s:
        return [tuple(getattr(st, c.key) for c in Station.__table__.columns)
                for st in s.scalars(select(Station).order_by(Station.code))]


def _digits(phone: str | None) -> str:
    return "".join(ch for ch in phone or "" if ch.isdigit())


def _check_stored_values(reg: Registry, name: str, report: ImportReport) -> None:
    exp = EXPECTED[name]
    overrides: dict[str, dict[str, Any]] = exp.get("overrides") or {}
    stored = {st.village_code: st for st in list_stations(reg, "64")}
    expected_station_codes = set()
    carries_stations = bool({"station_name", "station_type"} & set(exp["columns"]))
    for code in report.accepted if carries_stations else []:
        truth = {**TRUTH[code], **overrides.get(code, {})}
        if not (truth["station_name"] or truth["station_type"]):
            continue
        expected_station_codes.add(code)
        st = stored[code]
        assert st.name == truth["station_name"], code
        assert (st.type or "") == truth["station_type"], code
        assert (st.coop or "") == truth["coop"], code
        assert (st.opened or "") == str(truth["opened"]), code
        assert (st.contact or "") == truth["contact"], code
        assert _digits(st.phone) == _digits(truth["phone"]), code
        for axis in ("lon", "lat"):
            want = truth[axis]
            got = getattr(st, axis)
            if want in ("", None):
                assert got is None, code
            else:
                assert got == pytest.approx(float(want), abs=1e-6), code
    assert set(stored) == expected_station_codes


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_example_roster(name: str, sqlite_registry: Callable[..., Registry], tmp_path: Path) -> None:
    exp = EXPECTED[name]
    reg = sqlite_registry("64")
    db = reg.location.path
    assert db is not None
    before = hashlib.sha256(db.read_bytes()).hexdigest()
    report = _import(reg, name)
    try:
        assert report.status == STATUS[exp["outcome"]], report.message("en")
        if exp["outcome"] in ("reject_file", "no_data"):
            assert report.reason == exp["reason"]
            assert report.villages_imported == report.stations_imported == 0
            assert _station_dump(reg) == []
            reg.close()
            assert hashlib.sha256(db.read_bytes()).hexdigest() == before  # byte for byte as it was
            assert report.message("zh") and report.message("en")
            return
        assert report.sheet == exp["sheet"]
        assert report.header_rows == exp["header_rows"]
        mapped = {f: h for f, h in report.columns.items() if f in exp["columns"]}
        assert mapped == exp["columns"]
        assert report.villages_imported == exp["villages_imported"]
        assert report.stations_imported == exp["stations_imported"]
        assert sorted(report.accepted) == sorted(exp.get("expected_codes") or TRUTH)  # E01: every code of the truth
        # Errors: exactly the expected rows, each with an expected kind.
        assert report.error_rows() == sorted({e["row"] for e in exp["errors"]})
        for want in exp["errors"]:
            kinds = {want["kind"], *want.get("also_acceptable_kinds", [])}
            got = [e for e in report.errors if e.row == want["row"] and e.kind in kinds]
            assert got, (want, [(e.row, e.kind) for e in report.errors])
        assert len(report.errors) == len(exp["errors"])
        assert report.rows_rejected == len(report.error_rows())
        for err in report.errors:
            assert err.message("zh") and err.message("en") and err.column
        if exp["category"] in ("A", "E"):
            assert report.warnings == []
        assert report.stations_created == report.stations_imported
        _check_stored_values(reg, name, report)
    finally:
        reg.close()


IDEMPOTENT = sorted(n for n, e in EXPECTED.items() if e.get("idempotent_after"))
#: Examples whose station attribute columns (brands, floor area) their baseline does not carry.
ADDS_ATTRIBUTES = {"B12_extra_columns.xlsx": {"brands", "floor_area"}}


@pytest.mark.parametrize("name", IDEMPOTENT)
def test_importing_after_the_baseline_changes_nothing(name: str, sqlite_registry: Callable[..., Registry]) -> None:
    baseline = EXPECTED[name]["idempotent_after"]
    with sqlite_registry("64") as reg:
        first = _import(reg, baseline)
        assert first.status == "ok"
        dump = _station_dump(reg)
        assert dump
        report = _import(reg, name)
        assert report.stations_created == 0
        if name in ADDS_ATTRIBUTES:
            # Its 快递品牌 / 站点面积 columns (read since brands and area became roster fields) add what the
            # baseline lacked, and nothing else changes.
            keys = [c.key for c in Station.__table__.columns]
            changed = {keys[i] for before, after in zip(dump, _station_dump(reg), strict=True)
                       for i, (a, b) in enumerate(zip(before, after, strict=True)) if a != b}
            # (the version counts the update; the test clock stands still)
            assert changed - {"updated_at"} == ADDS_ATTRIBUTES[name] | {"version"}
            assert {c.field for u in report.updates for c in u.changes} == ADDS_ATTRIBUTES[name]
            return
        assert _station_dump(reg) == dump  # values, codes and timestamps alike


def test_reimport_is_unchanged_on_both_backends(make_registry: Callable[..., Registry]) -> None:
    reg = make_registry("64")
    first = _import(reg, "A01_pingluo_clean.xlsx")
    assert (first.stations_created, first.stations_updated) == (88, 0)
    dump = _station_dump(reg)
    again = _import(reg, "A01_pingluo_clean.xlsx")
    assert (again.stations_created, again.stations_updated, again.stations_unchanged) == (0, 0, 88)
    assert _station_dump(reg) == dump
    # B22 has no station columns: it imports the villages and leaves every station as it was.
    minimal = _import(reg, "B22_minimal_two_columns.xlsx")
    assert (minimal.villages_imported, minimal.stations_imported) == (133, 0)
    assert _station_dump(reg) == dump


def test_mixed_errors_on_both_backends(make_registry: Callable[..., Registry]) -> None:
    reg = make_registry("64")
    report = _import(reg, "C09_mixed_errors.xlsx")
    assert report.status == "partial"
    assert report.error_rows() == [22, 31, 41, 46, 76, 78, 105, 119, 131]
    assert (report.villages_imported, report.stations_imported) == (125, 73)
    assert len(list_stations(reg, "640521")) == 73


def test_damaged_file_rolls_back_rows_already_read(make_registry: Callable[..., Registry]) -> None:
    reg = make_registry("64")
    report = _import(reg, "D08_malformed_sheet_xml.xlsx")
    assert (report.status, report.reason) == ("rejected", "damaged")
    assert _station_dump(reg) == []


def test_strict_rejects_the_whole_file(make_registry: Callable[..., Registry]) -> None:
    reg = make_registry("64")
    report = _import(reg, "C01_duplicate_codes.xlsx", strict=True)
    assert (report.status, report.reason, report.exit_code) == ("rejected", "row_errors", 2)
    assert report.error_rows() == [55, 111, 147]
    assert report.villages_imported == 0
    assert _station_dump(reg) == []


def test_dry_run_counts_and_saves_nothing(make_registry: Callable[..., Registry]) -> None:
    reg = make_registry("64")
    report = _import(reg, "A01_pingluo_clean.xlsx", dry_run=True)
    assert (report.status, report.villages_imported, report.stations_created) == ("ok", 144, 88)
    assert "试导入" in report.message("zh")
    assert _station_dump(reg) == []


def test_township_user_may_only_touch_their_township(sqlite_registry: Callable[..., Registry]) -> None:
    from villagepost.core.actor import Actor

    with sqlite_registry("64", actor=Actor(name="姚伏镇", scopes=("640221101",))) as reg:
        report = _import(reg, "A01_pingluo_clean.xlsx")
        inside = [c for c in EXPECTED["A01_pingluo_clean.xlsx"]["expected_codes"] if c.startswith("640221101")]
        assert report.villages_imported == len(inside) == 14
        assert {e.kind for e in report.errors} == {"out_of_scope"}
        assert report.rows_rejected == 144 - 14
        assert all(s.village_code.startswith("640221101") for s in list_stations(reg, "64"))
        assert "姚伏镇" in report.errors[0].message("zh")


def test_renamed_station_is_updated_with_a_warning(sqlite_registry: Callable[..., Registry], tmp_path: Path) -> None:
    import openpyxl

    with sqlite_registry("64") as reg:
        _import(reg, "A01_pingluo_clean.xlsx")
        wb = openpyxl.load_workbook(DATA / "A01_pingluo_clean.xlsx")
        ws = wb.active
        assert ws is not None
        headers = [c.value for c in ws[1]]
        name_col = headers.index("站点名称") + 1
        code_col = headers.index("区划代码") + 1
        row = next(r for r in range(2, ws.max_row + 1) if ws.cell(r, name_col).value)
        code = str(ws.cell(r := row, code_col).value)
        ws.cell(r, name_col).value = "改名后的服务站"
        path = tmp_path / "renamed.xlsx"
        wb.save(path)
        report = import_roster(reg, path, today=TODAY)
        assert (report.stations_updated, report.stations_created) == (1, 0)
        assert [w.kind for w in report.warnings] == ["station_renamed"]
        names = [s.name for s in list_stations(reg, code)]
        assert names == ["改名后的服务站"]


def test_a_village_with_two_stations_takes_two_rows(sqlite_registry: Callable[..., Registry], tmp_path: Path) -> None:
    """A repeated code naming another station of the same village is a second station, not a duplicate."""
    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    assert ws is not None
    ws.append(["行政村", "区划代码", "站点名称", "站点类型"])
    ws.append(["姚伏村委会", "640221104201", "姚伏村村邮站", "村邮站"])
    ws.append(["姚伏村委会", "640221104201", "姚伏中通快递超市", "快递超市"])
    ws.append(["姚伏村委会", "640221104201", "姚伏村村邮站", "村邮站"])  # a real duplicate
    ws.append(["六羊村委会", "640221104201", "六羊快递超市", "快递超市"])  # another village's row, wrong code
    path = tmp_path / "two.xlsx"
    wb.save(path)
    with sqlite_registry("64") as reg:
        report = import_roster(reg, path, today=TODAY)
        assert [(e.row, e.kind) for e in report.errors] == [(4, "duplicate_code"), (5, "duplicate_code")]
        assert (report.villages_imported, report.stations_created) == (2, 2)
        assert [s.name for s in list_stations(reg, "640221104201")] == ["姚伏村村邮站", "姚伏中通快递超市"]
        assert report.errors[0].params["first"] == 2


def test_big_sheets_are_checked_in_a_second_process(sqlite_registry: Callable[..., Registry],
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    """Large sheets have their XML checked by a child process; its refusal reaches the import intact."""
    from villagepost.rosters import reader, safety

    monkeypatch.setattr(safety, "_SMALL_PART", 0)  # every part counts as large: deferred
    monkeypatch.setattr(reader, "CHILD_CHECK_BYTES", 0)  # and checked in the child
    with sqlite_registry("64") as reg:
        damaged = _import(reg, "D08_malformed_sheet_xml.xlsx")
        assert (damaged.status, damaged.reason) == ("rejected", "damaged")
        assert "89" in damaged.message("zh") and "站点统计" in damaged.message("zh")
        assert _station_dump(reg) == []
        fine = _import(reg, "A01_pingluo_clean.xlsx")
        assert (fine.status, fine.stations_created) == ("ok", 88)
