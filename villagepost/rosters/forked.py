"""Reading and parsing a big calamine-loaded roster in a forked child while the parent validates and writes.

Why: after calamine has loaded the sheet, the import is pure Python on one core: iterating the rows and
parsing their cells (~7 s for the national roster's 487,144 rows) and checking them against the registry
and writing the stations (~7 s). A fork shares the loaded sheet with a child at no copying cost, so the
child iterates and parses while the parent checks and writes what the child has sent so far. National
roster, whole process: 22.4 s -> 20.9 s, peak 935 -> 917 MB (parent and child each; measured).

What crosses the pipe: per row a flat tuple of the parsed values. Pickle's memo stores an object met
again within one batch once, so the county, township, type, mode and date objects the parser's memo
shares between rows cost a reference each; the code travels as its digit string.

When: the command line forks its child before anything else (`rosters.prefetch`, which sends the layout
first and then the same messages); `parsed_rows` forks after the sheet is loaded, for calamine sheets of at
least PARALLEL_ROWS rows, when a single-threaded process reads a roster without that child. A process
holding other threads (the window, a connection pool) never forks: their locks could be copied in a
locked state. The child never touches the parent's database connection and leaves with os._exit, so no
finaliser of the parent's objects runs in it. Everything else — rules, outcomes, the single transaction
— is the parent's, exactly as on the serial path.
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
from typing import TYPE_CHECKING, BinaryIO

from villagepost.core.errors import Cancelled

if TYPE_CHECKING:  # rosters.prefetch forks before the readers are imported: this module stays light
    from villagepost.rosters.parse import CompactRow, RowParser
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


@contextlib.contextmanager
def sender(fd: int) -> Iterator[Callable[[str, object], None]]:
    """`send(kind, payload)` over the pipe `fd`: one length-prefixed pickle per message, each on its way
    when `send` returns (a batch is worth its write call; the parent sees rows as soon as they are parsed)."""
    with os.fdopen(fd, "wb", buffering=1 << 20) as out:

        def send(kind: str, payload: object) -> None:
            data = pickle.dumps((kind, payload), protocol=pickle.HIGHEST_PROTOCOL)
            out.write(_HEADER.pack(len(data)))
            out.write(data)
            out.flush()

        yield send


class ReaderEnded(RuntimeError):
    """The reading child ended without finishing its messages (killed, out of memory) or failed for a reason
    other than the file's refusal: the caller, whose transaction has rolled back, reads the roster again in
    its own process."""


def send_rows(book: RosterWorkbook, parser: RowParser, send: Callable[[str, object], None]) -> None:
    """Every row of `book`, parsed, in batches of BATCH; then "end" with what the reader skipped."""
    from villagepost.rosters.parse import compact

    batch: list[CompactRow] = []
    for raw in book.rows():
        batch.append(compact(parser(raw)))
        if len(batch) >= BATCH:
            send("rows", batch)
            batch = []
    send("rows", batch)
    send("end", (book.skipped, book.skipped_rows))


def data_rows(book: RosterWorkbook) -> int:
    """The sheet's rows below the header (empty ones among them are skipped as they are read)."""
    return max(book._max_row - book.layout.first_data_row + 1, 0)


def child_messages(fd: int, work: Callable[[Callable[[str, object], None]], None]) -> None:
    """In a reading child: `work(send)`, then the file's refusal as "error" (the parent raises it), any
    other failure (out of memory...) as "failed" (the parent reads the roster itself: ReaderEnded)."""
    from villagepost.rosters.refusal import RosterFileError

    with sender(fd) as send:
        try:
            work(send)
        except RosterFileError as exc:
            send("error", exc.with_traceback(None))
        except BaseException:
            send("failed", None)


def fork_child(work: Callable[[int], None]) -> Stream:
    """Fork a child running `work(write_fd)` and leaving with os._exit; the parent's end of its messages."""
    read_fd, write_fd = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: no finaliser of the parent's objects runs here
        code = 0
        try:
            os.close(read_fd)
            work(write_fd)
        except BaseException:
            code = 1
        finally:
            os._exit(code)
    os.close(write_fd)
    return Stream(pid, read_fd)


class Stream:
    """The parent's end of a child's messages, read ahead by a thread (see `_drain`); `close()` reaps it."""

    def __init__(self, pid: int, read_fd: int) -> None:
        self.pid: int | None = pid
        self.pipe = os.fdopen(read_fd, "rb", buffering=1 << 20)
        self.messages: queue.Queue[bytes | None] = queue.Queue(maxsize=QUEUED)
        self.stop = threading.Event()
        self.drain = threading.Thread(target=_drain, args=(self.pipe, self.messages, self.stop), name="roster-pipe",
                                      daemon=True)
        self.drain.start()

    def next(self) -> tuple[str, object]:
        """The next message; ReaderEnded when the child ended without sending it (killed, out of memory)."""
        data = self.messages.get()
        if data is None:
            raise ReaderEnded("roster reader process ended early")
        kind, payload = pickle.loads(data)
        return kind, payload

    def rows(self, total: int, progress: Callable[[int, int], None] | None = None,
             cancelled: Callable[[], bool] | None = None) -> Iterator[CompactRow]:
        """The parsed rows of the "rows" messages up to "end" (whose payload goes to `self.ended`); raises
        what the child sent as "error", and Cancelled when `cancelled()` turns true (checked every batch)."""
        done = 0
        while True:
            kind, payload = self.next()
            if kind == "error":
                raise payload  # type: ignore[misc]
            if kind == "failed":
                raise ReaderEnded("roster reader process failed")
            if kind == "end":
                self.ended = payload
                break
            if cancelled is not None and cancelled():
                raise Cancelled
            batch: list[CompactRow] = payload  # type: ignore[assignment]
            yield from batch
            done += len(batch)
            if progress is not None:
                progress(min(done, total), total)
        if progress is not None:
            progress(total, total)

    def close(self) -> None:
        if self.pid is None:
            return
        self.stop.set()
        with contextlib.suppress(ProcessLookupError):
            os.kill(self.pid, signal.SIGKILL)
        with contextlib.suppress(ChildProcessError):
            os.waitpid(self.pid, 0)
        self.pid = None
        self.drain.join()  # the child is gone, so its read sees the end of the pipe
        self.pipe.close()


def parsed_rows(book: RosterWorkbook, parser: RowParser, progress: Callable[[int, int], None] | None = None,
                cancelled: Callable[[], bool] | None = None) -> Iterator[CompactRow]:
    """`compact(parser(row))` for `book.rows()`, read and parsed in a forked child.

    Raises what reading raises (RosterFileError), and Cancelled when `cancelled()` turns true (checked
    every batch). The child is reaped whatever happens.
    """
    stream = fork_child(lambda fd: child_messages(fd, lambda send: send_rows(book, parser, send)))
    try:
        yield from stream.rows(data_rows(book), progress, cancelled)
        book.skipped, book.skipped_rows = stream.ended  # type: ignore[misc]
    finally:
        stream.close()


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
