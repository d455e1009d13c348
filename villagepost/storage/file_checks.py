"""What an SQLite registry file is before SQLite opens it: missing, empty, a folder, not SQLite, damaged,
or in a folder we may not write.

Why before opening: SQLite creates a new empty database for a path that does not exist (a mistyped `--db`
silently became a fresh registry), treats a zero-byte file as a new database, and reports a read-only
folder or a full disk as "unable to open database file" / "disk I/O error". Looking at the file first lets
every such case say what it is, and lets a truncated file be refused before anything writes to it.

The header checks follow the file format (https://www.sqlite.org/fileformat2.html#the_database_header):
the 16-byte magic, a page size that is a power of two in 512..65536, and the in-header page count (valid
when "version-valid-for" equals the change counter) against the file's real length.
"""

from __future__ import annotations

import os
import shutil
import sys
from dataclasses import dataclass
from enum import Enum
from pathlib import Path

from villagepost.core.errors import DatabaseError

SQLITE_MAGIC = b"SQLite format 3\x00"
HEADER_BYTES = 100
#: Below this many free bytes a write cannot even create SQLite's shared-memory index (32 KiB) or a journal.
MIN_FREE_BYTES = 256 * 1024


class OpenMode(Enum):
    CREATE = "create"  # no file yet (or an empty one): set up a new registry here
    READ_WRITE = "read_write"
    READ_ONLY = "read_only"  # the file or its folder is not writable: reads work, writes are refused


@dataclass(frozen=True)
class HeaderFacts:
    page_size: int
    header_pages: int  # 0 when the header's count is not valid
    file_bytes: int


def folder_writable(folder: Path) -> bool:
    """True when files can be created in `folder` (os.access also answers EROFS for root)."""
    return os.access(folder, os.W_OK | os.X_OK)


def disk_full(folder: Path) -> bool:
    try:
        return shutil.disk_usage(folder).free < MIN_FREE_BYTES
    except OSError:
        return False


def read_header(path: Path) -> HeaderFacts | None:
    """The header's facts, or None when the file does not start like an SQLite database."""
    with path.open("rb") as fh:
        head = fh.read(HEADER_BYTES)
    if len(head) < HEADER_BYTES or not head.startswith(SQLITE_MAGIC):
        return None
    raw_page = int.from_bytes(head[16:18], "big")
    page_size = 65536 if raw_page == 1 else raw_page
    change_counter = int.from_bytes(head[24:28], "big")
    pages = int.from_bytes(head[28:32], "big")
    valid_for = int.from_bytes(head[92:96], "big")
    return HeaderFacts(page_size, pages if pages and valid_for == change_counter else 0, path.stat().st_size)


def header_problem(facts: HeaderFacts) -> str | None:
    """Why the header shows damage (in English, for the message's reason), or None."""
    if facts.page_size < 512 or facts.page_size > 65536 or facts.page_size & (facts.page_size - 1):
        return f"invalid page size {facts.page_size}"
    if facts.file_bytes % facts.page_size:
        return f"the file ends inside a page ({facts.file_bytes} bytes, pages of {facts.page_size})"
    if facts.header_pages and facts.header_pages * facts.page_size > facts.file_bytes:
        return (f"the file is truncated ({facts.file_bytes} bytes, the header says "
                f"{facts.header_pages * facts.page_size})")
    return None


def preflight(path: Path, *, create: bool) -> OpenMode:
    """How `path` may be opened, or the DatabaseError that says why it cannot.

    `create` is True only for what sets up a registry (`db init`, `divisions load`, the window's first
    start): then a missing or zero-byte file becomes a new registry; otherwise each is refused by name.
    """
    label = str(path)
    if path.is_dir():
        raise DatabaseError("db.is_folder", db=label)
    if not path.exists():
        if not create:
            raise DatabaseError("db.missing", db=label)
        folder = _existing_ancestor(path.parent)
        if not folder_writable(folder):
            raise DatabaseError("db.readonly_folder", db=label, folder=str(folder))
        if disk_full(folder):
            raise DatabaseError("db.full", db=label)
        return OpenMode.CREATE
    try:
        size = path.stat().st_size
        facts = read_header(path) if size else None
    except PermissionError as exc:
        raise DatabaseError("db.cannot_open", db=label, reason=exc.strerror or str(exc)) from exc
    if size == 0:
        if not create:
            raise DatabaseError("db.empty_file", db=label)
        if not folder_writable(path.parent):
            raise DatabaseError("db.readonly_folder", db=label, folder=str(path.parent))
        return OpenMode.CREATE
    if facts is None:
        raise DatabaseError("db.not_sqlite", db=label)
    problem = header_problem(facts)
    if problem is not None:
        from villagepost.storage.backup_store import damaged_error

        raise damaged_error(path, problem)
    if not folder_writable(path.parent) or not os.access(path, os.W_OK):
        return OpenMode.READ_ONLY
    return OpenMode.READ_WRITE


def _existing_ancestor(folder: Path) -> Path:
    while not folder.exists() and folder != folder.parent:
        folder = folder.parent
    return folder


_SYNC_MARKERS = ("onedrive", "dropbox", "google drive", "icloud", "坚果云", "百度网盘", "nutstore", "baidunetdisk")


def risky_location(path: Path) -> bool:
    """True when an SQLite file sits on a network share or in a cloud-sync folder (WAL corrupts there)."""
    text = str(path)
    if text.startswith(("\\\\", "//")):
        return True
    lowered = text.lower()
    if any(m in lowered for m in _SYNC_MARKERS):
        return True
    if sys.platform.startswith("linux"):
        try:
            mounts = Path("/proc/mounts").read_text(encoding="utf-8", errors="replace").splitlines()
        except OSError:
            return False
        best = ("", "")
        for line in mounts:
            parts = line.split()
            if len(parts) >= 3 and text.startswith(parts[1]) and len(parts[1]) > len(best[0]):
                best = (parts[1], parts[2])
        return best[1] in {"nfs", "nfs4", "cifs", "smb3", "smbfs", "fuse.sshfs", "9p"}
    return False
