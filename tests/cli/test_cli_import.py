"""`villagepost import` and `station list` as a script uses them."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from pathlib import Path

import openpyxl
import pytest

sys.path.insert(0, str(Path(__file__).parents[1] / "rosters"))
from roster_fixtures import DATA

from villagepost.cli import main


@pytest.fixture
def db(db_with: Callable[..., str]) -> str:
    return db_with("64")


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_clean_import_then_station_list(db: str, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "--db", db, "import", str(DATA / "A01_pingluo_clean.xlsx"), "--json")
    assert code == 0, err
    doc = json.loads(out)
    assert doc["status"] == "ok" and doc["reason"] is None
    assert (doc["villages_imported"], doc["stations_imported"], doc["stations_created"]) == (144, 88, 88)
    assert doc["sheet"] == "站点统计" and doc["header_rows"] == [1]
    assert doc["columns"]["code"] == "区划代码"
    assert doc["errors"] == [] and doc["warnings"] == []
    code, out, _ = run(capsys, "--db", db, "station", "list", "--scope", "640221", "--json")
    stations = json.loads(out)["stations"]
    assert len(stations) == 88
    first = stations[0]
    assert set(first) >= {"village_code", "name", "type", "coop", "lon", "lat", "opened", "contact", "phone"}
    assert first["code"] == first["village_code"] + "-01"


def test_partial_import_exit_3_and_error_report(db: str, capsys: pytest.CaptureFixture[str],
                                                tmp_path: Path) -> None:
    report = tmp_path / "C09-错误报告.xlsx"
    code, out, _ = run(capsys, "--db", db, "import", str(DATA / "C09_mixed_errors.xlsx"), "--report", str(report),
                       "--json")
    assert code == 3
    doc = json.loads(out)
    assert doc["status"] == "partial" and doc["rows_rejected"] == 9
    assert [e["row"] for e in doc["errors"]] == [22, 31, 41, 46, 76, 78, 105, 119, 131, 131]
    first = doc["errors"][0]
    assert first["kind"] == "duplicate_code" and first["column"] == "区划代码" and first["field"] == "code"
    assert "第 21 行" in first["message"] or "21" in first["message"]
    assert doc["report"] == str(report)
    wb = openpyxl.load_workbook(report)
    assert "错误汇总" in wb.sheetnames


def test_text_summary_in_chinese_and_english(db: str, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "--db", db, "import", str(DATA / "C08_phone_malformed.xlsx"))
    assert code == 3
    assert "部分导入" in out and "联系电话" in out and "第10行" in out
    code, out, _ = run(capsys, "--lang", "en", "--db", db, "import", str(DATA / "C08_phone_malformed.xlsx"))
    assert "partly imported" in out and "row 10" in out


@pytest.mark.parametrize(("name", "status", "reason"), [
    ("D02_html_export.xls", "rejected", "not_xlsx"),
    ("D09_zip_bomb.xlsx", "rejected", "zip_bomb"),
    ("D19_headers_only.xlsx", "no_data", "no_rows"),
])
def test_refused_files_exit_2(db: str, capsys: pytest.CaptureFixture[str], name: str, status: str,
                              reason: str) -> None:
    code, out, _ = run(capsys, "--db", db, "import", str(DATA / name), "--json")
    assert code == 2
    doc = json.loads(out)
    assert (doc["status"], doc["reason"], doc["villages_imported"]) == (status, reason, 0)
    assert doc["message"]


def test_excel4_message_says_save_as_xlsx(db: str, capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    old = tmp_path / "old.xls"
    old.write_bytes(b"\x09\x04\x06\x00\x00\x00\x10\x00\x00\x00" + b"\x0a\x00\x00\x00")
    code, out, _ = run(capsys, "--db", db, "import", str(old))
    assert code == 2
    assert "另存为 .xlsx" in out and "old.xls" in out and "Excel 2.1–4.0" in out
    code, out, _ = run(capsys, "--lang", "en", "--db", db, "import", str(old))
    assert "save as .xlsx" in out


@pytest.mark.parametrize("name", ["A01_pingluo_clean.xls", "A01_pingluo_clean.gbk.csv", "A01_pingluo_clean.ods",
                                  "A01_pingluo_clean.xlsb"])
def test_other_formats_import_from_the_cli(db: str, capsys: pytest.CaptureFixture[str], name: str) -> None:
    code, out, _ = run(capsys, "--db", db, "import", str(DATA / "formats" / name), "--json")
    doc = json.loads(out)
    assert (code, doc["status"], doc["villages_imported"], doc["stations_imported"]) == (0, "ok", 144, 88)


def test_dry_run_and_strict(db: str, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "--db", db, "import", str(DATA / "A02_yanchi_clean.xlsx"), "--dry-run", "--json")
    assert code == 0 and json.loads(out)["dry_run"] is True
    code, out, _ = run(capsys, "--db", db, "station", "list", "--scope", "640323", "--json")
    assert json.loads(out)["count"] == 0
    code, out, _ = run(capsys, "--db", db, "import", str(DATA / "C05_unknown_station_type.xlsx"), "--strict",
                       "--json")
    assert code == 2 and json.loads(out)["reason"] == "row_errors"


def test_export_of_imported_registry_imports_back_unchanged(db: str, capsys: pytest.CaptureFixture[str],
                                                             tmp_path: Path) -> None:
    run(capsys, "--db", db, "import", str(DATA / "E01_ningxia_province_all.xlsx"))
    out_file = tmp_path / "宁夏.xlsx"
    code, _, err = run(capsys, "--db", db, "export", "registry", str(out_file), "--scope", "64")
    assert code == 0, err
    code, out, _ = run(capsys, "--db", db, "import", str(out_file), "--json")
    doc = json.loads(out)
    assert code == 0, doc["message"]
    assert (doc["villages_imported"], doc["stations_unchanged"]) == (2214, 1392)
    assert (doc["stations_created"], doc["stations_updated"]) == (0, 0)
