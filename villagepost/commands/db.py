"""`villagepost db init|info|check|backup`: set up a registry; where it is, which schema, how big; whether
it is whole; a verified copy."""

from __future__ import annotations

import argparse
from pathlib import Path

from villagepost.commands.context import Context
from villagepost.services import maintenance
from villagepost.storage.models import SETTING_EDITION
from villagepost.storage.schema import SCHEMA_HEAD


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser], common: argparse.ArgumentParser) -> None:
    p = sub.add_parser("db", help="数据库信息与备份 / database info and backup")
    dsub = p.add_subparsers(dest="action", required=True, metavar="ACTION")
    init = dsub.add_parser("init", parents=[common], help="在 --db 指定的位置新建登记册 / set up a new registry")
    init.set_defaults(handler=cmd_init, creates_registry=True)
    check = dsub.add_parser("check", parents=[common],
                            help="完整检查：完整性、外键、站点历史 / full check: integrity, keys, histories")
    check.set_defaults(handler=cmd_check)
    info = dsub.add_parser("info", parents=[common], help="数据库位置、版本、规模 / location, schema, size")
    info.set_defaults(handler=cmd_info)
    bk = dsub.add_parser("backup", parents=[common],
                         help="把 SQLite 数据库复制到一个新文件并校验 / a verified copy in a new file")
    bk.add_argument("out", type=Path)
    bk.set_defaults(handler=cmd_backup)
    up = dsub.add_parser("upgrade", parents=[common],
                         help="把数据库结构升级到本程序的版本（PostgreSQL：用所有者的地址）"
                         " / bring the schema to this program's version (PostgreSQL: with the owner's URL)")
    up.set_defaults(handler=cmd_upgrade)
    from villagepost.commands.coverage import cmd_setting

    st = dsub.add_parser("setting", parents=[common], help="登记册统计口径设置 / registry settings")
    st.add_argument("name", choices=["include-village-like"],
                    help="include-village-like：建制村总数是否计入类似村委会（500–599）/ count 500–599 as 建制村")
    st.add_argument("value", nargs="?", metavar="on|off", help="不写则显示当前值 / omit to show the current value")
    st.set_defaults(handler=cmd_setting)


def cmd_init(args: argparse.Namespace, ctx: Context) -> int:
    from villagepost.storage import location as loc

    where = loc.resolve(ctx.db)
    existed = where.path is None or (where.path.exists() and where.path.stat().st_size > 0)
    reg = ctx.registry()
    key = "db.init_exists" if existed and reg.schema.action != "created" else "db.init_done"
    if ctx.as_json:
        ctx.emit_json({"status": "ok", "database": reg.label, "created": key == "db.init_done",
                       "schema": SCHEMA_HEAD})
    else:
        ctx.out(ctx.t(key, db=reg.label))
    return 0


def cmd_check(args: argparse.Namespace, ctx: Context) -> int:
    problems = maintenance.check(ctx.db)
    doc = {"status": "ok" if not problems else "damaged", "problems": [p.to_json() for p in problems]}
    if ctx.as_json:
        ctx.emit_json(doc)
    elif not problems:
        ctx.out(ctx.t("db.check_ok"))
    else:
        ctx.out(ctx.t("db.check_failed", n=len(problems)))
        for p in problems:
            ctx.out(f"  [{p.kind}] {p.detail}")
    return 0 if not problems else 2


def cmd_info(args: argparse.Namespace, ctx: Context) -> int:
    from villagepost.services import divisions as div_svc
    from villagepost.services.stations import count_stations

    reg = ctx.registry()
    doc = {
        "database": reg.label,
        "backend": reg.location.url.get_backend_name(),
        "schema": SCHEMA_HEAD,
        "edition": reg.setting(SETTING_EDITION),
        "units": 0 if div_svc.is_empty(reg) else div_svc.unit_count(reg),
        "stations": count_stations(reg),
        "size_bytes": reg.location.path.stat().st_size if reg.location.path and reg.location.path.exists() else None,
    }
    if ctx.as_json:
        ctx.emit_json(doc)
    else:
        for k, v in doc.items():
            ctx.out(f"{k}: {v}")
    return 0


def cmd_backup(args: argparse.Namespace, ctx: Context) -> int:
    out = maintenance.backup(ctx.registry(), args.out)
    if ctx.as_json:
        ctx.emit_json({"status": "ok", "path": str(out)})
    else:
        ctx.out(ctx.t("db.backup_done", path=str(out)))
    return 0


def cmd_upgrade(args: argparse.Namespace, ctx: Context) -> int:
    """Migrate without logging in: schema changes are the owner's (PostgreSQL) and change no records."""
    from villagepost.storage import location as loc
    from villagepost.storage.engine import make_engine
    from villagepost.storage.errors import translated
    from villagepost.storage.schema import ensure_schema

    where = loc.resolve(ctx.db)
    engine = make_engine(where)
    try:
        with translated(where.label):
            report = ensure_schema(engine, where)
    finally:
        engine.dispose()
    doc = {"status": "ok", "action": report.action, "from": report.from_revision, "to": report.to_revision,
           "backup": None if report.backup is None else str(report.backup)}
    if ctx.as_json:
        ctx.emit_json(doc)
    else:
        ctx.out(ctx.pick(f"数据库结构：{report.from_revision or '-'} → {report.to_revision}（{report.action}）",
                         f"schema: {report.from_revision or '-'} -> {report.to_revision} ({report.action})"))
        if report.backup is not None:
            ctx.out(ctx.t("db.backup_made", path=str(report.backup)))
    return 0
