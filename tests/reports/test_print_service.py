"""The printing use cases on both databases: which stations a scope prints and in what order, progress,
cancelling (no half-written file, the previous one kept), and the split file names."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path

import pytest
from pypdf import PdfReader

from villagepost.core.errors import Cancelled, KnownError
from villagepost.services import station_ops as ops
from villagepost.services.imports import import_roster
from villagepost.services.printing import checklist_sheets, print_checklists
from villagepost.services.registry import Registry

ROSTER = Path(__file__).parents[1] / "rosters" / "data" / "A01_pingluo_clean.xlsx"
TODAY = dt.date(2026, 11, 23)
CHENGGUAN = "640221100"


@pytest.fixture
def reg(make_registry: Callable[..., Registry]) -> Registry:
    registry = make_registry("640221")
    assert import_roster(registry, ROSTER, today=TODAY).exit_code == 0
    return registry


def test_scope_prints_operating_and_suspended_stations_in_code_order(reg: Registry) -> None:
    codes = [s.station.code for s in checklist_sheets(reg, scope=CHENGGUAN) if s.station]
    assert len(codes) == 9 and codes == sorted(codes) and codes[0] == "640221100201-01"
    ops.suspend_station(reg, codes[1], "2026-10-01", today=TODAY)
    ops.close_station(reg, codes[2], "2026-10-01", today=TODAY)
    sheets = checklist_sheets(reg, scope=CHENGGUAN)
    assert [s.station.code for s in sheets if s.station] == [c for c in codes if c != codes[2]]
    suspended = next(s for s in sheets if s.station and s.station.code == codes[1])
    assert suspended.station is not None and suspended.station.status == "suspended"
    # one closed station can still be printed on its own
    assert [s.station.code for s in checklist_sheets(reg, station=codes[2]) if s.station] == [codes[2]]
    first = sheets[0]
    assert (first.county, first.region) == ("平罗县", "宁夏回族自治区 石嘴山市 平罗县")
    assert first.station is not None
    assert first.station.village_path == ("宁夏回族自治区", "石嘴山市", "平罗县", "城关镇", "和平村委会")


def test_progress_and_cancel(reg: Registry, tmp_path: Path) -> None:
    (tmp_path / "out").mkdir()
    out = tmp_path / "out" / "城关镇.pdf"
    seen: list[tuple[int, int]] = []
    result = print_checklists(reg, out, scope=CHENGGUAN, today=TODAY, progress=lambda d, t, _: seen.append((d, t)))
    assert seen == [(i, 9) for i in range(10)] and result.pages == 18
    before = out.read_bytes()
    calls = 0

    def cancelled() -> bool:
        nonlocal calls
        calls += 1
        return calls > 3

    with pytest.raises(Cancelled):
        print_checklists(reg, out, scope=CHENGGUAN, today=TODAY, cancelled=cancelled)
    assert out.read_bytes() == before and len(PdfReader(out).pages) == 18
    assert sorted(p.name for p in out.parent.iterdir()) == ["城关镇.pdf"]  # no .part left behind


def test_split_file_names_are_safe(reg: Registry, tmp_path: Path) -> None:
    code = ops.add_station(reg, ops.StationDraft("640221100200", 'a/b\\\\c:*?"<>|站', station_type="村邮站",
                                                 opened="2024-03"), today=TODAY)
    result = print_checklists(reg, None, scope="640221100200", split_dir=tmp_path / "split", today=TODAY)
    assert [Path(p).name for p in result.paths] == [f"{code}_a_b_c_站.pdf"]
    with pytest.raises(KnownError) as err:
        print_checklists(reg, None, scope=CHENGGUAN, today=TODAY)
    assert err.value.key == "print.no_output"
