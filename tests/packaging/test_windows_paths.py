"""What differs on a clerk's Windows PC, tested where it can run: data under %LOCALAPPDATA%, Chinese user
names and URL-like characters in paths, long paths, and an output file still open in Excel or a PDF viewer
(a sharing violation on Windows: the file cannot be replaced)."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path, PureWindowsPath

import pytest
from platformdirs import windows as platformdirs_windows

from villagepost.cli import main
from villagepost.storage import location

ROSTER = Path(__file__).parents[1] / "rosters" / "data" / "A01_pingluo_clean.xlsx"
CHINESE_HOME = r"C:\Users\张三\AppData\Local"


def _cli(*argv: str, env: dict[str, str] | None = None, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "villagepost", *argv], capture_output=True, text=True,
                          encoding="utf-8", env=env, cwd=cwd, check=False, timeout=300)


def test_default_registry_and_logs_under_localappdata_with_a_chinese_user_name(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """platformdirs' Windows rules with our arguments: one VillagePost folder (no author folder) in
    %LOCALAPPDATA%, whatever the user's name; logs in its Logs folder."""
    monkeypatch.setattr(platformdirs_windows, "get_win_folder", lambda csidl: CHINESE_HOME)
    windows = platformdirs_windows.Windows
    monkeypatch.setattr(location, "user_data_dir", lambda app, appauthor: windows(app, appauthor).user_data_dir)
    monkeypatch.setattr(location, "user_log_dir", lambda app, appauthor: windows(app, appauthor).user_log_dir)
    # (os.path.join on this machine writes "/", which Windows reads as "\\" too)
    assert PureWindowsPath(location.default_db_path()) == PureWindowsPath(CHINESE_HOME, "VillagePost",
                                                                          "villagepost.sqlite")
    assert PureWindowsPath(location.log_dir()) == PureWindowsPath(CHINESE_HOME, "VillagePost", "Logs")


def test_home_folder_named_in_chinese_holds_the_default_registry(tmp_path: Path) -> None:
    """A real process whose user folder is 张三 (no --db, no VILLAGEPOST_DB): the registry is created
    in that user's data folder and reads back."""
    home = tmp_path / "张三"
    home.mkdir()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("XDG_", "VILLAGEPOST_DB"))}
    env.update(HOME=str(home), USERPROFILE=str(home), LOCALAPPDATA=str(home / "AppData" / "Local"))
    done = _cli("--json", "divisions", "load", "--scope", "640221", env=env, cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["inserted"] == 198
    expected = location.default_db_path() if sys.platform == "win32" else (
        home / ".local" / "share" / "VillagePost" / "villagepost.sqlite")
    if sys.platform != "win32":
        assert expected.exists()
        with sqlite3.connect(expected) as conn:
            assert conn.execute("select count(*) from division").fetchone()[0] == 198


@pytest.mark.parametrize("folder", ["a%20b", "报表#1", "x@y:z", "百分之%E5"])
def test_sqlite_file_in_a_folder_with_url_characters_is_that_file(tmp_path: Path, folder: str) -> None:
    """`--db` takes a file path; characters that mean something in a URL (% escapes, #, @, :) are part of
    the name. Before, `a%20b` opened `a b` — another file."""
    db = tmp_path / folder / "平罗县.sqlite"
    db.parent.mkdir()
    loc = location.resolve(str(db))
    assert loc.path == db.resolve() and loc.url.database == str(db.resolve())
    assert main(["--db", str(db), "divisions", "load", "--scope", "640221"]) == 0
    assert db.exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == [folder]
    with sqlite3.connect(db) as conn:
        assert conn.execute("select count(*) from division").fetchone()[0] == 198


def _long_folder(base: Path) -> Path:
    """A folder whose full path is longer than Windows' classic 260-character limit (MAX_PATH)."""
    folder = base
    while len(str(folder)) < 300:
        folder = folder / "很长的文件夹名称_long_folder_name"
    return folder


def test_registry_and_outputs_in_a_path_longer_than_max_path(tmp_path: Path,
                                                             capsys: pytest.CaptureFixture[str]) -> None:
    folder = _long_folder(tmp_path)
    folder.mkdir(parents=True)
    db, pdf, backup = folder / "登记册.sqlite", folder / "汇总.pdf", folder / "备份.sqlite"
    assert len(str(pdf)) > 260
    assert main(["--db", str(db), "divisions", "load", "--scope", "640221"]) == 0
    assert main(["--db", str(db), "import", str(ROSTER)]) == 0
    assert main(["--db", str(db), "print", "summary", "--scope", "640221", "--on", "2026-11-23", str(pdf)]) == 0
    assert main(["--db", str(db), "db", "backup", str(backup)]) == 0
    capsys.readouterr()
    assert pdf.read_bytes()[:5] == b"%PDF-"
    with sqlite3.connect(backup) as conn:
        assert conn.execute("select count(*) from station").fetchone()[0] == 88


def _sharing_violation(monkeypatch: pytest.MonkeyPatch, locked: Path) -> None:
    """Path.replace onto `locked` fails as on Windows while Excel or a PDF viewer holds the file open
    (ERROR_SHARING_VIOLATION surfaces in Python as PermissionError, errno 13)."""
    real_replace = Path.replace

    def replace(self: Path, target: str | os.PathLike[str]) -> Path:
        if Path(target) == locked:
            raise PermissionError(13, "The process cannot access the file because it is being used by another "
                                      "process", str(target))
        return real_replace(self, target)

    monkeypatch.setattr(Path, "replace", replace)


@pytest.fixture
def pingluo(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> Path:
    db = tmp_path / "r.sqlite"
    assert main(["--db", str(db), "divisions", "load", "--scope", "640221"]) == 0
    assert main(["--db", str(db), "import", str(ROSTER)]) == 0
    capsys.readouterr()
    return db


@pytest.mark.parametrize(("argv", "name"), [
    (["print", "summary", "--scope", "640221", "--on", "2026-11-23", "OUT"], "汇总.pdf"),
    (["print", "summary", "--scope", "640221", "--on", "2026-11-23", "OUT"], "汇总.xlsx"),
    (["export", "registry", "OUT", "--scope", "640221"], "登记册.xlsx"),
])
def test_output_open_in_another_program_is_a_clear_refusal(  # noqa: PLR0917 (fixtures and parameters)
        pingluo: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str],
        argv: list[str], name: str) -> None:
    out = tmp_path / name
    out.write_bytes(b"the copy open in Excel")
    _sharing_violation(monkeypatch, out)
    code = main(["--db", str(pingluo), *(str(out) if arg == "OUT" else arg for arg in argv)])
    _, err = capsys.readouterr()
    assert code == 2
    assert str(out) in err and ("关闭" in err) and "Traceback" not in err
    assert out.read_bytes() == b"the copy open in Excel"  # untouched
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(["r.sqlite", name])  # no .part left behind


def test_the_same_refusal_in_english(pingluo: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                     capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "summary.pdf"
    out.write_bytes(b"open")
    _sharing_violation(monkeypatch, out)
    code = main(["--db", str(pingluo), "--lang", "en", "print", "summary", "--scope", "640221", str(out)])
    assert code == 2
    assert f"cannot write '{out}'" in capsys.readouterr().err


