"""`villagepost import FILE`: a township's roster into the registry, with every bad row explained."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TYPE_CHECKING

from villagepost.commands.context import Context

if TYPE_CHECKING:
    from villagepost.services.imports import ImportReport


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser], common: argparse.ArgumentParser) -> None:
    p = sub.add_parser("import", parents=[common], help="导入乡镇报送的名单表格（Excel/WPS/ODS/CSV）/ import a roster")
    p.add_argument("file", type=Path, help=".xlsx .xlsm .xls .xlsb .ods .csv .txt")
    p.add_argument("--sheet", help="指定工作表名称（默认自动识别）/ sheet name (default: detected)")
    p.add_argument("--dry-run", action="store_true", help="只检查不保存 / validate only, save nothing")
    p.add_argument("--strict", action="store_true",
                   help="任何一行有错就整个文件不导入 / any row error rejects the file")
    p.add_argument("--report", type=Path, metavar="OUT.xlsx",
                   help="写出错误报告（原表各行，错误单元格标红并批注）/ write the error report workbook")
    p.set_defaults(handler=cmd_import)


def cmd_import(args: argparse.Namespace, ctx: Context) -> int:
    # The roster is read by a child forked before SQLAlchemy is imported and the registry opened, so the
    # two overlap (see villagepost.rosters.prefetch); the day is fixed once for both.
    from villagepost.core import clock
    from villagepost.rosters import prefetch

    today = clock.today()
    early = prefetch.start(args.file, args.sheet, today)
    try:
        from villagepost.services.imports import import_roster

        reg = ctx.registry()
        printer = ctx.progress("import.reading")
        report = import_roster(reg, args.file, sheet=args.sheet, dry_run=args.dry_run, strict=args.strict,
                               progress=printer, today=today, prefetch=early)
        printer.finish()
    finally:
        if early is not None:
            early.close()
    return _answer(args, ctx, report)


def _answer(args: argparse.Namespace, ctx: Context, report: ImportReport) -> int:
    from villagepost.services.imports import write_report

    if report.pre_import_backup:
        ctx.note(ctx.t("backup.pre_import_made", path=report.pre_import_backup))
    report_path = None
    if args.report is not None and report.errors:
        report_path = write_report(report, args.file, args.report)
    if ctx.as_json:
        doc = report.to_json(ctx.lang)
        doc["report"] = str(report_path) if report_path else None
        ctx.emit_json(doc)
        return report.exit_code
    ctx.out(report.message(ctx.lang))
    if report.sheet:
        ctx.out(ctx.pick(f"工作表：{report.sheet}，表头行：{'、'.join(map(str, report.header_rows))}",
                         f"sheet: {report.sheet}, header rows: {', '.join(map(str, report.header_rows))}"))
    for issue in report.errors:
        ctx.out("  " + issue.message(ctx.lang))
    if report.updates:
        ctx.out(ctx.pick(f"{'将' if report.dry_run else '已'}更新的站点 {len(report.updates)} 个：",
                         f"stations {'to be ' if report.dry_run else ''}updated: {len(report.updates)}"))
        for update in report.updates:
            ctx.out("  " + update.describe(ctx.lang))
    if report.warnings:
        ctx.out(ctx.pick(f"提示 {len(report.warnings)} 条（不影响导入），用 --json 查看全部",
                         f"{len(report.warnings)} notices (nothing refused); --json lists them"))
    if report_path:
        ctx.out(ctx.pick(f"错误报告：{report_path}", f"error report: {report_path}"))
    return report.exit_code
