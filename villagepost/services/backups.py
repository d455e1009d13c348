"""Backups the CLI (`backup create|list|verify|restore`, `db backup OUT`) and the window's 备份与恢复 share.

Why here and not in the commands: the window's dialog, the CLI and the importer's pre-import backup must
make, verify and restore copies the same way. Restore works on the file, not on an open `Registry`,
because the registry to restore is often the damaged one that cannot be opened.
"""

from __future__ import annotations

import errno
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import villagepost.core.backup_messages  # noqa: F401  (registers the messages)
from villagepost.core.errors import DatabaseError, KnownError
from villagepost.storage import backup_store, file_checks
from villagepost.storage import location as loc
from villagepost.storage.backup_store import BackupEntry
from villagepost.storage.engine import busy_timeout_ms
from villagepost.storage.registry_checks import verify_file

BACKUP_SUFFIXES = (".sqlite", ".sqlite3", ".db")


def sqlite_path(db: str | Path | None) -> Path:
    """The registry's SQLite file; a server registry is refused with the pg_dump command to use instead."""
    where = loc.resolve(db)
    if where.path is None:
        url = where.url.set(drivername="postgresql").render_as_string(hide_password=True)
        raise KnownError("backup.server", command=f'pg_dump --format=custom --file=villagepost.dump "{url}"')
    return where.path


def _existing_registry(path: Path) -> Path:
    """`path` when it holds a readable SQLite file (missing, empty and foreign files are refused by name)."""
    file_checks.preflight(path, create=False)
    return path


def create(db: str | Path | None, reason: str = "manual") -> BackupEntry:
    """A verified backup of the registry in its backups folder; a damaged registry is refused."""
    path = _existing_registry(sqlite_path(db))
    with disk_full_guard(backup_store.backup_dir(path)):
        entry = backup_store.make_backup(path, reason, verify_file)
        backup_store.rotate(path)
    return entry


def listing(db: str | Path | None) -> tuple[Path, list[BackupEntry]]:
    """(backups folder, backups newest first)."""
    path = sqlite_path(db)
    return backup_store.backup_dir(path), backup_store.list_backups(path)


def verify(db: str | Path | None, backup_id: str) -> list[str]:
    """Re-check one backup: its checksum, then every registry check; [] when whole (recorded in its sidecar)."""
    entry = _entry(sqlite_path(db), backup_id)
    problems = []
    if backup_store.sha256_of(entry.file) != entry.sha256:
        problems.append("checksum: the file changed since it was written")
    else:
        problems = verify_file(entry.file)
    if entry.reason != "damaged":
        entry.verified = not problems
        entry.problems = problems
        backup_store.write_sidecar(entry)
    return problems


def _entry(path: Path, backup_id: str) -> BackupEntry:
    entry = backup_store.find_backup(path, backup_id)
    if entry is None:
        raise KnownError("backup.unknown_id", id=backup_id)
    return entry


@dataclass(frozen=True)
class RestorePreview:
    """What a restore would change, for the window's confirmation: counts now and in the backup."""

    backup: BackupEntry
    stations_now: int | None  # None: the registry cannot be read (damaged)
    events_now: int | None
    stations_then: int
    events_then: int


def _counts(path: Path) -> tuple[int, int] | None:
    try:
        con = sqlite3.connect(f"{path.as_uri()}?mode=ro", uri=True)
        try:
            stations = con.execute("SELECT count(*) FROM station").fetchone()[0]
            events = con.execute("SELECT count(*) FROM station_event").fetchone()[0]
        finally:
            con.close()
    except sqlite3.Error:
        return None
    return int(stations), int(events)


def preview(db: str | Path | None, backup_id: str) -> RestorePreview:
    path = sqlite_path(db)
    entry = _entry(path, backup_id)
    now = _counts(path) if path.exists() else None
    then = _counts(entry.file) or (0, 0)
    return RestorePreview(entry, None if now is None else now[0], None if now is None else now[1], *then)


@dataclass(frozen=True)
class RestoreResult:
    restored: BackupEntry
    #: the state replaced: a verified pre-restore backup, the damaged file kept aside, or None (no file was there)
    before: BackupEntry | None


def restore(db: str | Path | None, backup_id: str) -> RestoreResult:
    """Restore one backup over the registry, through SQLite's backup API under its write lock.

    Never a file copy: the backup API writes the pages through the registry's own journal, so no `-wal`
    left beside it can replay over the restored pages. The current state is backed up first (a damaged
    registry is moved aside into the backups folder instead); the result is checked.
    """
    path = sqlite_path(db)
    entry = _entry(path, backup_id)
    if entry.reason == "damaged":
        raise KnownError("backup.not_restorable", id=entry.id, reason="damaged registry kept as evidence")
    problems = verify(db, backup_id)
    if problems:
        raise KnownError("backup.not_restorable", id=entry.id, reason=problems[0])
    with disk_full_guard(backup_store.backup_dir(path)):
        before = _save_current(path)
        _copy_into(entry.file, path)
    after = verify_file(path)
    if after:
        raise KnownError("backup.restore_failed_check", id=entry.id, reason=after[0],
                         before="-" if before is None else before.id)
    backup_store.clear_damaged(path)
    return RestoreResult(entry, before)


def _save_current(path: Path) -> BackupEntry | None:
    """Back up the registry about to be replaced; a damaged or unreadable one is moved aside as evidence."""
    if not path.exists():
        return None  # deleted: the restore puts it back
    if backup_store.damage_mark(path) is not None:
        return backup_store.keep_damaged(path)
    try:
        file_checks.preflight(path, create=False)
        return backup_store.make_backup(path, "pre-restore", verify_file)
    except DatabaseError as exc:
        if exc.key in ("db.readonly_folder", "db.full", "db.locked"):
            raise
        return backup_store.keep_damaged(path)


def _copy_into(source: Path, path: Path) -> None:
    """Write `source` into the registry file through the backup API (one step: the write lock is held)."""
    src = sqlite3.connect(f"{source.as_uri()}?mode=ro", uri=True)
    try:
        if path.exists():
            try:
                _backup_step(src, path)
                return
            except sqlite3.DatabaseError:
                backup_store.keep_damaged(path)  # SQLite cannot even write into it: set it aside
        _backup_step(src, path)
    finally:
        src.close()


def _backup_step(src: sqlite3.Connection, path: Path) -> None:
    dst = sqlite3.connect(path, timeout=busy_timeout_ms() / 1000)
    try:
        src.backup(dst)
        dst.execute("PRAGMA journal_mode = WAL")
        dst.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        dst.close()


def copy_to(db: str | Path | None, out: Path | str) -> Path:
    """`db backup OUT`: a verified copy at a new path; refuses every target it could damage (see below)."""
    path = _existing_registry(sqlite_path(db))
    target = check_target(path, Path(out))
    part = target.with_name(target.name + backup_store.PART)
    with disk_full_guard(target):
        try:
            backup_store.copy_live(path, part)
            problems = verify_file(part)
            if problems:
                raise backup_store.damaged_error(path, problems[0])
            if target.exists():  # appeared meanwhile: still never overwrite
                raise KnownError("backup.target_exists", path=str(target))
            part.replace(target)
        finally:
            part.unlink(missing_ok=True)
    return target


def check_target(registry: Path, out: Path) -> Path:
    """Where `db backup OUT` may write: a new file with a database suffix in an existing folder.

    Refused: a folder, a missing folder, the registry itself, another registry, any other existing file.
    """
    target = out.expanduser().resolve()
    if target.is_dir():
        raise KnownError("backup.target_folder", path=str(target))
    if not target.parent.is_dir():
        raise KnownError("backup.target_no_folder", folder=str(target.parent))
    if target == registry.resolve() or (target.exists() and target.samefile(registry)):
        raise KnownError("backup.target_is_registry", path=str(target))
    if target.exists():
        if _looks_like_registry(target):
            raise KnownError("backup.target_is_registry_file", path=str(target))
        raise KnownError("backup.target_exists", path=str(target))
    if target.suffix.lower() not in BACKUP_SUFFIXES:
        raise KnownError("backup.target_suffix", path=str(target))
    return target


def _looks_like_registry(path: Path) -> bool:
    try:
        return file_checks.read_header(path) is not None
    except OSError:
        return False


@contextmanager
def disk_full_guard(where: Path) -> Iterator[None]:
    """Turn ENOSPC (or SQLite's "disk is full") while writing under `where` into "磁盘已满"."""
    try:
        yield
    except OSError as exc:
        if exc.errno == errno.ENOSPC:
            raise KnownError("app.disk_full", path=str(where)) from exc
        raise
    except sqlite3.Error as exc:
        text = str(exc).lower()
        if "full" in text or "disk i/o" in text:
            raise KnownError("app.disk_full", path=str(where)) from exc
        raise DatabaseError("db.cannot_open", db=str(where), reason=str(exc)) from exc
