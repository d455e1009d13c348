"""`villagepost print summary` as a supervisor's script uses it: PDF and workbook, JSON, refusals."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import openpyxl
import pytest
from pypdf import PdfReader

Run = Callable[..., tuple[int, str, str]]
ROSTER = Path(__file__).parents[1] / "rosters" / "data" / "A01_pingluo_clean.xlsx"


@pytest.fixture
def db(db_with: Callable[..., str], run: Run) -> str:
    url = db_with("640221")
    assert run("--db", url, "import", str(ROSTER))[0] == 0
    assert run("--db", url, "target", "set", "--scope", "640221", "--rate", "85", "--deadline", "2030-12-31")[0] == 0
    return url


def test_pdf_and_workbook(run: Run, db: str, tmp_path: Path) -> None:
    pdf = tmp_path / "平罗县.pdf"
    code, stdout, stderr = run("--db", db, "--json", "print", "summary", "--scope", "640221", "--on", "2026-11-23",
                               "--unit", "平罗县交通运输局", str(pdf))
    assert code == 0, stderr
    doc = json.loads(stdout)
    assert doc["paths"] == [str(pdf)] and doc["pages"] == len(PdfReader(pdf).pages) == 2
    text = "".join("".join((p.extract_text() or "").split()) for p in PdfReader(pdf).pages)
    assert "统计日期：2026-11-23" in text and "城关镇640221100164" in text and "制表单位：平罗县交通运输局" in text
    xlsx = tmp_path / "平罗县.xlsx"
    code, stdout, _ = run("--db", db, "print", "summary", "--scope", "640221", "--on", "2026-11-23", str(xlsx))
    assert code == 0 and stdout.strip() == f"已生成覆盖率汇总表（640221，2026-11-23）：{xlsx}"
    ws = openpyxl.load_workbook(xlsx)["覆盖率汇总"]
    assert [c.value for c in ws[4]][:5] == ["640221100", "城关镇", 16, 4, 0.25]
    assert ws.max_row == 3 + 13 + 1  # title rows and header, 13 townships, 合计


def test_township_by_village(run: Run, db: str, tmp_path: Path) -> None:
    out = tmp_path / "城关镇.xlsx"
    code, _, _ = run("--db", db, "print", "summary", "--scope", "640221100", "--level", "村", "--on", "2026-11-23",
                     str(out))
    assert code == 0
    ws = openpyxl.load_workbook(out)["覆盖率汇总"]
    # the name column says 村, the count column 建制村 (not both 建制村)
    assert (ws["B3"].value, ws["C3"].value) == ("村", "建制村") and ws.max_row == 3 + 16 + 1
    assert sum(ws.cell(r, 4).value for r in range(4, 20)) == 4


@pytest.mark.parametrize(("args", "zh", "en"), [
    (["--on", "2026-13-01"], "日期“2026-13-01”不存在", "the date '2026-13-01' does not exist"),
    (["--level", "planet"], "--level “planet”无法识别", "--level 'planet' is not city"),
    (["--scope", "659999"], "区划代码 659999 不在登记册中", "the division code 659999 is not in the registry"),
])
def test_refusals(run: Run, db: str, tmp_path: Path, *, args: list[str], zh: str, en: str) -> None:
    base = ["--scope", "640221", *args] if "--scope" not in args else args
    out = str(tmp_path / "x.pdf")
    code, _, stderr = run("--db", db, "print", "summary", *base, out)
    assert code == 2 and zh in stderr
    code, _, stderr = run("--db", db, "--lang", "en", "print", "summary", *base, out)
    assert code == 2 and en in stderr
    assert not Path(out).exists()
    code, _, stderr = run("--db", db, "print", "summary", "--scope", "640221", str(tmp_path / "x.docx"))
    assert code == 2 and "输出文件名应以 .pdf / .xlsx 结尾" in stderr
