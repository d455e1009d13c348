"""`villagepost backup create|list|verify|restore`: the registry's own verified backups.

These work on the registry file, not through an opened registry: restoring is what a damaged registry
needs, and it cannot be opened.
"""

from __future__ import annotations

import argparse

from villagepost.commands.context import Context
from villagepost.services import backups


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser], common: argparse.ArgumentParser) -> None:
    p = sub.add_parser("backup", help="自动备份：创建、列出、校验、恢复 / backups: create, list, verify, restore")
    bsub = p.add_subparsers(dest="action", required=True, metavar="ACTION")
    cr = bsub.add_parser("create", parents=[common], help="立即备份并校验 / back up now, verified")
    cr.set_defaults(handler=cmd_create)
    ls = bsub.add_parser("list", parents=[common], help="列出备份 / list the backups")
    ls.set_defaults(handler=cmd_list)
    vf = bsub.add_parser("verify", parents=[common], help="重新校验一个备份 / re-check one backup")
    vf.add_argument("id")
    vf.set_defaults(handler=cmd_verify)
    rs = bsub.add_parser("restore", parents=[common],
                         help="用一个备份恢复登记册（先备份当前状态）/ restore a backup (the current state is kept)")
    rs.add_argument("id")
    rs.set_defaults(handler=cmd_restore)


def cmd_create(args: argparse.Namespace, ctx: Context) -> int:
    entry = backups.create(ctx.db)
    if ctx.as_json:
        ctx.emit_json({"status": "ok", "backup": entry.to_json()})
    else:
        ctx.out(ctx.t("backup.made", path=str(entry.file)))
    return 0


def cmd_list(args: argparse.Namespace, ctx: Context) -> int:
    folder, entries = backups.listing(ctx.db)
    if ctx.as_json:
        ctx.emit_json({"backups": [e.to_json() for e in entries]})
        return 0
    if not entries:
        ctx.out(ctx.t("backup.none", folder=str(folder)))
        return 0
    ctx.out(str(folder))
    for e in entries:
        mark = "✓" if e.verified else "✗"
        ctx.out(f"{mark} {e.id}  {e.created}  {e.reason}  {e.bytes:,} B")
    return 0


def cmd_verify(args: argparse.Namespace, ctx: Context) -> int:
    problems = backups.verify(ctx.db, args.id)
    if ctx.as_json:
        ctx.emit_json({"status": "ok" if not problems else "damaged", "id": args.id, "problems": problems})
    elif problems:
        ctx.out(ctx.t("backup.verified_bad", id=args.id, reason="; ".join(problems[:3])))
    else:
        ctx.out(ctx.t("backup.verified_ok", id=args.id))
    return 0 if not problems else 2


def cmd_restore(args: argparse.Namespace, ctx: Context) -> int:
    result = backups.restore(ctx.db, args.id)
    if ctx.as_json:
        ctx.emit_json({"status": "ok", "restored": result.restored.to_json(),
                       "before": None if result.before is None else result.before.to_json()})
    else:
        ctx.out(ctx.t("backup.restored", id=result.restored.id, created=result.restored.created,
                      before="-" if result.before is None else result.before.id))
    return 0
