"""`villagepost coverage`, `target set|list|remove`, `pacing`, and the `db setting include-village-like` handler.

Thin over services.coverage, services.targets and services.pacing (the window's path too). What the user
typed is parsed here — percentages (`85`, `85%`), dates, levels, the whole country as `全国`/`all` —
and every refusal names the option it is about (`--rate：覆盖率目标 120% 不在 …`), exit 2.
"""

from __future__ import annotations

import argparse
import datetime as dt
import unicodedata
from collections.abc import Callable, Sequence
from typing import Any, TypeVar

from villagepost.commands.context import Context
from villagepost.core import days
from villagepost.core.divisions import Level
from villagepost.core.errors import KnownError
from villagepost.core.pacing import Measure, Pace, count_text, rate_text
from villagepost.core.stations import STATUS_ZH, StationStatus, StationType
from villagepost.core.values import ValueProblem, parse_station_type
from villagepost.services import as_recorded
from villagepost.services import coverage as cov
from villagepost.services import pacing as pac
from villagepost.services import targets as tgt

T = TypeVar("T")
#: what `--scope` accepts for the whole country
NATION_WORDS = frozenset({"全国", "all", "cn", "china"})


class OptionError(KnownError):
    """A refusal about one command-line option: the option's name, then the service's own message."""

    def __init__(self, option: str, inner: KnownError) -> None:
        self.option = option
        self.inner = inner
        super().__init__(inner.key, **inner.params)

    def message(self, lang: str = "zh") -> str:
        return f"{self.option}: {self.inner.message(lang)}" if lang == "en" else \
            f"{self.option}：{self.inner.message(lang)}"


def _about(option: str, call: Callable[[], T]) -> T:
    """Run `call`; a KnownError it raises is reported as being about `option`."""
    try:
        return call()
    except OptionError:
        raise
    except KnownError as exc:
        raise OptionError(option, exc) from exc


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser], common: argparse.ArgumentParser) -> None:
    scope_help = "省/市/县/乡镇/村代码，或“全国” / division code, or 'all' for the whole country"
    as_recorded_help = ("按某一时刻登记册中已记录的内容重算：日期（当天结束时）或日期时间（无时区按本地时间），"
                        "之后的更正和补录不计 / "
                        "the figures as the registry said them at DATE (end of day) or DATETIME (local time)")
    p = sub.add_parser("coverage", parents=[common], help="建制村覆盖率 / coverage of 建制村")
    p.add_argument("--scope", required=True, metavar="CODE", help=scope_help)
    p.add_argument("--level", metavar="LEVEL",
                   help="下级统计层级：province|city|county|township|village（默认下一级）/ level of the children")
    p.add_argument("--on", metavar="DATE", help="统计日期（默认今天）/ the day (default today)")
    p.add_argument("--counts", action="store_true",
                   help="另外列出站点数：按类型、状态、合作模式 / also count stations by type, status, coop")
    p.add_argument("--as-recorded-on", metavar="DATE|DATETIME", help=as_recorded_help)
    p.set_defaults(handler=cmd_coverage)

    t = sub.add_parser("target", help="目标：覆盖率或站点数量及截止日期 / targets")
    tsub = t.add_subparsers(dest="action", required=True, metavar="ACTION")
    ts = tsub.add_parser("set", parents=[common], help="设定或修改目标 / set or change a target")
    ts.add_argument("--scope", required=True, metavar="CODE", help="省/市/县/乡镇代码 / division code")
    ts.add_argument("--rate", metavar="PERCENT", help="覆盖率目标，百分数：85 或 85%% / coverage rate in percent")
    ts.add_argument("--count", metavar="N", help="站点数量目标（与 --type 一起用）/ number of stations (with --type)")
    ts.add_argument("--type", dest="station_type", metavar="TYPE",
                    help="--count 统计的站点类型，如 综合服务站 / station type counted by --count")
    ts.add_argument("--deadline", required=True, metavar="DATE", help="截止日期 / deadline")
    ts.add_argument("--note", metavar="TEXT", help="备注，如文件依据 / note, e.g. the plan it comes from")
    ts.set_defaults(handler=cmd_target_set)
    tl = tsub.add_parser("list", parents=[common], help="列出目标 / list targets")
    tl.add_argument("--scope", metavar="CODE", help="只列该范围及其下级的目标 / only this scope and below")
    tl.set_defaults(handler=cmd_target_list)
    tr = tsub.add_parser("remove", parents=[common], help="删除目标 / remove a target")
    tr.add_argument("id", metavar="ID", help="目标编号（target list 中的 #）/ target number")
    tr.set_defaults(handler=cmd_target_remove)

    pc = sub.add_parser("pacing", parents=[common], help="进度：月度曲线、目标差距、预计完成、落后单位 / pacing")
    pc.add_argument("--scope", required=True, metavar="CODE", help=scope_help)
    pc.add_argument("--on", metavar="DATE", help="以哪一天为“今天”（默认今天）/ the day to report on")
    pc.add_argument("--as-recorded-on", metavar="DATE|DATETIME", help=as_recorded_help)
    pc.set_defaults(handler=cmd_pacing)


# --- parsing -----------------------------------------------------------------------------------------


def parse_day(option: str, text: str | None) -> dt.date | None:
    if text is None:
        return None
    try:
        return days.parse_day(text)  # the shapes the rosters and the window's date fields take
    except days.DayError as exc:
        raise OptionError(option, exc) from None


def parse_scope(text: str) -> str:
    """The scope as the services take it: '' for the whole country, else the code as typed."""
    value = unicodedata.normalize("NFKC", text).strip()
    return "" if value.lower() in NATION_WORDS else value


def parse_level(text: str | None) -> Level | None:
    if text is None:
        return None
    try:
        return Level.parse(text)
    except ValueError:
        raise OptionError("--level", KnownError("coverage.bad_level", value=text)) from None


def parse_rate(text: str) -> float:
    """`85`, `85%`, `85.5％` → 0.85, 0.855 (a share of 建制村, the way targets are stored)."""
    value = unicodedata.normalize("NFKC", text).strip().removesuffix("%").strip()
    try:
        number = float(value)
    except ValueError:
        raise OptionError("--rate", KnownError("target.rate_not_number", value=text)) from None
    return number / 100


def parse_count(text: str) -> float:
    value = unicodedata.normalize("NFKC", text).strip()
    try:
        return float(int(value))
    except ValueError:
        raise OptionError("--count", KnownError("target.count_invalid", value=text)) from None


def parse_type(text: str) -> StationType:
    try:
        return parse_station_type(text)
    except ValueProblem:
        raise OptionError("--type", KnownError("target.type_unknown", value=text,
                                               types="、".join(t.value for t in StationType))) from None


# --- text output -------------------------------------------------------------------------------------


def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def table(rows: Sequence[Sequence[str]], right: Sequence[bool]) -> list[str]:
    """Rows aligned in columns as a terminal shows them (a Chinese character is two columns wide)."""
    widths = [max(_width(r[i]) for r in rows) for i in range(len(rows[0]))]
    out = []
    for r in rows:
        cells = [(" " * (w - _width(c)) + c) if ra else (c + " " * (w - _width(c)))
                 for c, w, ra in zip(r, widths, right, strict=True)]
        out.append("  ".join(cells).rstrip())
    return out


def pct(rate: float) -> str:
    return f"{rate * 100:.1f}%"


def _unit(name: str, code: str) -> str:
    return f"{name}（{code}）" if code else name


# --- coverage ----------------------------------------------------------------------------------------


def cmd_coverage(args: argparse.Namespace, ctx: Context) -> int:
    reg = ctx.registry()
    scope = parse_scope(args.scope)
    level = parse_level(args.level)
    on = parse_day("--on", args.on)
    instant = None if args.as_recorded_on is None else as_recorded.parse_instant(args.as_recorded_on)
    if instant is not None and on is None:
        on = as_recorded.local_day(instant)  # what the registry said that day was about that day
    unit = _about("--scope", lambda: cov.scope_unit(reg, scope))
    with as_recorded.replaying(reg, unit.code, instant):
        report = _about("--level", lambda: cov.coverage(reg, unit.code, on=on, level=level))
        counts = cov.station_counts(reg, report.scope, on=report.on) if args.counts else None
    if ctx.as_json:
        doc = report.to_json()
        if counts is not None:
            doc["station_counts"] = [c.to_json() for c in counts]
        if instant is not None:
            doc["as_recorded_on"] = as_recorded.shown(instant)
        ctx.emit_json(doc)
        return 0
    if instant is not None:
        ctx.out(ctx.t("replay.note", at=as_recorded.shown(instant)))
    _print_coverage(ctx, report)
    if counts is not None:
        _print_counts(ctx, counts)
    return 0


def _print_coverage(ctx: Context, r: cov.CoverageReport) -> None:
    ctx.out(ctx.pick(f"{_unit(r.name, r.scope)} 建制村覆盖率  {r.on.isoformat()}",
                     f"Coverage of 建制村 in {r.name} ({r.scope or 'all'}) on {r.on.isoformat()}"))
    line = ctx.pick(f"建制村 {r.villages_total} 个，已覆盖 {r.villages_covered} 个，覆盖率 {pct(r.rate)}",
                    f"{r.villages_total} 建制村, {r.villages_covered} covered, {pct(r.rate)}")
    if r.date_missing_villages:
        line += ctx.pick(f"（其中 {r.date_missing_villages} 个靠日期缺失的站点覆盖，请补填开通日期）",
                         f" ({r.date_missing_villages} covered by stations without an opening date: fill it in)")
    ctx.out(line)
    if r.include_village_like:
        ctx.out(ctx.t("coverage.village_like_on"))
    if not r.children:
        return
    head = [ctx.pick("代码", "code"), ctx.pick("名称", "name"), ctx.pick("建制村", "villages"),
            ctx.pick("已覆盖", "covered"), ctx.pick("覆盖率", "rate")]
    rows = [head] + [[c.code, c.name, str(c.villages_total), str(c.villages_covered),
                      pct(c.rate) if c.villages_total else "—"] for c in r.children]
    ctx.out()
    for text in table(rows, [False, False, True, True, True]):
        ctx.out(text)


def _print_counts(ctx: Context, counts: Sequence[cov.StationCount]) -> None:
    def status(value: str) -> str:
        return STATUS_ZH[StationStatus(value)] if ctx.lang != "en" else value

    dims: list[tuple[str, Callable[[cov.StationCount], str]]] = [
        (ctx.pick("按类型", "by type"), lambda c: c.station_type or ctx.pick("（未填类型）", "(no type)")),
        (ctx.pick("按状态", "by status"), lambda c: status(c.status)),
        (ctx.pick("按合作模式", "by cooperation mode"), lambda c: c.coop or ctx.pick("（未填）", "(none)")),
    ]
    ctx.out()
    ctx.out(ctx.pick(f"站点数（共 {sum(c.count for c in counts)} 个）",
                     f"Stations ({sum(c.count for c in counts)})"))
    for title, key in dims:
        totals: dict[str, int] = {}
        for c in counts:
            totals[key(c)] = totals.get(key(c), 0) + c.count
        ctx.out(f"  {title}：" if ctx.lang != "en" else f"  {title}:")
        for text in table([[k, str(n)] for k, n in totals.items()] or [["—", "0"]], [False, True]):
            ctx.out("    " + text)


# --- targets -----------------------------------------------------------------------------------------


def cmd_target_set(args: argparse.Namespace, ctx: Context) -> int:
    reg = ctx.registry()
    deadline = parse_day("--deadline", args.deadline)
    assert deadline is not None
    if args.rate is not None and args.count is not None:
        raise KnownError("target.rate_and_count")
    if args.rate is None and args.count is None:
        raise KnownError("target.need_value")
    scope = _about("--scope", lambda: cov.scope_unit(reg, args.scope)).code
    stype: StationType | None = None
    if args.station_type is not None:
        stype = parse_type(args.station_type)
    if args.rate is not None:
        measure, value, option = Measure.COVERAGE_RATE, parse_rate(args.rate), "--rate"
        if stype is not None:
            option = "--type"
    else:
        measure, value = Measure.STATION_COUNT, parse_count(args.count)
        option = "--count" if stype is not None else "--type"
    _about(option, lambda: tgt.check_value(measure, value, stype))
    row = _about("--scope", lambda: tgt.set_target(reg, scope, measure, value, deadline, station_type=stype,
                                                   note=args.note))
    if ctx.as_json:
        ctx.emit_json({"status": "ok", "target": row.to_json()})
    else:
        ctx.out(ctx.t("target.saved", id=row.id, text=f"{_unit(row.scope_name, row.scope)} {row.describe(ctx.lang)}"))
    return 0


def cmd_target_list(args: argparse.Namespace, ctx: Context) -> int:
    reg = ctx.registry()
    scope = None if args.scope is None else _about("--scope", lambda: cov.scope_unit(reg, args.scope)).code
    rows = tgt.list_targets(reg, scope)
    if ctx.as_json:
        ctx.emit_json({"scope": scope, "count": len(rows), "targets": [r.to_json() for r in rows]})
        return 0
    if not rows:
        ctx.out(ctx.pick("没有目标。用 villagepost target set 设定。",
                         "no targets; set one with villagepost target set"))
        return 0
    lines = [[f"#{r.id}", _unit(r.scope_name, r.scope), r.describe(ctx.lang),
              ctx.pick(f"设定于 {r.created_on.isoformat()}", f"set {r.created_on.isoformat()}"), r.note or ""]
             for r in rows]
    for text in table(lines, [True, False, False, False, False]):
        ctx.out(text)
    return 0


def cmd_target_remove(args: argparse.Namespace, ctx: Context) -> int:
    reg = ctx.registry()
    text = unicodedata.normalize("NFKC", args.id).strip().lstrip("#")
    if not text.isdigit():
        raise KnownError("target.not_found", id=args.id)
    tgt.remove_target(reg, int(text))
    if ctx.as_json:
        ctx.emit_json({"status": "ok", "id": int(text)})
    else:
        ctx.out(ctx.t("target.removed", id=int(text)))
    return 0


# --- pacing ------------------------------------------------------------------------------------------


def cmd_pacing(args: argparse.Namespace, ctx: Context) -> int:
    reg = ctx.registry()
    scope = parse_scope(args.scope)
    today = parse_day("--on", args.on)
    instant = None if args.as_recorded_on is None else as_recorded.parse_instant(args.as_recorded_on)
    if instant is not None and today is None:
        today = as_recorded.local_day(instant)
    unit = _about("--scope", lambda: cov.scope_unit(reg, scope))
    with as_recorded.replaying(reg, unit.code, instant):
        report = pac.pacing(reg, unit.code, today=today)
    if ctx.as_json:
        doc = report.to_json()
        if instant is not None:
            doc["as_recorded_on"] = as_recorded.shown(instant)
        ctx.emit_json(doc)
        return 0
    if instant is not None:
        ctx.out(ctx.t("replay.note", at=as_recorded.shown(instant)))
    _print_pacing(ctx, report)
    return 0


def _num(value: float) -> str:
    return count_text(value)


def _print_pacing(ctx: Context, r: pac.PacingReport) -> None:
    day = r.today.isoformat()
    ctx.out(ctx.pick(f"{_unit(r.name, r.scope)} 进度  截至 {day}", f"Pacing of {r.name} ({r.scope}) on {day}"))
    ctx.out(ctx.pick(f"建制村 {r.villages_total} 个，已覆盖 {r.villages_covered} 个，覆盖率 {pct(r.rate)}",
                     f"{r.villages_total} 建制村, {r.villages_covered} covered, {pct(r.rate)}"))
    ctx.out()
    ctx.out(ctx.pick("月度累计覆盖（月末；最后一行为今天）：", "Covered at each month end (the last row is today):"))
    rows = [[ctx.pick("月份", "month"), ctx.pick("已覆盖", "covered"), ctx.pick("覆盖率", "rate")]]
    for point in r.curve:
        label = point.month_end.isoformat() if point.month_end == r.today else point.month_end.isoformat()[:7]
        rows.append([label, str(point.covered), pct(point.rate)])
    for text in table(rows, [False, True, True]):
        ctx.out("  " + text)
    ctx.out()
    if not r.paces:
        ctx.out(ctx.pick("没有目标：用 villagepost target set 设定后即可对照进度。",
                         "no targets: set one with villagepost target set to see the pace against it."))
        return
    if r.inherited_from is not None:
        owner = r.paces[0][0]
        ctx.out(ctx.pick(f"本单位没有自己的目标，沿用 {_unit(owner.scope_name, owner.scope)} 的覆盖率目标。",
                         f"no targets of its own: paced against those of {owner.scope_name} ({owner.scope})."))
    for row, p in r.paces:
        ctx.out(f"{ctx.pick('目标', 'target')} #{row.id}  {row.describe(ctx.lang)}")
        for line in _pace_lines(ctx, row, p):
            ctx.out("  " + line)
        lagging = r.lagging.get(row.id)
        if lagging is not None:
            fresh = row.created_on >= r.today  # set today: ranked against the deadline, not the line
            if not lagging:
                ctx.out("  " + (ctx.pick("目标今天设定：下级单位都已达到目标值",
                                         "set today: every unit below has reached it") if fresh
                                else ctx.pick("没有落后于进度线的下级单位", "no unit below lags its line")))
            else:
                ctx.out("  " + (ctx.pick("目标今天设定，下级单位与截止日期比较：",
                                         "set today: the units below against the deadline's value:") if fresh
                                else ctx.pick("落后于进度线的下级单位：", "units below their line:")))
                for lag in lagging:
                    ctx.out("    " + ctx.pick(
                        f"{_unit(lag.name, lag.code)}  覆盖率 {pct(lag.lag.rate)}，应达 {pct(lag.lag.line)}，"
                        f"差 {lag.lag.shortfall_villages} 个建制村",
                        f"{lag.name} ({lag.code})  {pct(lag.lag.rate)}, line {pct(lag.lag.line)}, "
                        f"{lag.lag.shortfall_villages} villages short"))
        ctx.out()


def _pace_lines(ctx: Context, row: tgt.TargetRow, p: Pace) -> list[str]:
    coverage = row.measure is Measure.COVERAGE_RATE
    unit_zh = "个" if coverage else f"个{row.station_type}"
    out: list[str] = []
    if coverage:
        out.append(ctx.pick(
            f"已完成 {_num(p.achieved)} 个（{pct(p.achieved_rate or 0)}），目标 {p.goal} 个，差距 {p.gap} 个"
            f"（{(p.gap_points or 0):.1f} 个百分点）",
            f"achieved {_num(p.achieved)} ({pct(p.achieved_rate or 0)}), goal {p.goal}, gap {p.gap} "
            f"({(p.gap_points or 0):.1f} points)"))
    else:
        out.append(ctx.pick(f"已有 {_num(p.achieved)} {unit_zh}，目标 {p.goal} 个，差距 {p.gap} 个",
                            f"{_num(p.achieved)} operating, goal {p.goal}, gap {p.gap}"))
    if p.deadline_passed:
        met = p.met_on_deadline
        out.append(ctx.pick(
            f"截止日已过：截止日 {_num(p.value_on_deadline or 0)} 个，{'已达成' if met else '未达成'}",
            f"deadline passed: {_num(p.value_on_deadline or 0)} on the deadline, {'met' if met else 'missed'}"))
    elif p.gap:
        need = rate_text(p.needed_per_month or 0)
        out.append(ctx.pick(f"剩余 {p.months_left} 个月，每月需新增 {need} 个",
                            f"{p.months_left} months left: {need} a month needed"))
    else:
        out.append(ctx.pick("已达到目标", "target reached"))
    rate = rate_text(p.trailing_per_month)
    trailing = ctx.pick(f"近 {p.trailing_months} 个月平均每月新增 {rate} 个",
                        f"last {p.trailing_months} months: {rate} a month")
    if p.projected_full is None:
        out.append(f"{trailing}{ctx.pick('；', '; ')}{ctx.t('pacing.not_at_pace')}")
    elif coverage:
        out.append(trailing + ctx.pick(f"；按此进度 {p.projected_full.isoformat()} 全部覆盖",
                                       f"; all covered by {p.projected_full.isoformat()} at this pace"))
    else:
        out.append(trailing + ctx.pick(f"；按此进度 {p.projected_full.isoformat()} 达到目标",
                                       f"; the goal is reached by {p.projected_full.isoformat()} at this pace"))
    return out


# --- the registry setting (registered under `db setting`) ------------------------------------------------


def cmd_setting(args: argparse.Namespace, ctx: Context) -> int:
    """`villagepost db setting include-village-like [on|off]`: show or switch the denominator option."""
    reg = ctx.registry()
    if args.value is not None:
        value = unicodedata.normalize("NFKC", args.value).strip().lower()
        switch: dict[str, bool] = {"on": True, "off": False, "开": True, "关": False, "1": True, "0": False,
                                   "yes": True, "no": False, "true": True, "false": False}
        if value not in switch:
            raise OptionError(args.name, KnownError("coverage.bad_switch", value=args.value))
        cov.set_include_village_like(reg, switch[value])
    on = cov.include_village_like(reg)
    if ctx.as_json:
        doc: dict[str, Any] = {"setting": args.name, "value": "on" if on else "off"}
        ctx.emit_json(doc)
    else:
        state = ctx.t("coverage.village_like_on" if on else "coverage.village_like_off")
        ctx.out(ctx.pick(f"统计口径：{state}", f"coverage counts {state}"))
    return 0
