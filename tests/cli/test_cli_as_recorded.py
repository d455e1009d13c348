"""`--as-recorded-on`: a summary printed last month is reproduced exactly after this month's corrections.

The registry is filled on 2026-10-01; a summary, the coverage and the pacing are taken on 2026-10-31 at
18:00; on 2026-11-20 a clerk corrects an opening date (the station opened later than recorded) and adds a
station opened back in March. Today's figures for 2026-10-31 change; the figures as recorded on
2026-10-31 18:00 are the first ones again, cell for cell.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from sqlalchemy import select

from villagepost.services.registry import Registry
from villagepost.storage.models import Division, Station, VillageCover

Run = Callable[..., tuple[int, str, str]]
ROSTER = Path(__file__).parents[1] / "rosters" / "data" / "A01_pingluo_clean.xlsx"
COUNTY = "640221"
PRINTED = "2026-10-31T18:00:00"


def _json(run: Run, db: str, *argv: str) -> dict[str, Any]:
    code, out, err = run("--db", db, "--json", *argv)
    assert code == 0, err
    return dict(json.loads(out))


def _cells(path: Path) -> list[list[object]]:
    ws = openpyxl.load_workbook(path).worksheets[0]
    return [[c.value for c in row] for row in ws.iter_rows()]


def _picks(db: str) -> tuple[str, str]:
    """A combined station that alone covers its village (opened before October), and an uncovered village of
    another township (so that both changes show in the township rows)."""
    with Registry.open(db) as reg, reg.read() as s:
        covered_by: dict[str, list[str]] = {}
        for code, village, stype, opened in s.execute(select(Station.code, Station.village_code,
                                                             Station.station_type, Station.opened)):
            if stype == "村邮站+快递超市":
                covered_by.setdefault(village, []).append(code if opened and opened < "2026-09" else "")
        station = next(codes[0] for codes in covered_by.values() if len(codes) == 1 and codes[0])
        covered = set(s.execute(select(VillageCover.village_code)).scalars())
        village = next(c for c in s.execute(select(Division.code).where(
            Division.code.like(f"{COUNTY}%"), Division.level == 5).order_by(Division.code)).scalars()
            if c not in covered and c[9] == "2" and c[:9] != station[:9])  # a 建制村 (村委会: 2xx) without cover
    return station, village


def test_a_summary_printed_last_month_is_reproduced_after_corrections(
        run: Run, db_with: Callable[..., str], set_clock: Callable[[str], None], tmp_path: Path) -> None:
    db = db_with(COUNTY)
    set_clock("2026-10-01T09:00:00")
    assert run("--db", db, "import", str(ROSTER))[0] == 0
    assert run("--db", db, "target", "set", "--scope", COUNTY, "--rate", "85", "--deadline", "2030-12-31")[0] == 0

    set_clock(PRINTED)
    first_pdf, first_xlsx = tmp_path / "十月.pdf", tmp_path / "十月.xlsx"
    assert run("--db", db, "print", "summary", "--scope", COUNTY, str(first_xlsx))[0] == 0
    assert run("--db", db, "print", "summary", "--scope", COUNTY, str(first_pdf))[0] == 0
    coverage = _json(run, db, "coverage", "--scope", COUNTY, "--counts")
    pacing = _json(run, db, "pacing", "--scope", COUNTY)
    station, village = _picks(db)

    set_clock("2026-11-20T09:00:00")
    assert run("--db", db, "station", "edit", station, "--opened", "2026-11-10")[0] == 0
    code, _, err = run("--db", db, "station", "add", "--village", village, "--name", "补录综合服务站",
                       "--type", "村邮站+快递超市", "--opened", "2026-03-01")
    assert code == 0, err
    now = _json(run, db, "coverage", "--scope", COUNTY, "--counts", "--on", "2026-10-31")
    # the corrected station no longer covers its village on 10-31, the backdated one covers another, and
    # there is one more station: today's view of 10-31 is not what was reported then
    assert now["children"] != coverage["children"]
    assert sum(c["count"] for c in now["station_counts"]) == sum(c["count"] for c in coverage["station_counts"])

    for instant in (PRINTED, "2026-10-31"):
        again = _json(run, db, "coverage", "--scope", COUNTY, "--counts", "--as-recorded-on", instant)
        assert again.pop("as_recorded_on") == ("2026-10-31 18:00:00" if "T" in instant else "2026-10-31 23:59:59")
        assert again == coverage
    again_pacing = _json(run, db, "pacing", "--scope", COUNTY, "--as-recorded-on", PRINTED)
    assert again_pacing.pop("as_recorded_on") == "2026-10-31 18:00:00"
    assert again_pacing == pacing

    second_xlsx = tmp_path / "十月重印.xlsx"
    assert run("--db", db, "print", "summary", "--scope", COUNTY, "--as-recorded-on", PRINTED, str(second_xlsx))[0] == 0
    first, second = _cells(first_xlsx), _cells(second_xlsx)
    info = next(i for i, row in enumerate(first) if any(isinstance(v, str) and "统计日期" in v for v in row))
    # the same table cell for cell; the info line names the same recording instant, only the print date differs
    assert [r for i, r in enumerate(first) if i != info] == [r for i, r in enumerate(second) if i != info]
    line_1 = next(v for v in first[info] if isinstance(v, str))
    line_2 = next(v for v in second[info] if isinstance(v, str))
    assert "数据登记截至：2026-10-31 18:00:00" in line_1 and "数据登记截至：2026-10-31 18:00:00" in line_2
    assert "制表日期：2026-10-31" in line_1 and "制表日期：2026-11-20" in line_2
    # today's summary reflects the corrections and says when it was recorded up to
    third_xlsx = tmp_path / "十一月.xlsx"
    assert run("--db", db, "print", "summary", "--scope", COUNTY, "--on", "2026-10-31", str(third_xlsx))[0] == 0
    assert [r for i, r in enumerate(_cells(third_xlsx)) if i != info] != [r for i, r in enumerate(first) if i != info]


@pytest.mark.parametrize(("value", "zh", "en"), [
    ("上个月", "“上个月”不是日期或时间", "'上个月' is not a date or a date-time"),
    ("2027-01-01", "还没有到", "lies in the future"),
])
def test_bad_instants_are_refused(run: Run, db_with: Callable[..., str], value: str, zh: str, en: str) -> None:
    db = db_with(COUNTY)
    code, _, err = run("--db", db, "coverage", "--scope", COUNTY, "--as-recorded-on", value)
    assert code == 2 and zh in err and "Traceback" not in err
    code, _, err = run("--db", db, "--lang", "en", "pacing", "--scope", COUNTY, "--as-recorded-on", value)
    assert code == 2 and en in err
