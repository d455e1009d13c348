"""`villagepost station add|edit|show|list|merge|suspend|close|reopen|undo` end to end, on both databases."""

from __future__ import annotations

import json
from collections.abc import Callable

from tests.cli.conftest import Run
from villagepost.core import clock

WANGJIA = "640221106200"
TODAY = clock.today().isoformat()


def test_station_lifecycle_from_the_command_line(run: Run, db_with: Callable[..., str]) -> None:
    db = db_with("640221")
    code, out, err = run("--db", db, "station", "add", "--village", WANGJIA, "--name", "王家庄村邮站",
                         "--type", "村邮站", "--opened", "2023-05", "--services", "代收代投、揽收寄件",
                         "--brands", "中通、圆通", "--phone", "13912345678")
    assert (code, out.strip()) == (0, f"已新增站点 {WANGJIA}-01"), err
    code, out, err = run("--db", db, "--json", "station", "add", "--village", WANGJIA, "--name", "王家庄快递超市",
                         "--type", "快递超市", "--opened", "2023-07-01")
    doc = json.loads(out)
    assert code == 0 and doc["station"]["code"] == f"{WANGJIA}-02" and doc["station"]["date_missing"] is False
    code, out, err = run("--db", db, "--json", "station", "merge", f"{WANGJIA}-01", f"{WANGJIA}-02",
                         "--on", "2024-03-15", "--note", "两站合一")
    doc = json.loads(out)
    assert code == 0 and doc["station"]["type"] == "村邮站+快递超市"
    merger = doc["event"]
    assert [h["kind"] for h in doc["station"]["history"]] == ["opened", "merged"]
    assert doc["station"]["history"][1]["partners"] == [f"{WANGJIA}-02"]

    code, out, _ = run("--db", db, "station", "show", f"{WANGJIA}-01")
    assert code == 0
    assert "所在村：宁夏回族自治区 / 石嘴山市 / 平罗县 / 陶乐镇 / 王家庄村委会" in out
    assert f"合并 ← {WANGJIA}-02 → 村邮站+快递超市  两站合一" in out
    assert "服务项目：代收代投、揽收寄件" in out and "快递品牌：中通、圆通" in out

    code, out, _ = run("--db", db, "station", "close", f"{WANGJIA}-01", "--on", "2025-01-31")
    assert code == 0 and "已记录关闭" in out
    code, out, err = run("--db", db, "station", "close", f"{WANGJIA}-01", "--on", "2025-03-01")
    assert code == 2 and "不在运营" in err
    code, out, _ = run("--db", db, "--json", "station", "reopen", f"{WANGJIA}-01", "--on", "2025-06")
    assert code == 0 and json.loads(out)["station"]["status"] == "operating"
    code, out, _ = run("--db", db, "--json", "station", "undo", str(merger))
    assert code == 0 and json.loads(out)["status"] == "ok"
    code, out, _ = run("--db", db, "--json", "station", "show", f"{WANGJIA}-02")
    assert json.loads(out)["status"] == "operating"

    code, out, _ = run("--db", db, "--json", "station", "edit", f"{WANGJIA}-02", "--type", "村邮站+快递超市",
                       "--on", "2026-01")
    assert code == 0 and json.loads(out)["changed"] is True
    code, out, _ = run("--db", db, "station", "edit", f"{WANGJIA}-02", "--type", "村邮站+快递超市")
    assert (code, out.strip()) == (0, f"站点 {WANGJIA}-02 没有变化")


def test_station_errors_are_clear_in_both_languages(run: Run, db_with: Callable[..., str]) -> None:
    db = db_with("640221")
    code, out, err = run("--db", db, "station", "add", "--village", WANGJIA, "--name", "某站", "--phone", "123",
                         "--opened", "2999-01-01")
    assert code == 2 and out == ""
    assert "站点信息有误" in err and "联系电话“123”格式不对" in err and "晚于今天" in err
    code, out, err = run("--db", db, "--lang", "en", "--json", "station", "add", "--village", "640221106999",
                         "--name", "x")
    doc = json.loads(out)
    assert code == 2 and doc["error"] == "station.invalid"
    assert doc["problems"] == [{"field": "village_code", "kind": "station.village_unknown",
                                "message": "village: '640221106999' is not a village-level unit of the registry"}]
    code, out, err = run("--db", db, "station", "show", "640221106200-07")
    assert code == 2 and "找不到站点“640221106200-07”" in err
    code, out, err = run("--db", db, "station", "undo", "999999")
    assert code == 2 and "找不到历史记录 #999999" in err


def test_station_list_flags_missing_dates(run: Run, db_with: Callable[..., str]) -> None:
    db = db_with("640221")
    run("--db", db, "station", "add", "--village", WANGJIA, "--name", "有日期", "--type", "综合服务站",
        "--opened", "2024")
    run("--db", db, "station", "add", "--village", WANGJIA, "--name", "无日期", "--type", "综合服务站")
    code, out, _ = run("--db", db, "--json", "station", "list", "--scope", "640221106")
    rows = json.loads(out)["stations"]
    assert [(r["name"], r["date_missing"], r["recorded_on"] == TODAY) for r in rows] == [
        ("有日期", False, True), ("无日期", True, True)]
    code, out, _ = run("--db", db, "station", "list", "--scope", "640221106", "--date-missing")
    assert code == 0
    assert out.splitlines() == [f"{WANGJIA}-02  无日期  综合服务站  日期缺失", "共 1 个站点"]
