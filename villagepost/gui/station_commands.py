"""Undo and redo of station changes (QUndoStack), replayed through services.station_ops on the worker.

Why these rules:
- **History is never deleted.** Undoing a dated event (a type change, a merger, a closure…) records an
  ``undone`` event through `station_ops.undo_event`; redoing it undoes that undo. Both stay in the
  station's history, so the coverage curve before and after can always be explained.
- **Field edits** (name, phone, opening date…) are not events: their undo writes the old values back
  with `edit_station`, which validates them like any edit.
- **A command is pushed after its change succeeded** (the change ran on the worker; Qt's push() calls
  redo() at once, which the first time does nothing). Later undo/redo run on the worker too; while one
  runs, the stack refuses further steps. If one fails (the station was changed elsewhere, the database
  went read-only), the user is told why and the stack is cleared: its commands no longer describe the
  registry, and nothing was half done (every step is one transaction).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from PySide6.QtCore import QCoreApplication, QObject, Signal
from PySide6.QtGui import QUndoCommand, QUndoStack
from PySide6.QtWidgets import QWidget

from villagepost.core.messages import DEFAULT_LANG
from villagepost.gui.ops import BackgroundOp, OpContext, TaskManager, default_failure
from villagepost.services import station_ops
from villagepost.services.registry import Registry

translate = QCoreApplication.translate

Job = Callable[[Registry], Any]


class StationUndo(QObject):
    """The window's undo stack for station changes and the runner that replays its steps."""

    #: a station's data changed (argument: its code); tables and an open editor reload
    station_changed = Signal(str)
    #: a replayed step failed and the stack was cleared (argument: the message shown)
    replay_failed = Signal(str)

    def __init__(self, parent: QWidget, taskman: TaskManager, registry: Callable[[], Registry], *,
                 lang: str = DEFAULT_LANG) -> None:
        super().__init__(parent)
        self.parent_widget = parent
        self.taskman = taskman
        self.registry = registry
        self.lang = lang
        self.stack = QUndoStack(self)
        self.busy = False

    # --- stepping -----------------------------------------------------------------------------------
    def undo(self) -> None:
        if not self.busy and self.stack.canUndo():
            self.stack.undo()

    def redo(self) -> None:
        if not self.busy and self.stack.canRedo():
            self.stack.redo()

    def replay(self, code: str, job: Job) -> None:
        """Run a command's undo or redo step on the worker (called from the commands)."""
        self.busy = True
        registry = self.registry()

        def run(_ctx: OpContext) -> None:
            job(registry)

        (BackgroundOp(self.parent_widget, self.taskman, run, lang=self.lang)
         .success(lambda _r: self._replayed(code))
         .failure(lambda exc: self._replay_failed(code, exc))
         .run_in_background())

    def _replayed(self, code: str) -> None:
        self.busy = False
        self.station_changed.emit(code)

    def _replay_failed(self, code: str, exc: BaseException) -> None:
        self.busy = False
        self.stack.clear()
        default_failure(self.parent_widget, exc, self.lang)
        self.replay_failed.emit(str(exc))
        self.station_changed.emit(code)

    def push(self, command: StationCommand) -> None:
        """Record a change that has just been made."""
        self.stack.push(command)
        self.station_changed.emit(command.code)


class StationCommand(QUndoCommand):
    """A change already applied; undo() and redo() replay through the runner."""

    def __init__(self, runner: StationUndo, code: str, text: str) -> None:
        super().__init__(text)
        self.runner = runner
        self.code = code
        self._applied = True  # push() calls redo() at once: the change is already made

    def redo(self) -> None:
        if self._applied:
            self._applied = False
            return
        self.runner.replay(self.code, self.redo_job)

    def undo(self) -> None:
        self.runner.replay(self.code, self.undo_job)

    def redo_job(self, reg: Registry) -> None:
        raise NotImplementedError

    def undo_job(self, reg: Registry) -> None:
        raise NotImplementedError


class EventCommand(StationCommand):
    """A dated event (merger, closure, suspension, reopening, type change): undo = an ``undone`` event.

    Undoing a history entry from the editor's list is one too: its event is that ``undone`` event, so
    Ctrl+Z undoes the undo.
    """

    def __init__(self, runner: StationUndo, code: str, text: str, event_id: int) -> None:
        super().__init__(runner, code, text)
        self.event_id = event_id
        self.undo_id: int | None = None

    def undo_job(self, reg: Registry) -> None:
        self.undo_id = station_ops.undo_event(reg, self.event_id,
                                              note=translate("StationUndo", "在窗口中撤销"))

    def redo_job(self, reg: Registry) -> None:
        if self.undo_id is not None:
            station_ops.undo_event(reg, self.undo_id, note=translate("StationUndo", "在窗口中重做"))


class EditCommand(StationCommand):
    """Field edits (old values written back on undo), plus the type-change event the edit recorded."""

    def __init__(self, runner: StationUndo, code: str, text: str, *, before: Mapping[str, object],
                 after: Mapping[str, object], type_event: int | None = None) -> None:
        super().__init__(runner, code, text)
        self.before = dict(before)
        self.after = dict(after)
        self.type_event = type_event
        self.type_undo: int | None = None

    def undo_job(self, reg: Registry) -> None:
        if self.type_event is not None:
            self.type_undo = station_ops.undo_event(reg, self.type_event,
                                                    note=translate("StationUndo", "在窗口中撤销"))
        if self.before:
            station_ops.edit_station(reg, self.code, self.before)

    def redo_job(self, reg: Registry) -> None:
        if self.after:
            station_ops.edit_station(reg, self.code, self.after)
        if self.type_undo is not None:
            station_ops.undo_event(reg, self.type_undo, note=translate("StationUndo", "在窗口中重做"))

