"""`villagepost station add|edit|show|list|merge|suspend|close|reopen|undo`: stations and their history.

Thin over services.station_ops (the editor's path too): the same checks, the same Chinese messages, one
transaction per command. Dates may be partial (2024-03, 2024年3月) and never lie after today.
"""

from __future__ import annotations

import argparse
from dataclasses import asdict
from typing import Any

from villagepost.commands.context import Context
from villagepost.core.stations import STATUS_ZH, StationStatus
from villagepost.services import divisions as div_svc
from villagepost.services import station_checks as checks
from villagepost.services import station_ops as ops
from villagepost.services import stations as svc

#: options shared by add and edit: (option, field, help)
_FIELDS: tuple[tuple[str, str, str], ...] = (
    ("--name", "name", "站点名称 / name"),
    ("--type", "station_type", "站点类型：村邮站、快递超市、村邮站+快递超市、综合服务站… / type"),
    ("--coop", "coop", "合作模式：邮快、快快、快商、交快、快供、快电合作 / cooperation mode"),
    ("--operator", "operator", "运营主体 / operator"),
    ("--contact", "contact", "联系人 / contact person"),
    ("--phone", "phone", "联系电话 / phone"),
    ("--lon", "lon", "经度（十进制或度分秒）/ longitude"),
    ("--lat", "lat", "纬度 / latitude"),
    ("--opened", "opened", "开通日期，可只写年月：2024-03 / opening date, may be partial"),
    ("--services", "services", "服务项目，用顿号分隔：代收代投、揽收寄件… / services, separated by 、"),
    ("--brands", "brands", "合作快递品牌，用顿号分隔 / express brands"),
    ("--area", "floor_area", "面积（平方米）/ floor area in m²"),
    ("--serves", "served", "另外服务的村（区划代码，逗号分隔）/ further villages served (codes)"),
    ("--notes", "notes", "备注 / notes"),
)


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser], common: argparse.ArgumentParser) -> None:
    p = sub.add_parser("station", help="站点 / stations")
    ssub = p.add_subparsers(dest="action", required=True, metavar="ACTION")

    ls = ssub.add_parser("list", parents=[common], help="列出范围内的站点 / list the stations of a scope")
    ls.add_argument("--scope", required=True, metavar="CODE", help="省/市/县/乡镇/村代码 / division code")
    ls.add_argument("--date-missing", action="store_true",
                    help="只列出缺少开通日期的站点（日期缺失）/ only stations without an opening date")
    ls.set_defaults(handler=cmd_list)

    add = ssub.add_parser("add", parents=[common], help="新增站点 / add a station")
    add.add_argument("--village", required=True, metavar="CODE", help="所在村的12位区划代码 / village code")
    add.add_argument("--planned", action="store_true", help="筹建中，尚未开通 / planned, not yet open")
    for option, dest, text in _FIELDS:
        add.add_argument(option, dest=dest, metavar="VALUE", help=text, required=dest == "name")
    add.set_defaults(handler=cmd_add)

    edit = ssub.add_parser("edit", parents=[common],
                           help="修改站点（空值清除该项）/ change a station (an empty value clears the field)")
    edit.add_argument("code", metavar="STATION", help="站点编码 / station code")
    for option, dest, text in _FIELDS:
        edit.add_argument(option, dest=dest, metavar="VALUE", help=text)
    edit.add_argument("--on", metavar="DATE", help="类型变更的生效日期（默认今天）/ date a type change takes effect")
    edit.add_argument("--expect-version", type=int, metavar="N",
                      help="只在站点仍是第 N 版时保存（见 station show 的“版本”），否则拒绝并列出不同之处 / "
                           "save only if the station is still at version N, else refuse and show the differences")
    edit.set_defaults(handler=cmd_edit)

    show = ssub.add_parser("show", parents=[common], help="站点详情与历史 / a station and its history")
    show.add_argument("code", metavar="STATION")
    show.set_defaults(handler=cmd_show)

    merge = ssub.add_parser("merge", parents=[common],
                            help="合并为综合站点（村邮站+快递超市）/ merge into a combined station")
    merge.add_argument("successor", metavar="STATION", help="合并后保留的站点 / the station that carries on")
    merge.add_argument("predecessors", nargs="+", metavar="MERGED", help="并入的站点 / the stations merged into it")
    merge.add_argument("--on", required=True, metavar="DATE", help="合并日期 / date of the merger")
    merge.add_argument("--type", dest="new_type", metavar="TYPE",
                       help="合并后类型（默认 村邮站+快递超市）/ type after merging")
    merge.add_argument("--note", metavar="TEXT")
    merge.set_defaults(handler=cmd_merge)

    for name, zh, en in (("suspend", "暂停运营", "suspend"), ("close", "关闭站点", "close"),
                         ("reopen", "恢复运营", "reopen")):
        q = ssub.add_parser(name, parents=[common], help=f"{zh} / {en} a station")
        q.add_argument("code", metavar="STATION")
        q.add_argument("--on", required=True, metavar="DATE", help="日期 / date")
        q.add_argument("--note", metavar="TEXT")
        q.set_defaults(handler=cmd_dated, operation=name)

    undo = ssub.add_parser("undo", parents=[common],
                           help="撤销一条历史记录（记录保留）/ undo a history event (it stays in the history)")
    undo.add_argument("event", type=int, metavar="EVENT_ID")
    undo.add_argument("--note", metavar="TEXT")
    undo.set_defaults(handler=cmd_undo)


def cmd_list(args: argparse.Namespace, ctx: Context) -> int:
    reg = ctx.registry()
    scope = div_svc.parse_scope(args.scope)
    div_svc.show(reg, scope)  # refuses an unknown scope with a clear message
    rows = svc.list_stations(reg, scope)
    if args.date_missing:
        rows = [r for r in rows if r.date_missing]
    if ctx.as_json:
        ctx.emit_json({"scope": scope, "count": len(rows), "stations": [asdict(r) for r in rows]})
        return 0
    for r in rows:
        ctx.out(f"{r.code}  {r.name}  {r.type or ''}  {r.opened or ctx.pick('日期缺失', 'no date')}  "
                f"{r.contact or ''} {r.phone or ''}".rstrip())
    ctx.out(ctx.pick(f"共 {len(rows)} 个站点", f"{len(rows)} stations"))
    return 0


def _given(args: argparse.Namespace) -> dict[str, Any]:
    return {dest: getattr(args, dest) for _, dest, _ in _FIELDS if getattr(args, dest) is not None}


def cmd_add(args: argparse.Namespace, ctx: Context) -> int:
    reg = ctx.registry()
    values = _given(args)
    draft = ops.StationDraft(village_code=args.village, name=values.pop("name"), planned=args.planned, **values)
    code = ops.add_station(reg, draft)
    return _report(ctx, code, ctx.pick(f"已新增站点 {code}", f"station {code} added"))


def cmd_edit(args: argparse.Namespace, ctx: Context) -> int:
    reg = ctx.registry()
    changed = ops.edit_station(reg, args.code, _given(args), on=args.on, expect_version=args.expect_version)
    text = ctx.pick(f"已修改站点 {args.code}", f"station {args.code} changed") if changed else \
        ctx.pick(f"站点 {args.code} 没有变化", f"station {args.code} unchanged")
    return _report(ctx, args.code, text, changed=changed)


def _report(ctx: Context, code: str, text: str, **extra: Any) -> int:
    """What was saved, and the position warning when the station stands far from its county's others."""
    reg = ctx.registry()
    with reg.reading() as conn:
        warnings = checks.place_warnings(conn, code)
    if ctx.as_json:
        details = ops.station_details(reg, code)
        ctx.emit_json({"status": "ok", **extra, "station": details.to_json(),
                       "warnings": [w.to_json(ctx.lang) for w in warnings]})
    else:
        ctx.out(text)
        for warning in warnings:
            ctx.note(ctx.pick("注意：", "warning: ") + warning.message(ctx.lang))
    return 0


_KINDS_ZH = {"planned": "筹建", "opened": "开通", "merged": "合并", "type_changed": "类型变更", "suspended": "暂停",
             "reopened": "恢复运营", "closed": "关闭", "undone": "撤销"}


def cmd_show(args: argparse.Namespace, ctx: Context) -> int:
    d = ops.station_details(ctx.registry(), args.code)
    if ctx.as_json:
        ctx.emit_json(d.to_json())
        return 0
    status = STATUS_ZH.get(StationStatus(d.status), d.status) if ctx.lang != "en" else d.status
    missing = ctx.pick("日期缺失", "no date")
    lines = [
        (ctx.pick("站点", "station"), f"{d.name}（{d.code}）"),
        (ctx.pick("所在村", "village"), " / ".join(n for _, n in d.village_path)),
        (ctx.pick("类型", "type"), d.station_type or ""),
        (ctx.pick("状态", "status"), status + (f"（{d.status_since}）" if d.status_since else "")),
        (ctx.pick("开通日期", "opened"), d.opened or missing),
        (ctx.pick("合作模式", "cooperation"), d.coop or ""),
        (ctx.pick("运营主体", "operator"), d.operator or ""),
        (ctx.pick("联系人/电话", "contact/phone"), f"{d.contact or ''} {d.phone or ''}".strip()),
        (ctx.pick("坐标", "coordinates"), "" if d.lon is None or d.lat is None else f"{d.lon:.6f}, {d.lat:.6f}"),
        (ctx.pick("服务项目", "services"), "、".join(d.services)),
        (ctx.pick("快递品牌", "brands"), "、".join(d.brands)),
        (ctx.pick("面积", "floor area"), "" if d.floor_area is None else f"{d.floor_area:g} m²"),
        (ctx.pick("另服务村", "also serves"), "、".join(f"{n}（{c}）" for c, n in d.served)),
        (ctx.pick("版本", "version"), f"{d.version}（{d.updated_by} {d.updated_at}）".replace("（ ", "（")),
    ]
    for label, value in lines:
        if value:
            ctx.out(f"{label}：{value}" if ctx.lang != "en" else f"{label}: {value}")
    ctx.out(ctx.pick("历史：", "history:"))
    for h in d.history:
        kind = _KINDS_ZH.get(h.kind, h.kind) if ctx.lang != "en" else h.kind
        when = h.date or f"{missing}（{ctx.pick('按登记日', 'counted from')} {h.effective_on}）"
        extra = ""
        if h.partners:
            extra += " ← " + "、".join(h.partners)
        if h.new_type:
            extra += f" → {h.new_type}"
        if h.reverts is not None:
            extra += ctx.pick(f" 撤销 #{h.reverts}", f" undoes #{h.reverts}")
        if h.reverted_by is not None:
            extra += ctx.pick(f"（已被 #{h.reverted_by} 撤销）", f" (undone by #{h.reverted_by})")
        ctx.out(f"  #{h.id}  {when if h.kind != 'undone' else h.recorded_on}  {kind}{extra}  {h.note or ''}".rstrip())
    return 0


def cmd_merge(args: argparse.Namespace, ctx: Context) -> int:
    event = ops.merge_stations(ctx.registry(), args.successor, args.predecessors, args.on, new_type=args.new_type,
                               note=args.note)
    return _event_report(ctx, args.successor, event,
                         ctx.pick(f"已记录合并 #{event}：{'、'.join(args.predecessors)} 并入 {args.successor}",
                                  f"merger #{event} recorded: {', '.join(args.predecessors)} into {args.successor}"))


def cmd_dated(args: argparse.Namespace, ctx: Context) -> int:
    operation = {"suspend": ops.suspend_station, "close": ops.close_station, "reopen": ops.reopen_station}
    event = operation[args.operation](ctx.registry(), args.code, args.on, note=args.note)
    zh = {"suspend": "暂停", "close": "关闭", "reopen": "恢复运营"}[args.operation]
    return _event_report(ctx, args.code, event, ctx.pick(f"已记录{zh} #{event}：{args.code}",
                                                         f"{args.operation} #{event} recorded for {args.code}"))


def cmd_undo(args: argparse.Namespace, ctx: Context) -> int:
    event = ops.undo_event(ctx.registry(), args.event, note=args.note)
    return _event_report(ctx, None, event, ctx.pick(f"已撤销 #{args.event}（撤销记录 #{event}）",
                                                    f"#{args.event} undone (event #{event})"))


def _event_report(ctx: Context, code: str | None, event: int, text: str) -> int:
    if ctx.as_json:
        doc: dict[str, Any] = {"status": "ok", "event": event}
        if code is not None:
            doc["station"] = ops.station_details(ctx.registry(), code).to_json()
        ctx.emit_json(doc)
    else:
        ctx.out(text)
    return 0
