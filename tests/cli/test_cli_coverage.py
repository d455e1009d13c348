"""`villagepost coverage | target | pacing | db setting include-village-like` on 金凤区 (tests/coverage_county.py).

JSON documents are compared whole; refusals exit 2 with a Chinese message naming the option.
"""

from __future__ import annotations

import datetime as dt
import json
import unicodedata
from collections.abc import Callable

import pytest
from coverage_county import COUNTY, FENGDENG, HUANGHE, LIANGTIAN, MANCHENG, build

from villagepost.core import clock
from villagepost.core.pacing import Measure
from villagepost.services import targets as tgt
from villagepost.services.registry import Registry

D = dt.date
ON = "2024-09-15"
Run = Callable[..., tuple[int, str, str]]


def db_label(reg: Registry) -> str:
    """What a user passes to --db for this registry (file path, or the URL with its password)."""
    return str(reg.location.path) if reg.location.path else reg.location.url.render_as_string(hide_password=False)


@pytest.fixture
def db(make_registry: Callable[..., Registry]) -> str:
    reg = make_registry(COUNTY)
    build(reg)
    return db_label(reg)


def _columns(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _json(run: Run, *argv: str) -> tuple[int, dict]:
    code, out, _err = run(*argv)
    return code, json.loads(out)


def _child(code: str, name: str, total: int, covered: int) -> dict:
    return {"code": code, "name": name, "villages_total": total, "villages_covered": covered,
            "rate": covered / total if total else 0.0}


def test_coverage_json(run: Run, db: str) -> None:
    code, doc = _json(run, "--db", db, "coverage", "--scope", COUNTY, "--on", ON, "--json")
    assert code == 0
    assert doc == {
        "scope": COUNTY, "name": "金凤区", "level": "county", "on": ON, "villages_total": 20, "villages_covered": 10,
        "rate": 0.5, "date_missing_villages": 1, "include_village_like": False, "children_level": "township",
        "children": [_child(MANCHENG, "满城北街街道", 1, 0), _child(HUANGHE, "黄河东路街道", 4, 3),
                     _child("640106003", "长城中路街道", 0, 0), _child("640106004", "北京中路街道", 0, 0),
                     _child("640106005", "上海西路街道", 0, 0), _child("640106006", "贺兰山中路街道", 0, 0),
                     _child(LIANGTIAN, "良田镇", 8, 4), _child(FENGDENG, "丰登镇", 7, 3)],
    }
    # --json before the command, a padded scope, and the village level of a township
    code, doc = _json(run, "--db", db, "--json", "coverage", "--scope", "640106101000", "--level", "village",
                      "--on", "2024-04-01")
    assert code == 0 and (doc["scope"], doc["children_level"], doc["villages_covered"]) == (FENGDENG, "village", 1)
    assert [(c["code"], c["villages_covered"]) for c in doc["children"]] == [
        ("640106101201", 1), ("640106101202", 0), ("640106101203", 0), ("640106101204", 0), ("640106101205", 0),
        ("640106101206", 0), ("640106101207", 0)]


def test_coverage_by_higher_levels_and_the_whole_country(run: Run, db: str) -> None:
    code, doc = _json(run, "--db", db, "coverage", "--scope", "64", "--level", "county", "--on", ON, "--json")
    assert code == 0 and doc["children"] == [_child(COUNTY, "金凤区", 20, 10)]
    code, doc = _json(run, "--db", db, "coverage", "--scope", "全国", "--on", ON, "--json")
    assert code == 0 and (doc["scope"], doc["name"], doc["level"], doc["children_level"]) == (
        "", "全国", "country", "province")
    assert doc["children"] == [_child("64", "宁夏回族自治区", 20, 10)]


def test_coverage_text_in_chinese_and_english(run: Run, db: str) -> None:
    code, out, _ = run("--db", db, "coverage", "--scope", COUNTY, "--on", ON)
    assert code == 0
    lines = out.splitlines()
    assert lines[0] == "金凤区（640106） 建制村覆盖率  2024-09-15"
    assert lines[1] == "建制村 20 个，已覆盖 10 个，覆盖率 50.0%（其中 1 个靠日期缺失的站点覆盖，请补填开通日期）"
    assert lines[3].split() == ["代码", "名称", "建制村", "已覆盖", "覆盖率"]
    assert lines[5].split() == ["640106002", "黄河东路街道", "4", "3", "75.0%"]
    assert lines[6].split() == ["640106003", "长城中路街道", "0", "0", "—"]
    assert lines[11].split() == ["640106101", "丰登镇", "7", "3", "42.9%"]
    # columns line up as a terminal shows them (a Chinese character is two columns wide): right-aligned numbers
    # end in the same column on every row
    assert len({_columns(line) for line in lines[3:12]}) == 1
    code, out, _ = run("--db", db, "--lang", "en", "coverage", "--scope", COUNTY, "--on", ON)
    assert code == 0
    assert out.splitlines()[:2] == ["Coverage of 建制村 in 金凤区 (640106) on 2024-09-15",
                                    "20 建制村, 10 covered, 50.0% (1 covered by stations without an opening date: "
                                    "fill it in)"]


def test_coverage_with_station_counts(run: Run, db: str) -> None:
    code, doc = _json(run, "--db", db, "coverage", "--scope", LIANGTIAN, "--on", ON, "--counts", "--json")
    assert code == 0
    assert doc["station_counts"] == [
        {"station_type": "村邮站+快递超市", "status": "operating", "coop": None, "count": 2},
        {"station_type": "综合服务站", "status": "operating", "coop": None, "count": 2}]
    code, out, _ = run("--db", db, "coverage", "--scope", FENGDENG, "--on", "2024-04-01", "--counts")
    assert code == 0
    tail = out.split("站点数")[1].splitlines()
    # 丰登镇 on 2024-04-01: E1 (combined since the merger), E2 absorbed (closed), F closed, K1, K2
    assert tail[0] == "（共 5 个）"
    assert [t.split() for t in tail[1:]] == [
        ["按类型："], ["村邮站", "1"], ["快递超市", "2"], ["村邮站+快递超市", "1"], ["综合服务站", "1"],
        ["按状态："], ["运营", "3"], ["关闭", "2"], ["按合作模式："], ["（未填）", "5"]]


@pytest.mark.parametrize(("argv", "message"), [
    (("coverage", "--scope", "640199"), "--scope：区划代码 640199 不在登记册中"),
    (("coverage", "--scope", "64010"), "--scope：区划代码“64010”有5位，应为2、4、6、9或12位"),
    (("coverage", "--scope", COUNTY, "--on", "2024-02-30"),
     "--on：日期“2024-02-30”不存在（月份或日期不正确）"),
    (("coverage", "--scope", COUNTY, "--level", "镇"),
     "--level：无法识别的层级“镇”，可用：province/city/county/township/village 或 省/市/县/乡镇/村"),
    (("coverage", "--scope", COUNTY, "--level", "city"),
     "--level：层级“市”不在金凤区（640106，县级）之下：下级统计只能按更低的层级（乡镇、村）"),
    (("pacing", "--scope", "640199"), "--scope：区划代码 640199 不在登记册中"),
    (("pacing", "--scope", COUNTY, "--on", "15.9.2024"),
     "--on：无法识别日期“15.9.2024”，可写成 2025-12-31、2025/12/31、20251231、2025年12月31日、2025.12.31"),
])
def test_coverage_and_pacing_refusals(run: Run, db: str, argv: tuple[str, ...], message: str) -> None:
    code, out, err = run("--db", db, *argv)
    assert (code, out, err.strip()) == (2, "", message)
    code, out, _ = run("--db", db, *argv, "--json")
    doc = json.loads(out)
    assert code == 2 and doc["status"] == "error" and doc["message"] == message


def test_refusals_in_english(run: Run, db: str) -> None:
    code, _, err = run("--db", db, "--lang", "en", "coverage", "--scope", "640199")
    assert (code, err.strip()) == (2, "--scope: the division code 640199 is not in the registry")


def test_target_set_list_remove(run: Run, db: str) -> None:
    code, doc = _json(run, "--db", db, "target", "set", "--scope", COUNTY, "--rate", "85%", "--deadline",
                      "2024-12-31", "--note", "东昌府区 2024 年底 85%", "--json")
    assert code == 0 and doc["status"] == "ok"
    first = doc["target"]
    assert {k: v for k, v in first.items() if k not in ("id", "created_on")} == {
        "scope": COUNTY, "scope_name": "金凤区", "measure": "coverage_rate", "value": 0.85,
        "deadline": "2024-12-31", "station_type": None, "note": "东昌府区 2024 年底 85%"}
    assert first["created_on"] == clock.today().isoformat()
    code, out, _ = run("--db", db, "target", "set", "--scope", LIANGTIAN, "--count", "3", "--type", "综合服务站",
                       "--deadline", "2025-06-30")
    assert code == 0 and out.startswith("已保存目标 #") and out.rstrip().endswith(
        "良田镇（640106100） 2025-06-30 前综合服务站达到 3 个")
    code, doc = _json(run, "--db", db, "target", "set", "--scope", COUNTY, "--rate", "90", "--deadline", "2024-12-31",
                      "--json")
    assert doc["target"]["id"] == first["id"] and doc["target"]["value"] == 0.9  # the same target, updated
    code, doc = _json(run, "--db", db, "target", "list", "--json")
    assert code == 0 and doc["count"] == 2 and doc["scope"] is None
    assert [(t["scope"], t["measure"], t["value"]) for t in doc["targets"]] == [
        (COUNTY, "coverage_rate", 0.9), (LIANGTIAN, "station_count", 3.0)]
    code, doc = _json(run, "--db", db, "target", "list", "--scope", LIANGTIAN, "--json")
    assert [t["scope"] for t in doc["targets"]] == [LIANGTIAN]
    code, out, _ = run("--db", db, "target", "list")
    assert code == 0 and out.splitlines()[0].split()[:3] == [f"#{first['id']}", "金凤区（640106）",
                                                              "2024-12-31"]
    code, doc = _json(run, "--db", db, "target", "remove", str(first["id"]), "--json")
    assert (code, doc) == (0, {"status": "ok", "id": first["id"]})
    code, _, err = run("--db", db, "target", "remove", str(first["id"]))
    assert (code, err.strip()) == (2, f"目标 #{first['id']} 不存在")
    code, doc = _json(run, "--db", db, "target", "list", "--json")
    assert doc["count"] == 1


@pytest.mark.parametrize(("options", "message"), [
    (("--scope", COUNTY, "--rate", "120", "--deadline", "2025-12-31"),
     "--rate：覆盖率目标 120% 不在 0 到 100% 之间（须大于 0，最多 100%），例如 85 或 85%"),
    (("--scope", COUNTY, "--rate", "0%", "--deadline", "2025-12-31"),
     "--rate：覆盖率目标 0% 不在 0 到 100% 之间（须大于 0，最多 100%），例如 85 或 85%"),
    (("--scope", COUNTY, "--rate", "八十五", "--deadline", "2025-12-31"),
     "--rate：覆盖率目标“八十五”不是数字，请写成百分数，例如 85 或 85%"),
    (("--scope", COUNTY, "--count", "5", "--deadline", "2025-12-31"),
     "--type：站点数量目标要指定统计的站点类型（村邮站、快递超市、村邮站+快递超市、综合服务站、乡镇综合服务站、县级共配中心、"
     "智能快件箱点）"),
    (("--scope", COUNTY, "--count", "5", "--type", "小卖部", "--deadline", "2025-12-31"),
     "--type：无法识别的站点类型“小卖部”，可用：村邮站、快递超市、村邮站+快递超市、综合服务站、乡镇综合服务站、县级共配中心、智能快件箱点"),
    (("--scope", COUNTY, "--count", "2.5", "--type", "综合服务站", "--deadline", "2025-12-31"),
     "--count：站点数量目标“2.5”应为正整数"),
    (("--scope", COUNTY, "--rate", "85", "--type", "综合服务站", "--deadline", "2025-12-31"),
     "--type：覆盖率目标按建制村计算，不指定站点类型"),
    (("--scope", COUNTY, "--rate", "85", "--deadline", "2025-12"),
     "--deadline：“2025-12”只写到月，请写出完整的年月日，例如 2025-12-31"),
    (("--scope", "640199", "--rate", "85", "--deadline", "2025-12-31"), "--scope：区划代码 640199 不在登记册中"),
    (("--scope", "640106100200", "--rate", "85", "--deadline", "2025-12-31"),
     "--scope：640106100200 是村级单位：目标定在省、市、县或乡镇"),
    (("--scope", COUNTY, "--deadline", "2025-12-31"),
     "请给出目标值：覆盖率用 --rate（例如 --rate 85），站点数量用 --count 和 --type"),
    (("--scope", COUNTY, "--rate", "85", "--count", "3", "--deadline", "2025-12-31"),
     "一个目标只能是覆盖率（--rate）或站点数量（--count），不能同时给出"),
])
def test_target_refusals(run: Run, db: str, options: tuple[str, ...], message: str) -> None:
    code, out, err = run("--db", db, "target", "set", *options)
    assert (code, out, err.strip()) == (2, "", message)
    _, doc = _json(run, "--db", db, "target", "list", "--json")
    assert doc["count"] == 0


@pytest.mark.parametrize("typed", ["2025-12-31", "2025/12/31", "20251231", "2025年12月31日", "2025.12.31",
                                   "２０２５－１２－３１"])
def test_target_deadline_takes_the_rosters_date_forms(run: Run, db: str, typed: str) -> None:
    code, _out, err = run("--db", db, "target", "set", "--scope", COUNTY, "--rate", "85", "--deadline", typed)
    assert (code, err) == (0, "")
    _, doc = _json(run, "--db", db, "target", "list", "--json")
    assert [t["deadline"] for t in doc["targets"]] == ["2025-12-31"]


@pytest.fixture
def db_with_targets(make_registry: Callable[..., Registry]) -> tuple[str, list[int]]:
    """The worked example of tests/services/test_pacing_service.py: four targets set on 2024-01-15."""
    reg = make_registry(COUNTY)
    build(reg)
    on = D(2024, 1, 15)
    ids = [tgt.set_target(reg, COUNTY, Measure.COVERAGE_RATE, 0.85, D(2024, 12, 31), today=on).id,
           tgt.set_target(reg, COUNTY, Measure.COVERAGE_RATE, 1.0, D(2025, 12, 31), today=on).id,
           tgt.set_target(reg, COUNTY, Measure.COVERAGE_RATE, 0.5, D(2024, 6, 30), today=on).id,
           tgt.set_target(reg, COUNTY, Measure.STATION_COUNT, 5, D(2025, 6, 30), station_type="综合服务站",
                          today=on).id]
    return db_label(reg), ids


def test_pacing_json(run: Run, db_with_targets: tuple[str, list[int]]) -> None:
    db, (t1, t2, t3, t4) = db_with_targets
    code, doc = _json(run, "--db", db, "pacing", "--scope", COUNTY, "--on", ON, "--json")
    assert code == 0
    assert set(doc) == {"scope", "name", "level", "today", "villages_total", "villages_covered", "rate",
                        "inherited_from", "curve", "targets"}
    assert len(doc["curve"]) == 22 and doc["curve"][-1] == {"month_end": ON, "covered": 10, "total": 20, "rate": 0.5}
    assert [t["id"] for t in doc["targets"]] == [t3, t1, t4, t2]
    pace1 = doc["targets"][1]["pace"]
    assert {k: pace1[k] for k in ("achieved", "goal", "gap", "months_left", "needed_per_month", "trailing_months",
                                  "projected_goal", "projected_full", "on_current_pace", "deadline_passed")} == {
        "achieved": 10.0, "goal": 17, "gap": 7, "months_left": 4, "needed_per_month": 1.75, "trailing_months": 6,
        "projected_goal": "2026-06-30", "projected_full": "2027-03-31", "on_current_pace": True,
        "deadline_passed": False}
    assert [lag["name"] for lag in doc["targets"][1]["lagging"]] == ["满城北街街道", "丰登镇", "良田镇"]
    assert doc["targets"][2]["pace"]["on_current_pace"] is False and doc["targets"][2]["lagging"] == []


def test_pacing_text(run: Run, db_with_targets: tuple[str, list[int]]) -> None:
    db, (t1, _t2, t3, t4) = db_with_targets
    code, out, _ = run("--db", db, "pacing", "--scope", COUNTY, "--on", ON)
    assert code == 0
    assert out.startswith("金凤区（640106） 进度  截至 2024-09-15\n建制村 20 个，已覆盖 10 个，覆盖率 50.0%\n")
    assert "  2022-12          1    5.0%\n" in out and "  2024-09-15      10   50.0%\n" in out
    block = out.split(f"目标 #{t1}  ")[1].split("\n\n")[0].splitlines()
    assert block == [
        "2024-12-31 前覆盖率达到 85.0%",
        "  已完成 10 个（50.0%），目标 17 个，差距 7 个（35.0 个百分点）",
        "  剩余 4 个月，每月需新增 1.8 个",
        "  近 6 个月平均每月新增 0.3 个；按此进度 2027-03-31 全部覆盖",
        "  落后于进度线的下级单位：",
        "    满城北街街道（640106001）  覆盖率 0.0%，应达 59.1%，差 1 个建制村",
        "    丰登镇（640106101）  覆盖率 42.9%，应达 67.8%，差 2 个建制村",
        "    良田镇（640106100）  覆盖率 50.0%，应达 70.5%，差 2 个建制村",
    ]
    assert (f"目标 #{t3}  2024-06-30 前覆盖率达到 50.0%\n"
            "  已完成 10 个（50.0%），目标 10 个，差距 0 个（0.0 个百分点）\n"
            "  截止日已过：截止日 8 个，未达成\n") in out
    assert f"目标 #{t4}  2025-06-30 前综合服务站达到 5 个\n  已有 4 个综合服务站，目标 5 个，差距 1 个\n" \
           "  剩余 10 个月，每月需新增 0.1 个\n  近 6 个月平均每月新增 0 个；按当前进度无法实现\n" in out
    code, out, _ = run("--db", db, "--lang", "en", "pacing", "--scope", COUNTY, "--on", ON)
    assert code == 0 and "last 6 months: 0 a month; not at the current pace" in out
    code, out, _ = run("--db", db, "pacing", "--scope", FENGDENG, "--on", ON)
    assert "本单位没有自己的目标，沿用 金凤区（640106） 的覆盖率目标。" in out


def test_pacing_without_targets(run: Run, db: str) -> None:
    code, out, _ = run("--db", db, "pacing", "--scope", COUNTY, "--on", ON)
    assert code == 0 and out.rstrip().endswith("没有目标：用 villagepost target set 设定后即可对照进度。")
    code, doc = _json(run, "--db", db, "pacing", "--scope", COUNTY, "--on", ON, "--json")
    assert (doc["targets"], doc["inherited_from"], doc["curve"][0]["month_end"]) == ([], None, "2022-12-31")


def test_the_village_like_setting(run: Run, make_registry: Callable[..., Registry]) -> None:
    db = db_label(make_registry("640122"))
    _, doc = _json(run, "--db", db, "coverage", "--scope", "640122", "--json")
    base = doc["villages_total"]
    code, doc = _json(run, "--db", db, "db", "setting", "include-village-like", "--json")
    assert (code, doc) == (0, {"setting": "include-village-like", "value": "off"})
    code, out, _ = run("--db", db, "db", "setting", "include-village-like", "on")
    assert (code, out) == (0, "统计口径：计入类似村委会（代码 500–599）\n")
    _, doc = _json(run, "--db", db, "coverage", "--scope", "640122", "--json")
    assert (doc["villages_total"], doc["include_village_like"]) == (base + 7, True)
    code, _, err = run("--db", db, "db", "setting", "include-village-like", "maybe")
    assert (code, err.strip()) == (2, "include-village-like：无法识别的取值“maybe”，请用 on 或 off（开 / 关）")
    code, doc = _json(run, "--db", db, "db", "setting", "include-village-like", "off", "--json")
    assert doc["value"] == "off"
    _, doc = _json(run, "--db", db, "coverage", "--scope", "640122", "--json")
    assert doc["villages_total"] == base


def test_pacing_of_a_village_inherits_its_countys_targets(run: Run, db_with_targets: tuple[str, list[int]]) -> None:
    db, _ids = db_with_targets
    village = "640106101201"  # 西新村, a 建制村 of 丰登镇
    code, doc = _json(run, "--db", db, "pacing", "--scope", village, "--on", ON, "--json")
    assert code == 0 and doc["scope"] == village and doc["inherited_from"] == COUNTY
    assert doc["villages_total"] == 1 and all(not t["lagging"] for t in doc["targets"])
