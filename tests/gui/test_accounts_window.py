"""The window with accounts: the login dialog, the station's 修改记录 tab and the audit view with filters."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from tests.rosters.roster_fixtures import DATA
from villagepost.gui import audit_view
from villagepost.gui.audit_view import AuditView
from villagepost.gui.login_dialog import LoginDialog
from villagepost.gui.main_window import MainWindow
from villagepost.services import accounts, imports, station_ops
from villagepost.services.registry import Registry

pytestmark = pytest.mark.gui

ROSTER = DATA / "A01_pingluo_clean.xlsx"
HEPING = "640221100201-01"
SHOTS = os.environ.get("VILLAGEPOST_SCREENSHOTS")


def _shot(widget: object, name: str) -> None:
    """Save a PNG of `widget` when VILLAGEPOST_SCREENSHOTS names a folder (to look at, not to compare)."""
    if SHOTS:
        Path(SHOTS).mkdir(parents=True, exist_ok=True)
        widget.grab().save(str(Path(SHOTS) / f"{name}.png"))  # type: ignore[attr-defined]


@pytest.fixture
def pingluo(sqlite_registry: Callable[..., Registry]) -> Registry:
    reg = sqlite_registry("640221")
    assert imports.import_roster(reg, ROSTER).status == "ok"
    station_ops.edit_station(reg, HEPING, {"phone": "13900000000"})
    accounts.add_account(reg, "boss", "admin", [], "secret1")
    accounts.add_account(reg, "tong", "township", ["640221100"], "secret3")
    return reg


def test_login_dialog_refuses_a_wrong_password_then_opens_as_the_account(qtbot: QtBot, pingluo: Registry) -> None:
    db = str(pingluo.location.path)
    dialog = LoginDialog(db, "zh", "tong")
    qtbot.addWidget(dialog)
    dialog.password.setText("nope!!")
    dialog.try_login()
    assert dialog.registry is None
    assert dialog.error.text() == "账号“tong”的密码不对"
    _shot(dialog, "login_refused")
    dialog.password.setText("secret3")
    dialog.try_login()
    assert dialog.registry is not None
    assert (dialog.registry.actor.name, dialog.registry.actor.scopes, dialog.registry.actor.source) == (
        "tong", ("640221100",), "window")
    dialog.registry.close()


def test_station_editor_shows_who_changed_which_field(qtbot: QtBot, make_window: Callable[..., MainWindow],
                                                      pingluo: Registry) -> None:
    window = make_window(pingluo)
    editor = window.open_station(HEPING)
    qtbot.waitUntil(lambda: editor.audit_panel.model.rowCount() == 2, timeout=5000)
    model = editor.audit_panel.model
    texts = [[model.index(r, c).data() for c in range(model.columnCount())] for r in range(model.rowCount())]
    # newest first: the phone edit, then the import that created the station
    assert texts[0][1:] == ["tester", "api", "station", HEPING, "phone", "15675671692", "13900000000"]
    assert texts[1][5] == "*" and texts[1][2].startswith("import: A01_pingluo_clean.xlsx sha256:")
    editor.pages.setCurrentIndex(editor.audit_index)
    _shot(editor, "station_audit_tab")


def test_audit_view_of_a_village_and_filters(qtbot: QtBot, make_window: Callable[..., MainWindow],
                                             pingluo: Registry, monkeypatch: pytest.MonkeyPatch) -> None:
    shown: list[str] = []
    monkeypatch.setattr(audit_view, "show_known_error", lambda _parent, exc, lang: shown.append(exc.message(lang)))
    window = make_window(pingluo)
    view = AuditView(window, window.taskman, pingluo, scope="640221100201")
    qtbot.addWidget(view)
    op = view.apply()
    assert op is not None
    qtbot.waitUntil(lambda: op.finished, timeout=5000)
    assert view.panel.model.rowCount() == 2
    assert view.panel.count.text() == "共 2 条修改"
    view.scope.setText("640221")
    view.user.setText("tester")
    view.since.setText("2026-11-23")
    op = view.apply()
    assert op is not None
    qtbot.waitUntil(lambda: op.finished, timeout=5000)
    # the 88 stations created, the import, the phone edit, and tong's account (boss's is registry-wide)
    assert view.panel.model.rowCount() == 88 + 1 + 1 + 1
    _shot(view, "audit_view")
    view.since.setText("not a date")
    assert view.apply() is None
    assert shown == ["“not a date”不是日期（应为 2026-11-01 或 2026-11-01T08:00）"]


def test_the_window_start_asks_for_a_login_only_when_accounts_exist(
        pingluo: Registry, sqlite_registry: Callable[..., Registry], monkeypatch: pytest.MonkeyPatch) -> None:
    from villagepost.gui import app, login_dialog
    from villagepost.gui.settings import Settings

    asked: list[tuple[str | None, str | None]] = []

    def fake_login(db: str | None, lang: str, user: str | None = None) -> Registry | None:
        asked.append((db, user))
        return None  # the user cancelled

    monkeypatch.setattr(login_dialog, "ask_login", fake_login)
    db = str(pingluo.location.path)
    assert app.open_with_login(db, Settings(), "zh", "tong") is None
    assert asked == [(db, "tong")]
    plain = sqlite_registry("640221", name="plain.sqlite")
    plain.close()
    opened = app.open_with_login(str(plain.location.path), Settings(), "zh")
    assert opened is not None and not opened.actor.account and opened.actor.source == "window"
    opened.close()
    assert len(asked) == 1
