"""One window per registry: a second start on the same registry brings the first window forward.

Two windows writing one SQLite file would each wait on the other's locks, and a clerk would not know
which window holds their latest edits. So the window claims its registry with a lock file (Qt's
QLockFile: it knows a lock left by a crashed process and takes it over) and listens on a local
channel (Python's multiprocessing.connection: a Unix socket in the abstract namespace on Linux, a named
pipe on Windows — no QtNetwork needed). A second start on the same registry finds the lock, asks the
first window to come forward, says so and ends; if that window does not answer (hung, or held by
another user on this PC), it says the registry is open elsewhere. Different registries never interfere.
A registry on a server (PostgreSQL) is shared by design and is not claimed.
"""

from __future__ import annotations

import hashlib
import logging
import os
import sys
import tempfile
import threading
import time
from multiprocessing.connection import Client, Listener
from pathlib import Path

from PySide6.QtCore import QLockFile, QObject, Signal

log = logging.getLogger(__name__)

AUTHKEY = b"villagepost-single-instance"
RAISE = "raise"
ANSWER_TIMEOUT_S = 3.0


def registry_key(label: str) -> str:
    """A short stable name for the registry file `label` (case-folded on Windows, whose paths are)."""
    text = label.casefold() if sys.platform == "win32" else label
    user = str(os.getuid()) if hasattr(os, "getuid") else os.environ.get("USERNAME", "")
    return hashlib.sha256(f"{user}\0{text}".encode()).hexdigest()[:20]


def channel_address(key: str) -> str:
    if sys.platform == "win32":
        return rf"\\.\pipe\villagepost-{key}"
    return f"\0villagepost-{key}"  # Linux abstract socket: nothing on disk to clean up


def lock_path(key: str) -> Path:
    return Path(tempfile.gettempdir()) / f"villagepost-{key}.lock"


class InstanceGuard(QObject):
    """Held by the window of a registry; `activate` fires (GUI thread) when a second start asks for it."""

    activate = Signal()

    def __init__(self, key: str) -> None:
        super().__init__()
        self.key = key
        self.lock = QLockFile(str(lock_path(key)))
        self.lock.setStaleLockTime(0)  # a lock is stale only when its process is gone, never by age
        self._listener: Listener | None = None
        self._closed = False
        # Requests can arrive before the window exists (a double double-click): they are counted and
        # replayed by ready(), once the window has connected to `activate`.
        self._mutex = threading.Lock()
        self._ready = False
        self._requests = 0

    def claim(self) -> bool:
        """Take the registry for this window; False when another live window holds it."""
        if not self.lock.tryLock(0):
            return False
        try:
            self._listener = Listener(channel_address(self.key), authkey=AUTHKEY)
        except OSError as exc:  # the channel is taken: the lock's owner is alive after all
            log.warning("single-instance channel unavailable: %s", exc)
            self.lock.unlock()
            return False
        threading.Thread(target=self._serve, name="villagepost-instance", daemon=True).start()
        return True

    def _serve(self) -> None:
        listener = self._listener
        while listener is not None and not self._closed:
            try:
                with listener.accept() as conn:
                    if conn.recv() == RAISE:
                        with self._mutex:
                            self._requests += 1
                            ready = self._ready
                        if ready:
                            self.activate.emit()
                        conn.send("ok")
            except (OSError, EOFError, ValueError) as exc:
                if self._closed:
                    return
                log.debug("single-instance request failed: %s", exc)

    def ready(self) -> None:
        """The window is connected to `activate`: deliver any request that came before."""
        with self._mutex:
            self._ready = True
            pending = self._requests
        if pending:
            self.activate.emit()

    def release(self) -> None:
        self._closed = True
        listener, self._listener = self._listener, None
        if listener is not None:
            try:  # wake the accept() so the thread ends
                with Client(channel_address(self.key), authkey=AUTHKEY) as conn:
                    conn.send("bye")
            except (OSError, EOFError, ValueError):
                pass
            listener.close()
        self.lock.unlock()


def ask_to_raise(key: str, timeout_s: float = ANSWER_TIMEOUT_S) -> bool:
    """Ask the window holding `key` to come forward; True when it answered within `timeout_s`."""
    deadline = time.monotonic() + timeout_s
    while True:
        try:
            with Client(channel_address(key), authkey=AUTHKEY) as conn:
                conn.send(RAISE)
                if conn.poll(max(deadline - time.monotonic(), 0.1)):
                    return conn.recv() == "ok"
                return False
        except (OSError, EOFError, ValueError):
            if time.monotonic() >= deadline:  # not listening (yet, or ever)
                return False
            time.sleep(0.1)
