"""A registry damaged three ways (a flipped byte, a garbage page in the station table, a truncated file):
detected, refused for writing, restored from the newest good backup to a state that passes `db check`.
All through the real command in a subprocess."""

from __future__ import annotations

import json
import random
import shutil
import sqlite3
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.cli.test_cli_bad_paths import COUNTY, WANGJIA, digest, villagepost

NAME = "王家庄村邮站"


def run(db: Path, *args: str) -> tuple[int, str, str]:
    done = villagepost("--db", str(db), *args)
    return done.returncode, done.stdout, done.stderr


@pytest.fixture
def registry(tmp_path: Path, sqlite_template: Callable[[tuple[str, ...]], Path]) -> tuple[Path, str]:
    """A county registry with two stations merged into one, and a good backup of it (its id)."""
    db = tmp_path / "registry.sqlite"
    shutil.copyfile(sqlite_template((COUNTY,)), db)
    assert run(db, "station", "add", "--village", WANGJIA, "--name", NAME, "--type", "村邮站",
               "--opened", "2024-03-01")[0] == 0
    assert run(db, "station", "add", "--village", WANGJIA, "--name", "王家庄快递超市", "--type", "快递超市",
               "--opened", "2024-05-01")[0] == 0
    code, out, _ = run(db, "--json", "station", "list", "--scope", COUNTY)
    codes = sorted(s["code"] for s in json.loads(out)["stations"])
    code, _, err = run(db, "station", "merge", codes[0], codes[1], "--on", "2025-01-10", "--type", "村邮站+快递超市")
    assert code == 0, err
    code, out, err = run(db, "--json", "backup", "create")
    assert code == 0, err
    backup_id = json.loads(out)["backup"]["id"]
    assert not Path(f"{db}-wal").exists()  # the last connection checkpointed: the file is the whole registry
    return db, backup_id


def _flip_a_byte(db: Path) -> None:
    """Flip one bit inside the stored name of a station (the live row, not a stale copy in free space)."""
    original = db.read_bytes()
    start = 0
    while (at := original.find(NAME.encode(), start)) > 0:
        data = bytearray(original)
        data[at + 1] ^= 0x80  # a continuation byte of 王 loses its high bit: no longer UTF-8
        db.write_bytes(bytes(data))
        con = sqlite3.connect(f"{db.as_uri()}?mode=ro", uri=True)
        con.text_factory = bytes
        names = [r[0] for r in con.execute("SELECT name FROM station")]
        con.close()
        if NAME.encode() not in names:
            return
        start = at + 1
    raise AssertionError("the station's name was not found in the file")


def _garbage_page(db: Path) -> None:
    con = sqlite3.connect(f"{db.as_uri()}?mode=ro", uri=True)
    root = con.execute("SELECT rootpage FROM sqlite_master WHERE name = 'station'").fetchone()[0]
    page_size = con.execute("PRAGMA page_size").fetchone()[0]
    con.close()
    noise = random.Random(12).randbytes(page_size)
    with db.open("r+b") as fh:
        fh.seek((root - 1) * page_size)
        fh.write(noise)


def _truncate(db: Path) -> None:
    with db.open("r+b") as fh:
        fh.truncate(db.stat().st_size // 2)


@pytest.mark.parametrize("damage", [_flip_a_byte, _garbage_page, _truncate], ids=["flipped-byte", "garbage-page",
                                                                                     "truncated"])
def test_damage_is_detected_refused_and_restored(registry: tuple[Path, str],
                                                 damage: Callable[[Path], None]) -> None:
    db, backup_id = registry
    damage(db)
    damaged = digest(db)

    done = villagepost("--db", str(db), "station", "list", "--scope", COUNTY)
    assert done.returncode == 2
    assert "已损坏" in done.stderr and f"villagepost backup restore {backup_id}" in done.stderr
    en = villagepost("--lang", "en", "--db", str(db), "export", "registry", str(db.parent / "x.xlsx"),
                     "--scope", COUNTY)
    assert en.returncode == 2 and "is damaged" in en.stderr and f"backup restore {backup_id}" in en.stderr
    assert not (db.parent / "x.xlsx").exists()

    add = villagepost("--db", str(db), "station", "add", "--village", WANGJIA, "--name", "新站")
    assert add.returncode == 2 and "已损坏" in add.stderr
    assert digest(db) == damaged  # never written to

    check = villagepost("--db", str(db), "--json", "db", "check")
    assert check.returncode == 2 and json.loads(check.stdout)["status"] == "damaged"

    restored = villagepost("--db", str(db), "--json", "backup", "restore", backup_id)
    assert restored.returncode == 0, restored.stderr
    doc = json.loads(restored.stdout)
    assert doc["restored"]["id"] == backup_id and doc["before"]["reason"] == "damaged"

    check = villagepost("--db", str(db), "--json", "db", "check")
    assert check.returncode == 0 and json.loads(check.stdout) == {"status": "ok", "problems": []}
    code, out, _ = run(db, "--json", "station", "list", "--scope", COUNTY)
    assert code == 0 and sorted(s["name"] for s in json.loads(out)["stations"]) == sorted([NAME, "王家庄快递超市"])
    code, out, _ = run(db, "--json", "backup", "list")
    reasons = [b["reason"] for b in json.loads(out)["backups"]]
    assert sorted(reasons) == ["damaged", "manual"]  # the damaged file kept as evidence, never restorable
    assert run(db, "station", "add", "--village", WANGJIA, "--name", "新站")[0] == 0


def test_restore_backs_up_the_current_state_and_writes_through_sqlite(registry: tuple[Path, str]) -> None:
    db, backup_id = registry
    assert run(db, "station", "add", "--village", WANGJIA, "--name", "后来的站")[0] == 0
    code, out, err = run(db, "--json", "backup", "restore", backup_id)
    assert code == 0, err
    before = json.loads(out)["before"]
    assert before["reason"] == "pre-restore" and before["verified"] is True
    code, out, _ = run(db, "--json", "station", "list", "--scope", COUNTY)
    assert "后来的站" not in out
    # what the restore replaced is itself restorable: nothing is lost
    code, out, err = run(db, "--json", "backup", "restore", before["id"])
    assert code == 0, err
    code, out, _ = run(db, "--json", "station", "list", "--scope", COUNTY)
    assert "后来的站" in out
    assert run(db, "db", "check")[0] == 0


def test_a_deleted_registry_is_restored(registry: tuple[Path, str]) -> None:
    db, backup_id = registry
    db.unlink()
    code, _, err = run(db, "station", "list", "--scope", COUNTY)
    assert code == 2 and "没有找到数据库" in err
    code, out, err = run(db, "--json", "backup", "restore", backup_id)
    assert code == 0 and json.loads(out)["before"] is None, err
    assert run(db, "db", "check")[0] == 0


def test_a_merge_event_without_its_partner_fails_db_check(registry: tuple[Path, str]) -> None:
    """What a stale -wal replayed over a copied backup left: the registry's own invariants see it."""
    db, _ = registry
    con = sqlite3.connect(db)
    con.execute("DELETE FROM station_event_partner")
    con.commit()
    con.close()
    check = villagepost("--db", str(db), "--json", "db", "check")
    assert check.returncode == 2
    kinds = {p["kind"] for p in json.loads(check.stdout)["problems"]}
    assert "merge_partners" in kinds
    en = villagepost("--lang", "en", "--db", str(db), "db", "check")
    assert en.returncode == 2 and "merge event" in en.stdout and "has no partner" in en.stdout
