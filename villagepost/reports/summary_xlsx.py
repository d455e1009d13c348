"""The coverage summary as a workbook, for supervisors who pass the numbers on in Excel.

Same numbers as the PDF (services.summary). Codes and names are text, counts are numbers, rates are
numbers 0..1 shown with Excel's percent format (so they sum, sort and chart as numbers); the first sheet
is the per-unit table with a 合计 row, the second the targets and pace, the third the lagging units.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import TYPE_CHECKING

from villagepost.core import clock
from villagepost.core.pacing import Measure
from villagepost.workbooks.xlsx_write import (
    TEXT_FORMAT,
    CellValue,
    Column,
    Look,
    SheetWriter,
    new_workbook,
    save_atomically,
)

if TYPE_CHECKING:
    from villagepost.core.report_shapes import Summary

PERCENT = "0.0%"
COUNT = "#,##0"
LEVEL_ZH = {1: "省", 2: "市", 3: "县（区）", 4: "乡镇（街道）", 5: "村"}
_TITLE = Look(bold=True)
_HEAD = Look(bold=True, fill="D9E1F2", wrap=True)
_TOTAL = Look(bold=True, fill="F2F2F2")


def write_summary_xlsx(s: Summary, out: Path, *, unit: str, printed_on: dt.date) -> Path:
    wb = new_workbook()
    title = f"{s.name}村级寄递物流综合服务站覆盖率汇总表"
    info = (f"范围：{s.path}（{s.scope}）  统计日期：{s.on.isoformat()}  "
            f"数据登记截至：{clock.local_text(s.recorded_at)}  制表单位：{unit}  "
            f"制表日期：{printed_on.isoformat()}")
    level = LEVEL_ZH.get(s.units_level or 0, "单位")
    columns = [Column("代码", TEXT_FORMAT, width=15), Column(level, width=22), Column("建制村", COUNT, width=10),
               Column("已覆盖", COUNT, width=10), Column("覆盖率", PERCENT, width=10),
               Column("目标", PERCENT, width=10), Column("目标截止日期", width=13),
               Column("差距（村）", COUNT, width=11)]
    header = [c.header for c in columns]
    units = SheetWriter(wb, "覆盖率汇总", columns, header_rows=[[title], [info], header], header_look=_HEAD)
    for u in s.units:
        units.append([u.code, u.name, u.total, u.covered, u.rate, u.target, u.deadline, u.gap])
    r = s.report
    units.append([r.scope, "合计", r.villages_total, r.villages_covered, r.rate, None, None, None],
                 {i: Look(bold=True, fill="F2F2F2", number_format=c.number_format) for i, c in enumerate(columns)})
    units.close()
    pace_cols = [Column("目标", width=22), Column("截止日期", width=12), Column("当前", width=12),
                 Column("差距", COUNT, width=10), Column("每月需新增", "0.0", width=12),
                 Column("近6个月月均", "0.0", width=12), Column("预计全覆盖", width=14),
                 Column("目标来源", TEXT_FORMAT, width=12)]
    paces = SheetWriter(wb, "目标与进度", pace_cols, header_rows=[[title], [info], [c.header for c in pace_cols]],
                        header_look=_HEAD)
    for target, p in s.pacing.paces:
        row: list[CellValue]
        if target.measure is Measure.COVERAGE_RATE:
            what = f"覆盖率 {target.value * 100:.1f}%"
            current: CellValue = p.achieved_rate
            full = p.projected_full.isoformat() if p.projected_full else "按当前进度无法实现"
        else:
            what = f"{target.station_type} {target.value:g} 个"
            current = p.achieved
            full = p.projected_goal.isoformat() if p.projected_goal else "按当前进度无法实现"
        row = [what, target.deadline, current, p.gap, p.needed_per_month, p.trailing_per_month, full, target.scope]
        looks = {2: Look(number_format=PERCENT)} if target.measure is Measure.COVERAGE_RATE else None
        paces.append(row, looks)
    paces.close()
    lag_cols = [Column("代码", TEXT_FORMAT, width=15), Column("单位", width=22),
                Column("当前覆盖率", PERCENT, width=12),
                Column("应达进度", PERCENT, width=12), Column("落后（个百分点）", "0.0", width=16),
                Column("落后（村）", COUNT, width=11)]
    lags = SheetWriter(wb, "进度落后单位", lag_cols, header_rows=[[title], [info], [c.header for c in lag_cols]],
                       header_look=_HEAD)
    for lag in s.lagging:
        lags.append([lag.code, lag.name, lag.lag.rate, lag.lag.line, lag.lag.shortfall_points,
                     lag.lag.shortfall_villages])
    lags.close()
    return save_atomically(wb, out).path
