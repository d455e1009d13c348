"""Qt's own texts in Chinese: the buttons of message boxes and file dialogs, a line edit's context menu.

Our own window texts are written in Chinese in the source (Chinese first); Qt's standard dialogs are not.
Qt ships their translations (qtbase_zh_CN.qm, in the PySide6 wheel); without them a clerk's 保存修改？
box would offer "Save / Discard / Cancel". English needs nothing: it is Qt's source language.
"""

from __future__ import annotations

import logging

from PySide6.QtCore import QCoreApplication, QLibraryInfo, QLocale, QTranslator

log = logging.getLogger(__name__)

#: the window's languages and the Qt locale of each
QT_LOCALES = {"zh": "zh_CN"}


def install_qt_translations(app: QCoreApplication, lang: str) -> QTranslator | None:
    """Load Qt's translation of its standard texts for `lang` into `app`; the translator, or None (English,
    or the file missing — then the standard buttons stay in English, which is logged, not fatal)."""
    locale = QT_LOCALES.get(lang)
    if locale is None:
        return None
    translator = QTranslator(app)
    folder = QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)
    if not translator.load(QLocale(locale), "qtbase", "_", folder):
        log.warning("Qt's %s translation was not found in %s", locale, folder)
        return None
    app.installTranslator(translator)
    return translator
