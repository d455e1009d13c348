"""`villagepost station list`: the stored stations of a scope."""

from __future__ import annotations

import argparse
from dataclasses import asdict

from villagepost.commands.context import Context
from villagepost.services import divisions as div_svc
from villagepost.services import stations as svc


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser], common: argparse.ArgumentParser) -> None:
    p = sub.add_parser("station", help="站点 / stations")
    ssub = p.add_subparsers(dest="action", required=True, metavar="ACTION")
    ls = ssub.add_parser("list", parents=[common], help="列出范围内的站点 / list the stations of a scope")
    ls.add_argument("--scope", required=True, metavar="CODE", help="省/市/县/乡镇/村代码 / division code")
    ls.set_defaults(handler=cmd_list)


def cmd_list(args: argparse.Namespace, ctx: Context) -> int:
    reg = ctx.registry()
    scope = div_svc.parse_scope(args.scope)
    div_svc.show(reg, scope)  # refuses an unknown scope with a clear message
    rows = svc.list_stations(reg, scope)
    if ctx.as_json:
        ctx.emit_json({"scope": scope, "count": len(rows), "stations": [asdict(r) for r in rows]})
        return 0
    for r in rows:
        ctx.out(f"{r.code}  {r.name}  {r.type or ''}  {r.opened or ctx.pick('日期缺失', 'no date')}  "
                f"{r.contact or ''} {r.phone or ''}")
    ctx.out(ctx.pick(f"共 {len(rows)} 个站点", f"{len(rows)} stations"))
    return 0
