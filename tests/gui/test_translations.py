"""Qt's standard texts (message box and dialog buttons) follow the window's language."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QApplication, QMessageBox
from pytestqt.qtbot import QtBot

from villagepost.gui.translations import install_qt_translations

pytestmark = pytest.mark.gui


def test_chinese_installs_qts_own_translation(qtbot: QtBot, qapp: QApplication) -> None:
    assert install_qt_translations(qapp, "en") is None  # Qt's source language
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
