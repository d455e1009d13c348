"""Where the roster is in a sheet: which row holds the header and which column holds which field.

Why scoring and not a list of known templates: every township invents its own header (县区, 县（市、区）,
乡镇（街道）, 村名称, 区划代码（12位）, 经度（°）, '行　政　村'...). A header cell is normalised (NFKC, all
whitespace removed, bracketed qualifiers and units set aside), then scored against each field's synonyms:
an exact synonym beats a compound ending in one (所属乡镇, 站点经度), which beats one starting with it;
look-alikes that must never map (邮政编码, 统一社会信用代码, 站点编号, 是否邮快合作, 村党组织书记,
快递品牌, 备注, 序号, counts such as 行政村数) score zero. Fields are then given to columns best score
first, one column per field.

A header row is one that maps a code or a village column. Above it, a group row (merged cells such as
'行政村信息' over B:E, or a vertical merge reaching into the field row) makes a two-level header.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass

from villagepost.core.values import TRIM_CHARS, cell_text

#: The canonical fields, in the order a standard roster lists them.
FIELDS: tuple[str, ...] = (
    "province", "city", "county", "township", "village", "code",
    "station_name", "station_type", "coop", "lon", "lat", "opened", "contact", "phone",
    "services", "brands", "floor_area", "served",
)
#: Fields whose merged cells are filled down (a county or township written once for its block).
DIVISION_FIELDS: tuple[str, ...] = ("province", "city", "county", "township")
#: Fields a header must map (at least one) for the sheet to count as a roster.
KEY_FIELDS: tuple[str, ...] = ("code", "village")

SYNONYMS: dict[str, tuple[str, ...]] = {
    "province": ("省", "省份", "省区", "省区市", "所属省份"),
    "city": ("地级市", "市", "市州", "地市", "地区", "市名称", "所属市", "盟市"),
    "county": ("县", "县区", "区县", "县市区", "县(区)", "县(市、区)", "县(市)", "县名称", "县级", "旗县", "所属县"),
    "township": ("乡", "镇", "乡镇", "街道", "乡镇街道", "乡(镇)", "乡镇(街道)", "镇街", "乡镇名称", "苏木乡镇",
                 "所属乡镇"),
    "village": ("村名", "行政村", "村委会", "村名称", "村", "建制村", "行政村名称", "村委会名称", "村居", "村(社区)",
                "村民委员会", "所属村", "行政村(村委会)"),
    "code": ("区划代码", "统一编码", "行政区划代码", "统计用区划代码", "村级区划代码", "行政村代码", "村代码",
             "区划编码", "行政区划编码", "村级代码", "代码"),
    "station_name": ("站点名称", "服务站名称", "站名", "网点名称", "服务站点名称", "站点名", "服务点名称"),
    "station_type": ("站点类型", "类型", "站点类别", "类别", "服务站类型", "网点类型"),
    "coop": ("合作模式", "合作方式", "合作类型"),
    "lon": ("经度", "东经"),
    "lat": ("纬度", "北纬"),
    "opened": ("建成日期", "建站时间", "投入使用时间", "建成时间", "建站日期", "开通时间", "开通日期",
               "运营时间", "建成年月", "投用时间", "投运时间"),
    "contact": ("联系人", "负责人", "站长", "管理员", "经营者", "联系人姓名", "负责人姓名"),
    "phone": ("联系电话", "电话", "手机号码", "联系方式", "手机", "手机号", "电话号码", "联系人电话"),
    "services": ("服务项目", "服务内容", "业务范围", "经营项目", "服务功能", "开展业务", "业务类型", "开展服务"),
    "brands": ("快递品牌", "合作快递品牌", "入驻快递品牌", "入驻品牌", "合作品牌", "进驻品牌", "快递企业",
               "合作快递企业", "入驻快递企业", "品牌"),
    "floor_area": ("面积", "站点面积", "场地面积", "经营面积", "使用面积", "建筑面积", "营业面积", "占地面积"),
    "served": ("服务村", "服务村庄", "服务行政村", "服务建制村", "覆盖村", "覆盖行政村", "覆盖村庄", "辐射村",
               "辐射行政村", "另服务村", "服务其他村", "兼顾服务村", "服务周边村"),
}

#: Fragments that disqualify a header from every field: look-alikes of the real columns.
_BLOCKERS = ("邮政编码", "邮编", "信用代码", "编号", "是否", "书记", "备注", "序号", "说明", "数量",
             "个数", "比例", "覆盖率", "身份证", "账号")
_BRACKETED = re.compile(r"[(\[【][^)\]】]*[)\]】]")
_INNER_WS = dict.fromkeys(map(ord, TRIM_CHARS), None)

EXACT, ENDS_WITH, STARTS_WITH, CONTAINS = 1.0, 0.7, 0.5, 0.3


def normalise_header(text: object) -> str:
    """NFKC, all whitespace removed (U+3000, NBSP, newlines inside too): '行　政　村' -> '行政村'."""
    return unicodedata.normalize("NFKC", cell_text(text)).translate(_INNER_WS)


def header_scores(text: object) -> dict[str, float]:
    """Score of a header cell for every field it may denote (empty dict: it denotes none)."""
    full = normalise_header(text)
    if not full or any(b in full for b in _BLOCKERS) or full.endswith("数"):
        return {}
    base = _BRACKETED.sub("", full)
    scores: dict[str, float] = {}
    for name, synonyms in SYNONYMS.items():
        best = 0.0
        for syn in synonyms:
            if syn in (full, base):
                best = EXACT
                break
            if len(syn) < 2:
                continue
            if base.endswith(syn):
                best = max(best, ENDS_WITH)
            elif base.startswith(syn):
                best = max(best, STARTS_WITH)
            elif syn in base:
                best = max(best, CONTAINS)
        if best:
            scores[name] = best
    return scores


@dataclass(frozen=True, slots=True)
class HeaderMatch:
    """The mapping a header row gives: field -> (0-based column, header text as written)."""

    row: int
    columns: dict[str, tuple[int, str]]
    score: float

    @property
    def is_roster(self) -> bool:
        return any(f in self.columns for f in KEY_FIELDS)


def map_header(row_number: int, cells: Sequence[object], fallback: Sequence[object] = ()) -> HeaderMatch:
    """Assign fields to the columns of one header row, best score first, one column per field.

    `fallback` is the group row above (two-level headers): a column whose field-row cell is empty takes
    its text from there (序号 merged A3:A4).
    """
    candidates: list[tuple[float, int, str, str]] = []
    for col in range(max(len(cells), len(fallback))):
        raw = cells[col] if col < len(cells) else None
        if not cell_text(raw) and col < len(fallback):
            raw = fallback[col]
        text = raw if isinstance(raw, str) else cell_text(raw)
        for name, score in header_scores(text).items():
            candidates.append((score, col, name, text))
    candidates.sort(key=lambda c: (-c[0], c[1], FIELDS.index(c[2])))
    columns: dict[str, tuple[int, str]] = {}
    used: set[int] = set()
    total = 0.0
    for score, col, name, text in candidates:
        if name in columns or col in used:
            continue
        columns[name] = (col, text)
        used.add(col)
        total += score
    ordered = {name: columns[name] for name in FIELDS if name in columns}
    return HeaderMatch(row_number, ordered, total)


@dataclass(frozen=True, slots=True)
class DetectedLayout:
    """Header rows (Excel numbers) and the mapping of one sheet, as `detect_layout` found them."""

    header_rows: list[int]
    columns: dict[str, tuple[int, str]]
    score: float
    header_cells: list[str]


#: How many rows from the top a header may start at (titles, notes, blank rows above it).
HEADER_SEARCH_ROWS = 30


def detect_layout(head: Sequence[tuple[int, Sequence[object]]],
                  merges: Sequence[tuple[int, int, int, int]] = ()) -> DetectedLayout | None:
    """Find the header among the first rows of a sheet, or None when no row maps a code or village column.

    `head` holds (Excel row number, cell values) of the top rows; `merges` the sheet's merged ranges as
    (row1, col1, row2, col2) with Excel rows and 0-based columns.
    """
    best: HeaderMatch | None = None
    by_number = dict(head)
    for number, cells in head[:HEADER_SEARCH_ROWS]:
        match = map_header(number, cells)
        if not match.is_roster or (len(match.columns) < 2 and "code" not in match.columns):
            continue
        if best is None or (len(match.columns), match.score) > (len(best.columns), best.score):
            best = match
    if best is None:
        return None
    field_row = best.row
    cells = list(by_number[field_row])
    above = by_number.get(field_row - 1)
    header_rows = [field_row]
    if above is not None and _is_group_row(field_row - 1, above, len(cells), merges):
        header_rows = [field_row - 1, field_row]
        best = map_header(field_row, cells, fallback=above)
    texts = [cell_text(c) if not isinstance(c, str) else c for c in cells]
    return DetectedLayout(header_rows, best.columns, best.score, texts)


def _is_group_row(row: int, cells: Sequence[object], width: int, merges: Sequence[tuple[int, int, int, int]]) -> bool:
    """A group row sits right above the field row: a merge reaches down into the field row, or it has
    horizontal merges that do not span the whole header (a title spans everything)."""
    filled = [c for c in cells if cell_text(c)]
    for top, _left, bottom, _right in merges:
        if top == row and bottom >= row + 1:
            return True
    partial = [m for m in merges if m[0] == row and m[3] > m[1] and (m[3] - m[1] + 1) < width]
    return bool(partial) and len(filled) >= 2

