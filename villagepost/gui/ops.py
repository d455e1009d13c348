"""Background operations: database work off the GUI thread, results back on it (after Anki's taskman/operations).

Why this shape:
- **One serial worker** for database jobs. SQLite allows one writer, and jobs that touch the same rows must
  not interleave: a single-thread executor runs them strictly in the order they were started, so a details
  query queued after a load sees the loaded data.
- **A second lane for the big tables' id queries** (`run_read`): they only read, each in its own short
  transaction (WAL readers never wait for a writer), and must not queue behind an 18-second import, or
  clicking a township during an import would show nothing until it ended. Tables reload after a write.
- **No QObject is touched on the worker.** A job gets an `OpContext` (plain Python, thread-safe) for
  progress and cancellation. Results, failures and progress reports travel back as closures in a locked
  queue; the worker only emits `TaskManager._closures_pending`, and Qt delivers that emission to the GUI
  thread as a queued call (emitting a signal is Qt's documented thread-safe way to wake another thread).
- **Progress is coalesced**: a loader reporting every 5,000 rows never floods the event loop; the GUI shows
  the latest value whenever it gets to it.
- **A progress dialog only after ~600 ms** (Anki's aqt/progress.py): quick jobs never flash a dialog.
- **Failures always reach the user**: a KnownError becomes a Chinese message box saying what to do,
  Cancelled is quiet (the user asked for it, and the job rolled back), anything else is a bug and goes to
  the crash dialog with its traceback logged.
"""

from __future__ import annotations

import logging
import threading
import time
from collections import deque
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Generic, Self, TypeVar

from PySide6.QtCore import QCoreApplication, QObject, Qt, QTimer, Signal
from PySide6.QtWidgets import QProgressDialog, QPushButton, QWidget
from shiboken6 import isValid

from villagepost.core.errors import Cancelled, DamagedDatabase, DatabaseError, KnownError
from villagepost.core.messages import DEFAULT_LANG, tr
from villagepost.gui.known_errors import show_known_error

log = logging.getLogger(__name__)

T = TypeVar("T")

#: Delay before a progress dialog appears; shorter jobs finish without one.
PROGRESS_DELAY_MS = 600
#: how long a save waits, in busy-timeout rounds, for another program that writes the same SQLite registry
#: (a province's import takes minutes) before it gives up and says who is writing
WRITER_PATIENCE_S = 900.0


#: lupdate finds `translate("context", "text")` calls; a wrapper function would hide them.
translate = QCoreApplication.translate


class OpContext:
    """What a running job may use: report progress, ask whether the user cancelled. Thread-safe, Qt-free.

    `progress` and `cancelled` have exactly the signatures services take, so a job can pass them straight
    through: `divisions.load(reg, scopes, progress=ctx.progress, cancelled=ctx.cancelled)`.
    """

    def __init__(self, on_progress: Callable[[], None] | None = None) -> None:
        self._cancel = threading.Event()
        self._lock = threading.Lock()
        self._latest: tuple[int, int, str] | None = None
        self._flush_scheduled = False
        self._on_progress = on_progress

    def cancelled(self) -> bool:
        return self._cancel.is_set()

    def cancel(self) -> None:
        """Ask the job to stop; it notices at its next `cancelled()` check and raises Cancelled."""
        self._cancel.set()

    def progress(self, done: int, total: int, text: str = "") -> None:
        """Record the latest progress; the GUI is woken once per batch of reports, not per report."""
        with self._lock:
            self._latest = (done, total, text)
            if self._flush_scheduled or self._on_progress is None:
                return
            self._flush_scheduled = True
        self._on_progress()

    def take_progress(self) -> tuple[int, int, str] | None:
        """The latest report, consumed (GUI thread)."""
        with self._lock:
            self._flush_scheduled = False
            latest, self._latest = self._latest, None
        return latest


class TaskManager(QObject):
    """Owns the one database worker thread and the queue of closures bound for the GUI thread."""

    _closures_pending = Signal()
    #: emitted on the GUI thread when no job is queued or running any more
    idle = Signal()

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="villagepost-db")
        self._reader: ThreadPoolExecutor | None = None  # created on first use (most windows need it)
        self._closures: deque[Callable[[], None]] = deque()
        self._lock = threading.Lock()
        self._active = 0
        self._closing = False
        self._contexts: set[OpContext] = set()
        self._closures_pending.connect(self._run_closures, Qt.ConnectionType.QueuedConnection)

    # --- any thread --------------------------------------------------------------------------
    def post(self, closure: Callable[[], None]) -> None:
        """Run `closure` on the GUI thread soon. Safe to call from the worker."""
        with self._lock:
            self._closures.append(closure)
        self._closures_pending.emit()

    # --- GUI thread ----------------------------------------------------------------------------
    @property
    def busy(self) -> bool:
        return self._active > 0

    @property
    def closing(self) -> bool:
        return self._closing

    def run(self, job: Callable[[], T], on_done: Callable[[Future[T]], None],
            context: OpContext | None = None) -> Future[T]:
        """Queue `job` on the worker; `on_done(future)` runs on the GUI thread when it has finished."""
        if self._closing:
            raise RuntimeError("the task manager has shut down")
        self._active += 1
        if context is not None:
            self._contexts.add(context)

        def finished(future: Future[T]) -> None:
            def deliver() -> None:
                self._active -= 1
                if context is not None:
                    self._contexts.discard(context)
                try:
                    on_done(future)
                finally:
                    if self._active == 0:
                        self.idle.emit()

            self.post(deliver)

        future = self._executor.submit(job)
        future.add_done_callback(finished)
        return future

    def run_read(self, job: Callable[[], T], on_done: Callable[[Future[T]], None]) -> Future[T]:
        """Queue a read-only `job` on the reader lane; `on_done(future)` runs on the GUI thread.

        Jobs on this lane must only read: they run beside whatever the serial worker is writing.
        """
        if self._closing:
            raise RuntimeError("the task manager has shut down")
        if self._reader is None:
            self._reader = ThreadPoolExecutor(max_workers=1, thread_name_prefix="villagepost-read")
        self._active += 1

        def finished(future: Future[T]) -> None:
            def deliver() -> None:
                self._active -= 1
                try:
                    on_done(future)
                finally:
                    if self._active == 0:
                        self.idle.emit()

            self.post(deliver)

        future = self._reader.submit(job)
        future.add_done_callback(finished)
        return future

    def shutdown(self) -> None:
        """Cancel running jobs, wait for the worker, then deliver what is left without showing anything.

        Called when the window closes: a job still writing must finish (or roll back) before the
        database is closed, or SQLite's file could be left with a half-applied transaction.
        """
        if self._closing:
            return
        self._closing = True
        for context in list(self._contexts):
            context.cancel()
        if self._reader is not None:
            self._reader.shutdown(wait=True, cancel_futures=True)
        self._executor.shutdown(wait=True)
        self._run_closures()

    def _run_closures(self) -> None:
        while True:
            with self._lock:
                if not self._closures:
                    return
                closure = self._closures.popleft()
            try:
                closure()
            except Exception as exc:  # one failing callback must not starve the others
                from villagepost.gui import crash

                crash.handle_exception(type(exc), exc, exc.__traceback__)


def _of_deleted_widget(callback: Callable[..., object]) -> bool:
    """True when `callback` is a method of a Qt object that has been deleted since the job started.

    Why: a panel of an editor the clerk closed while its history loaded is deleted with the editor; its
    `show_rows` would touch the deleted model (RuntimeError, a crash report). Such a result has nobody to
    go to and is dropped (as Qt drops a signal to a deleted receiver), and such a failure is shown without
    a parent. Other callbacks (closures, plain functions) still run: a job may outlive its widget.
    """
    owner = getattr(callback, "__self__", None)
    return isinstance(owner, QObject) and not isValid(owner)


def default_failure(parent: QWidget | None, exc: BaseException, lang: str = DEFAULT_LANG) -> None:
    """What happens to a failure nobody handled: quiet for Cancelled, a box for KnownError, else a crash report."""
    if isinstance(exc, Cancelled):
        log.info("operation cancelled by the user")
        return
    if isinstance(exc, DamagedDatabase) and parent is not None and isValid(parent):
        # damage met while working (a read found it): the main window offers the restore it offers at start
        restore = getattr(parent.window(), "restore_damaged", None)
        if restore is not None and restore(exc):
            return
    if isinstance(exc, KnownError):
        show_known_error(parent, exc, lang)
        return
    from villagepost.gui import crash

    crash.handle_exception(type(exc), exc, exc.__traceback__)


def waiting_for_writers(job: Callable[[OpContext], T], lang: str = DEFAULT_LANG,
                        patience: float | None = None) -> Callable[[OpContext], T]:
    """`job`, tried again while another program holds the registry's write lock (an import elsewhere).

    Each try waits the busy timeout; between tries the progress dialog says who is writing, so a save
    during an import waits visibly (and can be cancelled) instead of failing after 10 s. Nothing is
    half-written: each try is one whole transaction. After `patience` seconds (default
    `WRITER_PATIENCE_S`, read when the job starts) the last refusal, naming the writer, is the job's error.
    Show it with `saving_label()` as the progress title (`BackgroundOp.with_progress`).
    """

    def run(ctx: OpContext) -> T:
        deadline = time.monotonic() + (WRITER_PATIENCE_S if patience is None else patience)
        while True:
            try:
                return job(ctx)
            except DatabaseError as exc:
                if exc.key not in ("db.locked", "db.locked_by") or ctx.cancelled() or time.monotonic() > deadline:
                    raise
                key = "db.waiting_for" if exc.key == "db.locked_by" else "db.waiting"
                ctx.progress(0, 0, tr(key, lang, exc.params))

    return run


def saving_label() -> str:
    """The title of a save's progress dialog (shown when it waits for another program's write)."""
    return translate("ops", "正在保存…")


class BackgroundOp(Generic[T]):
    """One job, built fluently and started once: `BackgroundOp(w, tm, job).success(cb).run_in_background()`.

    `job(ctx)` runs on the worker; `success(result)` and `failure(exc)` run on the GUI thread. Without a
    failure handler, `default_failure` applies. Callbacks are skipped when the task manager is shutting
    down (the window is gone); a failure then is still logged.
    """

    def __init__(self, parent: QWidget, taskman: TaskManager, job: Callable[[OpContext], T], *,
                 lang: str = DEFAULT_LANG) -> None:
        self._parent = parent
        self._taskman = taskman
        self._job = job
        self._lang = lang
        self._on_success: Callable[[T], None] | None = None
        self._on_failure: Callable[[BaseException], None] | None = None
        self._progress_label: str | None = None
        self._progress_delay = PROGRESS_DELAY_MS
        self._cancellable = True
        self._describe: Callable[[str], str] = lambda key: tr(key, lang) if key else ""
        self._dialog: QProgressDialog | None = None
        self._cancel_button: QPushButton | None = None
        self._last_progress: tuple[int, int, str] | None = None
        self._timer: QTimer | None = None
        self._started_at = 0.0
        self.context: OpContext | None = None
        self.finished = False

    def success(self, callback: Callable[[T], None]) -> Self:
        self._on_success = callback
        return self

    def failure(self, callback: Callable[[BaseException], None]) -> Self:
        self._on_failure = callback
        return self

    def with_progress(self, label: str, *, delay_ms: int = PROGRESS_DELAY_MS, cancellable: bool = True,
                      describe: Callable[[str], str] | None = None) -> Self:
        """Show a progress dialog titled `label` if the job is still running after `delay_ms`.

        `describe` turns the `text` a service passes to progress() (a message key such as
        "div.writing") into what the dialog shows.
        """
        self._progress_label = label
        self._progress_delay = delay_ms
        self._cancellable = cancellable
        if describe is not None:
            self._describe = describe
        return self

    def run_in_background(self) -> OpContext:
        """Start the job; returns its context (cancel() it to stop the job from code)."""
        if self.context is not None:
            raise RuntimeError("a BackgroundOp runs once")
        ctx = OpContext(on_progress=lambda: self._taskman.post(self._flush_progress))
        self.context = ctx
        self._started_at = time.monotonic()
        if self._progress_label is not None:
            self._timer = QTimer(self._parent)
            self._timer.setSingleShot(True)
            self._timer.timeout.connect(self._show_dialog)
            self._timer.start(self._progress_delay)
        self._taskman.run(lambda: self._job(ctx), self._done, ctx)
        return ctx

    # --- GUI thread ----------------------------------------------------------------------------
    def _show_dialog(self) -> None:
        if self.finished or self._dialog is not None or self._progress_label is None:
            return
        dialog = QProgressDialog(self._progress_label, "", 0, 0, self._parent)
        dialog.setWindowTitle(translate("ops", "村邮通"))
        dialog.setWindowModality(Qt.WindowModality.WindowModal)
        dialog.setAutoClose(False)
        dialog.setAutoReset(False)
        dialog.setMinimumDuration(0)
        dialog.setMinimumWidth(420)
        if self._cancellable:
            self._cancel_button = QPushButton(translate("ops", "取消"), dialog)
            dialog.setCancelButton(self._cancel_button)
        else:
            dialog.setCancelButton(None)
        dialog.canceled.connect(self._cancel_requested)
        self._dialog = dialog
        dialog.show()
        self._flush_progress()

    def _cancel_requested(self) -> None:
        if self.context is None or self.finished:
            return
        self.context.cancel()
        if self._dialog is not None:
            self._dialog.setLabelText(translate("ops", "正在取消，登记册将保持原样…"))
            if self._cancel_button is not None:
                self._cancel_button.setEnabled(False)
            # QProgressDialog hides itself on cancel; keep it up until the job has really stopped.
            self._dialog.show()

    def _flush_progress(self) -> None:
        if self.context is None:
            return
        latest = self.context.take_progress()
        if latest is not None:
            self._last_progress = latest  # kept: a report that arrives before the dialog must not be lost
        if self._last_progress is None or self._dialog is None or self.context.cancelled():
            return
        done, total, text = self._last_progress
        described = self._describe(text)
        label = self._progress_label or ""
        if total > 0:
            label = f"{label}\n{described}  {done:,}/{total:,}"
        elif described:
            label = f"{label}\n{described}"
        dialog = self._dialog
        dialog.setLabelText(label)
        # A window-modal QProgressDialog runs the event loop inside setValue: the job may finish there and
        # close the dialog, so nothing may touch it after that call.
        dialog.setMaximum(total if total > 0 else 0)
        dialog.setValue(min(done, total) if total > 0 else 0)

    def _close_dialog(self) -> None:
        # The timer and the dialog are children of the widget that started the job; when that widget was
        # closed and deleted before the job ended, Qt has deleted them with it.
        if self._timer is not None:
            if isValid(self._timer):
                self._timer.stop()
                self._timer.deleteLater()
            self._timer = None
        if self._dialog is not None:
            if isValid(self._dialog):
                self._dialog.canceled.disconnect(self._cancel_requested)
                self._dialog.close()
                self._dialog.deleteLater()
            self._dialog = None
            self._cancel_button = None

    def _done(self, future: Future[T]) -> None:
        self.finished = True
        self._close_dialog()
        exc = future.exception()
        log.debug("background op finished in %.3f s", time.monotonic() - self._started_at)
        if self._taskman.closing:
            if exc is not None and not isinstance(exc, Cancelled):
                log.error("background job failed while closing", exc_info=exc)
            return
        if exc is None:
            if self._on_success is not None and not _of_deleted_widget(self._on_success):
                self._on_success(future.result())
            return
        if self._on_failure is not None and not _of_deleted_widget(self._on_failure):
            self._on_failure(exc)
        else:
            parent = self._parent if self._parent is not None and isValid(self._parent) else None
            default_failure(parent, exc, self._lang)
