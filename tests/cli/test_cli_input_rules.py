"""The input rules the CLI, the window and the importer share (core.values, services.station_checks), through
the real command: each bad value is refused with exit 2 and its reason in both languages, and nothing is stored."""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.cli.test_cli_bad_paths import COUNTY, WANGJIA, both, digest, villagepost

OTHER_COUNTY_VILLAGE = "640205100200"  # 大武口区, not 平罗县


@pytest.fixture
def county_db(tmp_path: Path, sqlite_template: Callable[[tuple[str, ...]], Path]) -> Path:
    path = tmp_path / "registry.sqlite"
    shutil.copyfile(sqlite_template((COUNTY, "640205")), path)
    return path


def _stations(db: Path) -> list[dict[str, object]]:
    done = villagepost("--db", str(db), "--json", "station", "list", "--scope", COUNTY)
    return list(json.loads(done.stdout)["stations"])


@pytest.mark.parametrize(("args", "zh", "en"), [
    (("--name", "站", "--opened", "0001-01-01"), "早于 1949-10-01", "before 1949-10-01"),
    (("--name", "站", "--opened", "1949-09-30"), "早于 1949-10-01", "before 1949-10-01"),
    (("--name", "\x1b[31m红站\x1b[0m"), "不允许的字符 U+001B", "not allowed, U+001B"),
    (("--name", "王家\u202e站邮村"), "不允许的字符 U+202E", "not allowed, U+202E"),
    (("--name", "王家庄\u200b村邮站"), "不允许的字符 U+200B", "not allowed, U+200B"),
    (("--name", "站", "--contact", "张\x07三"), "不允许的字符 U+0007", "not allowed, U+0007"),
    (("--name", "站", "--services", "、".join(f"服务{i}" for i in range(31))), "最多30项，这里有31项",
     "at most 30 items; there are 31"),
    (("--name", "站", "--serves", OTHER_COUNTY_VILLAGE), "不在站点所在的县（640221）",
     "not in the station's county (640221)"),
], ids=["year-1", "before-prc", "esc", "bidi", "zero-width", "bell-in-contact", "31-services",
        "serves-other-county"])
def test_bad_values_are_refused_and_nothing_is_stored(county_db: Path, args: tuple[str, ...], zh: str,
                                                      en: str) -> None:
    before = digest(county_db)
    zh_run, en_run = both(str(county_db), "station", "add", "--village", WANGJIA, *args)
    assert zh_run.returncode == en_run.returncode == 2
    assert zh in zh_run.stderr, zh_run.stderr
    assert en in en_run.stderr, en_run.stderr
    assert "\x1b" not in zh_run.stderr + en_run.stderr  # never echoed raw to the terminal
    assert digest(county_db) == before and _stations(county_db) == []


def test_the_first_day_of_the_republic_and_a_village_across_the_township_are_fine(county_db: Path) -> None:
    done = villagepost("--db", str(county_db), "station", "add", "--village", WANGJIA, "--name", "老邮站",
                       "--opened", "1949-10-01", "--serves", "640221100201")
    assert done.returncode == 0, done.stderr
    assert [s["opened"] for s in _stations(county_db)] == ["1949-10-01"]


def test_a_merger_across_counties_is_refused(county_db: Path) -> None:
    assert villagepost("--db", str(county_db), "station", "add", "--village", WANGJIA, "--name", "甲站").returncode == 0
    assert villagepost("--db", str(county_db), "station", "add", "--village", OTHER_COUNTY_VILLAGE,
                       "--name", "乙站").returncode == 0
    before = digest(county_db)
    zh, en = both(str(county_db), "station", "merge", f"{WANGJIA}-01", f"{OTHER_COUNTY_VILLAGE}-01",
                  "--on", "2025-01-01")
    assert zh.returncode == en.returncode == 2
    assert "不在同一个县，不能合并" in zh.stderr and "not in the same county" in en.stderr
    assert digest(county_db) == before


@pytest.mark.parametrize("name", ["\x00", "王\u200b家", "站\x00名", "\u202e\u2066"])
def test_the_same_rule_refuses_the_same_names_in_the_editor_and_in_a_roster(name: str) -> None:
    """A NUL cannot travel in argv; the window and a roster pass it to the same two checks."""
    from villagepost.core import clock
    from villagepost.rosters.parse import _free_text
    from villagepost.services.station_checks import clean_values

    values, problems = clean_values({"name": name}, clock.today())
    assert "name" not in values and len(problems) == 1
    assert problems[0].key in ("roster.value.bad_character", "roster.value.invisible_name", "station.name_required")
    with pytest.raises(Exception) as refused:
        _free_text("station_name")(name)
    assert getattr(refused.value, "kind", None) == "bad_character"
