"""Reading a roster in a forked child while the command line starts up and opens the registry.

Why: `villagepost import` spends much of its time before it can use a cell — importing SQLAlchemy and the
models, opening the registry and making its backups (Ningxia's E01, 2,214 rows: about 60% of the run; the
national roster: the day's first backup, verified, ~8 s, while the file's check and calamine's load take
~8 s more). A child forked first, before any of that is imported, checks the file, finds the layout,
reads and parses the rows meanwhile, on the second core, and streams them in batches (`rosters.forked`'s
messages); the parent then checks the rows against the registry and writes them while the child parses
the next ones. The child runs exactly the code of the in-process path (`open_roster`, `RowParser`,
`compact`), so the import's outcome is the same to the byte.

When: the command line only (a single thread when it forks; forking a process that holds threads or
connections could copy their locks in a locked state), no explicit column mapping (the window's). A child
that fails or dies for any reason but the file's own refusal — before the layout (`result()` returns None)
or after some rows were written (the import's transaction rolls back) — means the import reads the file
in-process, as it always could.
"""

from __future__ import annotations

import datetime as dt
import os
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from villagepost.rosters import forked

if TYPE_CHECKING:  # the child imports the readers itself: the fork happens before anything heavy is loaded
    from villagepost.rosters.parse import CompactRow
    from villagepost.rosters.sheet_layout import RosterLayout


@dataclass
class Prefetched:
    """What the child found: the layout, the number of data rows, and the parsed rows as they come."""

    layout: RosterLayout
    #: data rows of the sheet (its last row less the header; empty rows among them are skipped)
    total: int
    stream: forked.Stream

    def rows(self, progress: Callable[[int, int], None] | None = None,
             cancelled: Callable[[], bool] | None = None) -> Iterator[CompactRow]:
        """The rows the child parses (what `_process` would make of them), raising what reading raises."""
        return self.stream.rows(self.total, progress, cancelled)


def _read(path: Path, sheet: str | None, today: dt.date, send: Callable[[str, object], None]) -> None:
    """Open the roster, send its layout, then every row parsed (the in-process path's code)."""
    from villagepost.rosters.parse import RowParser
    from villagepost.rosters.reader import open_roster

    parser = RowParser(today)
    # The sheet's size, known once it is scanned and while calamine loads it: a parent importing a
    # national roster reads its whole division index meanwhile (`result(while_waiting=...)`).
    with open_roster(path, sheet=sheet, while_loading=lambda info: send("size", info.scan.max_row)) as book:
        send("layout", (book.layout, forked.data_rows(book)))
        forked.send_rows(book, parser, send)


class Prefetch:
    """A forked child reading one roster; `result()` collects it (once), `close()` reaps it."""

    def __init__(self, path: Path, sheet: str | None, today: dt.date) -> None:
        self.path, self.sheet, self.today = path, sheet, today
        self._stream: forked.Stream | None = forked.fork_child(
            lambda fd: forked.child_messages(fd, lambda send: _read(path, sheet, today, send)))
        self._taken: forked.Stream | None = None

    def matches(self, path: Path, sheet: str | None, today: dt.date) -> bool:
        """True when this child reads what the import asks for (the same file and sheet, the same day)."""
        return (Path(path), sheet, today) == (self.path, self.sheet, self.today)

    def result(self, while_waiting: Callable[[int], None] | None = None) -> Prefetched | None:
        """The layout and the stream of rows; raises the file's refusal (RosterFileError) as the in-process
        read would; None when the child failed otherwise before the layout (the caller then reads here).

        `while_waiting(rows)`: called with the sheet's row count when the child has scanned it and loads
        it, before its layout comes (not for every format); what it raises propagates.
        """
        stream, self._stream = self._stream, None
        if stream is None:
            return None
        try:
            while True:
                try:
                    kind, payload = stream.next()
                except Exception:  # the child died before sending (killed, out of memory): read in-process
                    stream.close()
                    return None
                if kind != "size":
                    break
                if while_waiting is not None:
                    while_waiting(payload)  # type: ignore[arg-type]
        except BaseException:
            stream.close()
            raise
        if kind == "error":
            stream.close()
            raise payload  # type: ignore[misc]
        if kind != "layout":
            stream.close()
            return None
        found: tuple[RosterLayout, int] = payload  # type: ignore[assignment]
        self._taken = stream  # reaped by close()
        return Prefetched(found[0], found[1], stream)

    def close(self) -> None:
        for stream in (self._stream, self._taken):
            if stream is not None:
                stream.close()
        self._stream = self._taken = None


def start(path: Path, sheet: str | None, today: dt.date) -> Prefetch | None:
    """A child reading `path`, when that is possible (see the module docstring); else None."""
    if not hasattr(os, "fork") or threading.active_count() != 1:
        return None
    try:
        if not path.is_file():
            return None
    except OSError:
        return None
    try:
        return Prefetch(path, sheet, today)
    except OSError:  # no more processes or pipes: read in-process
        return None
