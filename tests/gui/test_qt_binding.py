"""The Qt binding itself: PySide6 6.12.0 on Python 3.11 drops a reference to None on every call of a Qt
function that returns nothing (label.setText, processEvents …), and one to True on every Signal.emit().
Their counts then fall by thousands a minute until the interpreter aborts with "deallocating None" (found
when the table benchmark crashed) or "bool_dealloc" (found when a redrawn chart aborted at exit).
pyproject.toml excludes that release; these tests fail on any binding that brings either bug back."""

from __future__ import annotations

import gc
import sys

import pytest
from PySide6.QtCore import QCoreApplication, QObject, Signal
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


class _Emitter(QObject):
    bare = Signal()
    with_value = Signal(object)


@pytest.mark.skipif(sys.version_info >= (3, 12), reason="True is immortal from Python 3.12 on")
def test_emitting_signals_keeps_true_alive(qapp: QApplication) -> None:
    emitter = _Emitter()
    received: list[object] = []
    emitter.with_value.connect(received.append)
    emitter.bare.emit()  # first emits set up caches that may hold a reference of their own
    emitter.with_value.emit(-1)
    gc.collect()
    before = sys.getrefcount(True)
    for i in range(200):
        emitter.bare.emit()
        emitter.with_value.emit(i)
    gc.collect()
    # 400 emits: the broken release loses 400 references; other code may move the count by one or two
    assert abs(sys.getrefcount(True) - before) < 10
    assert received == list(range(-1, 200))
