"""`villagepost print checklist`, `checklist …` and `inspection …` as a clerk and a script use them:
files written, exact page counts, one JSON document, exit codes, Chinese and English."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from pathlib import Path

import openpyxl
import pytest
from pypdf import PdfReader

from villagepost.core import clock

Run = Callable[..., tuple[int, str, str]]
#: a recent inspection date, so the re-inspection a month later is not yet due on the day the test runs
INSPECTED = clock.today() - dt.timedelta(days=5)
ROSTER = Path(__file__).parents[1] / "rosters" / "data" / "A01_pingluo_clean.xlsx"
HEPING = "640221100201-01"


@pytest.fixture
def db(db_with: Callable[..., str], run: Run) -> str:
    """平罗县 loaded, its roster imported: 88 operating stations, 9 of them in 城关镇 (640221100)."""
    url = db_with("640221")
    code, _, stderr = run("--db", url, "import", str(ROSTER))
    assert code == 0, stderr
    return url


def pages(path: Path) -> list[str]:
    return ["".join((p.extract_text() or "").split()) for p in PdfReader(path).pages]


def test_scope_batch_in_one_pdf(run: Run, db: str, tmp_path: Path) -> None:
    out = tmp_path / "城关镇.pdf"
    code, stdout, stderr = run("--db", db, "print", "checklist", "--scope", "640221100", str(out), "--json")
    assert code == 0, stderr
    assert json.loads(stdout) == {"status": "ok", "paths": [str(out)], "sheets": 9, "pages": 18,
                                  "missing_characters": []}
    texts = pages(out)
    assert len(texts) == 18
    codes = [t.split("站点编码")[1][:15] for t in texts[::2]]
    assert codes == sorted(codes) and codes[0] == HEPING  # by township, village, serial
    assert all("第1页共2页" in t for t in texts[::2]) and all("第2页共2页" in t for t in texts[1::2])
    assert "9/9" in stderr


def test_scope_split_one_file_per_station(run: Run, db: str, tmp_path: Path) -> None:
    folder = tmp_path / "split"
    code, stdout, _ = run("--db", db, "print", "checklist", "--scope", "640221100", "--split", str(folder))
    assert code == 0
    assert stdout.strip() == f"已打印 9 份检查表，共 18 页：{folder}"
    files = sorted(p.name for p in folder.iterdir())
    assert len(files) == 9 and files[0] == f"{HEPING}_和平村村邮站.pdf"
    assert all(len(PdfReader(folder / f).pages) == 2 for f in files)


def test_one_station_and_blank(run: Run, db: str, tmp_path: Path) -> None:
    one = tmp_path / "one.pdf"
    code, stdout, _ = run("--db", db, "print", "checklist", "--station", HEPING, str(one))
    assert code == 0 and stdout.strip() == f"已打印 1 份检查表，共 2 页：{one}"
    first = pages(one)[0]
    assert "平罗县村级寄递物流综合服务站检查表" in first and "和平村村邮站" in first and "罗德" in first
    assert "宁夏回族自治区/石嘴山市/平罗县/城关镇/和平村委会" in first
    blank = tmp_path / "blank.pdf"
    code, _, _ = run("--db", db, "print", "checklist", "--blank", "--scope", "640221", str(blank))
    assert code == 0
    assert "（空白表）" in pages(blank)[0] and "平罗县村级寄递物流综合服务站检查表" in pages(blank)[0]


def test_refusals_exit_2(run: Run, db: str, tmp_path: Path) -> None:
    code, _, stderr = run("--db", db, "print", "checklist", "--station", "640221100201-77", str(tmp_path / "x.pdf"))
    assert code == 2 and "站点编码 640221100201-77 不在登记册中" in stderr
    code, _, stderr = run("--db", db, "print", "checklist", "--scope", "640221100", str(tmp_path / "x.docx"))
    assert code == 2 and "输出文件名应以 .pdf 结尾" in stderr
    code, _, stderr = run("--db", db, "print", "checklist", str(tmp_path / "x.pdf"))
    assert code == 2 and "--station、--scope、--inspection 或 --blank" in stderr
    code, stdout, _ = run("--db", db, "--lang", "en", "--json", "print", "checklist", "--scope", "640221100001",
                          str(tmp_path / "x.pdf"))
    assert code == 2
    assert json.loads(stdout) == {"status": "error", "error": "print.no_stations",
                                  "message": "no operating or suspended stations under 640221100001: "
                                             "no checklist to print"}
    assert not (tmp_path / "x.pdf").exists()


def test_template_commands(run: Run, db: str, tmp_path: Path) -> None:
    out = tmp_path / "tpl.xlsx"
    code, stdout, _ = run("--db", db, "checklist", "export", str(out), "--scope", "640221")
    assert code == 0 and stdout.strip() == f"已导出检查表“村级寄递物流综合服务站检查表”（17 项）到 {out}"
    wb = openpyxl.load_workbook(out)
    wb["检查项目"]["B1"] = "平罗县站点检查表"
    wb["检查项目"].delete_rows(6, 16)  # keep the first item only
    wb.save(out)
    code, stdout, _ = run("--db", db, "checklist", "import", str(out), "--scope", "640221")
    assert code == 0 and stdout.strip() == "已保存 640221 的检查表“平罗县站点检查表”：1 项"
    code, stdout, _ = run("--db", db, "checklist", "show", "--scope", "640221100201", "--json")
    assert json.loads(stdout) == {"scope": "640221", "title": "平罗县站点检查表", "items": [
        {"number": 1, "category": "站点信息", "text": "站点名称、类型、所在村与登记册一致"}]}
    one = tmp_path / "one.pdf"
    run("--db", db, "print", "checklist", "--station", HEPING, str(one))
    # the county's own title already names the county: it is not prefixed twice
    # (the region line 宁夏回族自治区 石嘴山市 平罗县, then the title)
    assert len(PdfReader(one).pages) == 1 and "石嘴山市平罗县平罗县站点检查表640221100201-01站点名称" in pages(one)[0]
    code, stdout, _ = run("--db", db, "--lang", "en", "checklist", "reset", "--scope", "640221")
    assert code == 0
    assert stdout.strip() == "removed the own checklist of 640221; from now on it uses the default checklist"
    code, _, stderr = run("--db", db, "checklist", "import", str(out), "--scope", "640221100")
    assert code == 2 and "乡镇级代码" in stderr


def _fill(form: Path, filled: Path, failed: dict[int, str]) -> None:
    wb = openpyxl.load_workbook(form)
    ws = wb.worksheets[0]
    labels = {ws.cell(r, 1).value: r for r in range(1, 15)}
    ws.cell(labels["检查日期"], 2).value = INSPECTED
    ws.cell(labels["检查人"], 2).value = "李四"
    header = next(r for r in range(1, 20) if ws.cell(r, 3).value == "检查内容")
    for n in range(1, 18):
        ws.cell(header + n, 4).value = "否" if n in failed else "是"
        ws.cell(header + n, 5).value = failed.get(n)
    wb.save(filled)


def test_inspection_workflow(run: Run, db: str, tmp_path: Path) -> None:
    form = tmp_path / "form.xlsx"
    code, stdout, _ = run("--db", db, "inspection", "form", str(form), "--station", HEPING)
    assert code == 0 and stdout.strip() == f"已生成站点 {HEPING} 的检查填报表（17 项）：{form}"
    filled = tmp_path / "filled.xlsx"
    _fill(form, filled, {12: "灭火器过期"})
    code, stdout, stderr = run("--db", db, "inspection", "record", "--from", str(filled), "--json")
    assert code == 0, stderr
    doc = json.loads(stdout)
    assert (doc["station_code"], doc["inspected_on"], doc["passed"], doc["failed"], doc["na"]) == (
        HEPING, INSPECTED.isoformat(), 16, 1, 0)
    new_id = doc["id"]
    code, stdout, _ = run("--db", db, "inspection", "failed", "--scope", "640221")
    assert stdout.splitlines() == [
        f"{HEPING}  和平村村邮站  {INSPECTED.isoformat()}  "
        "12. 消防器材配备齐全且在有效期内，安全通道畅通（灭火器过期）",
        "1 个站点共 1 项不合格"]
    code, stdout, _ = run("--db", db, "inspection", "list", "--scope", "640221100", "--json")
    assert json.loads(stdout)["inspections"] == [{"id": new_id, "station_code": HEPING, "station_name": "和平村村邮站",
                                                  "inspected_on": INSPECTED.isoformat(), "inspector": "李四",
                                                  "failed": 1}]
    code, stdout, _ = run("--db", db, "inspection", "due", "--scope", "640221100", "--json")
    due = json.loads(stdout)
    # the 8 other stations of 城关镇 were never inspected; 和平村's re-inspection is due a month after the failure
    assert due["count"] == 8 and {d["reason"] for d in due["stations"]} == {"never"}
    assert HEPING not in {d["station_code"] for d in due["stations"]}
    record = tmp_path / "record.pdf"
    code, stdout, _ = run("--db", db, "print", "checklist", "--inspection", str(new_id), str(record))
    assert code == 0 and stdout.strip() == f"已打印检查记录 {new_id}（2 页）：{record}"
    text = "".join(pages(record))
    day = f"{INSPECTED.year}年{INSPECTED.month}月{INSPECTED.day}日"
    assert f"检查记录（编号{new_id}）" in text and "灭火器过期" in text and day in text
    code, _, stderr = run("--db", db, "inspection", "record", "--from", str(ROSTER))
    assert code == 2 and "不是村邮通检查填报表" in stderr
    code, stdout, _ = run("--db", db, "inspection", "delete", str(new_id))
    assert code == 0 and stdout.strip() == f"已撤下检查记录 {new_id}（记录保留在修改记录中）"
    code, _, stderr = run("--db", db, "--lang", "en", "inspection", "show", str(new_id))
    assert code == 2 and stderr.strip() == f"there is no inspection record {new_id}"
