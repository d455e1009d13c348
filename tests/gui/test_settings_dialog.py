"""选项: typed settings over QSettings, the registry's 类似村委会 option through its service, remembered layout."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox
from pytestqt.qtbot import QtBot
from sqlalchemy import select

from villagepost.core.actor import Actor
from villagepost.gui import settings as opts
from villagepost.gui.app import window_choices
from villagepost.gui.main_window import MainWindow
from villagepost.gui.settings import Settings
from villagepost.gui.settings_dialog import SettingsDialog
from villagepost.gui.villages_tab import NAME
from villagepost.services import accounts, coverage
from villagepost.services.registry import Registry
from villagepost.storage.models import Division

pytestmark = pytest.mark.gui


def open_dialog(qtbot: QtBot, window: MainWindow) -> SettingsDialog:
    dialog = window.open_settings()
    qtbot.waitUntil(dialog.village_like.isEnabled, timeout=5000)  # the registry's value has been read
    return dialog


def test_the_dialog_shows_what_is_stored(
    qtbot: QtBot, make_window: Callable[..., MainWindow], sqlite_registry: Callable[..., Registry]
) -> None:
    Settings().set(opts.USER_NAME, "张三")
    window = make_window(sqlite_registry("640221"))
    dialog = open_dialog(qtbot, window)
    assert dialog.user_edit.text() == "张三"
    assert dialog.file_radio.isChecked() and dialog.file_edit.text() == "" and not dialog.url_edit.isEnabled()
    assert dialog.language.currentText() == "中文"
    assert not dialog.village_like.isChecked()
    assert dialog.current_db.text() == f"当前打开：{window.registry.label}"


def test_ok_stores_the_values_and_the_window_follows(
    qtbot: QtBot, make_window: Callable[..., MainWindow], sqlite_registry: Callable[..., Registry],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    told: list[str] = []
    monkeypatch.setattr(QMessageBox, "information", lambda _p, _t, text: told.append(text))
    reg = sqlite_registry("640221")
    window = make_window(reg)
    dialog = open_dialog(qtbot, window)
    dialog.user_edit.setText("李四")
    dialog.language.setCurrentIndex(dialog.language.findData("en"))
    dialog.village_like.setChecked(True)
    with qtbot.waitSignal(dialog.accepted):
        dialog._ok()
    qtbot.waitUntil(lambda: not window.taskman.busy, timeout=5000)
    settings = Settings()
    stored = (settings.get(opts.USER_NAME), settings.get(opts.LANGUAGE), settings.get(opts.DATABASE))
    assert stored == ("李四", "en", "")
    assert reg.actor.name == "李四" and window.user_label.text() == "用户：李四"
    assert coverage.include_village_like(reg)
    assert told == ["界面语言将在下次启动村邮通时改变。"]
    assert window.statusBar().currentMessage() == "已修改登记册设置：建制村总数计入类似村委会。"


def test_refusals_stay_in_the_dialog(
    qtbot: QtBot, make_window: Callable[..., MainWindow], sqlite_registry: Callable[..., Registry]
) -> None:
    window = make_window(sqlite_registry("640221"))
    dialog = open_dialog(qtbot, window)
    dialog.user_edit.setText("  ")
    dialog._ok()
    assert dialog.isVisible() and dialog.error.text() == "请填写用户名：每条修改都会记下是谁做的。"
    dialog.user_edit.setText("王五")
    dialog.server_radio.setChecked(True)
    dialog._ok()
    assert dialog.error.text() == "请填写服务器地址，例如 postgresql://用户名:密码@服务器/villagepost"
    dialog.url_edit.setText("mysql://server/villagepost")
    dialog._ok()
    assert dialog.error.text() == "无法识别的数据库位置：mysql://server/villagepost"
    assert Settings().get(opts.USER_NAME) != "王五"  # nothing stored until OK is accepted


def test_a_new_database_location_is_opened(
    qtbot: QtBot, make_window: Callable[..., MainWindow], sqlite_registry: Callable[..., Registry], tmp_path: Path
) -> None:
    window = make_window(sqlite_registry("22", name="jilin.sqlite"))
    other = sqlite_registry("64", name="ningxia.sqlite")
    other.close()
    dialog = open_dialog(qtbot, window)
    dialog.file_edit.setText(str(tmp_path / "ningxia.sqlite"))
    with qtbot.waitSignal(window.tree_ready, timeout=10000):
        dialog._ok()
    assert Settings().get(opts.DATABASE) == str(tmp_path / "ningxia.sqlite")
    assert window.db_label.text() == f"数据库：{tmp_path / 'ningxia.sqlite'}"


def test_a_township_user_may_not_change_the_registry_option(
    qtbot: QtBot, make_window: Callable[..., MainWindow], sqlite_registry: Callable[..., Registry],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    warned: list[str] = []
    monkeypatch.setattr(QMessageBox, "warning", lambda _p, _t, text: warned.append(text))
    reg = sqlite_registry("640221", actor=Actor(name="城关镇", scopes=("640221100",)))
    window = make_window(reg)
    dialog = open_dialog(qtbot, window)
    dialog.user_edit.setText("城关镇")
    dialog.village_like.setChecked(True)
    dialog._ok()
    qtbot.waitUntil(lambda: bool(warned), timeout=5000)
    assert warned[0].startswith("用户“城关镇”")
    assert not coverage.include_village_like(reg)


def test_after_a_login_the_account_is_the_user_and_cannot_be_retyped(
    qtbot: QtBot, make_window: Callable[..., MainWindow], sqlite_registry: Callable[..., Registry],
) -> None:
    Settings().set(opts.USER_NAME, "张三")  # this PC's free name, from before accounts existed
    reg = sqlite_registry("640221")
    accounts.add_account(reg, "boss", "admin", [], "secret1")
    accounts.add_account(reg, "tong", "township", ["640221100"], "secret3")
    assert reg.location.path is not None
    reg.close()
    window = make_window(Registry.open(reg.location.path, login=("tong", "secret3"), source="window"))
    dialog = open_dialog(qtbot, window)
    assert dialog.user_label.text() == "登录账号："
    assert (dialog.user_edit.text(), dialog.user_edit.isReadOnly()) == ("tong", True)
    assert dialog.user_edit.toolTip() == "已用账号登录：修改记录都记在这个账号名下。换账号请重新登录。"
    dialog.user_edit.setFocus()
    qtbot.keyClicks(dialog.user_edit, "lisi")  # typing changes nothing
    assert dialog.user_edit.text() == "tong"
    with qtbot.waitSignal(dialog.accepted):
        dialog._ok()
    assert Settings().get(opts.USER_NAME) == "张三"  # the free name is kept for a registry without accounts
    assert window.registry.actor.name == "tong" and window.registry.actor.account


def test_without_accounts_the_user_name_is_typed(
    qtbot: QtBot, make_window: Callable[..., MainWindow], sqlite_registry: Callable[..., Registry],
) -> None:
    window = make_window(sqlite_registry("640221"))
    dialog = open_dialog(qtbot, window)
    assert dialog.user_label.text() == "用户名：" and not dialog.user_edit.isReadOnly()
    assert dialog.user_edit.toolTip() == ""


def test_command_line_and_environment_win(monkeypatch: pytest.MonkeyPatch) -> None:
    settings = Settings()
    settings.set(opts.DATABASE, "/data/县.sqlite")
    settings.set(opts.LANGUAGE, "en")
    monkeypatch.delenv("VILLAGEPOST_DB", raising=False)
    monkeypatch.delenv("VILLAGEPOST_LANG", raising=False)
    assert window_choices(settings, None, "zh") == ("/data/县.sqlite", "en")
    assert window_choices(settings, "/tmp/x.sqlite", "zh") == ("/tmp/x.sqlite", "en")
    monkeypatch.setenv("VILLAGEPOST_DB", "/env.sqlite")
    monkeypatch.setenv("VILLAGEPOST_LANG", "zh")
    assert window_choices(settings, None, "zh") == (None, "zh")  # Registry.open reads the environment
    settings.set(opts.LANGUAGE, "fr")  # a hand-edited file: the default, not an unknown language
    monkeypatch.delenv("VILLAGEPOST_LANG")
    assert window_choices(settings, None, "zh")[1] == "zh"


def test_tabs_and_table_columns_are_remembered(
    qtbot: QtBot, make_window: Callable[..., MainWindow], sqlite_registry: Callable[..., Registry]
) -> None:
    first = make_window(sqlite_registry("640221", name="a.sqlite"))
    first.tabs.setCurrentWidget(first.villages_tab)
    header = first.villages_tab.view.horizontalHeader()
    header.resizeSection(NAME, 230)
    header.setSortIndicator(NAME, Qt.SortOrder.DescendingOrder)
    first.close()
    second = make_window(sqlite_registry("640221", name="b.sqlite"))
    assert second.tabs.currentWidget() is second.villages_tab
    restored = second.villages_tab.view.horizontalHeader()
    assert restored.sectionSize(NAME) == 230
    assert (second.villages_tab.model.sort_column, second.villages_tab.model.sort_order) == (
        NAME, Qt.SortOrder.DescendingOrder)
    tab = second.villages_tab
    qtbot.waitUntil(lambda: tab.model.complete and not tab.model.loading and tab.model.total == 182, timeout=5000)
    with second.registry.read() as session:
        units = session.scalars(select(Division).where(Division.level == 5)).all()
    by_pinyin_desc = [u.code for u in sorted(units, key=lambda u: (u.pinyin, u.code), reverse=True)]
    assert [tab.model.index(r, 0).data() for r in range(182)] == by_pinyin_desc
