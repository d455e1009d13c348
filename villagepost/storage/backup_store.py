"""The registry's own backups: a folder beside the registry, one SQLite copy and one JSON sidecar each.

Why a sidecar per copy: a backup is only worth restoring when it is known whole. Each copy is made with
SQLite's online backup API (consistent while the registry is in use, never a file copy that could pair a
database with a stale `-wal`), then verified (integrity_check and the registry's invariants) and its
SHA-256 recorded, so `backup verify` can later tell a bit-rotted copy from a good one. Only files that
have our sidecar are ours: rotation deletes nothing else, and no backup overwrites any other file.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import sqlite3
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path

import villagepost.core.backup_messages  # noqa: F401  (registers the messages)
from villagepost.core import clock
from villagepost.core.errors import DamagedDatabase, DatabaseError

ENV_BACKUP_DIR = "VILLAGEPOST_BACKUP_DIR"
#: "0"/"off" turns the automatic backups (daily, pre-import, pre-upgrade) off; `backup create` still works.
ENV_AUTO = "VILLAGEPOST_AUTO_BACKUP"
#: e.g. "daily=7,weekly=4,monthly=12,event_days=30"
ENV_KEEP = "VILLAGEPOST_BACKUP_KEEP"
SUFFIX = ".sqlite"
SIDECAR = ".json"
PART = ".part"
#: reasons: daily (first open of a day), manual (`backup create`), pre-import, pre-upgrade, pre-restore,
#: damaged (the damaged file a restore replaced; kept for evidence, never restorable)
REASONS = ("daily", "manual", "pre-import", "pre-upgrade", "pre-restore", "damaged")


@dataclass
class BackupEntry:
    id: str
    file: Path
    created: str  # local time, ISO 8601 with offset
    reason: str
    bytes: int
    sha256: str
    verified: bool
    problems: list[str] = field(default_factory=list)
    schema: str | None = None

    @property
    def created_at(self) -> dt.datetime:
        return dt.datetime.fromisoformat(self.created)

    def to_json(self) -> dict[str, object]:
        """What `backup list --json` prints per backup."""
        return {"id": self.id, "file": str(self.file), "created": self.created, "reason": self.reason,
                "bytes": self.bytes, "verified": self.verified}

    def sidecar(self) -> Path:
        return self.file.with_suffix(SIDECAR)


def auto_enabled() -> bool:
    return os.environ.get(ENV_AUTO, "1").strip().lower() not in ("0", "off", "no", "false")


def backup_dir(db_path: Path) -> Path:
    """`$VILLAGEPOST_BACKUP_DIR`, else `<registry name>-backups` beside the registry."""
    configured = os.environ.get(ENV_BACKUP_DIR)
    if configured:
        return Path(configured).expanduser().resolve()
    return db_path.parent / f"{db_path.stem}-backups"


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _read_sidecar(path: Path) -> BackupEntry | None:
    try:
        doc = json.loads(path.read_text(encoding="utf-8"))
        file = path.with_suffix(SUFFIX)
        if doc.get("file") != file.name:
            return None
        return BackupEntry(id=str(doc["id"]), file=file, created=str(doc["created"]), reason=str(doc["reason"]),
                           bytes=int(doc["bytes"]), sha256=str(doc["sha256"]), verified=bool(doc["verified"]),
                           problems=[str(p) for p in doc.get("problems", [])], schema=doc.get("schema"))
    except (OSError, ValueError, KeyError, TypeError):
        return None


def write_sidecar(entry: BackupEntry) -> None:
    doc = asdict(entry)
    doc["file"] = entry.file.name
    tmp = entry.sidecar().with_name(entry.sidecar().name + PART)
    tmp.write_text(json.dumps(doc, ensure_ascii=False, indent=2), encoding="utf-8")
    tmp.replace(entry.sidecar())


def list_backups(db_path: Path) -> list[BackupEntry]:
    """Our backups of the registry at `db_path`, newest first (files without our sidecar are not ours)."""
    folder = backup_dir(db_path)
    if not folder.is_dir():
        return []
    found = [e for e in (_read_sidecar(p) for p in folder.glob(f"*{SIDECAR}")) if e is not None and e.file.exists()]
    return sorted(found, key=lambda e: (e.created_at, e.id), reverse=True)


def find_backup(db_path: Path, backup_id: str) -> BackupEntry | None:
    return next((e for e in list_backups(db_path) if e.id == backup_id), None)


def newest_good(db_path: Path) -> BackupEntry | None:
    return next((e for e in list_backups(db_path) if e.verified and e.reason != "damaged"), None)


def is_own_backup(path: Path) -> bool:
    """True when `path` is a backup this program made (it has our sidecar naming it)."""
    return path.suffix == SUFFIX and _read_sidecar(path.with_suffix(SIDECAR)) is not None


def new_slot(folder: Path, reason: str) -> tuple[str, Path]:
    """A fresh id and file name in `folder`; never one that exists (no backup overwrites anything)."""
    stamp = _created().replace("-", "").replace("T", "-").replace(":", "")[:15]
    n = 1
    while True:
        backup_id = f"{stamp}-{reason}" + (f"-{n}" if n > 1 else "")
        target = folder / f"{backup_id}{SUFFIX}"
        if not any(p.exists() for p in (target, target.with_suffix(SIDECAR), target.with_name(target.name + PART))):
            return backup_id, target
        n += 1


def _created() -> str:
    return clock.local_now().isoformat(timespec="seconds")


def copy_live(source: Path | sqlite3.Connection, target: Path) -> None:
    """Copy a live SQLite database through the online backup API in one step (one consistent snapshot)."""
    # mode=rw, not ro: a read-only connection cannot remove the -wal and -shm it makes beside a WAL registry
    src = source if isinstance(source, sqlite3.Connection) else sqlite3.connect(f"{source.as_uri()}?mode=rw", uri=True)
    try:
        dst = sqlite3.connect(target)
        try:
            src.backup(dst)
            # A backup is one self-contained file: no -wal or -shm beside it, now or when it is read.
            dst.execute("PRAGMA journal_mode = DELETE")
        finally:
            dst.close()
    finally:
        if src is not source:
            src.close()


def make_backup(db_path: Path, reason: str, verify: Callable[[Path], list[str]],
                schema: str | None = None) -> BackupEntry:
    """Copy, verify, checksum and record a backup of `db_path`; a copy that fails verification is removed
    and the source reported damaged (it is the source the copy came from).

    A copy byte for byte equal to a backup of this registry that passed verification (same SHA-256) is
    not verified again: the checks read nothing but the file's bytes. Why: an import's first open of the
    day makes the daily backup and then, with nothing changed, the pre-import one (two full checks,
    ~0.3 s each for a province, ~20 s for the nation).
    """
    folder = backup_dir(db_path)
    folder.mkdir(parents=True, exist_ok=True)
    created = _created()
    backup_id, target = new_slot(folder, reason)
    part = target.with_name(target.name + PART)
    try:
        copy_live(db_path, part)
        digest = sha256_of(part)
        if not any(e.verified and e.sha256 == digest for e in list_backups(db_path)):
            problems = verify(part)
            if problems:
                raise damaged_error(db_path, problems[0])
        part.replace(target)
    finally:
        for leftover in (part, part.with_name(part.name + "-wal"), part.with_name(part.name + "-shm")):
            leftover.unlink(missing_ok=True)
    entry = BackupEntry(backup_id, target, created, reason, target.stat().st_size, digest, True, [], schema)
    write_sidecar(entry)
    return entry


def keep_damaged(db_path: Path) -> BackupEntry:
    """Move a damaged registry (with its -wal and -shm) into the backups folder, recorded as `damaged`."""
    folder = backup_dir(db_path)
    folder.mkdir(parents=True, exist_ok=True)
    backup_id, target = new_slot(folder, "damaged")
    db_path.replace(target)
    for extra in ("-wal", "-shm"):
        side = db_path.with_name(db_path.name + extra)
        if side.exists():
            side.replace(target.with_name(target.name + extra))
    entry = BackupEntry(backup_id, target, clock.local_now().isoformat(timespec="seconds"), "damaged",
                        target.stat().st_size, sha256_of(target), False, ["damaged registry replaced by a restore"])
    write_sidecar(entry)
    return entry


def remove(entry: BackupEntry) -> None:
    for path in (entry.file, entry.file.with_name(entry.file.name + "-wal"),
                 entry.file.with_name(entry.file.name + "-shm"), entry.sidecar()):
        path.unlink(missing_ok=True)


def damaged_error(db_path: Path, reason: str) -> DatabaseError:
    """The refusal for a damaged registry, naming the newest good backup to restore."""
    try:
        good = newest_good(db_path)
    except OSError:
        good = None
    if good is None:
        return DamagedDatabase(str(db_path), reason)
    return DamagedDatabase(str(db_path), reason, good.id, good.created)


@dataclass(frozen=True)
class KeepPolicy:
    daily: int = 7
    weekly: int = 4
    monthly: int = 12
    event_days: int = 30  # every non-daily backup (pre-import, manual, ...) younger than this is kept

    @classmethod
    def from_env(cls) -> KeepPolicy:
        raw = os.environ.get(ENV_KEEP, "")
        values: dict[str, int] = {}
        for part in raw.split(","):
            name, _, number = part.partition("=")
            if name.strip() in ("daily", "weekly", "monthly", "event_days") and number.strip().isdigit():
                values[name.strip()] = int(number)
        return cls(**values)


def to_keep(entries: list[BackupEntry], policy: KeepPolicy, now: dt.datetime) -> set[str]:
    """Ids rotation keeps: the newest backup of each of the last N days, ISO weeks and months; every
    non-daily backup of the last `event_days` days; the newest good one always; damaged files always."""
    good = sorted((e for e in entries if e.reason != "damaged"), key=lambda e: (e.created_at, e.id), reverse=True)
    keep: set[str] = {e.id for e in entries if e.reason == "damaged"}
    verified = [e for e in good if e.verified]
    if verified:
        keep.add(verified[0].id)
    buckets: tuple[tuple[int, Callable[[dt.datetime], object]], ...] = (
        (policy.daily, lambda t: t.date()),
        (policy.weekly, lambda t: t.isocalendar()[:2]),
        (policy.monthly, lambda t: (t.year, t.month)),
    )
    for limit, bucket in buckets:
        seen: list[object] = []
        for e in verified:
            key = bucket(e.created_at)
            if key in seen:
                continue
            if len(seen) >= limit:
                break
            seen.append(key)
            keep.add(e.id)
    horizon = now - dt.timedelta(days=policy.event_days)
    keep.update(e.id for e in good if e.reason != "daily" and e.created_at >= horizon)
    return keep


def rotate(db_path: Path, policy: KeepPolicy | None = None) -> list[BackupEntry]:
    """Delete our backups the policy does not keep; returns what was removed."""
    entries = list_backups(db_path)
    keep = to_keep(entries, policy or KeepPolicy.from_env(), clock.local_now())
    removed = [e for e in entries if e.id not in keep]
    for e in removed:
        remove(e)
    return removed


def clean_parts(db_path: Path) -> None:
    """Remove half-written copies a killed backup left in the backups folder."""
    folder = backup_dir(db_path)
    if folder.is_dir():
        for pattern in (f"*{SUFFIX}{PART}", f"*{SUFFIX}{PART}-wal", f"*{SUFFIX}{PART}-shm"):
            for part in folder.glob(pattern):
                part.unlink(missing_ok=True)


MARK = "damaged.json"


def mark_damaged(db_path: Path, reason: str) -> None:
    """Remember that a command found the registry damaged, so every later open refuses it too (SQLite's
    own checks cannot see every damage, e.g. a flipped bit inside a name). Best effort: never raises."""
    try:
        folder = backup_dir(db_path)
        folder.mkdir(parents=True, exist_ok=True)
        doc = {"registry": str(db_path), "reason": reason, "found": _created()}
        (folder / MARK).write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    except OSError:
        return


def daily_due(db_path: Path) -> bool:
    """True when opening the registry now would make the day's automatic backup (none made today yet)."""
    if not auto_enabled():
        return False
    today = clock.today()
    return not any(e.created_at.date() == today and e.reason != "damaged" for e in list_backups(db_path))


def damage_mark(db_path: Path) -> str | None:
    """The reason recorded by `mark_damaged` for this registry, or None."""
    try:
        doc = json.loads((backup_dir(db_path) / MARK).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if doc.get("registry") != str(db_path):
        return None
    return str(doc.get("reason", ""))


def clear_damaged(db_path: Path) -> None:
    """After a restore, or a full check that passes."""
    (backup_dir(db_path) / MARK).unlink(missing_ok=True)
