"""`villagepost demo build|remove|path`: the example data (a demo registry of 平罗县) to look around in.

`demo build` makes 演示数据-平罗县.sqlite in the per-user data folder (or `--path`), then
`villagepost --db <that file> …` or the window (文件 → 打开数据库) explores it; `demo remove` deletes it.
The clerk's own registry is never touched.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from villagepost.commands.context import Context


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser], common: argparse.ArgumentParser) -> None:
    p = sub.add_parser("demo", help="示例数据（演示用的平罗县登记册）/ the example data (a demo registry)")
    dsub = p.add_subparsers(dest="action", required=True, metavar="ACTION")
    build = dsub.add_parser("build", parents=[common], help="建立（或重建）演示数据 / build the demo registry")
    build.add_argument("--path", type=Path, help="演示数据库位置（默认在用户数据目录）/ where to build it")
    build.set_defaults(handler=cmd_build)
    remove = dsub.add_parser("remove", parents=[common], help="删除演示数据 / delete the demo registry")
    remove.add_argument("--path", type=Path, help="演示数据库位置 / where it is")
    remove.set_defaults(handler=cmd_remove)
    where = dsub.add_parser("path", parents=[common], help="演示数据库的位置 / where the demo registry is")
    where.set_defaults(handler=cmd_path)


def cmd_build(args: argparse.Namespace, ctx: Context) -> int:
    from villagepost.services import demo
    from villagepost.services.registry import Registry
    from villagepost.services.stations import count_stations

    path = demo.build(args.path.expanduser().resolve() if args.path else None)
    with Registry.open(path) as reg:
        stations = count_stations(reg)
    if ctx.as_json:
        ctx.emit_json({"status": "ok", "path": str(path), "scope": demo.DEMO_SCOPE, "stations": stations})
    else:
        ctx.out(ctx.t("demo.built", name=demo.DEMO_NAME, stations=stations, path=str(path)))
    return 0


def cmd_remove(args: argparse.Namespace, ctx: Context) -> int:
    from villagepost.services import demo

    path = demo.remove(args.path.expanduser().resolve() if args.path else None)
    if ctx.as_json:
        ctx.emit_json({"status": "ok", "path": str(path)})
    else:
        ctx.out(ctx.t("demo.removed", path=str(path)))
    return 0


def cmd_path(args: argparse.Namespace, ctx: Context) -> int:
    from villagepost.services import demo

    path = demo.demo_path()
    if ctx.as_json:
        ctx.emit_json({"path": str(path), "exists": path.exists()})
    else:
        ctx.out(str(path))
    return 0
