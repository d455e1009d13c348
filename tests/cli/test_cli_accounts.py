"""`villagepost user …`, the global `--user` login and `villagepost audit`, as a clerk types them."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import openpyxl
import pytest

from tests.cli.conftest import Run

ROSTER = str(Path(__file__).parents[1] / "rosters" / "data" / "A01_pingluo_clean.xlsx")


@pytest.fixture
def accounts_db(db_with: Callable[..., str], run: Run, monkeypatch: pytest.MonkeyPatch) -> str:
    """A registry of 平罗县 with an administrator, a county clerk, a township clerk and a supervisor."""
    db = db_with("640221")
    for args, password in ((("boss", "--role", "admin"), "secret1"),):
        monkeypatch.setenv("VILLAGEPOST_NEW_PASSWORD", password)
        assert run("--db", db, "user", "add", *args)[0] == 0
    monkeypatch.setenv("VILLAGEPOST_PASSWORD", "secret1")
    for args, password in ((("pingluo", "--role", "admin", "--scope", "640221"), "secret2"),
                           (("sup", "--role", "supervisor", "--scope", "640221"), "secret4")):
        monkeypatch.setenv("VILLAGEPOST_NEW_PASSWORD", password)
        assert run("--db", db, "--user", "boss", "user", "add", *args)[0] == 0
    monkeypatch.setenv("VILLAGEPOST_PASSWORD", "secret2")
    monkeypatch.setenv("VILLAGEPOST_NEW_PASSWORD", "secret3")
    code, out, err = run("--db", db, "--user", "pingluo", "user", "add", "tong", "--role", "township",
                         "--scope", "640221100")
    assert (code, err) == (0, ""), err
    assert out == "已新建账号 tong（乡镇人员，范围：640221100）\n"
    return db


def test_login_is_required_and_refusals_exit_2(accounts_db: str, run: Run,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    code, out, err = run("--db", accounts_db, "station", "list", "--scope", "640221")
    assert (code, out) == (2, "")
    assert "--user" in err and "登记库已启用账号" in err
    monkeypatch.setenv("VILLAGEPOST_PASSWORD", "wrong-password")
    assert run("--db", accounts_db, "--user", "tong", "station", "list", "--scope", "640221")[2] == \
        "账号“tong”的密码不对\n"
    assert run("--db", accounts_db, "--lang", "en", "--user", "nobody", "user", "list")[2] == \
        "there is no account named 'nobody'\n"
    monkeypatch.setenv("VILLAGEPOST_PASSWORD", "secret1")
    assert run("--db", accounts_db, "--user", "boss", "user", "disable", "sup")[0] == 0
    monkeypatch.setenv("VILLAGEPOST_PASSWORD", "secret4")
    code, _, err = run("--db", accounts_db, "--user", "sup", "audit")
    assert (code, err) == (2, "账号“sup”已停用\n")
    monkeypatch.setenv("VILLAGEPOST_PASSWORD", "secret1")
    monkeypatch.setenv("VILLAGEPOST_NEW_PASSWORD", "secret9")
    for args, message in (
        (("user", "add", "x", "--role", "mayor"), "没有“mayor”这种角色"),
        (("user", "add", "x", "--role", "county", "--scope", "640299"), "范围“640299”不是登记库中的区划"),
        (("--lang", "en", "user", "add", "x", "--role", "township", "--scope", "640221"),
         "a township scope must be a township code; '640221' is not"),
    ):
        *lead, = ("--db", accounts_db)
        if args[0] == "--lang":
            code, out, err = run(*lead, "--lang", "en", "--user", "boss", *args[2:])
        else:
            code, out, err = run(*lead, "--user", "boss", *args)
        assert code == 2 and message in err, (args, err)
    code, out, _ = run("--db", accounts_db, "--user", "boss", "user", "list", "--json")
    assert [(a["name"], a["role"], a["scopes"], a["disabled"]) for a in json.loads(out)["accounts"]] == [
        ("boss", "admin", [], False), ("pingluo", "admin", ["640221"], False),
        ("sup", "supervisor", ["640221"], True), ("tong", "township", ["640221100"], False)]


def test_township_import_of_the_county_roster_and_the_audit_json(accounts_db: str, run: Run,
                                                                 monkeypatch: pytest.MonkeyPatch,
                                                                 tmp_path: Path) -> None:
    monkeypatch.setenv("VILLAGEPOST_PASSWORD", "secret3")
    code, out, _ = run("--db", accounts_db, "--user", "tong", "import", ROSTER, "--json")
    doc = json.loads(out)
    assert code == 3  # partially imported: the other townships' rows are row errors
    assert (doc["stations_created"], doc["rows_rejected"]) == (9, 128)
    assert {e["kind"] for e in doc["errors"]} == {"out_of_scope"}

    monkeypatch.setenv("VILLAGEPOST_PASSWORD", "secret1")
    code, out, err = run("--db", accounts_db, "--user", "boss", "audit", "--user", "tong", "--json")
    assert (code, err) == (0, "")
    entries = json.loads(out)["entries"]
    assert len(entries) == 10  # nine stations created, one import
    assert all(list(e) == ["at", "user", "source", "table", "record", "field", "old", "new"] for e in entries)
    assert {e["user"] for e in entries} == {"tong"}
    assert entries[-1]["table"] == "import" and json.loads(entries[-1]["new"])["stations_created"] == 9
    assert entries[0]["source"].startswith("import: A01_pingluo_clean.xlsx sha256:")
    assert entries[0]["at"] == "2026-11-23T10:00:00"

    station = entries[0]["record"]
    monkeypatch.setenv("VILLAGEPOST_PASSWORD", "secret3")
    assert run("--db", accounts_db, "--user", "tong", "station", "edit", station, "--phone", "13912345678")[0] == 0
    monkeypatch.setenv("VILLAGEPOST_PASSWORD", "secret4")
    code, out, _ = run("--db", accounts_db, "--user", "sup", "audit", "--record", station, "--json")
    last = json.loads(out)["entries"][-1]
    assert (last["user"], last["source"], last["field"], last["new"]) == ("tong", "cli: station edit", "phone",
                                                                         "13912345678")
    code, out, err = run("--db", accounts_db, "--user", "sup", "station", "edit", station, "--phone", "1")
    assert code == 2 and "sup" in err
    xlsx = tmp_path / "audit.xlsx"
    assert run("--db", accounts_db, "--user", "sup", "audit", "--since", "2026-11-23", "--xlsx", str(xlsx))[0] == 0
    rows = list(openpyxl.load_workbook(xlsx, read_only=True).active.iter_rows(values_only=True))
    assert rows[0] == ("时间", "用户", "来源", "表", "记录", "字段", "原值", "新值")
    # header, three accounts inside 640221 (not the registry-wide administrator), the import, the phone edit
    assert len(rows) == 1 + 3 + 10 + 1


def test_passwd_role_and_the_last_administrator(accounts_db: str, run: Run, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("VILLAGEPOST_PASSWORD", "secret3")
    monkeypatch.setenv("VILLAGEPOST_NEW_PASSWORD", "newsecret")
    code, _, err = run("--db", accounts_db, "--user", "tong", "user", "passwd", "sup")
    assert (code, err) == (2, "用户“tong”不是管理员，不能管理账号\n")
    assert run("--db", accounts_db, "--user", "tong", "user", "passwd", "tong")[0] == 0
    monkeypatch.setenv("VILLAGEPOST_PASSWORD", "newsecret")
    assert run("--db", accounts_db, "--user", "tong", "user", "list")[0] == 0
    monkeypatch.setenv("VILLAGEPOST_PASSWORD", "secret2")  # pingluo, administrator of the county
    code, out, _ = run("--db", accounts_db, "--user", "pingluo", "user", "role", "tong", "--role", "township",
                       "--scope", "640221100", "640221101")
    assert (code, out) == (0, "账号 tong：乡镇人员，范围：640221100、640221101\n")
    code, _, err = run("--db", accounts_db, "--user", "pingluo", "user", "disable", "boss")
    assert code == 2 and "pingluo" in err  # boss's scope (the whole registry) is not inside 640221
    monkeypatch.setenv("VILLAGEPOST_PASSWORD", "secret1")
    code, _, err = run("--db", accounts_db, "--user", "boss", "user", "role", "boss", "--role", "county",
                       "--scope", "640221")
    # pingluo is an administrator too, but of a county: boss is the last one of the whole registry
    assert (code, err) == (2, "“boss”是最后一个管理全部登记库的管理员账号，不能停用或缩小范围\n")
    code, out, _ = run("--db", accounts_db, "--user", "boss", "audit", "--record", "tong", "--json")
    fields = [(e["field"], e["old"], e["new"]) for e in json.loads(out)["entries"]]
    assert fields[1:] == [("password", "(hidden)", "(changed)"), ("scopes", "640221100", "640221100、640221101")]
