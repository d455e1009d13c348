"""Every bad `--db` path and every bad backup target, through the real command in a subprocess.

Each case asserts the exit code, the message in Chinese and English, that stderr holds no Python
traceback, and that nothing was created, changed or lost.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.mounts import fill, remount_read_only, tmpfs

COUNTY = "640221"
WANGJIA = "640221106200"


def villagepost(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    proc = subprocess.run([sys.executable, "-m", "villagepost", *args], capture_output=True, text=True,
                          timeout=300, check=False, env={**os.environ, **(env or {})})
    assert "Traceback" not in proc.stderr, proc.stderr
    assert "程序内部错误" not in proc.stderr and "internal error" not in proc.stderr, proc.stderr
    return proc


def both(db: str, *args: str) -> tuple[subprocess.CompletedProcess[str], subprocess.CompletedProcess[str]]:
    """The same command in Chinese and in English."""
    return villagepost("--db", db, *args), villagepost("--lang", "en", "--db", db, *args)


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture
def county_db(tmp_path: Path, sqlite_template: Callable[[tuple[str, ...]], Path]) -> Path:
    path = tmp_path / "registry.sqlite"
    shutil.copyfile(sqlite_template((COUNTY,)), path)
    return path


#: commands that read or change a registry (each must refuse a bad --db by name)
COMMANDS: tuple[tuple[str, ...], ...] = (
    ("db", "info"),
    ("db", "check"),
    ("station", "list", "--scope", COUNTY),
    ("station", "add", "--village", WANGJIA, "--name", "王家庄村邮站"),
    ("coverage", "--scope", COUNTY),
    ("export", "registry", "OUT.xlsx", "--scope", COUNTY),
    ("print", "summary", "OUT.pdf", "--scope", COUNTY),
    ("backup", "create"),
    ("divisions", "show", COUNTY),
)


def _argv(command: tuple[str, ...], folder: Path) -> list[str]:
    return [str(folder / a) if a.startswith("OUT.") else a for a in command]


@pytest.mark.parametrize("command", COMMANDS, ids=lambda c: "-".join(c[:2]))
def test_a_missing_registry_is_named_and_never_created(tmp_path: Path, command: tuple[str, ...]) -> None:
    db = tmp_path / "mistyped" / "registry.sqlite"
    zh, en = both(str(db), *_argv(command, tmp_path))
    assert zh.returncode == en.returncode == 2
    assert f"没有找到数据库“{db}”" in zh.stderr and "db init" in zh.stderr
    assert f"no database found at '{db}'" in en.stderr
    assert not db.exists() and not db.parent.exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == []  # no output file either


def test_db_init_and_divisions_load_set_up_a_registry(tmp_path: Path) -> None:
    db = tmp_path / "new" / "registry.sqlite"
    done = villagepost("--db", str(db), "db", "init")
    assert done.returncode == 0 and "已新建登记册" in done.stdout and db.stat().st_size > 0
    again = villagepost("--lang", "en", "--db", str(db), "db", "init")
    assert again.returncode == 0 and "already a VillagePost registry" in again.stdout
    other = tmp_path / "scripted.sqlite"
    loaded = villagepost("--db", str(other), "divisions", "load", "--scope", COUNTY, "--json")
    assert loaded.returncode == 0 and '"inserted": 198' in loaded.stdout


@pytest.mark.parametrize("command", COMMANDS[:4], ids=lambda c: "-".join(c[:2]))
def test_a_zero_byte_file_is_said_so_and_left_alone(tmp_path: Path, command: tuple[str, ...]) -> None:
    db = tmp_path / "registry.sqlite"
    db.write_bytes(b"")
    zh, en = both(str(db), *_argv(command, tmp_path))
    assert zh.returncode == en.returncode == 2
    assert "是空的（0 字节）" in zh.stderr and "is empty (0 bytes)" in en.stderr
    assert db.stat().st_size == 0 and sorted(p.name for p in tmp_path.iterdir()) == ["registry.sqlite"]


def test_db_init_sets_up_a_zero_byte_file(tmp_path: Path) -> None:
    db = tmp_path / "registry.sqlite"
    db.write_bytes(b"")
    assert villagepost("--db", str(db), "db", "init").returncode == 0
    assert villagepost("--db", str(db), "db", "info").returncode == 0


@pytest.mark.parametrize("content", [b"%PDF-1.7\n" + b"x" * 5000, b"PK\x03\x04" + b"\0" * 5000],
                         ids=["pdf", "xlsx"])
def test_a_file_that_is_not_sqlite_is_not_a_villagepost_database(tmp_path: Path, content: bytes) -> None:
    db = tmp_path / "report.sqlite"
    db.write_bytes(content)
    zh, en = both(str(db), "station", "add", "--village", WANGJIA, "--name", "某站")
    assert zh.returncode == en.returncode == 2
    assert "不是村邮通数据库" in zh.stderr and "已损坏" not in zh.stderr
    assert "is not a VillagePost database" in en.stderr
    assert db.read_bytes() == content


def test_a_folder_is_not_a_database(tmp_path: Path) -> None:
    zh, en = both(str(tmp_path), "db", "info")
    assert zh.returncode == en.returncode == 2
    assert "是一个文件夹" in zh.stderr and "is a folder" in en.stderr


def test_a_read_only_folder_reads_and_refuses_writes_by_name(tmp_path: Path, county_db: Path) -> None:
    with tmpfs(tmp_path / "ro") as folder:
        db = folder / "registry.sqlite"
        shutil.copyfile(county_db, db)
        before = digest(db)
        remount_read_only(folder)
        info = villagepost("--db", str(db), "--json", "db", "info")
        assert info.returncode == 0 and '"units": 198' in info.stdout
        assert "只读" in info.stderr  # the notice: opened read-only
        listed = villagepost("--db", str(db), "station", "list", "--scope", COUNTY)
        assert listed.returncode == 0
        zh, en = both(str(db), "station", "add", "--village", WANGJIA, "--name", "王家庄村邮站")
        assert zh.returncode == en.returncode == 2
        assert f"所在的文件夹“{folder}”是只读的" in zh.stderr and "不能保存修改" in zh.stderr
        assert f"the folder '{folder}'" in en.stderr and "is read-only" in en.stderr
        assert digest(db) == before and sorted(p.name for p in folder.iterdir()) == ["registry.sqlite"]


def test_a_full_disk_says_the_disk_is_full(tmp_path: Path, county_db: Path) -> None:
    with tmpfs(tmp_path / "full", size="1m") as folder:
        db = folder / "registry.sqlite"
        shutil.copyfile(county_db, db)
        before = digest(db)
        fill(folder)
        zh, en = both(str(db), "station", "add", "--village", WANGJIA, "--name", "王家庄村邮站")
        assert zh.returncode == en.returncode == 2
        assert "磁盘已满" in zh.stderr and "disk is full" in en.stderr
        assert "disk I/O error" not in zh.stderr
        (folder / "filler.bin").unlink()
        assert digest(db) == before
        listed = villagepost("--db", str(db), "--json", "station", "list", "--scope", COUNTY)
        assert listed.returncode == 0 and '"stations": []' in listed.stdout.replace("\n", "").replace("  ", "")


def test_a_full_disk_during_an_export_says_so_and_leaves_no_file(tmp_path: Path, county_db: Path) -> None:
    with tmpfs(tmp_path / "full", size="1m") as folder:
        fill(folder)
        out = folder / "名录.xlsx"
        zh, en = both(str(county_db), "export", "registry", str(out), "--scope", COUNTY)
        assert zh.returncode == en.returncode == 2
        assert "磁盘已满" in zh.stderr and "disk is full" in en.stderr
        assert sorted(p.name for p in folder.iterdir()) == ["filler.bin"]


def test_leftover_part_files_of_a_killed_run_are_cleaned_next_time(tmp_path: Path, county_db: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True,
                          text=True, check=True).stdout.strip()
    killed = [out / f".汇总-{dead}-k2j3x.pdf.part", out / f".名录-{dead}-a8b9c.xlsx.part",
              out / f".汇总.pdf.{dead}.part"]
    for part in killed:
        part.write_bytes(b"")
    mine = out / f".其他-{os.getpid()}-zz.pdf.part"  # a writer still running: left alone
    mine.write_bytes(b"")
    done = villagepost("--db", str(county_db), "print", "summary", str(out / "汇总.pdf"), "--scope", COUNTY)
    assert done.returncode == 0, done.stderr
    assert sorted(p.name for p in out.iterdir()) == sorted([mine.name, "汇总.pdf"])
    for part in killed[1:2]:
        part.write_bytes(b"")
    done = villagepost("--db", str(county_db), "export", "registry", str(out / "名录.xlsx"), "--scope", COUNTY)
    assert done.returncode == 0, done.stderr
    assert sorted(p.name for p in out.iterdir()) == sorted([mine.name, "汇总.pdf", "名录.xlsx"])
