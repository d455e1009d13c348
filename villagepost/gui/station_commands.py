"""Undo and redo of station changes (QUndoStack), replayed through services.station_ops on the worker.

Why these rules:
- **History is never deleted.** Undoing a dated event (a type change, a merger, a closure…) records an
  ``undone`` event through `station_ops.undo_event`; redoing it undoes that undo. Both stay in the
  station's history, so the coverage curve before and after can always be explained.
- **Field edits** (name, phone, opening date…) are not events: their undo writes the old values back
  with `edit_station`, which validates them like any edit.
- **Each station has its own stack.** An editor's 撤销 reverts only its own station's changes (a shared
  stack let B's editor silently undo A's suspension); the stacks sit in one QUndoGroup whose active stack
  is the station changed or focused last, and the main window's 撤销/重做 names that change before it
  reverts it ("撤销：暂停运营 新利村快递综合服务站") and reports the step in the status bar.
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
from PySide6.QtGui import QUndoCommand, QUndoGroup, QUndoStack
from PySide6.QtWidgets import QWidget
from shiboken6 import isValid

from villagepost.core.messages import DEFAULT_LANG
from villagepost.gui.ops import BackgroundOp, OpContext, TaskManager, default_failure
from villagepost.services import station_ops
from villagepost.services.registry import Registry

translate = QCoreApplication.translate

Job = Callable[[Registry], Any]


class StationUndo(QObject):
    """The window's undo stacks for station changes (one per station) and the runner that replays them."""

    #: a station's data changed (argument: its code); tables and an open editor reload
    station_changed = Signal(str)
    #: a replayed step failed and its station's stack was cleared (argument: the message shown)
    replay_failed = Signal(str)
    #: a step was replayed (argument: what was done, e.g. "已撤销：暂停运营 新利村快递综合服务站")
    stepped = Signal(str)
    #: any stack's state changed (index, clean state, active stack): undo/redo buttons update
    changed = Signal()

    def __init__(self, parent: QWidget, taskman: TaskManager, registry: Callable[[], Registry], *,
                 lang: str = DEFAULT_LANG) -> None:
        super().__init__(parent)
        self.parent_widget = parent
        self.taskman = taskman
        self.registry = registry
        self.lang = lang
        self.group = QUndoGroup(self)
        self.group.activeStackChanged.connect(self._stack_changed)
        self.stacks: dict[str, QUndoStack] = {}
        self.busy = False
        self._pending = ""

    # --- stacks -------------------------------------------------------------------------------------
    def stack_for(self, code: str) -> QUndoStack:
        """Station `code`'s own stack (made on first use)."""
        stack = self.stacks.get(code)
        if stack is None:
            stack = QUndoStack(self)
            stack.indexChanged.connect(self._stack_changed)
            self.group.addStack(stack)
            self.stacks[code] = stack
        return stack

    def _stack_changed(self, *_args: object) -> None:
        if isValid(self):  # stacks emit while they are destroyed with the window
            self.changed.emit()

    @property
    def stack(self) -> QUndoStack | None:
        """The stack the main window's 撤销/重做 act on: the station changed or focused last."""
        return self.group.activeStack()

    def activate(self, code: str | None) -> None:
        """Make station `code`'s stack the one the main window's 撤销/重做 act on (an editor got focus)."""
        if code is not None and code in self.stacks:
            self.group.setActiveStack(self.stacks[code])

    def can_undo(self, code: str | None = None) -> bool:
        stack = self.stack if code is None else self.stacks.get(code)
        return not self.busy and stack is not None and stack.canUndo()

    def can_redo(self, code: str | None = None) -> bool:
        stack = self.stack if code is None else self.stacks.get(code)
        return not self.busy and stack is not None and stack.canRedo()

    def undo_text(self, code: str | None = None) -> str:
        stack = self.stack if code is None else self.stacks.get(code)
        return stack.undoText() if stack is not None and stack.canUndo() else ""

    def redo_text(self, code: str | None = None) -> str:
        stack = self.stack if code is None else self.stacks.get(code)
        return stack.redoText() if stack is not None and stack.canRedo() else ""

    def clear(self) -> None:
        """Forget every step (an import or another registry: the commands no longer describe it)."""
        for stack in self.stacks.values():
            stack.clear()
        self.changed.emit()

    # --- stepping -----------------------------------------------------------------------------------
    def undo(self, code: str | None = None) -> None:
        """Undo the last change of station `code` (None: of the active stack — the main window's 撤销)."""
        stack = self.stack if code is None else self.stacks.get(code)
        if not self.busy and stack is not None and stack.canUndo():
            self.group.setActiveStack(stack)
            self._pending = translate("StationUndo", "已撤销：{what}").format(what=stack.undoText())
            stack.undo()

    def redo(self, code: str | None = None) -> None:
        stack = self.stack if code is None else self.stacks.get(code)
        if not self.busy and stack is not None and stack.canRedo():
            self.group.setActiveStack(stack)
            self._pending = translate("StationUndo", "已重做：{what}").format(what=stack.redoText())
            stack.redo()

    def undo_last(self) -> None:
        """The main window's 撤销: the last change of the station changed or focused last."""
        self.undo()

    def redo_last(self) -> None:
        self.redo()

    def replay(self, code: str, job: Job) -> None:
        """Run a command's undo or redo step on the worker (called from the commands)."""
        self.busy = True
        self.changed.emit()
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
        self.changed.emit()
        if self._pending:
            self.stepped.emit(self._pending)
            self._pending = ""

    def _replay_failed(self, code: str, exc: BaseException) -> None:
        self.busy = False
        self._pending = ""
        if code in self.stacks:
            self.stacks[code].clear()
        default_failure(self.parent_widget, exc, self.lang)
        self.replay_failed.emit(str(exc))
        self.station_changed.emit(code)
        self.changed.emit()

    def push(self, command: StationCommand) -> None:
        """Record a change that has just been made, on its station's stack."""
        stack = self.stack_for(command.code)
        stack.push(command)
        self.group.setActiveStack(stack)
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

