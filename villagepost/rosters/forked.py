"""Reading and parsing a big calamine-loaded roster in a forked child while the parent validates and writes.

Why: after calamine has loaded the sheet, the import is pure Python on one core: iterating the rows and
parsing their cells (~7 s for the national roster's 487,144 rows) and checking them against the registry
and writing the stations (~7 s). A fork shares the loaded sheet with a child at no copying cost, so the
child iterates and parses while the parent checks and writes what the child has sent so far. National
roster, whole process: 22.4 s -> 20.9 s, peak 935 -> 917 MB (parent and child each; measured).

What crosses the pipe: per row a flat tuple of the parsed values. Pickle's memo stores an object met
again within one batch once, so the county, township, type, mode and date objects the parser's memo
shares between rows cost a reference each; the code travels as its digit string.

When: only for calamine sheets of at least PARALLEL_ROWS rows, and only when this process runs a single
thread (the CLI): forking a process that holds other threads (the window, a connection pool) could copy
their locks in a locked state. The child never touches the parent's database connection and leaves
with os._exit, so no finaliser of the parent's objects runs in it. Everything else — rules, outcomes,
the single transaction — is the parent's, exactly as on the serial path.
"""

from __future__ import annotations

import contextlib
import os
import pickle
import queue
import signal
import struct
import threading
from collections.abc import Callable, Iterator
from typing import BinaryIO

from villagepost.core.errors import Cancelled
from villagepost.rosters.parse import CompactRow, RowParser, compact
from villagepost.rosters.reader import RosterWorkbook

#: Rows from which a fork pays (its start and the pipe cost ~0.1 s; below this the serial path is used).
PARALLEL_ROWS = 100_000
#: Rows per message.
BATCH = 2000
#: Messages the parent holds read ahead of its writer (bounds the memory the child's lead may take).
QUEUED = 64
_HEADER = struct.Struct("<Q")


#: Engines whose reading survives a fork (openpyxl's lazy zip reader is not shared safely).
FORKABLE = frozenset({"calamine", "text"})


def can_fork(book: RosterWorkbook) -> bool:
    """True when `book` is read by calamine (or is text), is big, and this process may fork safely."""
    return (hasattr(os, "fork") and book.layout.engine in FORKABLE and book._max_row >= PARALLEL_ROWS
            and threading.active_count() == 1)


def _child(book: RosterWorkbook, parser: RowParser, fd: int) -> None:
    with os.fdopen(fd, "wb", buffering=1 << 20) as out:

        def send(kind: str, payload: object) -> None:
            data = pickle.dumps((kind, payload), protocol=pickle.HIGHEST_PROTOCOL)
            out.write(_HEADER.pack(len(data)))
            out.write(data)

        try:
            batch: list[CompactRow] = []
            for raw in book.rows():
                batch.append(compact(parser(raw)))
                if len(batch) >= BATCH:
                    send("rows", batch)
                    batch = []
            send("rows", batch)
            send("end", (book.skipped, book.skipped_rows))
        except BaseException as exc:  # sent to the parent, which raises it
            send("error", exc)


def parsed_rows(book: RosterWorkbook, parser: RowParser, progress: Callable[[int, int], None] | None = None,
                cancelled: Callable[[], bool] | None = None) -> Iterator[CompactRow]:
    """`compact(parser(row))` for `book.rows()`, read and parsed in a forked child.

    Raises what reading raises (RosterFileError), and Cancelled when `cancelled()` turns true (checked
    every batch). The child is reaped whatever happens.
    """
    read_fd, write_fd = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child
        code = 0
        try:
            os.close(read_fd)
            _child(book, parser, write_fd)
        except BaseException:
            code = 1
        finally:
            os._exit(code)
    os.close(write_fd)
    total = max(book._max_row - book.layout.first_data_row + 1, 0)
    done = 0
    pipe = os.fdopen(read_fd, "rb", buffering=1 << 20)
    messages: queue.Queue[bytes | None] = queue.Queue(maxsize=QUEUED)
    stop = threading.Event()
    drain = threading.Thread(target=_drain, args=(pipe, messages, stop), name="roster-pipe", daemon=True)
    drain.start()
    try:
        while True:
            data = messages.get()
            if data is None:
                raise RuntimeError("roster reader process ended early")
            kind, payload = pickle.loads(data)
            if kind == "error":
                raise payload
            if kind == "end":
                book.skipped, book.skipped_rows = payload
                break
            if cancelled is not None and cancelled():
                raise Cancelled
            yield from payload
            done += len(payload)
            if progress is not None:
                progress(min(done, total), total)
        if progress is not None:
            progress(total, total)
    finally:
        stop.set()
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)
        drain.join()  # the child is gone, so its read sees the end of the pipe
        pipe.close()


def _drain(pipe: BinaryIO, messages: queue.Queue[bytes | None], stop: threading.Event) -> None:
    """Read the child's messages as they come and queue them; None at the pipe's end.

    Why a thread: the parent writes stations in batches, and while it writes nobody reads the pipe; the
    child then blocks once the pipe's buffer is full and the two take turns instead of overlapping.
    Reading releases the GIL, so this thread costs the writer almost nothing.
    """
    while True:
        try:
            head = pipe.read(_HEADER.size)
            data: bytes | None = None
            if len(head) == _HEADER.size:
                size = _HEADER.unpack(head)[0]
                data = pipe.read(size)
                if len(data) < size:  # the child died mid-message
                    data = None
        except (OSError, ValueError):
            data = None
        while not stop.is_set():
            try:
                messages.put(data, timeout=0.2)
                break
            except queue.Full:
                continue
        if data is None or stop.is_set():
            return
