"""`villagepost export registry|template`: roster workbooks out of the registry."""

from __future__ import annotations

import argparse
from pathlib import Path

from villagepost.commands.context import Context
from villagepost.services import exports as svc


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser], common: argparse.ArgumentParser) -> None:
    p = sub.add_parser("export", help="导出 Excel 名录或填报模板 / export Excel rosters and templates")
    esub = p.add_subparsers(dest="action", required=True, metavar="ACTION")

    rg = esub.add_parser("registry", parents=[common],
                         help="导出登记册：每个站点一行，无站点的村委会一行 / the registry as a roster")
    rg.add_argument("out", type=Path, metavar="OUT.xlsx")
    rg.add_argument("--scope", required=True, metavar="CODE",
                    help="省/市/县/乡镇/村代码 / division code of the scope")
    rg.set_defaults(handler=cmd_registry)

    tp = esub.add_parser("template", parents=[common],
                         help="生成乡镇填报模板（带下拉列表和填表说明）/ a township's fill-in template")
    tp.add_argument("out", type=Path, metavar="OUT.xlsx")
    tp.add_argument("--scope", required=True, metavar="TOWNSHIP",
                    help="9位乡镇（街道）代码 / 9-digit township code")
    tp.set_defaults(handler=cmd_template)


def cmd_registry(args: argparse.Namespace, ctx: Context) -> int:
    reg = ctx.registry()
    printer = ctx.progress("export.writing")
    result = svc.export_registry(reg, args.out, args.scope, progress=printer)
    printer.finish()
    if ctx.as_json:
        ctx.emit_json(result.to_json())
    else:
        ctx.out(ctx.t("export.registry_done", rows=f"{result.rows:,}", stations=f"{result.stations:,}",
                      villages=f"{result.villages:,}", path=result.path))
    return 0


def cmd_template(args: argparse.Namespace, ctx: Context) -> int:
    result = svc.export_template(ctx.registry(), args.out, args.scope)
    if ctx.as_json:
        ctx.emit_json(result.to_json())
    else:
        ctx.out(ctx.t("export.template_done", rows=result.rows, stations=result.stations,
                      villages=result.villages, path=result.path))
    return 0
