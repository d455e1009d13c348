"""A checklist template as an Excel workbook a county edits (`villagepost checklist export|import`).

Layout written (and what the reader looks for, so a hand-made sheet works too): a sheet 检查项目 with
the title in the row labelled 检查表标题, then a header row with 类别 and 检查内容 (序号 optional), then one
item per row in printed order. A blank 类别 continues the category above (hand-made sheets merge those
cells). The reader passes the same safety checks as a roster (rosters.safety) before openpyxl opens it,
and reports problems by Excel row number.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence
from itertools import islice
from pathlib import Path
from typing import Any

from villagepost.core.checklists import Checklist, ChecklistError, default_checklist
from villagepost.rosters.safety import inspect_file
from villagepost.workbooks.xlsx_write import (
    CellValue,
    Column,
    Look,
    SheetWriter,
    new_workbook,
    save_atomically,
    simple_sheet,
)

ITEMS_SHEET = "检查项目"
HELP_SHEET = "填写说明"
TITLE_LABELS = ("检查表标题", "标题", "表名")
CATEGORY_HEADERS = ("类别", "检查类别", "项目类别", "分类", "类型")
TEXT_HEADERS = ("检查内容", "检查项目", "检查内容及要求", "检查事项", "内容", "项目")
#: rows searched for the title and the header
HEAD_ROWS = 30
#: a checklist is small: what lies beyond these (a stray cell at XFD1048576) is never read
MAX_ROWS = 2_000
MAX_COLUMNS = 30

HELP_ROWS: tuple[tuple[str], ...] = (
    ("检查表模板填写说明",),
    ("1. 在“检查项目”工作表中修改：第1行 B 列是检查表标题（打印在表头，前面自动加上县名）。",),
    ("2. 从第5行起每行一个检查项目：“类别”写分组名称（如 安全制度），“检查内容”写要检查的事项，"
     "写成回答“是”即为合格的句子。",),
    ("3. 类别留空表示沿用上一行的类别；打印时按行的先后顺序编号、分组。序号列仅供参考，导入时忽略。",),
    ("4. 可以增加、删除、调整行的顺序；同一检查内容不能重复。类别最多20字，检查内容最多120字，最多100项。",),
    ("5. 改好后保存为 .xlsx，用“villagepost checklist import 文件.xlsx --scope 县代码”导入（窗口中也可导入）。",),
    ("6. 导入后该县的站点检查表即按新模板打印；已登记的检查记录保留当时的检查内容，不受影响。",),
)


def write_checklist_workbook(checklist: Checklist, out: Path, *, scope_label: str) -> Path:
    """Write `checklist` as an editable workbook at `out` (atomically; an OSError reaches the caller)."""
    wb = new_workbook()
    columns = [Column("序号", width=6), Column("类别", width=16), Column("检查内容", width=80, wrap=True)]
    head: list[list[CellValue]] = [["检查表标题", checklist.title, None], ["适用范围", scope_label, None],
                                   [None, None, None], ["序号", "类别", "检查内容"]]
    sheet = SheetWriter(wb, ITEMS_SHEET, columns, header_rows=head, header_look=Look(bold=True, wrap=True))
    for number, item in enumerate(checklist.items, 1):
        sheet.append([number, item.category, item.text])
    sheet.close()
    simple_sheet(wb, HELP_SHEET, HELP_ROWS, widths=(110,), wrap=(0,))
    return save_atomically(wb, out).path


def _norm(value: Any) -> str:
    if value is None:
        return ""
    return "".join(unicodedata.normalize("NFKC", str(value)).split())


def _find_columns(cells: Sequence[Any]) -> tuple[int, int] | None:
    """(category column, text column) when `cells` is the header row."""
    names = [_norm(c) for c in cells]
    cat = next((i for i, n in enumerate(names) if n in CATEGORY_HEADERS), None)
    text = next((i for i, n in enumerate(names) if n in TEXT_HEADERS and i != cat), None)
    if cat is None or text is None:
        return None
    return cat, text


def _sheet_items(rows: list[tuple[Any, ...]]) -> tuple[str | None, list[tuple[Any, Any]], list[str]] | None:
    title: str | None = None
    for r, cells in enumerate(rows[:HEAD_ROWS]):
        if cells and _norm(cells[0]) in TITLE_LABELS:
            title = next((str(c).strip() for c in cells[1:] if c is not None and str(c).strip()), None)
            continue
        found = _find_columns(cells)
        if found is None:
            continue
        cat, text = found
        items: list[tuple[Any, Any]] = []
        where: list[str] = []
        for n, row in enumerate(rows[r + 1:], start=r + 2):
            items.append((row[cat] if cat < len(row) else None, row[text] if text < len(row) else None))
            where.append(str(n))
        return title, items, where
    return None


def read_checklist_workbook(path: Path) -> tuple[str, list[tuple[Any, Any]], list[str]]:
    """(title, [(category, text) …], Excel row numbers) from the first sheet that holds a checklist.

    A workbook without a title row takes the default template's title.
    """
    inspect_file(path)
    from openpyxl import load_workbook

    wb = load_workbook(path, read_only=True, data_only=True)
    try:
        for ws in wb.worksheets:
            rows = list(islice(ws.iter_rows(max_col=MAX_COLUMNS, values_only=True), MAX_ROWS))
            found = _sheet_items(rows)
            if found is not None:
                title, items, where = found
                return title or default_checklist().title, items, where
    finally:
        wb.close()
    raise ChecklistError("checklist.no_sheet", file=path.name)
