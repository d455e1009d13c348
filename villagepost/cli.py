"""`villagepost`: the command line over the same services the window uses.

`villagepost` alone opens the window; `villagepost [--db X] [--lang en] COMMAND ...` runs a command.
Exit codes: 0 success, 2 refused input (or a known problem the user can fix), 1 internal error;
commands may add their own (import: 3 = partially imported). `--json` prints exactly one JSON document.
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
import traceback
from collections.abc import Sequence
from types import ModuleType

from villagepost import __version__
from villagepost.core.errors import KnownError
from villagepost.core.messages import tr

EXIT_OK, EXIT_INTERNAL, EXIT_REFUSED = 0, 1, 2
ENV_LANG = "VILLAGEPOST_LANG"


def _common() -> argparse.ArgumentParser:
    """Options every command accepts after its name (SUPPRESS: the global value stays unless given)."""
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--json", action="store_true", default=argparse.SUPPRESS,
                        help="输出一个 JSON 文档 / print one JSON document")
    return common


def build_parser() -> argparse.ArgumentParser:
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
    parser.add_argument("--json", action="store_true", default=False, help=argparse.SUPPRESS)
    parser.add_argument("-v", "--verbose", action="store_true", help="显示调试日志 / debug logging")
    common = _common()
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    gui = sub.add_parser("gui", help="打开窗口 / open the window")
    gui.set_defaults(handler=None)

    from villagepost.commands import backup, db, divisions

    for module in (divisions, db, backup):
        module.register(sub, common)
    for module in _optional_command_modules():
        module.register(sub, common)
    return parser


def _optional_command_modules() -> list[ModuleType]:
    """Command groups of later features, registered when present."""
    import importlib

    found: list[ModuleType] = []
    for name in ("imports", "exports", "stations", "coverage", "printing", "checklists"):
        try:
            found.append(importlib.import_module(f"villagepost.commands.{name}"))
        except ModuleNotFoundError as exc:
            if exc.name != f"villagepost.commands.{name}":
                raise
    return found


def _log_internal_error(exc: BaseException) -> str:
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


def _window_requested(args_list: list[str]) -> tuple[str | None, str] | None:
    """(db, lang) when the command line asks for the window; None for a command, --help or --version.

    The window's start must stay under a second, so it must not wait for the full parser, which imports
    every command group (and with them openpyxl, reportlab, ...).
    """
    pre = argparse.ArgumentParser(add_help=False)
    pre.add_argument("--db")
    pre.add_argument("--lang", choices=("zh", "en"), default=os.environ.get(ENV_LANG, "zh"))
    pre.add_argument("--json", action="store_true")
    pre.add_argument("-v", "--verbose", action="store_true")
    try:
        known, rest = pre.parse_known_args(args_list)
    except SystemExit:
        return None
    if rest and rest != ["gui"]:
        return None
    return known.db, known.lang


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

        return launch_gui(db=window[0], lang=window[1])
    from villagepost.commands.context import Context

    parser = build_parser()
    args = parser.parse_args(args_list)
    logging.basicConfig(level=logging.DEBUG if args.verbose else logging.WARNING,
                        format="%(levelname)s %(name)s: %(message)s")
    if args.command in (None, "gui"):
        from villagepost.launcher import launch_gui

        return launch_gui(db=args.db, lang=args.lang)
    _quiet_finalizers(args.verbose)
    ctx = Context(db=args.db, lang=args.lang, as_json=bool(getattr(args, "json", False)),
                  create=bool(getattr(args, "creates_registry", False)))
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
            traceback.print_exc()
        return EXIT_INTERNAL
    finally:
        ctx.close()


if __name__ == "__main__":
    raise SystemExit(main())
