"""`villagepost print checklist|summary`: station checklists and inspection records as PDFs; coverage summaries."""

from __future__ import annotations

import argparse
import datetime as dt
from pathlib import Path

from villagepost.commands.context import Context
from villagepost.core import clock, days
from villagepost.core.errors import KnownError
from villagepost.services import as_recorded
from villagepost.services import printing as svc


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser], common: argparse.ArgumentParser) -> None:
    p = sub.add_parser("print", help="打印检查表、检查记录和覆盖率汇总表 / print checklists and summaries")
    psub = p.add_subparsers(dest="action", required=True, metavar="ACTION")

    cl = psub.add_parser("checklist", parents=[common],
                         help="站点检查表 PDF（单个站点、整个范围、空白表或已登记的检查记录）"
                              " / station checklists as PDF")
    cl.add_argument("out", type=Path, nargs="?", metavar="OUT.pdf", help="输出的 PDF 文件 / the PDF to write")
    what = cl.add_mutually_exclusive_group()
    what.add_argument("--station", metavar="CODE", help="站点编码，如 640221100200-01 / a station code")
    what.add_argument("--scope", metavar="CODE",
                      help="省/市/县/乡镇/村代码：范围内全部运营站点，按乡镇、村排序 / all stations of a scope")
    what.add_argument("--inspection", metavar="ID", type=int,
                      help="打印已登记的检查记录（已填好的检查表）/ print a recorded inspection")
    cl.add_argument("--blank", action="store_true",
                    help="空白表（不填站点信息）；可与 --scope 县代码 一起用该县的检查表 / an empty form")
    cl.add_argument("--split", type=Path, metavar="DIR",
                    help="每个站点一个 PDF 文件，放在该目录中 / one PDF per station in DIR")
    cl.set_defaults(handler=cmd_checklist)

    sm = psub.add_parser("summary", parents=[common],
                         help="覆盖率汇总表：OUT.pdf 打印用，OUT.xlsx 同样的表格供 Excel 使用 / coverage summary")
    sm.add_argument("out", type=Path, metavar="OUT.pdf|OUT.xlsx")
    sm.add_argument("--scope", required=True, metavar="CODE", help="省/市/县/乡镇代码 / division code")
    sm.add_argument("--on", metavar="DATE", help="统计日期，默认今天 / the date, default today")
    sm.add_argument("--level", metavar="LEVEL",
                    help="表中列出的下级：city|county|township|village，默认下一级 / the units listed")
    sm.add_argument("--unit", metavar="TEXT", help="制表单位，默认“某某交通运输局” / the issuing office")
    sm.add_argument("--as-recorded-on", metavar="DATE|DATETIME",
                    help="按某一时刻登记册中已记录的内容打印（重现当时打印的汇总表）/ "
                         "the summary as the registry said it at DATE (end of day) or DATETIME (local time)")
    sm.set_defaults(handler=cmd_summary)


def cmd_checklist(args: argparse.Namespace, ctx: Context) -> int:
    reg = ctx.registry()
    if args.inspection is not None:
        if args.out is None:
            raise KnownError("print.no_output")
        result = svc.print_inspection(reg, args.inspection, args.out)
        done = ctx.t("print.inspection_done", id=args.inspection, pages=result.pages, where=result.paths[0])
    else:
        if not (args.blank or args.station or args.scope):
            raise KnownError("print.need_target")
        printer = ctx.progress("print.printing")
        result = svc.print_checklists(reg, args.out, station=args.station, scope=args.scope, blank=args.blank,
                                      split_dir=args.split, progress=printer)
        printer.finish()
        where = str(args.split) if args.split is not None else result.paths[0]
        done = ctx.t("print.checklists_done", sheets=result.sheets, pages=result.pages, where=where)
    if result.missing:
        ctx.note(ctx.t("print.missing_chars", chars="、".join(f"{c}（U+{ord(c):04X}）" for c in result.missing)))
    if ctx.as_json:
        ctx.emit_json(result.to_json())
    else:
        ctx.out(done)
    return 0


def _date(text: str | None) -> dt.date | None:
    if text is None:
        return None
    return days.parse_day(text)  # 2025-06-30, 2025/6/30, 20250630, 2025年6月30日 …


def cmd_summary(args: argparse.Namespace, ctx: Context) -> int:
    from villagepost.core.divisions import Level

    level = None
    if args.level:
        try:
            level = Level.parse(args.level)
        except ValueError:
            raise KnownError("print.bad_level", value=args.level) from None
    on = _date(args.on)
    instant = None if args.as_recorded_on is None else as_recorded.parse_instant(args.as_recorded_on)
    if instant is not None and on is None:
        on = as_recorded.local_day(instant)
    result = svc.print_summary(ctx.registry(), args.scope, args.out, on=on, level=level, unit=args.unit,
                               as_recorded_on=instant)
    if ctx.as_json:
        ctx.emit_json(result.to_json())
    else:
        ctx.out(ctx.t("print.summary_done", scope=args.scope, on=(on or clock.today()).isoformat(),
                      where=result.paths[0]))
    return 0
