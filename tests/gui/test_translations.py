"""Languages: every window text has an English translation (the shipped catalogue is in step with the source),
an English window shows English, and Qt's standard buttons follow the Chinese window."""

from __future__ import annotations

import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QCoreApplication, Qt, QTranslator
from PySide6.QtWidgets import QApplication, QMessageBox
from pytestqt.qtbot import QtBot

import villagepost.gui
from villagepost.gui.main_window import MainWindow
from villagepost.gui.station_dialogs import EventDialog
from villagepost.gui.translations import catalogue_path, install_qt_translations, install_translations
from villagepost.services.registry import Registry

pytestmark = pytest.mark.gui

GUI = Path(villagepost.gui.__file__).parent
SHIPPED_TS = catalogue_path("en").with_suffix(".ts")


def lupdate() -> Path:
    tool = Path(sys.executable).parent / "pyside6-lupdate"
    found = tool if tool.exists() else shutil.which("pyside6-lupdate")
    if found is None:
        pytest.skip("pyside6-lupdate is not installed")
    return Path(found)


def messages(ts: Path) -> dict[tuple[str, str], tuple[str, str | None]]:
    """(context, source) -> (translation, its type attribute) of a .ts file."""
    out = {}
    for ctx in ET.parse(ts).getroot().iter("context"):
        name = ctx.findtext("name") or ""
        for message in ctx.iter("message"):
            translation = message.find("translation")
            assert translation is not None
            out[(name, message.findtext("source") or "")] = (translation.text or "", translation.get("type"))
    return out


@pytest.fixture
def installed(qapp: QApplication) -> Iterator[Callable[[str], list[QTranslator]]]:
    translators: list[QTranslator] = []

    def install(lang: str) -> list[QTranslator]:
        found = install_translations(qapp, lang)
        translators.extend(found)
        return found

    yield install
    for translator in translators:
        QCoreApplication.removeTranslator(translator)


def test_every_window_text_has_an_english_translation(tmp_path: Path) -> None:
    fresh = tmp_path / "villagepost_en.ts"
    shutil.copyfile(SHIPPED_TS, fresh)
    sources = sorted(str(p) for p in GUI.glob("*.py"))
    subprocess.run([str(lupdate()), *sources, "-ts", str(fresh), "-source-language", "zh_CN",
                    "-target-language", "en"], check=True, capture_output=True)
    current = messages(fresh)
    untranslated = [key for key, (text, kind) in current.items() if kind == "unfinished" or not text]
    assert untranslated == [], "texts without English: run pyside6-lupdate and translate them"
    gone = [key for key, (_text, kind) in current.items() if kind in ("vanished", "obsolete")]
    assert gone == [], "the catalogue keeps texts the window no longer has: run pyside6-lupdate -no-obsolete"
    assert messages(SHIPPED_TS) == current  # the shipped .ts is what lupdate makes of the source today
    assert len(current) > 250


def test_the_compiled_catalogue_is_the_shipped_one() -> None:
    translator = QTranslator()
    assert translator.load(str(catalogue_path("en")))
    for (context, source), (text, _kind) in messages(SHIPPED_TS).items():
        assert translator.translate(context, source) == text, (context, source)


def test_an_english_window(
    qtbot: QtBot, sqlite_registry: Callable[..., Registry], installed: Callable[[str], list[QTranslator]]
) -> None:
    assert len(installed("en")) == 1  # ours; Qt's own texts are English already
    window = MainWindow(sqlite_registry("640221"), lang="en")
    qtbot.addWidget(window)
    with qtbot.waitSignal(window.tree_ready, timeout=5000):
        window.show()
    assert window.windowTitle() == "VillagePost 村邮通"
    assert [a.text() for a in window.menuBar().actions()] == ["&File", "&Edit", "&Stations", "&Print", "&Help"]
    assert [window.tabs.tabText(i) for i in range(window.tabs.count())] == [
        "Overview", "Villages", "Stations", "Statistics", "Inspections"]
    assert window.villages_tab.model.headerData(0, Qt.Orientation.Horizontal) == "Division code"
    assert window.db_label.text().startswith("Database: ")
    dialog = EventDialog(window, window.taskman, window.registry, "640221100201-01", "close", lang="en")
    qtbot.addWidget(dialog)
    assert {b.text() for b in dialog.buttons.buttons()} == {"OK", "Cancel"}  # a base class's texts too
    assert dialog.windowTitle() == "Close station — 640221100201-01"


def test_chinese_installs_qts_own_translation(qtbot: QtBot, qapp: QApplication) -> None:
    translator = install_qt_translations(qapp, "zh")
    assert translator is not None
    try:
        box = QMessageBox(QMessageBox.Icon.Question, "村邮通", "站点的修改还没有保存。要保存吗？",
                          QMessageBox.StandardButton.Save | QMessageBox.StandardButton.Discard
                          | QMessageBox.StandardButton.Cancel)
        qtbot.addWidget(box)
        texts = {box.button(b).text() for b in (QMessageBox.StandardButton.Save, QMessageBox.StandardButton.Discard,
                                                  QMessageBox.StandardButton.Cancel)}
        assert texts == {"保存", "丢弃", "取消"}
    finally:
        QCoreApplication.removeTranslator(translator)
