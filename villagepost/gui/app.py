"""`villagepost` with no command: the one QApplication, the bundled font, the registry, the main window.

Kept short on purpose: everything here runs before the first paint, which must come within a second of
the process starting. So: no database work beyond opening (the window fetches the tree after it has
painted), no imports that the first window does not need.

`VILLAGEPOST_EXIT_AFTER_PAINT=1` makes the window print the seconds since the process started at its first
paint and quit: tests/bench/gui_start.py measures start-up with it.
"""

from __future__ import annotations

import os
import sys
import time
from dataclasses import replace

from PySide6.QtCore import QCoreApplication, QTimer
from PySide6.QtWidgets import QApplication, QMessageBox, QWidget

from villagepost import __version__
from villagepost.core.errors import DamagedDatabase, KnownError
from villagepost.core.messages import tr as catalogue_text  # not `tr`: lupdate would take its keys for texts
from villagepost.gui import crash, fonts, single_instance, smoke
from villagepost.gui import settings as opts
from villagepost.gui.translations import install_translations
from villagepost.gui.window_sizing import bring_to_front
from villagepost.services import locations
from villagepost.services.registry import Registry

ENV_EXIT_AFTER_PAINT = "VILLAGEPOST_EXIT_AFTER_PAINT"
ENV_DB = "VILLAGEPOST_DB"
ENV_LANG = "VILLAGEPOST_LANG"
#: The line the start-up hook prints; the benchmark parses it.
FIRST_PAINT_MARK = "VILLAGEPOST_FIRST_PAINT"
EXIT_OK, EXIT_REFUSED = 0, 2

_IMPORTED_AT = time.monotonic()

#: lupdate finds `translate("context", "text")` calls; a wrapper function would hide them.
translate = QCoreApplication.translate


def seconds_since_process_start() -> float:
    """Wall-clock seconds since this process was created (Linux: from /proc, 10 ms resolution).

    Elsewhere it falls back to the time since this module was imported, which misses the interpreter's
    own start-up; the benchmark reports its own outside measurement beside this one for that reason.
    """
    try:
        with open("/proc/self/stat", encoding="ascii") as fh:  # noqa: PTH123 (procfs, not a user path)
            fields = fh.read().rsplit(")", 1)[1].split()
        with open("/proc/uptime", encoding="ascii") as fh:  # noqa: PTH123
            uptime = float(fh.read().split()[0])
        start_ticks = int(fields[19])  # field 22 of stat(5): starttime, in clock ticks since boot
        return uptime - start_ticks / os.sysconf("SC_CLK_TCK")
    except (OSError, ValueError, IndexError, AttributeError):
        return time.monotonic() - _IMPORTED_AT


def _application() -> QApplication:
    app = QApplication.instance()
    if isinstance(app, QApplication):
        return app
    app = QApplication(sys.argv[:1])
    app.setApplicationName("VillagePost")
    app.setOrganizationName("VillagePost")
    app.setApplicationVersion(__version__)
    return app


def show_open_error(exc: KnownError, lang: str) -> None:
    """The database could not be opened: say why and what to do, in a box (the CLI prints the same text)."""
    text = translate(
        "app",
        "无法打开数据库，村邮通不能启动。\n\n{reason}\n\n"
        "您可以：\n"
        "· 检查文件是否存在、是否被其他程序占用，然后重新打开村邮通；\n"
        "· 从备份恢复数据库文件；\n"
        "· 或在命令行中用 --db 指定另一个数据库文件，例如：villagepost --db D:\\村邮通\\本县.sqlite",
    ).format(reason=exc.message(lang))
    QMessageBox.critical(None, translate("app", "村邮通 — 无法打开数据库"), text)


def window_choices(settings: opts.Settings, db: str | None, lang: str) -> tuple[str | None, str]:
    """The database and language the window uses: the command line and the environment first, then 选项.

    `--db` and VILLAGEPOST_DB win over the stored database; `--lang en` and VILLAGEPOST_LANG win over the
    stored language (the CLI cannot tell an explicit `--lang zh` from its default, so a stored English
    choice wins over that one).
    """
    if db is None and not os.environ.get(ENV_DB):
        db = settings.get(opts.DATABASE) or None
    if lang == "zh" and not os.environ.get(ENV_LANG):
        lang = settings.get(opts.LANGUAGE)
    return db, lang


def open_with_login(db: str | None, settings: opts.Settings, lang: str, user: str | None = None, *,
                    create: bool = False) -> Registry | None:
    """Open the registry; when it has accounts, ask for a login first (None: the user cancelled).

    Without accounts the local user acts as today, under the name set in 选项.
    """
    from villagepost.services.accounts import AccountError

    try:
        registry = Registry.open(db, source="window", create=create)
    except AccountError as exc:
        if exc.key != "account.login_required":
            raise
        from villagepost.gui.login_dialog import ask_login

        return ask_login(db, lang, user)
    registry.actor = replace(registry.actor, name=settings.get(opts.USER_NAME))
    return registry


def show_in_front(window: QWidget) -> None:
    """A second start asked for this window: un-minimise it and put it in front."""
    if window.isMinimized():
        window.showNormal()
    bring_to_front(window)


def _claim_registry(db: str | None, lang: str) -> tuple[single_instance.InstanceGuard | None, int | None]:
    """(guard, None) when this window may open the registry; (None, exit code) when another window has it
    (it was asked to come forward, or it did not answer and the clerk is told). Server registries and
    locations that do not resolve are not claimed (opening them reports its own errors)."""
    try:
        path = locations.file_database(db)
    except KnownError:
        return None, None
    if path is None:
        return None, None
    key = single_instance.registry_key(str(path))
    guard = single_instance.InstanceGuard(key)
    if guard.claim():
        return guard, None
    if single_instance.ask_to_raise(key):
        sys.stderr.write(catalogue_text("app.already_open", lang, {"db": str(path)}) + "\n")
        return None, EXIT_OK
    message = catalogue_text("app.open_elsewhere", lang, {"db": str(path)})
    sys.stderr.write(message + "\n")
    if not os.environ.get(smoke.ENV_SCREENSHOT):  # the release check has nobody to click OK
        QMessageBox.warning(None, translate("app", "村邮通"), message)
    return None, EXIT_REFUSED


def run(db: str | None = None, lang: str = "zh", user: str | None = None) -> int:
    """Open the window on the registry `db` (None: $VILLAGEPOST_DB, else the per-user default)."""
    app = _application()
    fonts.install_application_font(app)
    crash.install(lang)
    settings = opts.Settings()
    db, lang = window_choices(settings, db, lang)
    install_translations(app, lang)
    guard, refused = _claim_registry(db, lang)
    if refused is not None:
        return refused
    try:
        # Only the per-user default location is set up on first start (the first-start dialog then loads
        # the codes); a --db, VILLAGEPOST_DB or stored location that is missing is refused by name.
        first_start = db is None and not os.environ.get(ENV_DB)
        try:
            registry = open_with_login(db, settings, lang, user, create=first_start)
        except DamagedDatabase as exc:
            # too damaged to open: offer its verified backups; restored, it opens (or says why not)
            from villagepost.gui.damaged_registry import offer_restore

            if not offer_restore(None, exc, lang):
                raise
            registry = open_with_login(db, settings, lang, user, create=False)
    except KnownError as exc:
        show_open_error(exc, lang)
        return EXIT_REFUSED
    if registry is None:  # the login dialog was cancelled
        return EXIT_REFUSED

    from villagepost.gui.main_window import MainWindow

    window = MainWindow(registry, settings=settings, lang=lang)
    if os.environ.get(ENV_EXIT_AFTER_PAINT):

        def report_and_quit() -> None:
            print(f"{FIRST_PAINT_MARK} {seconds_since_process_start():.3f}", flush=True)
            QTimer.singleShot(0, window.close)

        window.first_painted.connect(report_and_quit)
    if os.environ.get(smoke.ENV_SCREENSHOT):
        smoke.install(window, window.first_painted, guard)
    if guard is not None:
        guard.activate.connect(lambda: show_in_front(window))
        guard.ready()
    window.show()
    try:
        return app.exec()
    finally:
        if guard is not None:
            guard.release()
        window.close()
        window.deleteLater()
