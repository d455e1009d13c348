"""`villagepost checklist …` (templates) and `villagepost inspection …` (recording and reviewing inspections)."""

from __future__ import annotations

import argparse
from pathlib import Path

from villagepost.commands.context import Context
from villagepost.core.checklists import Checklist
from villagepost.services import checklists as cl_svc
from villagepost.services import inspections as svc
from villagepost.services.divisions import parse_scope

SCOPE_HELP = "县代码（也可为市、省代码）/ county code (or city, province)"


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser], common: argparse.ArgumentParser) -> None:
    p = sub.add_parser("checklist", help="站点检查表模板 / checklist templates")
    csub = p.add_subparsers(dest="action", required=True, metavar="ACTION")
    show = csub.add_parser("show", parents=[common], help="显示适用的检查表 / show the checklist that applies")
    show.add_argument("--scope", metavar="CODE", help="区划代码；不给则显示默认检查表 / division code")
    show.set_defaults(handler=cmd_show)
    ex = csub.add_parser("export", parents=[common], help="导出检查表到 Excel 以便修改 / export for editing")
    ex.add_argument("out", type=Path, metavar="TEMPLATE.xlsx")
    ex.add_argument("--scope", metavar="CODE", help="区划代码；不给则导出默认检查表 / division code")
    ex.set_defaults(handler=cmd_export)
    im = csub.add_parser("import", parents=[common], help="导入修改后的检查表，作为本县检查表 / import an edited one")
    im.add_argument("file", type=Path, metavar="TEMPLATE.xlsx")
    im.add_argument("--scope", required=True, metavar="CODE", help=SCOPE_HELP)
    im.set_defaults(handler=cmd_import)
    rs = csub.add_parser("reset", parents=[common], help="删除本县自己的检查表，恢复上级或默认 / back to the default")
    rs.add_argument("--scope", required=True, metavar="CODE", help=SCOPE_HELP)
    rs.set_defaults(handler=cmd_reset)

    q = sub.add_parser("inspection", help="站点检查记录 / station inspections")
    isub = q.add_subparsers(dest="action", required=True, metavar="ACTION")
    form = isub.add_parser("form", parents=[common], help="生成站点检查填报表（Excel）/ a fill-in form for a station")
    form.add_argument("out", type=Path, metavar="FORM.xlsx")
    form.add_argument("--station", required=True, metavar="CODE", help="站点编码 / station code")
    form.set_defaults(handler=cmd_form)
    rec = isub.add_parser("record", parents=[common], help="登记填好的检查填报表 / record a filled form")
    rec.add_argument("--from", dest="source", required=True, type=Path, metavar="FILLED.xlsx")
    rec.set_defaults(handler=cmd_record)
    ls = isub.add_parser("list", parents=[common], help="范围内的检查记录，最新的在前 / inspections, newest first")
    ls.add_argument("--scope", required=True, metavar="CODE", help="区划代码 / division code")
    ls.add_argument("--station", metavar="CODE", help="只列该站点 / one station only")
    ls.set_defaults(handler=cmd_list)
    sh = isub.add_parser("show", parents=[common], help="一条检查记录的全部结果 / one inspection in full")
    sh.add_argument("id", type=int, metavar="ID")
    sh.set_defaults(handler=cmd_show_inspection)
    fl = isub.add_parser("failed", parents=[common],
                         help="各站点最近一次检查中不合格（否）的项目 / failed items of each station's last inspection")
    fl.add_argument("--scope", required=True, metavar="CODE", help="区划代码 / division code")
    fl.set_defaults(handler=cmd_failed)
    due = isub.add_parser("due", parents=[common], help="需要（复）检查的站点 / stations due for inspection")
    due.add_argument("--scope", required=True, metavar="CODE", help="区划代码 / division code")
    due.add_argument("--months", type=int, default=svc.DEFAULT_MONTHS,
                     help="检查周期（月），默认 12 / inspection interval in months")
    due.add_argument("--recheck-months", type=int, default=svc.DEFAULT_RECHECK_MONTHS,
                     help="有不合格项时的复查期限（月），默认 1 / re-inspection after a failure, months")
    due.set_defaults(handler=cmd_due)
    de = isub.add_parser("delete", parents=[common],
                         help="撤下录错的检查记录（记录保留）/ remove a mistaken record (kept on record)")
    de.add_argument("id", type=int, metavar="ID")
    de.set_defaults(handler=cmd_delete)


def _print_checklist(ctx: Context, checklist: Checklist, where: str) -> None:
    ctx.out(f"{checklist.title}（{where}，{len(checklist.items)} 项）" if ctx.lang != "en"
            else f"{checklist.title} ({where}, {len(checklist.items)} items)")
    for category, items in checklist.groups():
        ctx.out(f"【{category}】")
        for number, item in items:
            ctx.out(f"  {number:>3}. {item.text}")


def _whose(ctx: Context, checklist: Checklist) -> str:
    return checklist.scope or ctx.pick("默认", "default")


def cmd_show(args: argparse.Namespace, ctx: Context) -> int:
    reg = ctx.registry()
    code = ""
    if args.scope:
        code = parse_scope(args.scope)
        from villagepost.services.divisions import require_unit

        require_unit(reg, code)
    checklist = cl_svc.checklist_for(reg, code)
    if ctx.as_json:
        ctx.emit_json(checklist.to_json())
    else:
        _print_checklist(ctx, checklist, _whose(ctx, checklist))
    return 0


def cmd_export(args: argparse.Namespace, ctx: Context) -> int:
    result = cl_svc.export_checklist(ctx.registry(), args.out, args.scope)
    if ctx.as_json:
        ctx.emit_json(result.to_json())
    else:
        ctx.out(ctx.t("checklist.exported", title=result.checklist.title, count=len(result.checklist.items),
                      path=result.path))
    return 0


def cmd_import(args: argparse.Namespace, ctx: Context) -> int:
    result = cl_svc.import_checklist(ctx.registry(), args.file, args.scope)
    if ctx.as_json:
        ctx.emit_json(result.to_json())
    else:
        ctx.out(ctx.t("checklist.saved", scope=result.checklist.scope, title=result.checklist.title,
                      count=len(result.checklist.items)))
    return 0


def cmd_reset(args: argparse.Namespace, ctx: Context) -> int:
    reg = ctx.registry()
    code = parse_scope(args.scope)
    removed = cl_svc.reset_checklist(reg, code)
    now = cl_svc.checklist_for(reg, code)
    if ctx.as_json:
        ctx.emit_json({"status": "ok", "scope": code, "removed": removed, "now_uses": now.scope})
    elif removed:
        fallback = ctx.pick(f"{now.scope} 的检查表", f"the checklist of {now.scope}") if now.scope else \
            ctx.pick("默认检查表", "the default checklist")
        ctx.out(ctx.t("checklist.reset", scope=code, fallback=fallback))
    else:
        ctx.out(ctx.t("checklist.reset_none", scope=code))
    return 0


def cmd_form(args: argparse.Namespace, ctx: Context) -> int:
    result = svc.write_form(ctx.registry(), args.station, args.out)
    if ctx.as_json:
        ctx.emit_json(result)
    else:
        ctx.out(ctx.t("inspection.form_written", code=result["station_code"], count=result["items"],
                      path=result["path"]))
    return 0


def cmd_record(args: argparse.Namespace, ctx: Context) -> int:
    reg = ctx.registry()
    new_id = svc.record_from_workbook(reg, args.source)
    record = svc.get_inspection(reg, new_id)
    if ctx.as_json:
        ctx.emit_json({"status": "ok", **record.to_json()})
    else:
        from villagepost.core.checklists import Result

        ctx.out(ctx.t("inspection.recorded", id=record.id, code=record.station_code, name=record.station_name,
                      date=record.inspected_on.isoformat(), inspector=record.inspector,
                      passed=record.count(Result.PASS), failed=record.count(Result.FAIL),
                      na=record.count(Result.NA)))
    return 0


def cmd_list(args: argparse.Namespace, ctx: Context) -> int:
    rows = svc.list_inspections(ctx.registry(), args.scope, station=args.station)
    if ctx.as_json:
        ctx.emit_json({"scope": parse_scope(args.scope), "count": len(rows),
                       "inspections": [r.to_json() for r in rows]})
        return 0
    for r in rows:
        ok = ctx.pick("全部合格", "all passed") if r.failed == 0 else ctx.pick(f"不合格 {r.failed} 项",
                                                                          f"{r.failed} failed")
        ctx.out(f"{r.id:>6}  {r.inspected_on.isoformat()}  {r.station_code}  {r.station_name}  "
                f"{ctx.pick('检查人', 'inspector')} {r.inspector}  {ok}")
    ctx.out(ctx.pick(f"共 {len(rows)} 条检查记录", f"{len(rows)} inspections"))
    return 0


def cmd_show_inspection(args: argparse.Namespace, ctx: Context) -> int:
    record = svc.get_inspection(ctx.registry(), args.id)
    if ctx.as_json:
        ctx.emit_json(record.to_json())
        return 0
    ctx.out(f"{ctx.pick('检查记录', 'inspection')} {record.id}: {record.station_code} {record.station_name}  "
            f"{record.inspected_on.isoformat()}  {ctx.pick('检查人', 'inspector')} {record.inspector}")
    for item in record.items:
        remark = f"  {ctx.pick('备注', 'remark')}：{item.remark}" if item.remark else ""
        ctx.out(f"  {item.number:>3}. [{item.result.zh}] {item.text}{remark}")
    if record.remark:
        ctx.out(f"{ctx.pick('检查意见', 'opinion')}：{record.remark}")
    return 0


def cmd_failed(args: argparse.Namespace, ctx: Context) -> int:
    items = svc.failed_items(ctx.registry(), args.scope)
    if ctx.as_json:
        ctx.emit_json({"scope": parse_scope(args.scope), "count": len(items), "items": [i.to_json() for i in items]})
        return 0
    for i in items:
        remark = f"（{i.remark}）" if i.remark else ""
        ctx.out(f"{i.station_code}  {i.station_name}  {i.inspected_on.isoformat()}  {i.number}. {i.text}{remark}")
    stations = len({i.station_code for i in items})
    ctx.out(ctx.pick(f"{stations} 个站点共 {len(items)} 项不合格", f"{len(items)} failed items at {stations} stations"))
    return 0


REASONS = {"never": ("从未检查", "never inspected"), "interval": ("超过检查周期", "interval passed"),
           "failed": ("有不合格项待复查", "re-inspection after a failure")}


def cmd_due(args: argparse.Namespace, ctx: Context) -> int:
    rows = svc.due_inspections(ctx.registry(), args.scope, months=args.months, recheck_months=args.recheck_months)
    if ctx.as_json:
        ctx.emit_json({"scope": parse_scope(args.scope), "months": args.months, "count": len(rows),
                       "stations": [r.to_json() for r in rows]})
        return 0
    for r in rows:
        zh, en = REASONS[r.reason]
        last = r.last_on.isoformat() if r.last_on else "—"
        ctx.out(f"{r.station_code}  {r.station_name}  {ctx.pick('上次', 'last')} {last}  {ctx.pick(zh, en)}")
    ctx.out(ctx.pick(f"共 {len(rows)} 个站点需要检查", f"{len(rows)} stations due"))
    return 0


def cmd_delete(args: argparse.Namespace, ctx: Context) -> int:
    svc.delete_inspection(ctx.registry(), args.id)
    if ctx.as_json:
        ctx.emit_json({"status": "ok", "deleted": args.id})
    else:
        ctx.out(ctx.t("inspection.deleted", id=args.id))
    return 0
