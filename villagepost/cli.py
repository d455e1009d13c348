"""`villagepost`: the command line over the same services the window uses.

`villagepost` alone opens the window; `villagepost [--db X] [--lang en] COMMAND ...` runs a command.
Exit codes: 0 success, 2 refused input (or a known problem the user can fix), 1 internal error;
commands may add their own (import: 3 = partially imported). `--json` prints exactly one JSON document.
"""

from __future__ import annotations

import argparse
import gc
import os
import sys
from collections.abc import Sequence
from types import ModuleType
from typing import NoReturn

from villagepost import __version__
from villagepost.core.errors import KnownError
from villagepost.core.messages import tr

EXIT_OK, EXIT_INTERNAL, EXIT_REFUSED = 0, 1, 2
ENV_LANG = "VILLAGEPOST_LANG"

#: Top-level command -> (module of villagepost.commands that registers it, its help line).
#: Why a table: a module is imported only when its command runs (they bring SQLAlchemy, openpyxl and
#: reportlab with them), so `--version`, `--help` and a quick command start fast. The help lines must
#: equal what the modules register (tests/cli/test_cli_startup.py checks it).
COMMANDS: dict[str, tuple[str, str]] = {
    "divisions": ("divisions", "官方区划代码：载入、查看、查找 / official division codes"),
    "db": ("db", "数据库信息与备份 / database info and backup"),
    "backup": ("backup", "自动备份：创建、列出、校验、恢复 / backups: create, list, verify, restore"),
    "import": ("imports", "导入乡镇报送的名单表格（Excel/WPS/ODS/CSV）/ import a roster"),
    "export": ("exports", "导出 Excel 名录或填报模板 / export Excel rosters and templates"),
    "station": ("stations", "站点 / stations"),
    "coverage": ("coverage", "建制村覆盖率 / coverage of 建制村"),
    "target": ("coverage", "目标：覆盖率或站点数量及截止日期 / targets"),
    "pacing": ("coverage", "进度：月度曲线、目标差距、预计完成、落后单位 / pacing"),
    "print": ("printing", "打印检查表、检查记录和覆盖率汇总表 / print checklists and summaries"),
    "checklist": ("checklists", "站点检查表模板 / checklist templates"),
    "inspection": ("checklists", "站点检查记录 / station inspections"),
    "guide": ("guide", "用户手册（--pdf 生成 PDF）/ the user guide (--pdf: as a PDF)"),
    "demo": ("demo", "示例数据（演示用的平罗县登记册）/ the example data (a demo registry)"),
    "user": ("users", "账号与角色 / accounts and roles"),
    "audit": ("audit", "修改记录：谁、何时、从哪里、改了什么 / who changed what, when, from where"),
}


def _common() -> argparse.ArgumentParser:
    """Options every command accepts after its name (SUPPRESS: the global value stays unless given)."""
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--json", action="store_true", default=argparse.SUPPRESS,
                        help="输出一个 JSON 文档 / print one JSON document")
    return common


def build_parser(command: str | None = None) -> argparse.ArgumentParser:
    """The parser; with `command`, only that command's module is imported (the others get a help stub)."""
    parser = argparse.ArgumentParser(
        prog="villagepost",
        description="村邮通 VillagePost — 农村寄递物流站点登记、合并进度与覆盖率。不带命令时打开窗口。"
        " / rural delivery station registry; with no command it opens the window.",
    )
    parser.add_argument("--version", action="version", version=f"villagepost {__version__}")
    parser.add_argument("--db", metavar="PATH_OR_URL",
                        help="数据库：SQLite 文件或 postgresql:// 地址（默认 VILLAGEPOST_DB，再默认用户数据目录）"
                        " / SQLite file or postgresql:// URL")
    parser.add_argument("--lang", choices=("zh", "en"), default=os.environ.get(ENV_LANG, "zh"),
                        help="消息语言 / message language (zh, en)")
    parser.add_argument("--user", metavar="NAME",
                        help="以该账号登录（密码取自 VILLAGEPOST_PASSWORD 或提示输入）；登记库有账号后必需"
                        " / log in as this account (password from VILLAGEPOST_PASSWORD or a prompt)")
    parser.add_argument("--json", action="store_true", default=False, help=argparse.SUPPRESS)
    parser.add_argument("-v", "--verbose", action="store_true", help="显示调试日志 / debug logging")
    common = _common()
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    gui = sub.add_parser("gui", help="打开窗口 / open the window")
    gui.set_defaults(handler=None)

    wanted = {COMMANDS[command][0]} if command in COMMANDS else set()
    loaded = {module.__name__.rsplit(".", 1)[-1]: module for module in _command_modules(wanted)}
    for module in loaded.values():
        module.register(sub, common)
    for name, (module_name, help_text) in COMMANDS.items():
        if module_name not in loaded:
            sub.add_parser(name, help=help_text)
    return parser


def _command_modules(wanted: set[str] | None) -> list[ModuleType]:
    """The command modules named in `wanted` (all when None), in the table's order, when present."""
    import importlib

    found: list[ModuleType] = []
    for name in dict.fromkeys(module for module, _ in COMMANDS.values()):
        if wanted is not None and name not in wanted:
            continue
        try:
            found.append(importlib.import_module(f"villagepost.commands.{name}"))
        except ModuleNotFoundError as exc:
            if exc.name != f"villagepost.commands.{name}":
                raise
    return found


def _command_named(args_list: list[str]) -> str | None:
    """The command word of the command line (the first argument that is not a global option)."""
    takes_value = {"--db", "--lang", "--user"}
    skip = False
    for arg in args_list:
        if skip:
            skip = False
            continue
        if arg in takes_value:
            skip = True
            continue
        if arg.startswith("-"):
            continue
        return arg
    return None


def _log_internal_error(exc: BaseException) -> str:
    import traceback

    from villagepost.storage.location import log_dir

    try:
        folder = log_dir()
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / "villagepost-error.log"
        with path.open("a", encoding="utf-8") as fh:
            fh.write("".join(traceback.format_exception(exc)))
            fh.write("\n")
        return str(path)
    except OSError:
        return "(stderr)"


def _window_requested(args_list: list[str]) -> tuple[str | None, str, str | None] | None:
    """(db, lang, user) when the command line asks for the window; None for a command, --help or --version.

    The window's start must stay under a second, so it must not wait for the full parser, which imports
    every command group (and with them openpyxl, reportlab, ...).
    """
    pre = argparse.ArgumentParser(add_help=False)
    pre.add_argument("--db")
    pre.add_argument("--user")
    pre.add_argument("--lang", choices=("zh", "en"), default=os.environ.get(ENV_LANG, "zh"))
    pre.add_argument("--json", action="store_true")
    pre.add_argument("-v", "--verbose", action="store_true")
    try:
        known, rest = pre.parse_known_args(args_list)
    except SystemExit:
        return None
    if rest and rest != ["gui"]:
        return None
    return known.db, known.lang, known.user


def _quiet_finalizers(verbose: bool) -> None:
    """Errors in finalizers ("Exception ignored in ...": a zip writer's __del__ after a full disk already
    reported as such) go to the error log, not as tracebacks on the clerk's terminal."""
    if verbose:
        return

    def hook(unraisable: sys.UnraisableHookArgs) -> None:
        if unraisable.exc_value is not None:
            _log_internal_error(unraisable.exc_value)

    sys.unraisablehook = hook


def main(argv: Sequence[str] | None = None) -> int:
    args_list = list(sys.argv[1:] if argv is None else argv)
    window = _window_requested(args_list)
    if window is not None:
        from villagepost.launcher import launch_gui

        return launch_gui(db=window[0], lang=window[1], user=window[2])
    parser = build_parser(_command_named(args_list))
    args = parser.parse_args(args_list)
    # Imported after parsing: --version and --help need neither (logging brings traceback and tokenize).
    import logging

    from villagepost.commands.context import Context

    logging.basicConfig(level=logging.DEBUG if args.verbose else logging.WARNING,
                        format="%(levelname)s %(name)s: %(message)s")
    if args.command in (None, "gui"):
        from villagepost.launcher import launch_gui

        return launch_gui(db=args.db, lang=args.lang, user=args.user)
    source = " ".join(str(p) for p in ("cli:", args.command, getattr(args, "action", None)) if p)
    _quiet_finalizers(args.verbose)
    ctx = Context(db=args.db, lang=args.lang, as_json=bool(getattr(args, "json", False)), user=args.user,
                  source=source, create=bool(getattr(args, "creates_registry", False)))
    try:
        return int(args.handler(args, ctx))
    except KnownError as exc:
        message = exc.message(ctx.lang)
        if ctx.as_json:
            ctx.emit_json({"status": "error", "error": exc.key, "message": message, **exc.extra(ctx.lang)})
        ctx.note(message)
        return exc.exit_code
    except KeyboardInterrupt:
        ctx.note(tr("app.cancelled", ctx.lang))
        return 130
    except BrokenPipeError:
        # The reader of our output went away (`| head`): not an error of ours, and nothing more to say.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return EXIT_OK
    except Exception as exc:
        log = _log_internal_error(exc)
        message = tr("app.internal_error", ctx.lang, {"reason": f"{type(exc).__name__}: {exc}", "log": log})
        if ctx.as_json:
            ctx.emit_json({"status": "error", "error": "internal", "message": message})
        ctx.note(message)
        if args.verbose:
            import traceback

            traceback.print_exc()
        return EXIT_INTERNAL
    finally:
        ctx.close()


def leave(code: int) -> NoReturn:
    """End the process with `code`, skipping the interpreter's last garbage collection.

    Why: at exit CPython collects every object still alive — SQLAlchemy's, the models', what a command
    read — which took ~0.2 s of a province roster import's ~1 s. By then the command has written its
    output and closed the registry, so what is alive is frozen (`gc.freeze`) and that pass skips it;
    modules are still torn down, files flushed and closed, atexit handlers run. Only for the process's
    own entry points: a caller of `main()` in a long-lived process keeps its collector.
    """
    gc.freeze()
    raise SystemExit(code)


def run() -> NoReturn:
    """The `villagepost` command (console script and `python -m villagepost`)."""
    leave(main())


if __name__ == "__main__":
    run()
