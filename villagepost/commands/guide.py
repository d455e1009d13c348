"""`villagepost guide [--pdf OUT.pdf]`: where the user guide is, or the guide printed to a PDF.

The same guide the window shows under 帮助 → 用户手册; the PDF is for clerks who read on paper or pass
the guide on. No database is opened.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from villagepost.commands.context import Context
from villagepost.core.messages import register as register_messages

register_messages({
    "guide.written": ("已生成用户手册 PDF（{pages} 页，{images} 张插图）：{path}",
                      "user guide PDF written ({pages} pages, {images} pictures): {path}"),
    "guide.where": ("用户手册：{path}\n在窗口中打开：帮助 → 用户手册（F1）；"
                    "打印版：villagepost guide --pdf 用户手册.pdf",
                    "user guide: {path}\nin the window: 帮助 → 用户手册 (F1); "
                    "on paper: villagepost guide --pdf guide.pdf"),
})


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser], common: argparse.ArgumentParser) -> None:
    p = sub.add_parser("guide", parents=[common], help="用户手册（--pdf 生成 PDF）/ the user guide (--pdf: as a PDF)")
    p.add_argument("--pdf", type=Path, metavar="OUT.pdf", help="把用户手册写成 PDF / write the guide as a PDF")
    p.set_defaults(handler=cmd_guide)


def cmd_guide(args: argparse.Namespace, ctx: Context) -> int:
    from villagepost.core import guide

    if args.pdf is None:
        if ctx.as_json:
            ctx.emit_json({"path": str(guide.guide_path())})
        else:
            ctx.out(ctx.t("guide.where", path=str(guide.guide_path())))
        return 0
    from villagepost.reports.guide_pdf import write_guide_pdf
    from villagepost.services.output_files import checked_output, write_guard

    out = checked_output(args.pdf, ".pdf")
    with write_guard(out):
        result = write_guide_pdf(guide.guide_text(), guide.help_dir(), out)
    if ctx.as_json:
        ctx.emit_json({"status": "ok", "path": str(result.path), "pages": result.pages, "images": result.images})
    else:
        ctx.out(ctx.t("guide.written", path=str(result.path), pages=result.pages, images=result.images))
    return 0
