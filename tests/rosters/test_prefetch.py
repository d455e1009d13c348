"""A roster read by a child forked at start-up imports exactly as one read in-process (rosters.prefetch)."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from tests.rosters.roster_fixtures import DATA
from villagepost.rosters import prefetch
from villagepost.rosters.safety import RosterFileError
from villagepost.services.imports import ImportReport, import_roster
from villagepost.services.registry import Registry
from villagepost.services.stations import list_stations

TODAY = dt.date(2026, 11, 23)
FILES = ("A01_pingluo_clean.xlsx", "C09_mixed_errors.xlsx", "B03_merged_county_township.xlsx",
         "D01_csv_renamed.xlsx", "D09_zip_bomb.xlsx", "D10_billion_laughs.xlsx", "D06_truncated.xlsx",
         "D19_headers_only.xlsx", "E01_ningxia_province_all.xlsx")


@pytest.fixture(autouse=True)
def _single_threaded(monkeypatch: pytest.MonkeyPatch) -> None:
    """The command line forks while it runs one thread; the test process has others (pytest's, a registry's)."""
    monkeypatch.setattr(prefetch.threading, "active_count", lambda: 1)


def _doc(report: ImportReport) -> dict[str, Any]:
    doc = report.to_json("zh")
    doc.pop("seconds")
    return doc


def _stored(reg: Registry, scope: str) -> list[Any]:
    return list(list_stations(reg, scope))


@pytest.mark.parametrize("name", FILES)
def test_a_prefetched_roster_imports_like_one_read_here(sqlite_registry: Callable[..., Registry], name: str) -> None:
    scope = "64"
    plain = sqlite_registry(scope, name="plain.sqlite")
    early = sqlite_registry(scope, name="early.sqlite")
    expected = import_roster(plain, DATA / name, today=TODAY)
    child = prefetch.start(DATA / name, None, TODAY)
    assert child is not None
    got = import_roster(early, DATA / name, today=TODAY, prefetch=child)
    assert _doc(got) == _doc(expected)
    assert _stored(early, scope) == _stored(plain, scope)
    if name.startswith("A01"):
        assert (got.status, got.stations_created) == ("ok", 88)
    if name.startswith("D09"):
        assert (got.status, got.reason) == ("rejected", expected.reason)


def test_a_failed_child_means_reading_here(sqlite_registry: Callable[..., Registry],
                                           monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(*_args: object) -> None:
        raise MemoryError("the child ran out")

    monkeypatch.setattr(prefetch, "_read", broken)
    child = prefetch.start(DATA / "A01_pingluo_clean.xlsx", None, TODAY)
    assert child is not None
    report = import_roster(sqlite_registry("640221"), DATA / "A01_pingluo_clean.xlsx", today=TODAY, prefetch=child)
    assert (report.status, report.stations_created) == ("ok", 88)


def test_a_child_for_another_file_sheet_or_day_is_not_used(sqlite_registry: Callable[..., Registry]) -> None:
    child = prefetch.start(DATA / "C09_mixed_errors.xlsx", None, TODAY)
    assert child is not None
    try:
        assert not child.matches(DATA / "A01_pingluo_clean.xlsx", None, TODAY)
        assert not child.matches(DATA / "C09_mixed_errors.xlsx", "Sheet2", TODAY)
        assert not child.matches(DATA / "C09_mixed_errors.xlsx", None, TODAY + dt.timedelta(days=1))
        report = import_roster(sqlite_registry("640221"), DATA / "A01_pingluo_clean.xlsx", today=TODAY,
                               prefetch=child)
        assert (report.status, report.stations_created) == ("ok", 88)
    finally:
        child.close()


def test_a_missing_file_is_left_to_the_import(tmp_path: Path) -> None:
    assert prefetch.start(tmp_path / "missing.xlsx", None, TODAY) is None


def test_the_command_line_imports_through_the_child(sqlite_registry: Callable[..., Registry], tmp_path: Path,
                                                    capsys: pytest.CaptureFixture[str],
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    from villagepost.cli import main

    started: list[Path] = []
    real_start = prefetch.start

    def spy(path: Path, sheet: str | None, today: dt.date) -> prefetch.Prefetch | None:
        started.append(path)
        return real_start(path, sheet, today)

    monkeypatch.setattr(prefetch, "start", spy)
    reg = sqlite_registry("640221")
    db = str(reg.location.path)
    reg.close()
    assert main(["--db", db, "import", str(DATA / "C09_mixed_errors.xlsx"), "--json"]) == 3
    doc = json.loads(capsys.readouterr().out)
    assert started == [DATA / "C09_mixed_errors.xlsx"]
    assert doc["status"] == "partial" and doc["rows_rejected"] > 0


def _cut_after_one_batch(error: BaseException) -> Callable[..., None]:
    """A child's row sender that sends the first BATCH rows, then fails with `error`."""
    from villagepost.rosters import forked

    real = forked.send_rows

    def cut(book: Any, parser: Any, send: Callable[[str, object], None]) -> None:
        def once(kind: str, payload: object) -> None:
            if kind != "rows":
                return
            send(kind, payload)
            raise error

        real(book, parser, once)

    return cut


@pytest.mark.parametrize("error", [RosterFileError("damaged", "E01_ningxia_province_all.xlsx", detail="cut"),
                                   MemoryError("the child ran out")])
def test_a_child_failing_after_sending_rows_leaves_the_registry_as_it_was(
        sqlite_registry: Callable[..., Registry], monkeypatch: pytest.MonkeyPatch, error: BaseException) -> None:
    """The rows stream while the parent writes: a refusal (or a crash) met after the first batch was written
    still leaves nothing of the file in the registry."""
    monkeypatch.setattr(prefetch.forked, "send_rows", _cut_after_one_batch(error))
    reg = sqlite_registry("64")
    child = prefetch.start(DATA / "E01_ningxia_province_all.xlsx", None, TODAY)
    assert child is not None
    try:
        if isinstance(error, RosterFileError):
            report = import_roster(reg, DATA / "E01_ningxia_province_all.xlsx", today=TODAY, prefetch=child)
            assert (report.status, report.reason, report.stations_created) == ("rejected", "damaged", 0)
        else:
            with pytest.raises(MemoryError):
                import_roster(reg, DATA / "E01_ningxia_province_all.xlsx", today=TODAY, prefetch=child)
    finally:
        child.close()
    assert _stored(reg, "64") == []
