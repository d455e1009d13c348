"""The background-operation helper: worker thread, GUI-thread delivery, order, progress, failures."""

from __future__ import annotations

import threading
from collections.abc import Iterator

import pytest
import shiboken6
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QMessageBox, QWidget
from pytestqt.qtbot import QtBot

from villagepost.core.errors import Cancelled, DatabaseError
from villagepost.gui import crash, ops
from villagepost.gui.ops import BackgroundOp, OpContext, TaskManager

pytestmark = pytest.mark.gui


@pytest.fixture
def parent(qtbot: QtBot) -> QWidget:
    widget = QWidget()
    qtbot.addWidget(widget)
    return widget


@pytest.fixture
def taskman(parent: QWidget) -> Iterator[TaskManager]:
    manager = TaskManager(parent)
    yield manager
    manager.shutdown()


def test_job_runs_off_the_gui_thread_and_success_comes_back_on_it(
    qtbot: QtBot, parent: QWidget, taskman: TaskManager
) -> None:
    seen: dict[str, object] = {}

    def job(ctx: OpContext) -> int:
        seen["job_thread"] = threading.current_thread()
        return 42

    op = BackgroundOp(parent, taskman, job).success(lambda v: seen.update(value=v, cb=threading.current_thread()))
    op.run_in_background()
    qtbot.waitUntil(lambda: "value" in seen)
    assert seen["value"] == 42
    assert seen["cb"] is threading.main_thread()
    assert seen["job_thread"] is not threading.main_thread()
    assert not taskman.busy


def test_jobs_run_one_at_a_time_in_the_order_started(qtbot: QtBot, parent: QWidget, taskman: TaskManager) -> None:
    order: list[int] = []
    running = {"now": 0, "max": 0}
    lock = threading.Lock()

    def job(n: int) -> None:
        with lock:
            running["now"] += 1
            running["max"] = max(running["max"], running["now"])
        order.append(n)
        threading.Event().wait(0.01)
        with lock:
            running["now"] -= 1

    for n in range(6):
        BackgroundOp(parent, taskman, lambda _ctx, n=n: job(n)).run_in_background()
    with qtbot.waitSignal(taskman.idle, timeout=5000):
        pass
    assert order == list(range(6))
    assert running["max"] == 1


def test_known_error_becomes_a_message_box(
    qtbot: QtBot, parent: QWidget, taskman: TaskManager, monkeypatch: pytest.MonkeyPatch
) -> None:
    shown: list[tuple[object, str, str]] = []
    monkeypatch.setattr(QMessageBox, "warning", lambda p, title, text: shown.append((p, title, text)))

    def job(_ctx: OpContext) -> None:
        raise DatabaseError("db.locked", db="D:/村邮通/本县.sqlite")

    op = BackgroundOp(parent, taskman, job)
    op.run_in_background()
    qtbot.waitUntil(lambda: op.finished)
    assert len(shown) == 1
    assert shown[0][0] is parent and shown[0][1] == "村邮通"
    assert "D:/村邮通/本县.sqlite" in shown[0][2]


class _Panel(QWidget):
    """A panel that loads in the background and fills a child, as the audit panel fills its model."""

    def __init__(self) -> None:
        super().__init__()
        self.label = QLabel(self)
        self.delivered: list[str] = []
        self.failed: list[BaseException] = []

    def show_rows(self, text: str) -> None:
        self.label.setText(text)  # RuntimeError once Qt has deleted the panel and its children
        self.delivered.append(text)

    def show_failure(self, exc: BaseException) -> None:
        self.label.setText(str(exc))
        self.failed.append(exc)


def test_a_result_for_a_widget_closed_meanwhile_is_dropped_and_a_failure_still_shown(
    qtbot: QtBot, taskman: TaskManager, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A station editor closed while its history loads: the rows arrive for a deleted panel and model.

    The panel's method would touch its deleted child (RuntimeError: Internal C++ object already deleted,
    shown as a crash report); it is not called. A failure meant for it is still told, with no parent window;
    a callback that is no method of the deleted panel still runs (a job may outlive its widget).
    """
    shown: list[tuple[object, str, str]] = []
    monkeypatch.setattr(QMessageBox, "warning", lambda p, title, text: shown.append((p, title, text)))
    release = threading.Event()

    def rows(_ctx: OpContext) -> str:
        release.wait(5)
        return "rows"

    def locked(_ctx: OpContext) -> None:
        release.wait(5)
        raise DatabaseError("db.locked", db="D:/村邮通/本县.sqlite")

    panel = _Panel()
    delivered, failed = panel.delivered, panel.failed
    others: list[str] = []
    loading = BackgroundOp(panel, taskman, rows).success(panel.show_rows)
    failing = BackgroundOp(panel, taskman, locked).failure(panel.show_failure)
    unowned = BackgroundOp(panel, taskman, rows).success(others.append)
    for op in (loading, failing, unowned):
        op.run_in_background()
    shiboken6.delete(panel)  # the editor closed: Qt deletes the panel and its children
    release.set()
    qtbot.waitUntil(lambda: loading.finished and failing.finished and unowned.finished)
    assert delivered == [] and failed == []
    assert len(shown) == 1 and shown[0][0] is None and "D:/村邮通/本县.sqlite" in shown[0][2]
    assert others == ["rows"]


def test_cancelled_is_quiet_and_a_bug_goes_to_the_crash_handler(
    qtbot: QtBot, parent: QWidget, taskman: TaskManager, monkeypatch: pytest.MonkeyPatch
) -> None:
    crashes: list[BaseException] = []
    monkeypatch.setattr(crash, "handle_exception", lambda t, e, tb: crashes.append(e))
    monkeypatch.setattr(QMessageBox, "warning", lambda *a: pytest.fail("no box for a cancel"))

    def cancelled(_ctx: OpContext) -> None:
        raise Cancelled()

    def bug(_ctx: OpContext) -> None:
        raise ZeroDivisionError("boom")

    first = BackgroundOp(parent, taskman, cancelled)
    second = BackgroundOp(parent, taskman, bug)
    first.run_in_background()
    second.run_in_background()
    qtbot.waitUntil(lambda: first.finished and second.finished)
    assert len(crashes) == 1 and isinstance(crashes[0], ZeroDivisionError)


def test_progress_reaches_the_dialog_and_cancel_reaches_the_job(
    qtbot: QtBot, parent: QWidget, taskman: TaskManager
) -> None:
    reported = threading.Event()
    stop_seen = threading.Event()

    def job(ctx: OpContext) -> None:
        for done in range(0, 1001, 50):
            ctx.progress(done, 1000, "div.writing")
        reported.set()
        while not ctx.cancelled():
            threading.Event().wait(0.005)
        stop_seen.set()
        raise Cancelled()

    failures: list[BaseException] = []
    op = (BackgroundOp(parent, taskman, job)
          .with_progress("正在载入区划代码…", delay_ms=0, describe=lambda key: {"div.writing": "写入"}[key])
          .failure(failures.append))
    ctx = op.run_in_background()
    qtbot.waitUntil(lambda: reported.is_set() and op._dialog is not None)
    qtbot.waitUntil(lambda: op._dialog is not None and op._dialog.value() == 1000)
    assert op._dialog.maximum() == 1000
    assert op._dialog.labelText() == "正在载入区划代码…\n写入  1,000/1,000"
    assert op._cancel_button is not None and op._cancel_button.text() == "取消"
    qtbot.mouseClick(op._cancel_button, Qt.MouseButton.LeftButton)
    assert ctx.cancelled()
    qtbot.waitUntil(lambda: op.finished)
    assert stop_seen.is_set()
    assert len(failures) == 1 and isinstance(failures[0], Cancelled)
    assert op._dialog is None


def test_the_job_may_end_while_its_dialog_shows_progress(qtbot: QtBot, parent: QWidget, taskman: TaskManager) -> None:
    """A window-modal progress dialog's setValue processes events: the job's end may close the dialog there."""
    release = threading.Event()

    def job(ctx: OpContext) -> None:
        ctx.progress(1, 2, "")
        release.wait(10)

    op = BackgroundOp(parent, taskman, job).with_progress("x", delay_ms=0)
    op.run_in_background()
    qtbot.waitUntil(lambda: op._dialog is not None)
    assert op._dialog is not None and op.context is not None
    # what processing events inside setValue does when the job has just ended
    op._dialog.setValue = lambda _value: op._close_dialog()  # type: ignore[method-assign]
    op.context.progress(2, 2, "")
    op._flush_progress()  # was: AttributeError 'NoneType' object has no attribute 'setLabelText'
    assert op._dialog is None
    release.set()
    qtbot.waitUntil(lambda: op.finished)


def test_a_quick_job_never_shows_a_dialog(qtbot: QtBot, parent: QWidget, taskman: TaskManager) -> None:
    op = BackgroundOp(parent, taskman, lambda ctx: ctx.progress(1, 2, "")).with_progress("x")
    op.run_in_background()
    qtbot.waitUntil(lambda: op.finished)
    qtbot.wait(ops.PROGRESS_DELAY_MS + 100)
    assert op._dialog is None


def test_shutdown_waits_for_the_running_job_and_shows_nothing(
    qtbot: QtBot, parent: QWidget, monkeypatch: pytest.MonkeyPatch
) -> None:
    manager = TaskManager(parent)
    called: list[object] = []
    monkeypatch.setattr(crash, "handle_exception", lambda *a: called.append(a))

    def job(ctx: OpContext) -> None:
        while not ctx.cancelled():
            threading.Event().wait(0.005)
        raise RuntimeError("stopped late")

    op = BackgroundOp(parent, manager, job).success(called.append)
    op.run_in_background()
    manager.shutdown()
    assert op.finished and called == []
    with pytest.raises(RuntimeError):
        manager.run(lambda: None, lambda _f: None)


def test_a_job_may_outlive_the_widget_that_started_it(qtbot: QtBot, parent: QWidget, taskman: TaskManager,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    """A dialog closed (and deleted) while its job runs: the job's end must not touch the deleted progress
    dialog or timer (Qt deleted them with their parent)."""
    called: list[object] = []
    monkeypatch.setattr(crash, "handle_exception", lambda *a: called.append(a))
    owner = QWidget(parent)
    release = threading.Event()

    def job(ctx: OpContext) -> int:
        ctx.progress(1, 2, "")
        release.wait(5)
        return 7

    results: list[int] = []
    op = BackgroundOp(owner, taskman, job).with_progress("x", delay_ms=0).success(results.append)
    op.run_in_background()
    qtbot.waitUntil(lambda: op._dialog is not None)
    owner.deleteLater()
    qtbot.wait(50)
    release.set()
    qtbot.waitUntil(lambda: op.finished)
    assert results == [7] and called == []
