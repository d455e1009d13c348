"""Reading a roster in a forked child while the command line starts up.

Why: `villagepost import` spends most of a small roster's time before it reads a cell — importing
SQLAlchemy and the models, opening the registry and making its backups (Ningxia's E01, 2,214 rows: about
60% of the run). A child forked first, before any of that is imported, checks the file, finds the
layout, reads and parses every row meanwhile, on the second core; the parent then only checks the rows
against the registry and writes them. The child runs exactly the code of the in-process path
(`open_roster`, `RowParser`, `compact`), so the import's outcome is the same to the byte.

When: the command line only (a single thread before the registry is opened; forking a process that holds
threads or connections could copy their locks in a locked state), files up to MAX_BYTES (the child hands
over all rows at once; bigger rosters take the in-process path, where `rosters.forked` streams), no
explicit column mapping (the window's). A child that fails for any reason but the file's own refusal makes
`result()` return None, and the import reads the file in-process as it always did.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import pickle
import signal
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # the child imports the readers itself: the fork happens before anything heavy is loaded
    from villagepost.rosters.parse import CompactRow
    from villagepost.rosters.reader import RosterLayout

#: Files larger than this are read in-process (the child would hold and send every parsed row at once).
MAX_BYTES = 8 << 20


@dataclass
class Prefetched:
    """What the child read: the layout and every row, parsed (what `_process` would have made of them)."""

    layout: RosterLayout
    parsed: list[CompactRow]


def _read(path: Path, sheet: str | None, today: dt.date) -> Prefetched:
    from villagepost.rosters.parse import RowParser, compact
    from villagepost.rosters.reader import open_roster

    parser = RowParser(today)
    with open_roster(path, sheet=sheet) as book:
        return Prefetched(book.layout, [compact(parser(raw)) for raw in book.rows()])


class Prefetch:
    """A forked child reading one roster; `result()` collects it (once), `close()` reaps it."""

    def __init__(self, path: Path, sheet: str | None, today: dt.date) -> None:
        self.path, self.sheet, self.today = path, sheet, today
        read_fd, write_fd = os.pipe()
        pid = os.fork()
        if pid == 0:  # the child: read, send, leave without running the parent's finalisers
            code = 0
            try:
                os.close(read_fd)
                _child(path, sheet, today, write_fd)
            except BaseException:
                code = 1
            finally:
                os._exit(code)
        os.close(write_fd)
        self._pid: int | None = pid
        self._read_fd: int | None = read_fd

    def matches(self, path: Path, sheet: str | None, today: dt.date) -> bool:
        """True when this child reads what the import asks for (the same file and sheet, the same day)."""
        return (Path(path), sheet, today) == (self.path, self.sheet, self.today)

    def result(self) -> Prefetched | None:
        """The rows the child read; raises the file's refusal (RosterFileError) as the in-process read
        would; None when the child failed otherwise (the caller then reads in-process)."""
        if self._read_fd is None:
            return None
        fd, self._read_fd = self._read_fd, None
        try:
            with os.fdopen(fd, "rb") as pipe:
                kind, payload = pickle.load(pipe)
        except Exception:  # the child died before sending (killed, out of memory): read in-process
            return None
        finally:
            self.close()
        if kind == "error":
            raise payload
        return payload if kind == "rows" else None

    def close(self) -> None:
        if self._read_fd is not None:
            os.close(self._read_fd)
            self._read_fd = None
        if self._pid is not None:
            with contextlib.suppress(ProcessLookupError):
                os.kill(self._pid, signal.SIGKILL)
            with contextlib.suppress(ChildProcessError):
                os.waitpid(self._pid, 0)
            self._pid = None


def _child(path: Path, sheet: str | None, today: dt.date, fd: int) -> None:
    from villagepost.rosters.safety import RosterFileError

    with os.fdopen(fd, "wb", buffering=1 << 20) as out:
        try:
            message: tuple[str, object] = ("rows", _read(path, sheet, today))
        except RosterFileError as exc:
            message = ("error", exc.with_traceback(None))
        except BaseException:
            message = ("failed", None)
        pickle.dump(message, out, protocol=pickle.HIGHEST_PROTOCOL)


def start(path: Path, sheet: str | None, today: dt.date) -> Prefetch | None:
    """A child reading `path`, when that is possible and worth it (see the module docstring); else None."""
    if not hasattr(os, "fork") or threading.active_count() != 1:
        return None
    try:
        if not path.is_file() or path.stat().st_size > MAX_BYTES:
            return None
    except OSError:
        return None
    try:
        return Prefetch(path, sheet, today)
    except OSError:  # no more processes or pipes: read in-process
        return None
