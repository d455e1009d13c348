"""Re-importing an older roster never undoes history: a type the station had before a later merger is a
warning (`roster_older_than_history`) and the registry keeps what the history says."""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from pathlib import Path

import openpyxl

from tests.cli.test_cli_bad_paths import COUNTY, WANGJIA, villagepost


def test_an_older_roster_type_is_a_warning_and_the_history_wins(
        tmp_path: Path, sqlite_template: Callable[[tuple[str, ...]], Path]) -> None:
    db = tmp_path / "registry.sqlite"
    shutil.copyfile(sqlite_template((COUNTY,)), db)
    for name, stype, opened in (("王家庄村邮站", "村邮站", "2024-03-01"), ("王家庄快递超市", "快递超市", "2024-05-01")):
        assert villagepost("--db", str(db), "station", "add", "--village", WANGJIA, "--name", name, "--type", stype,
                           "--opened", opened).returncode == 0
    merged = villagepost("--db", str(db), "station", "merge", f"{WANGJIA}-01", f"{WANGJIA}-02", "--on", "2025-01-10",
                         "--type", "村邮站+快递超市")
    assert merged.returncode == 0, merged.stderr
    roster = tmp_path / "名录.xlsx"
    assert villagepost("--db", str(db), "export", "registry", str(roster), "--scope", COUNTY).returncode == 0

    # The township's copy from before the merger: the successor still a plain 村邮站.
    book = openpyxl.load_workbook(roster)
    sheet = book.worksheets[0]
    header_row, type_col = next((c.row, c.column) for row in sheet.iter_rows(max_row=10) for c in row
                                if c.value == "站点类型")
    changed = 0
    for row in sheet.iter_rows(min_row=header_row + 1):
        if row[0].parent.cell(row[0].row, type_col).value == "村邮站+快递超市":
            row[0].parent.cell(row[0].row, type_col).value = "村邮站"
            changed += 1
    assert changed == 1
    book.save(roster)

    done = villagepost("--db", str(db), "--json", "import", str(roster))
    doc = json.loads(done.stdout)
    assert done.returncode == 0, done.stderr
    older = [w for w in doc["warnings"] if w["kind"] == "roster_older_than_history"]
    assert len(older) == 1
    assert "2025-01-10" in older[0]["message"] and "保留登记册的记载" in older[0]["message"]
    show = villagepost("--db", str(db), "--json", "station", "show", f"{WANGJIA}-01")
    assert json.loads(show.stdout)["type"] == "村邮站+快递超市"
    en = villagepost("--lang", "en", "--db", str(db), "--json", "import", str(roster))
    assert "the roster is older than that history" in json.loads(en.stdout)["warnings"][0]["message"]
    assert villagepost("--db", str(db), "db", "check").returncode == 0
