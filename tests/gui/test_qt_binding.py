"""The Qt binding itself: a regression in it crashes the window however correct our code is.

PySide6 6.12.0's `Signal.emit()` drops a reference to `True` on every emit. Python 3.11 keeps `True`
as an ordinary counted object, so after a few thousand signals (a chart redraw emits dozens) the count
reaches zero and the interpreter aborts ("Fatal Python error: bool_dealloc"), often only at exit.
pyproject.toml excludes that release; this test says so plainly if one like it is ever installed.
"""

from __future__ import annotations

import gc
import sys

import pytest
from PySide6.QtCore import QObject, Signal

pytestmark = pytest.mark.gui


class _Emitter(QObject):
    bare = Signal()
    with_value = Signal(object)


def test_emitting_signals_leaves_the_reference_count_of_true_alone(qapp: object) -> None:
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
