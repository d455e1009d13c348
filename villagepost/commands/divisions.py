"""`villagepost divisions load|show|find|children|build-index`."""

from __future__ import annotations

import argparse
from dataclasses import asdict
from typing import TYPE_CHECKING

from villagepost.core.divisions import Level
from villagepost.storage.division_source import DEFAULT_EDITION, build_pinyin_index, edition_dir

if TYPE_CHECKING:
    from villagepost.commands.context import Context
    from villagepost.core.division_info import UnitInfo


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser], common: argparse.ArgumentParser) -> None:
    p = sub.add_parser("divisions", help="官方区划代码：载入、查看、查找 / official division codes")
    dsub = p.add_subparsers(dest="action", required=True, metavar="ACTION")

    ld = dsub.add_parser("load", parents=[common], help="载入区划代码（全国或指定范围）/ load the codes")
    ld.add_argument("--scope", action="append", default=[], metavar="CODE",
                    help="省/市/县/乡镇代码，可重复；不写则载入全国 / code prefix, repeatable; default: whole country")
    ld.add_argument("--edition", type=int, default=DEFAULT_EDITION, help="区划代码年版 / edition (default 2023)")
    ld.set_defaults(handler=cmd_load, creates_registry=True)

    sh = dsub.add_parser("show", parents=[common], help="查看一个区划单位 / show one unit")
    sh.add_argument("code")
    sh.set_defaults(handler=cmd_show)

    fd = dsub.add_parser("find", parents=[common], help="按名称或拼音首字母查找 / find by name or pinyin initials")
    fd.add_argument("text")
    fd.add_argument("--limit", type=int, default=20)
    fd.add_argument("--level", type=Level.parse, default=None,
                    help="province|city|county|township|village 或 省/市/县/乡镇/村")
    fd.set_defaults(handler=cmd_find)

    ch = dsub.add_parser("children", parents=[common], help="列出下级单位 / list the units below")
    ch.add_argument("code", nargs="?", default=None)
    ch.set_defaults(handler=cmd_children)

    bi = dsub.add_parser("build-index", parents=[common],
                         help="为新版区划代码生成拼音索引（开发用）/ build the pinyin index of an edition")
    bi.add_argument("--edition", type=int, default=DEFAULT_EDITION)
    bi.set_defaults(handler=cmd_build_index)


def cmd_load(args: argparse.Namespace, ctx: Context) -> int:
    from villagepost.services import divisions as svc

    reg = ctx.registry()
    printer = ctx.progress("div.loading")
    result = svc.load(reg, args.scope, edition=args.edition, progress=printer)
    printer.finish()
    doc = asdict(result)
    if ctx.as_json:
        ctx.emit_json({"status": "ok", **doc})
    else:
        ctx.out(ctx.t("div.loaded", edition=result.edition, inserted=result.inserted, updated=result.updated,
                      unchanged=result.unchanged, retired=result.retired))
    return 0


def _unit_info(args: argparse.Namespace, ctx: Context) -> UnitInfo:
    """Read with plain sqlite3 when that gives the full open's answer (start-up without SQLAlchemy), else in full."""
    if ctx.user is None:
        from villagepost.services import division_peek

        info = division_peek.show(ctx.db, args.code)
        if info is not None:
            return info
    from villagepost.services import divisions as svc

    return svc.show(ctx.registry(), args.code)


def cmd_show(args: argparse.Namespace, ctx: Context) -> int:
    info = _unit_info(args, ctx)
    if ctx.as_json:
        ctx.emit_json(info.to_json())
        return 0
    ctx.out(f"{info.name}  {info.code}  ({info.level_zh if ctx.lang != 'en' else info.level})")
    ctx.out(info.path_text)
    if info.retired:
        ctx.out(ctx.pick("（已撤销）", "(retired)"))
    names = {"city": ("市", "cities"), "county": ("县", "counties"), "township": ("乡镇", "townships"),
             "village": ("村级单位", "village-level units")}
    for level, n in info.counts.items():
        zh, en = names[level]
        ctx.out(f"  {ctx.pick(zh, en)}: {n:,}")
    for vc, n in info.village_classes.items():
        ctx.out(f"  {vc}: {n:,}")
    return 0


def cmd_find(args: argparse.Namespace, ctx: Context) -> int:
    from villagepost.services import divisions as svc

    hits = svc.find(ctx.registry(), args.text, limit=args.limit, level=args.level)
    if ctx.as_json:
        ctx.emit_json({"query": args.text, "results": [asdict(h) for h in hits]})
        return 0
    for h in hits:
        ctx.out(f"{h.code:<12}  {h.name}  [{h.path_text}]")
    if not hits:
        ctx.out(ctx.pick("没有找到", "nothing found"))
    return 0


def cmd_children(args: argparse.Namespace, ctx: Context) -> int:
    from villagepost.services import divisions as svc

    code = svc.parse_scope(args.code) if args.code else None
    nodes = svc.children(ctx.registry(), code)
    if ctx.as_json:
        ctx.emit_json({"parent": code, "children": [asdict(n) for n in nodes]})
        return 0
    for n in nodes:
        ctx.out(f"{n.code:<12}  {n.name}")
    return 0


def cmd_build_index(args: argparse.Namespace, ctx: Context) -> int:
    out = build_pinyin_index(edition_dir(args.edition))
    if ctx.as_json:
        ctx.emit_json({"status": "ok", "path": str(out)})
    else:
        ctx.out(str(out))
    return 0
