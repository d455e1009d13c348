"""`villagepost audit [--scope CODE] [--user NAME] [--since DATE] [--record STATION] [--json] [--xlsx OUT]`."""

from __future__ import annotations

import argparse
from pathlib import Path

from villagepost.commands.context import Context


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser], common: argparse.ArgumentParser) -> None:
    p = sub.add_parser("audit", parents=[common],
                       help="修改记录：谁、何时、从哪里、改了什么 / who changed what, when, from where")
    p.add_argument("--scope", metavar="CODE", help="只看该区划内的修改 / only changes inside this division")
    p.add_argument("--user", dest="audit_user", metavar="NAME", help="只看该账号的修改 / only this account's changes")
    p.add_argument("--since", metavar="DATE", help="从该日期（本地时间）起 / from this date (local time)")
    p.add_argument("--record", metavar="STATION_CODE", help="只看该记录（站点编码等）/ only this record")
    p.add_argument("--xlsx", type=Path, metavar="OUT.xlsx", help="导出为 Excel 文件 / export to an xlsx file")
    p.set_defaults(handler=cmd_audit)


def cmd_audit(args: argparse.Namespace, ctx: Context) -> int:
    from villagepost.services import audit
    from villagepost.services import divisions as div_svc

    reg = ctx.registry()
    scope = None if args.scope is None else div_svc.parse_scope(args.scope)
    flt = audit.AuditFilter(scope=scope, user=args.audit_user, since=audit.parse_since(args.since),
                            record=args.record.strip() if args.record else None)
    if args.xlsx is not None:
        path, count = audit.export_xlsx(reg, flt, args.xlsx)
        if ctx.as_json:
            ctx.emit_json({"status": "ok", "path": str(path), "count": count})
        else:
            ctx.out(ctx.t("audit.exported", count=count, path=str(path)))
        return 0
    rows = audit.entries(reg, flt)
    if ctx.as_json:
        ctx.emit_json({"entries": [r.to_json() for r in rows]})
        return 0
    for r in rows:
        ctx.out(f"{r.at.replace('T', ' ')}  {r.user}  {r.source}  {r.table} {r.record}  {r.field}: "
                f"{r.old if r.old is not None else '—'} → {r.new if r.new is not None else '—'}")
    ctx.out(ctx.pick(f"共 {len(rows)} 条修改记录", f"{len(rows)} changes"))
    return 0
