"""`divisions show` reads with plain sqlite3 when a full open would add nothing, and gives the same answer.

The full open (SQLAlchemy, the models, the schema, accounts, the daily backup) stays the path of every
other case; these tests check that each such case still takes it.
"""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from villagepost.cli import main
from villagepost.services import division_peek
from villagepost.services import divisions as svc
from villagepost.services.accounts import add_account
from villagepost.services.registry import Registry
from villagepost.storage import backup_store

CODES = ("64", "6402", "640221", "640221100", "640221100201", "640221100001")

_PROBE = """
import contextlib, io, json, sys
from villagepost.cli import main
out = io.StringIO()
with contextlib.redirect_stdout(out):
    code = main(sys.argv[1:])
print(json.dumps({"code": code, "out": out.getvalue(), "sqlalchemy": "sqlalchemy" in sys.modules}))
"""


@pytest.fixture
def registry_file(sqlite_registry: Callable[..., Registry]) -> Path:
    reg = sqlite_registry("640221")
    path = reg.location.path
    reg.close()
    assert path is not None
    return path


def _probe(*argv: str) -> dict[str, object]:
    done = subprocess.run([sys.executable, "-c", _PROBE, *argv], capture_output=True, text=True, check=True,
                          timeout=120)
    return dict(json.loads(done.stdout.splitlines()[-1]))


@pytest.mark.parametrize("code", CODES)
def test_the_plain_read_equals_the_full_read(registry_file: Path, code: str) -> None:
    plain = division_peek.show(str(registry_file), code)
    with Registry.open(registry_file, create=False) as reg:
        full = svc.show(reg, code)
    assert plain == full


def test_a_plain_registry_is_shown_without_sqlalchemy(registry_file: Path) -> None:
    fast = _probe("--db", str(registry_file), "divisions", "show", "640221")
    assert fast == {"code": 0, "sqlalchemy": False, "out": "平罗县  640221  (县)\n宁夏回族自治区 / 石嘴山市 / 平罗县\n"
                    "  乡镇: 13\n  村级单位: 182\n  居委会: 29\n  村委会: 144\n  类似居委会: 0\n  类似村委会: 9\n"}
    as_json = _probe("--db", str(registry_file), "--json", "divisions", "show", "640221100201")
    assert as_json["sqlalchemy"] is False
    assert json.loads(str(as_json["out"]))["path_text"] == "宁夏回族自治区 / 石嘴山市 / 平罗县 / 城关镇 / 和平村委会"
    # An unknown code takes the full path, for its usual message.
    unknown = _probe("--db", str(registry_file), "divisions", "show", "640222")
    assert (unknown["code"], unknown["sqlalchemy"]) == (2, True)


def test_accounts_need_the_full_open(registry_file: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with Registry.open(registry_file, create=False) as reg:
        add_account(reg, "admin", "admin", [], "secret-pass-1")
    assert division_peek.show(str(registry_file), "640221") is None
    assert main(["--db", str(registry_file), "divisions", "show", "640221"]) == 2
    assert "登录" in capsys.readouterr().err


def test_a_due_daily_backup_is_made_by_the_full_open(registry_file: Path, monkeypatch: pytest.MonkeyPatch,
                                                     capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv(backup_store.ENV_AUTO, "1")
    assert backup_store.daily_due(registry_file)
    assert division_peek.show(str(registry_file), "640221") is None
    assert main(["--db", str(registry_file), "divisions", "show", "640221"]) == 0
    assert [e.reason for e in backup_store.list_backups(registry_file)] == ["daily"]
    capsys.readouterr()
    assert division_peek.show(str(registry_file), "640221") is not None  # made today: nothing left to do


def test_an_older_schema_a_damage_mark_or_a_server_need_the_full_open(registry_file: Path) -> None:
    assert division_peek.show(str(registry_file), "640221") is not None
    backup_store.mark_damaged(registry_file, "test")
    assert division_peek.show(str(registry_file), "640221") is None
    backup_store.clear_damaged(registry_file)
    with sqlite3.connect(registry_file) as conn:
        conn.execute("UPDATE alembic_version SET version_num = '0005'")
    conn.close()
    assert division_peek.show(str(registry_file), "640221") is None
    assert division_peek.show("postgresql://u@localhost/x", "640221") is None
    assert division_peek.show(str(registry_file.with_name("missing.sqlite")), "640221") is None
