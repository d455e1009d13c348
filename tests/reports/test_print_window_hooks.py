"""What the window's print dialogs need from the printing use cases, on both databases: checklists of the
stations a clerk selected (any status, in code order), and a coverage summary that reports progress and
can be cancelled without leaving a file or touching an older one."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path

import pytest
from pypdf import PdfReader

from villagepost.core.errors import Cancelled, KnownError
from villagepost.services import station_ops as ops
from villagepost.services.imports import import_roster
from villagepost.services.printing import checklist_sheets, print_checklists, print_summary
from villagepost.services.registry import Registry

ROSTER = Path(__file__).parents[1] / "rosters" / "data" / "A01_pingluo_clean.xlsx"
TODAY = dt.date(2026, 11, 23)
HEPING = "640221100201-01"
XINLI = "640221100204-01"
XINMIN = "640221100205-01"


@pytest.fixture
def reg(make_registry: Callable[..., Registry]) -> Registry:
    registry = make_registry("640221")
    assert import_roster(registry, ROSTER, today=TODAY).exit_code == 0
    return registry


def test_selected_stations_print_in_code_order_whatever_their_status(reg: Registry, tmp_path: Path) -> None:
    ops.close_station(reg, XINLI, "2026-10-01", today=TODAY)
    sheets = checklist_sheets(reg, stations=[XINMIN, f" {HEPING} ", XINLI])
    assert [s.station.code for s in sheets if s.station] == [HEPING, XINLI, XINMIN]
    result = print_checklists(reg, tmp_path / "选中.pdf", stations=[XINMIN, HEPING, XINLI], today=TODAY)
    assert (result.sheets, result.pages) == (3, 6)
    assert len(PdfReader(tmp_path / "选中.pdf").pages) == 6
    split = print_checklists(reg, None, stations=[XINMIN, HEPING], split_dir=tmp_path / "分", today=TODAY)
    assert [Path(p).name.split("_")[0] for p in split.paths] == [HEPING, XINMIN]


def test_an_unknown_selected_station_is_named(reg: Registry, tmp_path: Path) -> None:
    with pytest.raises(KnownError) as err:
        print_checklists(reg, tmp_path / "x.pdf", stations=[HEPING, "640221100201-09"], today=TODAY)
    assert (err.value.key, err.value.params["code"]) == ("print.unknown_station", "640221100201-09")
    assert not (tmp_path / "x.pdf").exists()


@pytest.mark.parametrize("suffix", [".pdf", ".xlsx"])
def test_summary_progress_and_cancel(reg: Registry, tmp_path: Path, suffix: str) -> None:
    (tmp_path / "out").mkdir()
    out = tmp_path / "out" / f"汇总{suffix}"
    seen: list[tuple[int, int]] = []
    print_summary(reg, "640221", out, on=TODAY, today=TODAY, progress=lambda d, t, _: seen.append((d, t)))
    assert seen == [(0, 2), (1, 2), (2, 2)]
    before = out.read_bytes()
    for stop_after in (0, 1, 2):  # before the numbers, before drawing, before the finished file replaces OUT
        calls = 0

        def cancelled() -> bool:
            nonlocal calls
            calls += 1
            return calls > stop_after  # noqa: B023 (read during this iteration's call only)

        with pytest.raises(Cancelled):
            print_summary(reg, "640221", out, on=TODAY, today=TODAY, cancelled=cancelled)
        assert out.read_bytes() == before
        assert sorted(p.name for p in out.parent.iterdir()) == [out.name]
