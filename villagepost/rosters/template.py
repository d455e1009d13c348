"""The fill-in template a county sends a township (`villagepost export template`).

Layout (what the importer relies on): the data sheet 站点填报 is the first and active sheet; its header
is row 1 with the standard roster headers, data from row 2, one row per station and one row per 村委会
without a station. 填表说明 (second sheet) explains every column in Chinese. No hidden sheet: the
dropdown lists are inline in the validations (they are far below Excel's 255-character limit), so the
workbook holds only one sheet whose header looks like a roster.

Why the formats: 区划代码 and 联系电话 are text (Excel would turn 640221100200 into 6.40221E+11 and drop a
landline's leading 0); empty 建成日期 cells are text too, so a township typing "2024-03" keeps a month,
instead of Excel silently making it 2024-03-01; already known full dates are real dates. The official
columns (县/乡镇/行政村/区划代码) are shaded grey: they identify the village and must not be edited.
Prompts and dropdowns help but cannot enforce (pasting bypasses validation), so the importer still
checks everything.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from openpyxl.worksheet.datavalidation import DataValidation

from villagepost.core.stations import ROSTER_TYPES, CoopMode
from villagepost.rosters.export import STANDARD_COLUMNS, RosterCounts, RosterRow
from villagepost.workbooks.xlsx_write import (
    LOCKED_FILL,
    TEXT_FORMAT,
    CellValue,
    Look,
    SheetWriter,
    new_workbook,
    save_atomically,
    simple_sheet,
)

DATA_SHEET = "站点填报"
HELP_SHEET = "填表说明"
#: spare rows below the villages that keep the dropdowns and prompts (for a village's second station)
SPARE_ROWS = 200

LON_RANGE = (73.4, 135.1)
LAT_RANGE = (3.8, 53.6)

_OFFICIAL = {i: Look(fill=LOCKED_FILL, number_format=STANDARD_COLUMNS[i].number_format) for i in range(4)}
_DATE_COL = 9
_EMPTY_DATE = Look(number_format=TEXT_FORMAT)

COLUMN_HELP: tuple[tuple[str, str, str, str], ...] = (
    ("县（区）", "已填", "官方县（区）名称，由县局预先填好，请勿修改。", "平罗县"),
    ("乡镇（街道）", "已填", "官方乡镇（街道）名称，由县局预先填好，请勿修改。", "城关镇"),
    ("行政村", "已填", "官方行政村（村委会）名称，由县局预先填好，请勿修改。", "和平村委会"),
    ("区划代码", "已填，不得修改",
     "国家统计局12位统计用区划代码，是识别每个村的唯一依据。请勿修改、删除或改成数字格式"
     "（数字格式会显示成 6.40221E+11 并丢失末位）。", "640221100201"),
    ("站点名称", "有站点时必填", "村级寄递物流站点的名称，按门头或挂牌名称填写。本村没有站点时整行其余各列留空。",
     "和平村村邮站"),
    ("站点类型", "有站点时必填", "从下拉列表选择：" + "、".join(t.value for t in ROSTER_TYPES) + "。",
     "村邮站+快递超市"),
    ("合作模式", "选填", "从下拉列表选择：" + "、".join(m.value for m in CoopMode) + "。", "邮快合作"),
    ("经度", "选填", "十进制度，保留6位小数；中国境内经度在 73.4～135.1 之间。也可填度分秒，如 106°26′17.3″。",
     "106.438139"),
    ("纬度", "选填", "十进制度，保留6位小数；中国境内纬度在 3.8～53.6 之间。注意不要与经度填反。", "38.905924"),
    ("建成日期", "选填",
     "站点建成（或完成合并）的日期，格式 2024-03-15，也可写 2024/3/15 或 2024年3月15日；只知道月份或年份时写 "
     "2024-03 或 2019。不能晚于今天。", "2022-09-09"),
    ("联系人", "选填", "站点负责人姓名。", "张三"),
    ("联系电话", "选填", "11位手机号（如 13912345678），或带区号的固定电话（如 0952-6012345）。", "13912345678"),
)

GENERAL_HELP: tuple[str, ...] = (
    "1. 只在“站点填报”工作表中填写；第1行是表头，请勿修改、删除或调整表头文字，数据从第2行开始。",
    "2. 每行一个站点。表中已列出本乡镇（街道）全部村委会；已登记的站点已预先填好，请核对并更正。",
    "3. 每个站点占一行；已登记多个站点的村占多行，区划代码相同。",
    "4. 区划代码（灰色列）是官方代码，不得修改；发现村名或代码有误，请另行告知县交通运输局核实。",
    "5. 留空的单元格不会清除登记册中已有的数据；要更正某项，请直接填写正确的值。",
    "6. 填好后保存为 .xlsx 格式（Excel 或 WPS 均可），发回县交通运输局。",
)


def _validations(last_row: int) -> list[DataValidation]:
    """Dropdowns for 站点类型/合作模式 and input prompts for coordinates, date, phone and the code."""
    end = last_row + SPARE_ROWS

    def rng(col: str) -> str:
        return f"{col}2:{col}{end}"

    types = DataValidation(type="list", formula1='"' + ",".join(t.value for t in ROSTER_TYPES) + '"',
                           allow_blank=True, showErrorMessage=True, errorStyle="stop",
                           errorTitle="站点类型", error="请从下拉列表中选择站点类型",
                           promptTitle="站点类型", prompt="请从下拉列表中选择", showInputMessage=True)
    types.add(rng("F"))
    coops = DataValidation(type="list", formula1='"' + ",".join(m.value for m in CoopMode) + '"',
                           allow_blank=True, showErrorMessage=True, errorStyle="stop",
                           errorTitle="合作模式", error="请从下拉列表中选择合作模式",
                           promptTitle="合作模式", prompt="请从下拉列表中选择（可留空）", showInputMessage=True)
    coops.add(rng("G"))
    lon = DataValidation(type="decimal", operator="between", formula1=str(LON_RANGE[0]), formula2=str(LON_RANGE[1]),
                         allow_blank=True, showErrorMessage=True, errorStyle="warning",
                         errorTitle="经度", error="经度应为中国境内的十进制度数（73.4～135.1）",
                         promptTitle="经度", prompt="十进制度，如 106.438139（73.4～135.1）", showInputMessage=True)
    lon.add(rng("H"))
    lat = DataValidation(type="decimal", operator="between", formula1=str(LAT_RANGE[0]), formula2=str(LAT_RANGE[1]),
                         allow_blank=True, showErrorMessage=True, errorStyle="warning",
                         errorTitle="纬度", error="纬度应为中国境内的十进制度数（3.8～53.6）",
                         promptTitle="纬度", prompt="十进制度，如 38.905924（3.8～53.6）", showInputMessage=True)
    lat.add(rng("I"))
    date = DataValidation(allow_blank=True, promptTitle="建成日期",
                          prompt="如 2024-03-15；只知年月写 2024-03，只知年份写 2019", showInputMessage=True)
    date.add(rng("J"))
    phone = DataValidation(allow_blank=True, promptTitle="联系电话",
                           prompt="11位手机号，或带区号的固定电话，如 0952-6012345", showInputMessage=True)
    phone.add(rng("L"))
    code = DataValidation(allow_blank=True, promptTitle="区划代码", prompt="官方12位代码，请勿修改",
                          showInputMessage=True)
    code.add(rng("D"))
    return [types, coops, lon, lat, date, phone, code]


def write_template(rows: Iterable[RosterRow], out: Path, title: str) -> RosterCounts:
    """Write the township template: rows in code order (already limited to the township's 村委会).

    `title` names the township (e.g. "宁夏回族自治区 石嘴山市 平罗县 城关镇") for the instructions sheet.
    """
    wb = new_workbook()
    sheet = SheetWriter(wb, DATA_SHEET, STANDARD_COLUMNS, style_empty=True)
    counts = RosterCounts()
    last: str | None = None
    for row in rows:
        cells: list[CellValue] = row.standard_cells()
        looks = dict(_OFFICIAL)
        if cells[_DATE_COL] is None or isinstance(cells[_DATE_COL], str):
            looks[_DATE_COL] = _EMPTY_DATE
        sheet.append(cells, looks)
        counts.add(row, last)
        last = row.code
    for dv in _validations(sheet.header_height + sheet.appended):
        sheet.ws.data_validations.append(dv)
    sheet.close()
    help_rows: list[tuple[CellValue, ...]] = [(f"{title} 村级寄递物流站点填报表 填表说明",)]
    help_rows += [(line,) for line in GENERAL_HELP]
    help_rows += [(None,), ("列名", "是否必填", "填写说明", "示例"), *COLUMN_HELP]
    simple_sheet(wb, HELP_SHEET, help_rows, widths=(16, 16, 70, 20), wrap=(2,),
                 bold_rows=(0, len(GENERAL_HELP) + 2))
    save_atomically(wb, out)
    return counts
