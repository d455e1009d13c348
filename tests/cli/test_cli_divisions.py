"""The command line as a script uses it: global options first, one JSON document, exit codes, languages."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from villagepost import __version__
from villagepost.cli import main
from villagepost.services.registry import Registry
from villagepost.storage.schema import SCHEMA_HEAD

Run = Callable[..., tuple[int, str, str]]


@pytest.fixture
def db_url(db_with: Callable[..., str]) -> str:
    """The parametrised backend's database, empty."""
    return db_with()


def test_load_then_show_jilin(run: Run, db_url: str) -> None:
    code, out, err = run("--db", db_url, "divisions", "load", "--scope", "22", "--json")
    assert code == 0, err
    doc = json.loads(out)
    assert doc["status"] == "ok" and doc["inserted"] == 13014 and doc["scopes"] == ["22"]
    assert "13,014/13,014" in err  # progress on stderr, never on stdout

    code, out, _ = run("--db", db_url, "divisions", "show", "22", "--json")
    assert code == 0
    doc = json.loads(out)
    assert doc["name"] == "吉林省"
    assert doc["village_classes"] == {"村委会": 9321, "居委会": 2271, "类似居委会": 15, "类似村委会": 253}

    code, out, _ = run("--db", db_url, "divisions", "show", "220221", "--json")
    assert json.loads(out)["path_text"] == "吉林省 / 吉林市 / 永吉县"

    code, out, _ = run("--db", db_url, "divisions", "find", "yjx", "--json")
    results = json.loads(out)["results"]
    assert results[0]["code"] == "220221" and results[0]["name"] == "永吉县"

    code, out, _ = run("--db", db_url, "divisions", "load", "--scope", "22", "--json")
    doc = json.loads(out)
    assert (doc["inserted"], doc["unchanged"]) == (0, 13014)


def test_text_output_is_chinese_by_default(run: Run, db_url: str) -> None:
    run("--db", db_url, "divisions", "load", "--scope", "220221")
    code, out, _ = run("--db", db_url, "divisions", "show", "220221")
    assert code == 0
    assert "永吉县" in out and "吉林省 / 吉林市 / 永吉县" in out and "村委会: 124" in out


def test_refused_input_exits_2_with_a_message_in_each_language(run: Run, db_url: str) -> None:
    code, out, err = run("--db", db_url, "divisions", "show", "2.20221E+11")
    assert code == 2 and out == ""
    assert "科学计数法" in err
    code, out, err = run("--lang", "en", "--db", db_url, "divisions", "show", "2.20221E+11", "--json")
    assert code == 2
    doc = json.loads(out)
    assert doc["status"] == "error" and doc["error"] == "code.digits_lost"
    assert "scientific-notation" in doc["message"] and "scientific-notation" in err


def test_empty_registry_says_what_to_do(run: Run, db_url: str) -> None:
    code, _, err = run("--db", db_url, "divisions", "show", "22")
    assert code == 2
    assert "villagepost divisions load" in err


def test_global_json_flag_before_the_command(run: Run, db_url: str) -> None:
    run("--db", db_url, "divisions", "load", "--scope", "640221")
    code, out, _ = run("--db", db_url, "--json", "divisions", "children", "640221")
    assert code == 0
    assert [c["name"] for c in json.loads(out)["children"]][:2] == ["城关镇", "黄渠桥镇"]


def test_version(run: Run) -> None:
    with pytest.raises(SystemExit) as exit_:
        main(["--version"])
    assert exit_.value.code == 0


def test_env_variable_selects_the_database(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, run: Run) -> None:
    monkeypatch.setenv("VILLAGEPOST_DB", str(tmp_path / "env.sqlite"))
    code, _, err = run("db", "info", "--json")
    assert code == 2 and "没有找到数据库" in err  # a mistyped location never becomes a new registry
    assert run("db", "init")[0] == 0
    code, out, _ = run("db", "info", "--json")
    assert code == 0
    assert json.loads(out)["database"] == str(tmp_path / "env.sqlite")


def test_internal_error_exits_1_and_logs(run: Run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from villagepost.services import divisions

    def broken(*_a: object, **_k: object) -> None:
        raise RuntimeError("boom")

    monkeypatch.setattr(divisions, "show", broken)
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "state"))
    assert run("--db", str(tmp_path / "x.sqlite"), "db", "init")[0] == 0
    code, out, err = run("--db", str(tmp_path / "x.sqlite"), "divisions", "show", "22", "--json")
    assert code == 1
    assert json.loads(out)["error"] == "internal"
    assert "RuntimeError: boom" in err
    logs = list((tmp_path / "state").rglob("villagepost-error.log"))
    assert logs and "RuntimeError: boom" in logs[0].read_text(encoding="utf-8")


def _env_without_display() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM")}
    env["VILLAGEPOST_LANG"] = "zh"
    return env


def test_window_without_display_explains_instead_of_crashing(tmp_path: Path) -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "villagepost", "--db", str(tmp_path / "w.sqlite")],
        env=_env_without_display(), capture_output=True, text=True, timeout=60, check=False,
    )
    assert proc.returncode == 2
    assert "没有可用的图形显示" in proc.stderr
    assert "villagepost --help" in proc.stderr
    assert "qt.qpa" not in proc.stderr and "Traceback" not in proc.stderr


def test_commands_need_no_display_and_no_qt(tmp_path: Path) -> None:
    code = (
        "import sys; from villagepost.cli import main; "
        f"assert main(['--db', {str(tmp_path / 'c.sqlite')!r}, 'db', 'init']) == 0; "
        f"rc = main(['--db', {str(tmp_path / 'c.sqlite')!r}, 'db', 'info', '--json']); "
        "assert 'PySide6' not in sys.modules, 'the CLI imported Qt'; sys.exit(rc)"
    )
    proc = subprocess.run([sys.executable, "-c", code], env=_env_without_display(), capture_output=True, text=True,
                          timeout=60, check=False)
    assert proc.returncode == 0, proc.stderr
    info = proc.stdout[proc.stdout.index("\n{") + 1:]  # after the line `db init` prints
    assert json.loads(info)["schema"] == SCHEMA_HEAD


def test_version_string() -> None:
    proc = subprocess.run([sys.executable, "-m", "villagepost", "--version"], capture_output=True, text=True,
                          timeout=60, check=False)
    assert proc.stdout.strip() == f"villagepost {__version__}"


def test_db_backup_makes_a_consistent_copy(run: Run, tmp_path: Path,
                                           sqlite_registry: Callable[..., Registry]) -> None:
    reg = sqlite_registry("640221")
    db = str(reg.location.path)
    reg.close()
    out = tmp_path / "copy" / "backup.sqlite"
    out.parent.mkdir()
    code, stdout, _ = run("--db", db, "--json", "db", "backup", str(out))
    assert code == 0 and json.loads(stdout)["path"] == str(out)
    code, stdout, _ = run("--db", str(out), "--json", "divisions", "show", "640221")
    assert code == 0 and json.loads(stdout)["village_classes"]["村委会"] == 144
