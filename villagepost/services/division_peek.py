"""`divisions show` without SQLAlchemy: the same answer read with the standard library's sqlite3.

Why: the command's target is 0.4 s from start to answer, and importing SQLAlchemy and the ORM models alone
took longer. `show` answers here when `storage.plain_read` finds that a full open would neither change
the registry nor say anything, and the unit exists; otherwise it returns None and the caller takes the
full path (`services.divisions.show`), which gives every other answer (unknown code, accounts, upgrades,
damage, PostgreSQL). tests/cli/test_divisions_peek.py checks both paths print the same.
"""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

from villagepost.core.codes import CodeFormatError, normalise_code
from villagepost.core.division_info import UnitInfo
from villagepost.core.divisions import CODE_LENGTHS, Level, VillageClass
from villagepost.storage import plain_read

#: as `storage.location.ENV_DB`
ENV_DB = "VILLAGEPOST_DB"


def registry_file(db: str | None) -> Path | None:
    """The SQLite file `--db` (else $VILLAGEPOST_DB) names; None for a server URL or the default location
    (both are left to the full open)."""
    raw = db if db is not None else os.environ.get(ENV_DB) or None
    if raw is None or "://" in raw:
        return None
    return Path(raw).expanduser().resolve()


def show(db: str | None, code_text: str) -> UnitInfo | None:
    """What `divisions show CODE` prints, or None when the full path must answer."""
    path = registry_file(db)
    if path is None:
        return None
    try:
        code = normalise_code(code_text).code
    except CodeFormatError:
        return None
    conn = plain_read.open_current(path)
    if conn is None:
        return None
    try:
        return _show(conn, code)
    except sqlite3.Error:
        return None
    finally:
        conn.close()


def _show(conn: sqlite3.Connection, code: str) -> UnitInfo | None:
    columns = "code, name, level, parent_code, village_class, edition, retired, pinyin, initials"
    row = conn.execute(f"SELECT {columns} FROM division WHERE code = ?", (code,)).fetchone()
    if row is None:
        return None
    unit_code, name, level_value, parent, village_class, edition, retired, pinyin, initials = row
    level = Level(level_value)
    prefixes = [code[: CODE_LENGTHS[lv]] for lv in Level if lv <= level]
    names = dict(conn.execute(f"SELECT code, name FROM division WHERE code IN ({','.join('?' * len(prefixes))})",
                              prefixes).fetchall())
    chain = [(c, names[c]) for c in prefixes if c in names]
    upper = code + "9" * (12 - len(code))
    counts = dict(conn.execute("SELECT level, count(*) FROM division WHERE code >= ? AND code <= ? AND code != ? "
                               "AND retired = 0 GROUP BY level", (code, upper, code)).fetchall())
    classes: dict[str, int] = {}
    if level < Level.VILLAGE:
        classes = {vc.value: 0 for vc in VillageClass}
        for vc, n in conn.execute("SELECT village_class, count(*) FROM division WHERE code >= ? AND code <= ? "
                                  "AND level = ? AND retired = 0 GROUP BY village_class",
                                  (code, upper, int(Level.VILLAGE))):
            if vc is not None:
                classes[vc] = n
    return UnitInfo(
        code=unit_code, name=name, level=level.name.lower(), level_zh=level.zh, edition=edition,
        retired=bool(retired), parent=parent, path=[{"code": c, "name": n} for c, n in chain],
        path_text=" / ".join(n for _, n in chain),
        counts={lv.name.lower(): counts.get(int(lv), 0) for lv in Level if lv > level},
        village_classes=classes, village_class=village_class, pinyin=pinyin, initials=initials,
    )
