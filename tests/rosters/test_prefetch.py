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
def test_a_child_failing_after_sending_rows_is_rolled_back(
        sqlite_registry: Callable[..., Registry], monkeypatch: pytest.MonkeyPatch, error: BaseException) -> None:
    """The rows stream while the parent writes: a refusal met after the first batch was written leaves nothing
    of the file in the registry; a crash of the child there means reading the whole roster again here."""
    monkeypatch.setattr(prefetch.forked, "send_rows", _cut_after_one_batch(error))
    reg = sqlite_registry("64")
    child = prefetch.start(DATA / "E01_ningxia_province_all.xlsx", None, TODAY)
    assert child is not None
    try:
        report = import_roster(reg, DATA / "E01_ningxia_province_all.xlsx", today=TODAY, prefetch=child)
    finally:
        child.close()
    if isinstance(error, RosterFileError):
        assert (report.status, report.reason, report.stations_created) == ("rejected", "damaged", 0)
        assert _stored(reg, "64") == []
    else:  # read again here: the whole roster once, nothing of the first batch twice
        assert (report.status, report.stations_created) == ("ok", 1392)
        assert len(_stored(reg, "64")) == 1392


def test_a_child_killed_after_the_first_rows_means_reading_the_roster_again_here(
        sqlite_registry: Callable[..., Registry], monkeypatch: pytest.MonkeyPatch) -> None:
    """The child sends its first batch of E01's rows, which the parent writes, and is then killed with
    SIGKILL: the transaction rolls back, the roster is read again in this process, and the import ends as
    one that never had a child."""
    import os
    import signal

    from villagepost.rosters import forked

    real = forked.send_rows

    def killed_after_one_batch(book: Any, parser: Any, send: Callable[[str, object], None]) -> None:
        def once(kind: str, payload: object) -> None:
            send(kind, payload)
            if kind == "rows":
                os.kill(os.getpid(), signal.SIGKILL)

        real(book, parser, once)

    name = "E01_ningxia_province_all.xlsx"
    plain = sqlite_registry("64", name="plain.sqlite")
    expected = import_roster(plain, DATA / name, today=TODAY)
    monkeypatch.setattr(prefetch.forked, "send_rows", killed_after_one_batch)
    written: list[int] = []
    early = sqlite_registry("64", name="early.sqlite")
    child = prefetch.start(DATA / name, None, TODAY)
    assert child is not None
    try:
        got = import_roster(early, DATA / name, today=TODAY, prefetch=child,
                            progress=lambda done, total, _key: written.append(done))
    finally:
        child.close()
    assert written[0] == forked.BATCH  # the first batch came from the child before it was killed
    assert _doc(got) == _doc(expected)
    assert _stored(early, "64") == _stored(plain, "64")
    assert (got.status, got.stations_created) == ("ok", expected.stations_created) and got.stations_created > 1000


def test_the_sheet_size_comes_before_the_layout() -> None:
    """The parent learns the row count while the child loads the sheet, so a national import reads its
    whole division index meanwhile; a refused file says nothing of its size."""
    seen: list[int] = []
    child = prefetch.start(DATA / "E01_ningxia_province_all.xlsx", None, TODAY)
    assert child is not None
    try:
        got = child.result(while_waiting=seen.append)
        assert got is not None
        assert seen == [2215]  # the sheet's last row: the header and 2,214 data rows
        assert got.total == 2214
        assert sum(1 for _ in got.rows()) == 2214
    finally:
        child.close()
    seen.clear()
    child = prefetch.start(DATA / "D06_truncated.xlsx", None, TODAY)
    assert child is not None
    try:
        with pytest.raises(RosterFileError):
            child.result(while_waiting=seen.append)
        assert seen == []
    finally:
        child.close()


def test_a_failure_while_waiting_reaps_the_child() -> None:
    child = prefetch.start(DATA / "E01_ningxia_province_all.xlsx", None, TODAY)
    assert child is not None

    def fail(rows: int) -> None:
        raise OSError("disk gone")

    with pytest.raises(OSError, match="disk gone"):
        child.result(while_waiting=fail)
    assert child.result() is None  # nothing left to collect; the child was reaped
    child.close()


def test_a_big_sheet_loads_the_whole_index_once_while_the_child_reads(
        sqlite_registry: Callable[..., Registry], monkeypatch: pytest.MonkeyPatch) -> None:
    from villagepost.services import imports
    from villagepost.storage.division_index import DivisionIndex

    plain = sqlite_registry("64", name="plain.sqlite")
    early = sqlite_registry("64", name="early.sqlite")
    expected = import_roster(plain, DATA / "E01_ningxia_province_all.xlsx", today=TODAY)
    monkeypatch.setattr(imports, "PRELOAD_ALL_ROWS", 2000)  # E01 counts as national
    loads: list[int] = []
    real = DivisionIndex._fill
    monkeypatch.setattr(DivisionIndex, "_fill", lambda self, result: (loads.append(1), real(self, result))[1])
    child = prefetch.start(DATA / "E01_ningxia_province_all.xlsx", None, TODAY)
    assert child is not None
    got = import_roster(early, DATA / "E01_ningxia_province_all.xlsx", today=TODAY, prefetch=child)
    child.close()
    assert loads == [1]  # one query for every unit: on the size message, not again on the layout
    assert _doc(got) == _doc(expected)
    assert _stored(early, "64") == _stored(plain, "64")
