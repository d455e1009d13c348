"""`villagepost user add|list|passwd|disable|enable|role`: accounts, their roles and scopes (no hard delete)."""

from __future__ import annotations

import argparse

from villagepost.commands.context import ENV_NEW_PASSWORD, Context, password_from_env_or_prompt
from villagepost.core.actor import ROLE_ZH


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser], common: argparse.ArgumentParser) -> None:
    p = sub.add_parser("user", help="账号与角色 / accounts and roles")
    usub = p.add_subparsers(dest="action", required=True, metavar="ACTION")
    roles = "admin|county|township|supervisor"

    add = usub.add_parser("add", parents=[common],
                          help="新建账号（新密码取自 VILLAGEPOST_NEW_PASSWORD 或提示输入）/ create an account")
    add.add_argument("name", metavar="NAME")
    add.add_argument("--role", required=True, metavar=roles,
                     help="admin 管理员、county 县级管理员、township 乡镇人员、supervisor 督查 / role")
    add.add_argument("--scope", nargs="+", default=[], metavar="CODE",
                     help="范围：区划代码（县级管理员用县代码，乡镇人员用乡镇代码）/ division codes")
    add.set_defaults(handler=cmd_add)

    ls = usub.add_parser("list", parents=[common], help="列出账号 / list accounts")
    ls.set_defaults(handler=cmd_list)

    pw = usub.add_parser("passwd", parents=[common], help="修改密码 / change a password")
    pw.add_argument("name", metavar="NAME")
    pw.set_defaults(handler=cmd_passwd)

    for name, zh, en, flag in (("disable", "停用账号（历史保留）", "disable an account (its history stays)", True),
                               ("enable", "重新启用账号", "enable an account again", False)):
        q = usub.add_parser(name, parents=[common], help=f"{zh} / {en}")
        q.add_argument("name", metavar="NAME")
        q.set_defaults(handler=cmd_disable, disabled=flag)

    role = usub.add_parser("role", parents=[common], help="修改角色与范围 / change role and scopes")
    role.add_argument("name", metavar="NAME")
    role.add_argument("--role", dest="new_role", required=True, metavar=roles)
    role.add_argument("--scope", nargs="+", default=None, metavar="CODE")
    role.set_defaults(handler=cmd_role)


def cmd_add(args: argparse.Namespace, ctx: Context) -> int:
    from villagepost.services import accounts

    reg = ctx.registry()
    role = accounts.parse_role(args.role)  # refused before the password prompt
    password = password_from_env_or_prompt(args.name, ctx.lang, env=ENV_NEW_PASSWORD, new=True)
    row = accounts.add_account(reg, args.name, role, args.scope, password)
    if ctx.as_json:
        ctx.emit_json({"status": "ok", "account": row.to_json()})
    else:
        ctx.out(ctx.pick(f"已新建账号 {row.name}（{ROLE_ZH[row.role]}，范围：{'、'.join(row.scopes) or '全部'}）",
                         f"account {row.name} created ({row.role.value}, scopes: {', '.join(row.scopes) or 'all'})"))
    return 0


def cmd_list(args: argparse.Namespace, ctx: Context) -> int:
    from villagepost.services import accounts

    rows = accounts.list_accounts(ctx.registry())
    if ctx.as_json:
        ctx.emit_json({"count": len(rows), "accounts": [r.to_json() for r in rows]})
        return 0
    for r in rows:
        state = ctx.pick("已停用", "disabled") if r.disabled else ""
        role = r.role.value if ctx.lang == "en" else ROLE_ZH[r.role]
        ctx.out(f"{r.name}  {role}  {'、'.join(r.scopes) or ctx.pick('全部', 'all')}  {state}".rstrip())
    ctx.out(ctx.pick(f"共 {len(rows)} 个账号", f"{len(rows)} accounts"))
    return 0


def cmd_passwd(args: argparse.Namespace, ctx: Context) -> int:
    from villagepost.services import accounts

    reg = ctx.registry()
    password = password_from_env_or_prompt(args.name, ctx.lang, env=ENV_NEW_PASSWORD, new=True)
    accounts.set_password(reg, args.name, password)
    return _ok(ctx, ctx.pick(f"已修改 {args.name} 的密码", f"password of {args.name} changed"))


def cmd_disable(args: argparse.Namespace, ctx: Context) -> int:
    from villagepost.services import accounts

    changed = accounts.set_disabled(ctx.registry(), args.name, args.disabled)
    if args.disabled:
        text = ctx.pick(f"已停用账号 {args.name}", f"account {args.name} disabled")
    else:
        text = ctx.pick(f"已启用账号 {args.name}", f"account {args.name} enabled")
    if not changed:
        text = ctx.pick(f"账号 {args.name} 无变化", f"account {args.name} unchanged")
    return _ok(ctx, text)


def cmd_role(args: argparse.Namespace, ctx: Context) -> int:
    from villagepost.services import accounts

    row = accounts.set_role(ctx.registry(), args.name, args.new_role, args.scope)
    if ctx.as_json:
        ctx.emit_json({"status": "ok", "account": row.to_json()})
        return 0
    ctx.out(ctx.pick(f"账号 {row.name}：{ROLE_ZH[row.role]}，范围：{'、'.join(row.scopes) or '全部'}",
                     f"account {row.name}: {row.role.value}, scopes: {', '.join(row.scopes) or 'all'}"))
    return 0


def _ok(ctx: Context, text: str) -> int:
    if ctx.as_json:
        ctx.emit_json({"status": "ok", "message": text})
    else:
        ctx.out(text)
    return 0
