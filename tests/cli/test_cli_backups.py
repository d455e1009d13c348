"""`villagepost backup …` and `db backup OUT`: verified copies, their listing, rotation, and every refused target."""

from __future__ import annotations

import datetime as dt
import json
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.cli.test_cli_bad_paths import COUNTY, both, digest, villagepost
from villagepost.storage import backup_store
from villagepost.storage.backup_store import BackupEntry, KeepPolicy, to_keep

AUTO = {"VILLAGEPOST_AUTO_BACKUP": "1"}


@pytest.fixture
def county_db(tmp_path: Path, sqlite_template: Callable[[tuple[str, ...]], Path]) -> Path:
    path = tmp_path / "registry.sqlite"
    shutil.copyfile(sqlite_template((COUNTY,)), path)
    return path


def test_backup_list_json_has_exactly_the_promised_fields(county_db: Path) -> None:
    made = villagepost("--db", str(county_db), "--json", "backup", "create")
    assert made.returncode == 0, made.stderr
    listed = villagepost("--db", str(county_db), "--json", "backup", "list")
    doc = json.loads(listed.stdout)
    assert list(doc) == ["backups"] and len(doc["backups"]) == 1
    entry = doc["backups"][0]
    assert list(entry) == ["id", "file", "created", "reason", "bytes", "verified"]
    assert entry["reason"] == "manual" and entry["verified"] is True and entry["created"].startswith("2026-11-23T")
    backup = Path(entry["file"])
    assert backup.parent == county_db.parent / "registry-backups" and entry["bytes"] == backup.stat().st_size
    sidecar = json.loads(backup.with_suffix(".json").read_text(encoding="utf-8"))
    assert sidecar["sha256"] == backup_store.sha256_of(backup)
    ok = villagepost("--db", str(county_db), "backup", "verify", entry["id"])
    assert ok.returncode == 0 and "完好" in ok.stdout


def test_verify_finds_a_changed_backup_and_restore_refuses_it(county_db: Path) -> None:
    entry = json.loads(villagepost("--db", str(county_db), "--json", "backup", "create").stdout)["backup"]
    with Path(entry["file"]).open("r+b") as fh:
        fh.seek(5000)
        fh.write(b"\xff")
    zh, en = both(str(county_db), "backup", "verify", entry["id"])
    assert zh.returncode == en.returncode == 2
    assert "已损坏" in zh.stdout and "checksum" in en.stdout
    listed = json.loads(villagepost("--db", str(county_db), "--json", "backup", "list").stdout)
    assert listed["backups"][0]["verified"] is False
    before = digest(county_db)
    refused = villagepost("--db", str(county_db), "backup", "restore", entry["id"])
    assert refused.returncode == 2 and "不能用来恢复" in refused.stderr
    assert digest(county_db) == before


def test_unknown_backup_id_is_named(county_db: Path) -> None:
    zh, en = both(str(county_db), "backup", "restore", "20990101-000000-manual")
    assert zh.returncode == en.returncode == 2
    assert "没有编号为“20990101-000000-manual”的备份" in zh.stderr and "there is no backup" in en.stderr


def test_first_open_of_a_day_backs_up_once(county_db: Path, set_clock: Callable[[str], None]) -> None:
    for _ in range(2):
        done = villagepost("--db", str(county_db), "db", "info", env=AUTO)
        assert done.returncode == 0
    listed = json.loads(villagepost("--db", str(county_db), "--json", "backup", "list").stdout)["backups"]
    assert [b["reason"] for b in listed] == ["daily"] and listed[0]["verified"] is True
    set_clock("2026-11-24T08:00:00")
    done = villagepost("--db", str(county_db), "db", "info", env=AUTO)
    assert "已自动备份并校验" in done.stderr
    listed = json.loads(villagepost("--db", str(county_db), "--json", "backup", "list").stdout)["backups"]
    assert [b["created"][:10] for b in listed] == ["2026-11-24", "2026-11-23"]


def test_an_import_is_preceded_by_a_verified_backup(county_db: Path, tmp_path: Path) -> None:
    roster = tmp_path / "名录.xlsx"
    assert villagepost("--db", str(county_db), "export", "registry", str(roster), "--scope", COUNTY).returncode == 0
    done = villagepost("--db", str(county_db), "import", str(roster), env={**AUTO, "VILLAGEPOST_BACKUP_DIR":
                                                                           str(tmp_path / "elsewhere")})
    assert done.returncode == 0, done.stderr
    assert "导入前已备份" in done.stderr
    # today's daily backup was made on opening, then rotated away: the pre-import one is the day's newest
    backups = sorted(p.name for p in (tmp_path / "elsewhere").glob("*.sqlite"))
    assert backups == ["20261123-100000-pre-import.sqlite"]
    sidecar = json.loads((tmp_path / "elsewhere" / "20261123-100000-pre-import.json").read_text(encoding="utf-8"))
    assert sidecar["verified"] is True and sidecar["reason"] == "pre-import"


# --- db backup OUT: refused targets --------------------------------------------------------------------------


def test_db_backup_refuses_a_folder_a_missing_folder_and_the_registry_itself(county_db: Path, tmp_path: Path) -> None:
    before = digest(county_db)
    zh, en = both(str(county_db), "db", "backup", str(tmp_path))
    assert zh.returncode == en.returncode == 2 and "是一个文件夹" in zh.stderr and "is a folder" in en.stderr
    missing = tmp_path / "no-such" / "copy.sqlite"
    zh, en = both(str(county_db), "db", "backup", str(missing))
    assert zh.returncode == en.returncode == 2 and "不存在" in zh.stderr and "does not exist" in en.stderr
    assert not missing.parent.exists()
    zh, en = both(str(county_db), "db", "backup", str(county_db))
    assert zh.returncode == en.returncode == 2
    assert "就是当前登记册本身" in zh.stderr and "is the registry itself" in en.stderr
    assert digest(county_db) == before


def test_db_backup_never_replaces_another_registry(tmp_path: Path, county_db: Path,
                                                   sqlite_template: Callable[[tuple[str, ...]], Path]) -> None:
    other = tmp_path / "province.sqlite"
    shutil.copyfile(sqlite_template(("640221", "640205")), other)
    before = digest(other)
    zh, en = both(str(county_db), "db", "backup", str(other))
    assert zh.returncode == en.returncode == 2
    assert "是另一个村邮通登记册" in zh.stderr and "another VillagePost registry" in en.stderr
    assert digest(other) == before


@pytest.mark.parametrize(("name", "content"), [("report.pdf", b"%PDF-1.7\n..."), ("roster.xlsx", b"PK\x03\x04..."),
                                               ("notes.sqlite", b"my notes")])
def test_db_backup_never_overwrites_any_other_file(county_db: Path, tmp_path: Path, name: str, content: bytes) -> None:
    target = tmp_path / name
    target.write_bytes(content)
    zh, en = both(str(county_db), "db", "backup", str(target))
    assert zh.returncode == en.returncode == 2
    assert "不会被覆盖" in zh.stderr and "will not be overwritten" in en.stderr
    assert target.read_bytes() == content


def test_db_backup_to_a_new_file_is_verified_and_leaves_no_part(county_db: Path, tmp_path: Path) -> None:
    out = tmp_path / "copy.sqlite"
    done = villagepost("--db", str(county_db), "db", "backup", str(out))
    assert done.returncode == 0 and "已备份到" in done.stdout
    assert villagepost("--db", str(out), "db", "check").returncode == 0
    assert sorted(p.name for p in tmp_path.iterdir()) == ["copy.sqlite", "registry.sqlite"]


@pytest.mark.pg
def test_a_server_registry_is_backed_up_with_pg_dump(pg_database: str) -> None:
    assert villagepost("--db", pg_database, "db", "init").returncode == 0
    zh, en = both(pg_database, "backup", "create")
    assert zh.returncode == en.returncode == 2
    assert "pg_dump --format=custom" in zh.stderr and "请由管理员用 pg_dump 备份" in zh.stderr
    assert "back up a server (PostgreSQL) registry with pg_dump" in en.stderr
    assert "postgresql://" in zh.stderr
    check = villagepost("--db", pg_database, "--json", "db", "check")
    assert check.returncode == 0 and json.loads(check.stdout)["status"] == "ok"


# --- rotation ------------------------------------------------------------------------------------------------


def _entry(created: dt.datetime, reason: str = "daily") -> BackupEntry:
    stamp = created.strftime("%Y%m%d-%H%M%S")
    return BackupEntry(f"{stamp}-{reason}", Path(f"{stamp}-{reason}.sqlite"), created.isoformat(), reason, 1, "",
                       True)


def test_rotation_keeps_7_daily_4_weekly_12_monthly_and_30_days_of_imports() -> None:
    tz = dt.timezone(dt.timedelta(hours=8))
    start = dt.datetime(2025, 10, 1, 9, 0, tzinfo=tz)
    entries = [_entry(start + dt.timedelta(days=n)) for n in range(457)]  # to 2026-12-31, over a year end
    imports = [_entry(dt.datetime(2026, 11, 20, 15, tzinfo=tz), "pre-import"),
               _entry(dt.datetime(2026, 12, 30, 11, tzinfo=tz), "pre-import")]
    now = dt.datetime(2026, 12, 31, 23, 30, tzinfo=tz)
    kept = to_keep(entries + imports, KeepPolicy(), now)
    days = sorted(k[:8] for k in kept if k.endswith("daily"))
    assert days == sorted({
        # the last 7 days; on 12-30 the pre-import backup is that day's newest, so it stands for the day
        *[f"202612{d}" for d in ("25", "26", "27", "28", "29", "31")],
        "20261220", "20261213",  # the Sundays ending ISO weeks 51 and 50 (weeks 53 and 52: 12-31, 12-27)
        "20260131", "20260228", "20260331", "20260430", "20260531", "20260630", "20260731", "20260831",
        "20260930", "20261031", "20261130",  # the newest of each month, 12 months with December
    })
    assert {k for k in kept if "pre-import" in k} == {"20261230-110000-pre-import"}  # 11-20 is 41 days old


def test_rotation_across_a_year_end_deletes_only_its_own_backups(county_db: Path,
                                                                  set_clock: Callable[[str], None]) -> None:
    folder = backup_store.backup_dir(county_db)
    folder.mkdir()
    stranger = folder / "someone-elses.sqlite"
    stranger.write_bytes(b"not ours")
    for day in range(20, 32):
        set_clock(f"2026-12-{day:02d}T09:00:00")
        villagepost("--db", str(county_db), "db", "info", env=AUTO)
    set_clock("2027-01-01T09:00:00")
    villagepost("--db", str(county_db), "db", "info", env={**AUTO, "VILLAGEPOST_BACKUP_KEEP":
                                                             "daily=3,weekly=2,monthly=2,event_days=30"})
    listed = json.loads(villagepost("--db", str(county_db), "--json", "backup", "list").stdout)["backups"]
    # 3 days (01-01, 12-31, 12-30), ISO weeks 2026-W53 (01-01) and W52 (12-27), months 2027-01 and 2026-12
    assert [b["created"][:10] for b in listed] == ["2027-01-01", "2026-12-31", "2026-12-30", "2026-12-27"]
    assert stranger.read_bytes() == b"not ours"


def test_damage_only_the_day_s_backup_sees_refuses_an_import_before_it_writes(county_db: Path, tmp_path: Path) -> None:
    """A station whose stored span no longer follows from its events passes the quick check of every open;
    the verification of the day's backup (the full check) finds it, and the import writes nothing."""
    import sqlite3

    from tests.cli.test_cli_bad_paths import WANGJIA
    from villagepost.storage.registry_checks import verify_file

    roster = tmp_path / "名录.xlsx"
    assert villagepost("--db", str(county_db), "export", "registry", str(roster), "--scope", COUNTY).returncode == 0
    added = villagepost("--db", str(county_db), "station", "add", "--village", WANGJIA, "--name", "王家庄村邮站",
                        "--type", "村邮站", "--opened", "2024-03-01")
    assert added.returncode == 0, added.stderr
    con = sqlite3.connect(county_db)
    con.execute("UPDATE station_span SET start_on = '2020-01-01'")
    con.commit()
    con.close()
    assert villagepost("--db", str(county_db), "station", "list", "--scope", COUNTY).returncode == 0
    assert verify_file(county_db)[0].startswith("spans: station 640221106200-01")
    before = digest(county_db)
    done = villagepost("--db", str(county_db), "--json", "import", str(roster), env=AUTO)
    assert done.returncode == 2
    doc = json.loads(done.stdout)
    assert (doc["status"], doc["error"]) == ("error", "db.corrupt") and "已损坏" in doc["message"]
    assert digest(county_db) == before
    folder = county_db.parent / "registry-backups"
    assert not folder.exists() or list(folder.glob("*.sqlite*")) == []  # no copy of a damaged registry kept
