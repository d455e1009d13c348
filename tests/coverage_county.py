"""A real county with a worked-out station history, shared by the coverage, pacing and CLI tests.

金凤区 (640106, 银川市) from the official 2023 codes: 8 township-level units, 20 建制村 —

    640106001 满城北街街道   1  (200 平伏桥村)
    640106002 黄河东路街道   4  (201 魏家桥村, 202 砖渠村, 210 双渠口村, 220 盈南村)
    640106003…006 四个街道   0  (residents' committees only)
    640106100 良田镇         8  (200 园子村 … 207 和顺新村)
    640106101 丰登镇         7  (201 西新村 … 207 和丰村)

Stations (recorded on 2024-01-10 unless said; "covers from" is what DOMAIN.md §6 and issue 5 make of it):

    A  园子村   640106100200  村邮站+快递超市  opened 2023-03-15             covers from 2023-03-15
    B  金星村   640106100201  综合服务站       opened 2023-06 (month only)   from 2023-06-30 (last day of the month)
    C  兴源村   640106100202  综合服务站       opened 2022 (year only)       from 2022-12-31 (last day of the year)
    D  光明村   640106100203  村邮站+快递超市  no date (日期缺失)            from 2024-01-10 (the day recorded)
    E1 西新村   640106101201  村邮站           opened 2022-05-01             never alone (not combined)
    E2 西新村   640106101201  快递超市         opened 2022-08-01             never alone
       merged E1 ← E2 on 2023-09-15 → E1 is 村邮站+快递超市               from 2023-09-15
    F  新联村   640106101202  综合服务站       opened 2023-01-20, closed 2024-03-31 (recorded 2024-04-02),
                                               reopened 2024-07-01 (recorded 2024-07-05)
                                               covers [2023-01-20, 2024-04-01) and from 2024-07-01
    G  魏家桥村 640106002201  村邮站+快递超市  opened 2023-11-05, also serves 砖渠村 640106002202:
                                               both covered from 2023-11-05
    H  平伏桥村 640106001200  快递超市         opened 2023-02-01             never (not combined)
    I  中强巷社区 640106001002 综合服务站      opened 2023-01-01             never counts (a 居委会, not a 建制村)
    J  新丰村   640106101203  村邮站+快递超市  opened 2024-05-10 (recorded 2024-05-12)  from 2024-05-10
    K1 联丰村   640106101204  村邮站           opened 2023-01-01
    K2 联丰村   640106101204  快递超市         opened 2023-01-01
       merged K1 ← K2 on 2023-12-01, undone on 2024-02-01 → never covered
    L  双渠口村 640106002210  村邮站+快递超市  opened 2024-08-20 (recorded 2024-08-25)  from 2024-08-20

Covered 建制村 by township (满城北街 / 黄河东路 / 良田镇 / 丰登镇; the other 街道 have none) and county:

    2023-06-29   0 / 0 / 2 (A C)     / 1 (F)        = 3
    2023-06-30   0 / 0 / 3 (A B C)   / 1            = 4
    2023-12-31   0 / 2 (G×2) / 3     / 2 (E F)      = 7
    2024-01-10   0 / 2 / 4 (+D)      / 2            = 8   (1 of them 日期缺失: D)
    2024-03-31   0 / 2 / 4           / 2 (F served on its closing day) = 8
    2024-04-01   0 / 2 / 4           / 1 (E)        = 7
    2024-06-30   0 / 2 / 4           / 2 (E J)      = 8
    2024-07-01   0 / 2 / 4           / 3 (E F J)    = 9
    2024-09-15   0 / 3 (+L) / 4      / 3            = 10
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from villagepost.core.pacing import Measure
from villagepost.services import station_ops as ops
from villagepost.services.registry import Registry
from villagepost.services.station_ops import StationDraft
from villagepost.services.targets import TargetRow, set_target

D = dt.date
COUNTY = "640106"
MANCHENG, HUANGHE, LIANGTIAN, FENGDENG = "640106001", "640106002", "640106100", "640106101"
EMPTY_SUBDISTRICTS = ("640106003", "640106004", "640106005", "640106006")
TOWNSHIPS = (MANCHENG, HUANGHE, *EMPTY_SUBDISTRICTS, LIANGTIAN, FENGDENG)
TOTALS = {MANCHENG: 1, HUANGHE: 4, LIANGTIAN: 8, FENGDENG: 7, **dict.fromkeys(EMPTY_SUBDISTRICTS, 0)}
RECORDED = D(2024, 1, 10)
TODAY = D(2024, 9, 15)

#: date -> covered 建制村 of (满城北街, 黄河东路, 良田镇, 丰登镇), as in the module docstring
COVERED: dict[dt.date, tuple[int, int, int, int]] = {
    D(2023, 6, 29): (0, 0, 2, 1),
    D(2023, 6, 30): (0, 0, 3, 1),
    D(2023, 12, 31): (0, 2, 3, 2),
    D(2024, 1, 10): (0, 2, 4, 2),
    D(2024, 3, 31): (0, 2, 4, 2),
    D(2024, 4, 1): (0, 2, 4, 1),
    D(2024, 6, 30): (0, 2, 4, 2),
    D(2024, 7, 1): (0, 2, 4, 3),
    TODAY: (0, 3, 4, 3),
}


@dataclass(frozen=True)
class Jinfeng:
    """The station codes of the worked example."""

    codes: dict[str, str]
    undone_merger: int


def _add(reg: Registry, village: str, name: str, stype: str, opened: str | None, *, today: dt.date = RECORDED,
         served: list[str] | None = None) -> str:
    return ops.add_station(reg, StationDraft(village, name, station_type=stype, opened=opened, served=served),
                           today=today)


def build(reg: Registry) -> Jinfeng:
    """Record the stations and events of the module docstring into `reg` (640106 loaded)."""
    c: dict[str, str] = {}
    c["A"] = _add(reg, "640106100200", "园子村综合服务站", "村邮站+快递超市", "2023-03-15")
    c["B"] = _add(reg, "640106100201", "金星村服务站", "综合服务站", "2023-06")
    c["C"] = _add(reg, "640106100202", "兴源村服务站", "综合服务站", "2022")
    c["D"] = _add(reg, "640106100203", "光明村服务站", "村邮站+快递超市", None)
    c["E1"] = _add(reg, "640106101201", "西新村村邮站", "村邮站", "2022-05-01")
    c["E2"] = _add(reg, "640106101201", "西新村快递超市", "快递超市", "2022-08-01")
    ops.merge_stations(reg, c["E1"], [c["E2"]], "2023-09-15", today=RECORDED)
    c["F"] = _add(reg, "640106101202", "新联村服务站", "综合服务站", "2023-01-20")
    ops.close_station(reg, c["F"], "2024-03-31", today=D(2024, 4, 2))
    ops.reopen_station(reg, c["F"], "2024-07-01", today=D(2024, 7, 5))
    c["G"] = _add(reg, "640106002201", "魏家桥村服务站", "村邮站+快递超市", "2023-11-05", served=["640106002202"])
    c["H"] = _add(reg, "640106001200", "平伏桥村快递超市", "快递超市", "2023-02-01")
    c["I"] = _add(reg, "640106001002", "中强巷社区服务站", "综合服务站", "2023-01-01")
    c["J"] = _add(reg, "640106101203", "新丰村服务站", "村邮站+快递超市", "2024-05-10", today=D(2024, 5, 12))
    c["K1"] = _add(reg, "640106101204", "联丰村村邮站", "村邮站", "2023-01-01")
    c["K2"] = _add(reg, "640106101204", "联丰村快递超市", "快递超市", "2023-01-01")
    merger = ops.merge_stations(reg, c["K1"], [c["K2"]], "2023-12-01", today=RECORDED)
    ops.undo_event(reg, merger, today=D(2024, 2, 1))
    c["L"] = _add(reg, "640106002210", "双渠口村服务站", "村邮站+快递超市", "2024-08-20", today=D(2024, 8, 25))
    return Jinfeng(c, merger)


#: the day the worked example's targets were set (the start of each township's lag line)
SET_ON = D(2024, 1, 15)


def set_targets(reg: Registry) -> list[TargetRow]:
    """The worked example's four targets of the county: 85% by 2024-12-31, 100% by 2025-12-31, 50% by
    2024-06-30 (past on TODAY), and 5 综合服务站 by 2025-06-30."""
    return [
        set_target(reg, COUNTY, Measure.COVERAGE_RATE, 0.85, D(2024, 12, 31), today=SET_ON),
        set_target(reg, COUNTY, Measure.COVERAGE_RATE, 1.0, D(2025, 12, 31), today=SET_ON),
        set_target(reg, COUNTY, Measure.COVERAGE_RATE, 0.5, D(2024, 6, 30), today=SET_ON),
        set_target(reg, COUNTY, Measure.STATION_COUNT, 5, D(2025, 6, 30), station_type="综合服务站", today=SET_ON),
    ]
