"""The window's languages: our own texts (written in Chinese in the source) and Qt's standard ones.

Chinese first: every window text is written in Chinese where it is used (`self.tr("站点名称")`), so the
Chinese window needs no catalogue of ours, and no text can be missing from it. English comes from
resources/translations/villagepost_en.qm, compiled from villagepost_en.ts, which pyside6-lupdate keeps in
step with the source (tests/gui/test_translations.py fails on any text without an English translation).
Qt's own texts — the buttons of message boxes and file dialogs, a line edit's menu — come from the
qtbase catalogue in the PySide6 wheel: Chinese for the Chinese window; English is Qt's source language.

To add or change window texts:
    .venv/bin/pyside6-lupdate villagepost/gui/*.py -ts resources/translations/villagepost_en.ts \\
        -source-language zh_CN -target-language en
    (translate the new entries, e.g. with pyside6-linguist)
    .venv/bin/pyside6-lrelease resources/translations/villagepost_en.ts -qm resources/translations/villagepost_en.qm
"""

from __future__ import annotations

import logging
from importlib import resources
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QLibraryInfo, QLocale, QTranslator

log = logging.getLogger(__name__)

#: the window's languages and the Qt locale of each
QT_LOCALES = {"zh": "zh_CN", "en": "en"}
CATALOGUE = "villagepost"


def catalogue_path(lang: str) -> Path:
    """Where the compiled catalogue of our window texts for `lang` lives (shipped as package data)."""
    return Path(str(resources.files("villagepost.resources") / "translations" / f"{CATALOGUE}_{lang}.qm"))


def install_qt_translations(app: QCoreApplication, lang: str) -> QTranslator | None:
    """Load Qt's translation of its standard texts for `lang` into `app`; the translator, or None (English,
    or the file missing — then the standard buttons stay in English, which is logged, not fatal)."""
    if lang == "en":
        return None
    translator = QTranslator(app)
    folder = QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)
    if not translator.load(QLocale(QT_LOCALES.get(lang, lang)), "qtbase", "_", folder):
        log.warning("Qt's %s translation was not found in %s", lang, folder)
        return None
    app.installTranslator(translator)
    return translator


#: Qt texts the shipped qtbase_zh_CN catalogue misses (Qt renamed them with shortcut keys, e.g. the
#: file dialog's "&Look in:"); without these the file dialog shows English labels in a Chinese window
QT_GAPS_ZH: dict[tuple[str, str], str] = {
    ("QFileDialog", "&Look in:"): "查找范围(&L)：",
    ("QFileDialog", "Files of &type:"): "文件类型(&T)：",
    ("QFileDialog", "File &name:"): "文件名称(&N)：",
}


class GapsTranslator(QTranslator):
    """Chinese for the few Qt texts the shipped catalogue lacks (see QT_GAPS_ZH)."""

    def __init__(self, parent: QCoreApplication, texts: dict[tuple[str, str], str]) -> None:
        super().__init__(parent)
        self.texts = texts

    def translate(self, context: str, source: str, disambiguation: str | None = None,
                  n: int = -1) -> str | None:
        # None is Qt's null string, "not translated here": an empty string would blank every other text
        return self.texts.get((context, source))

    def isEmpty(self) -> bool:  # noqa: N802 (Qt override)
        return False


def install_qt_gaps(app: QCoreApplication, lang: str) -> QTranslator | None:
    if lang != "zh":
        return None
    translator = GapsTranslator(app, QT_GAPS_ZH)
    app.installTranslator(translator)
    return translator


def install_window_translations(app: QCoreApplication, lang: str) -> QTranslator | None:
    """Load our window texts in `lang` (nothing for Chinese: the source language)."""
    if lang == "zh":
        return None
    translator = QTranslator(app)
    path = catalogue_path(lang)
    if not translator.load(str(path)):
        log.warning("the window's %s translation %s could not be loaded", lang, path)
        return None
    app.installTranslator(translator)
    return translator


def install_translations(app: QCoreApplication, lang: str) -> list[QTranslator]:
    """Both catalogues for `lang`; the translators installed (keep them: Qt does not own them).

    The default locale follows the window's language as well, so Qt's calendar and its dialogs' other
    locale-dependent texts (month and day names) speak it, not the operating system's language.
    """
    QLocale.setDefault(QLocale(QT_LOCALES.get(lang, lang)))
    return [t for t in (install_qt_translations(app, lang), install_qt_gaps(app, lang),
                        install_window_translations(app, lang)) if t]
