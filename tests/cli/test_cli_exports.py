"""`villagepost export registry|template` as a script uses it: one JSON document, exit codes, languages."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import openpyxl
import pytest

Run = Callable[..., tuple[int, str, str]]


@pytest.fixture
def db_url(db_with: Callable[..., str]) -> str:
    """The parametrised backend's database with 平罗县 loaded."""
    return db_with("640221")


def test_export_registry_json(run: Run, db_url: str, tmp_path: Path) -> None:
    out = tmp_path / "平罗县.xlsx"
    code, stdout, stderr = run("--db", db_url, "export", "registry", str(out), "--scope", "640221", "--json")
    assert code == 0, stderr
    assert json.loads(stdout) == {"status": "ok", "path": str(out), "rows": 144, "stations": 0, "villages": 144}
    assert "144/144" in stderr  # progress on stderr, never on stdout
    ws = openpyxl.load_workbook(out).worksheets[0]
    assert ws.max_row == 145 and ws["D2"].value == "640221100200"


def test_export_registry_text(run: Run, db_url: str, tmp_path: Path) -> None:
    out = tmp_path / "r.xlsx"
    code, stdout, _ = run("--db", db_url, "export", "registry", str(out), "--scope", "640221100")
    assert code == 0
    assert stdout.strip() == f"已导出 16 行（站点 0 个，村级单位 16 个）到 {out}"
    code, stdout, _ = run("--db", db_url, "--lang", "en", "export", "registry", str(out), "--scope", "640221100")
    assert stdout.strip() == f"exported 16 rows (0 stations, 16 village-level units) to {out}"


def test_export_template_json(run: Run, db_url: str, tmp_path: Path) -> None:
    out = tmp_path / "城关镇.xlsx"
    code, stdout, stderr = run("--db", db_url, "export", "template", str(out), "--scope", "640221100", "--json")
    assert code == 0, stderr
    assert json.loads(stdout) == {"status": "ok", "path": str(out), "rows": 16, "stations": 0, "villages": 16}
    wb = openpyxl.load_workbook(out)
    assert wb.sheetnames == ["站点填报", "填表说明"] and len(wb.active.data_validations.dataValidation) == 7


def test_template_of_a_county_is_refused(run: Run, db_url: str, tmp_path: Path) -> None:
    out = tmp_path / "t.xlsx"
    code, stdout, stderr = run("--db", db_url, "export", "template", str(out), "--scope", "640221", "--json")
    assert code == 2
    doc = json.loads(stdout)
    assert doc["status"] == "error" and doc["error"] == "export.template_needs_township"
    assert "640221（平罗县）是县级代码" in doc["message"] and "9位乡镇" in stderr
    code, _, stderr = run("--db", db_url, "--lang", "en", "export", "template", str(out), "--scope", "640221")
    assert code == 2 and "640221 (平罗县) is a county code; give a 9-digit township code" in stderr
    assert not out.exists()


def test_unknown_scope_and_bad_file_name(run: Run, db_url: str, tmp_path: Path) -> None:
    code, stdout, _ = run("--db", db_url, "export", "registry", str(tmp_path / "x.xlsx"), "--scope", "640323",
                          "--json")
    assert code == 2 and json.loads(stdout)["error"] == "div.unknown_code"
    code, _, stderr = run("--db", db_url, "export", "registry", str(tmp_path / "x.csv"), "--scope", "640221")
    assert code == 2 and "x.csv" in stderr and ".xlsx" in stderr
    code, _, stderr = run("--db", db_url, "export", "registry", str(tmp_path / "x.xlsx"), "--scope", "64022")
    assert code == 2 and "64022" in stderr
