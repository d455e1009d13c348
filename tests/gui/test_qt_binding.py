"""The Qt binding itself: PySide6 6.12.0 on Python 3.11 drops a reference to None on every call of a Qt
function that returns nothing (label.setText, processEvents …). None's count then falls by thousands a
minute until the interpreter aborts with "deallocating None" — found when the table benchmark crashed.
pyproject.toml excludes that release; this test fails on any binding that brings the bug back."""

from __future__ import annotations

import sys

import pytest
from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QApplication, QLabel
from pytestqt.qtbot import QtBot

pytestmark = pytest.mark.gui


@pytest.mark.skipif(sys.version_info >= (3, 12), reason="None is immortal from Python 3.12 on")
def test_void_qt_calls_keep_none_alive(qtbot: QtBot, qapp: QApplication) -> None:
    label = QLabel()
    qtbot.addWidget(label)
    before = sys.getrefcount(None)
    for _ in range(500):
        label.setText("村邮通")
        QCoreApplication.processEvents()
    assert sys.getrefcount(None) >= before - 50  # a few may move elsewhere; the bug loses 1,000 here
