"""Start-up and errors: the bundled font, a database that will not open, the crash dialog, the paint hook."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Callable
from importlib import resources
from pathlib import Path

import pytest
from PySide6.QtGui import QFontDatabase, QRawFont
from PySide6.QtWidgets import QApplication, QLabel, QMessageBox, QPlainTextEdit
from pytestqt.qtbot import QtBot

from villagepost.core.errors import DatabaseError
from villagepost.gui import app as gui_app
from villagepost.gui import crash, fonts
from villagepost.gui.crash_dialog import CrashDialog
from villagepost.services.registry import Registry

pytestmark = pytest.mark.gui


@pytest.fixture
def keep_hooks(monkeypatch: pytest.MonkeyPatch) -> None:
    """run() installs the crash hooks; put the test runner's back afterwards."""
    import threading

    monkeypatch.setattr(sys, "excepthook", sys.excepthook)
    monkeypatch.setattr(threading, "excepthook", threading.excepthook)


def test_the_bundled_font_is_found_through_the_package_resources(qapp: QApplication) -> None:
    path = fonts.bundled_font_path()
    assert path == Path(str(resources.files("villagepost.resources") / "fonts" / "wqy-microhei.ttc"))
    assert path.is_file() and path.stat().st_size > 4_000_000
    assert (path.parent / "LICENSE-wqy-microhei.txt").is_file()
    family = fonts.install_application_font(qapp)
    assert family == "WenQuanYi Micro Hei"
    assert qapp.font().families()[0] == "WenQuanYi Micro Hei"
    assert len(qapp.font().families()) >= 2  # the system's UI font stays as the fallback
    assert "WenQuanYi Micro Hei" in QFontDatabase.families()
    raw = QRawFont(str(path), 12)
    assert raw.isValid() and all(raw.supportsCharacter(ord(ch)) for ch in "村邮通永吉县类似居委会")


def test_a_file_that_is_not_a_database_gives_a_message_box_and_exit_2(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, keep_hooks: None
) -> None:
    bad = tmp_path / "notes.sqlite"
    bad.write_bytes(b"this is a letter, not a database\n" * 200)
    boxes: list[tuple[object, str, str]] = []
    monkeypatch.setattr(QMessageBox, "critical", lambda parent, title, text: boxes.append((parent, title, text)))
    assert gui_app.run(str(bad), "zh") == 2
    assert len(boxes) == 1
    _, title, text = boxes[0]
    assert title == "村邮通 — 无法打开数据库"
    assert text.startswith("无法打开数据库，村邮通不能启动。")
    assert str(bad) in text and "不是村邮通数据库" in text  # the catalogue's db.not_sqlite, naming the file
    assert "已损坏" not in text
    assert "--db" in text
    assert QApplication.topLevelWidgets() == [] or all(not w.isVisible() for w in QApplication.topLevelWidgets())


def test_run_opens_the_window_and_the_paint_hook_reports_and_quits(
    sqlite_registry: Callable[..., Registry], monkeypatch: pytest.MonkeyPatch, keep_hooks: None,
    capsys: pytest.CaptureFixture[str],
) -> None:
    reg = sqlite_registry("64")
    reg.close()
    monkeypatch.setenv(gui_app.ENV_EXIT_AFTER_PAINT, "1")
    assert gui_app.run(reg.label, "zh") == 0
    line = capsys.readouterr().out.strip().splitlines()[-1]
    mark, seconds = line.split()
    assert mark == gui_app.FIRST_PAINT_MARK and 0 < float(seconds) < 600


def test_an_unexpected_exception_is_logged_and_shown(
    qtbot: QtBot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    shown: list[CrashDialog] = []

    def fake_exec(dialog: CrashDialog) -> int:
        shown.append(dialog)
        return 0

    monkeypatch.setattr(CrashDialog, "exec", fake_exec)
    try:
        raise ValueError("一个程序错误")
    except ValueError as exc:
        crash.handle_exception(type(exc), exc, exc.__traceback__)
    log = tmp_path / "logs" / crash.CRASH_LOG
    text = log.read_text(encoding="utf-8")
    assert "ValueError: 一个程序错误" in text and "Traceback" in text and "VillagePost" in text
    assert len(shown) == 1
    dialog = shown[0]
    assert dialog.log_path == log
    assert dialog.windowTitle() == "村邮通 — 程序错误"
    assert dialog.continue_button.text() == "继续使用"
    assert str(log) in " ".join(label.text() for label in dialog.findChildren(QLabel))
    assert "ValueError: 一个程序错误" in dialog.findChild(QPlainTextEdit, "crashDetails").toPlainText()


def test_a_known_error_escaping_to_the_event_loop_is_a_message_box_not_a_crash(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    boxes: list[str] = []
    monkeypatch.setattr(QMessageBox, "warning", lambda parent, title, text: boxes.append(text))
    monkeypatch.setattr(CrashDialog, "exec", lambda self: pytest.fail("no crash dialog for a known error"))
    exc = DatabaseError("db.readonly", db="x.sqlite")
    crash.handle_exception(type(exc), exc, None)
    assert len(boxes) == 1 and "x.sqlite" in boxes[0]
    assert not (tmp_path / "logs" / crash.CRASH_LOG).exists()


def test_ui_strings_are_extractable_for_translation(tmp_path: Path) -> None:
    """A later issue adds .ts/.qm files: every window string must be visible to pyside6-lupdate."""
    import PySide6

    lupdate = Path(PySide6.__file__).parent / "lupdate"
    sources = sorted(str(p) for p in Path(gui_app.__file__).parent.glob("*.py"))
    ts = tmp_path / "villagepost_zh.ts"
    subprocess.run([str(lupdate), *sources, "-ts", str(ts)], check=True, capture_output=True)
    text = ts.read_text(encoding="utf-8")
    for source in ("村邮通 VillagePost", "打开数据库(&amp;O)…", "退出(&amp;X)", "关于村邮通(&amp;A)", "名称", "代码",
                   "欢迎使用村邮通！", "取消", "继续使用", "村委会（建制村）", "无法打开数据库，村邮通不能启动。"):
        assert f"<source>{source}" in text, source
