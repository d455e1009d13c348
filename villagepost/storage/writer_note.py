"""Who is writing an SQLite registry right now: a small note file beside the database.

SQLite lets one writer in at a time. A second writer waits up to the busy timeout and is then refused;
the refusal is only useful if it says *who* holds the database ("导入 roster.xlsx，进程 4711，张三"),
so the clerk knows whether to wait or to walk over to the other PC. SQLite itself cannot tell, so the
writer leaves a note `<database>.writer` (JSON: pid, host, program, user, since) as soon as it holds the
write lock (after BEGIN IMMEDIATE), and removes it when its transaction ends. Only the lock holder ever
writes the note, so a note found while the database is locked names the holder — unless the holder
died without removing it, which `read_note` detects for a process on this computer (the pid is gone).

Why a file and not a row: a row written inside the writer's transaction is invisible to everyone else
until it commits, which is exactly when it would stop being true.
"""

from __future__ import annotations

import contextlib
import getpass
import json
import os
import socket
import sys
from dataclasses import dataclass
from pathlib import Path

from villagepost.core import clock


@dataclass(frozen=True)
class WriterNote:
    pid: int
    host: str
    program: str
    user: str
    since: str

    def describe(self) -> dict[str, str]:
        """The note as message parameters."""
        return {"pid": str(self.pid), "host": self.host, "program": self.program, "user": self.user,
                "since": self.since}


def note_path(db_path: Path) -> Path:
    return db_path.with_name(db_path.name + ".writer")


def _program() -> str:
    """What this process is, as a clerk would recognise it: `villagepost import roster.xlsx` or the window."""
    args = [Path(a).name for a in sys.argv[:4]]
    if args and args[0] in ("__main__.py", "-m", "-c"):
        args[0] = "villagepost"
    return " ".join(args) or "villagepost"


def _user() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return ""


class NoteKeeper:
    """Writes and removes one database's note; `who` (the acting account) is set by the registry."""

    def __init__(self, db_path: Path) -> None:
        self.path = note_path(db_path)
        self.who = ""
        #: the connection (of this process) whose transaction wrote the note; only its end removes it
        self._owner: int | None = None

    def write(self, owner: int = 0) -> None:
        doc = {"pid": os.getpid(), "host": socket.gethostname(), "program": _program(),
               "user": self.who or _user(), "since": clock.local_text(clock.utc_stamp())}
        try:
            tmp = self.path.with_name(self.path.name + f".{os.getpid()}")
            tmp.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
            tmp.replace(self.path)
            self._owner = owner
        except OSError:  # a read-only folder: the lock still works, only the note is missing
            self._owner = None

    def remove(self, owner: int = 0) -> None:
        if self._owner is not None and self._owner == owner:
            with contextlib.suppress(OSError):
                self.path.unlink()
            self._owner = None


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OSError):
        return True
    return True


def read_note(db_path: Path) -> WriterNote | None:
    """The current writer of `db_path` as its note says, or None (no note, unreadable, or its process is gone)."""
    try:
        doc = json.loads(note_path(db_path).read_text(encoding="utf-8"))
        note = WriterNote(int(doc["pid"]), str(doc["host"]), str(doc["program"]), str(doc.get("user", "")),
                          str(doc.get("since", "")))
    except (OSError, ValueError, KeyError, TypeError):
        return None
    if note.host == socket.gethostname() and note.pid != os.getpid() and not _alive(note.pid):
        return None
    return note
