"""Is this registry whole? SQLite's own checks and the registry's invariants, as a list of problems.

Two depths:
- `quick_problems` runs on every open and must stay cheap on a national registry (200+ MB): a walk of every
  b-tree page of the tables a clerk writes (stations, their events, settings, checklists...), SQLite's
  `quick_check` of those with at most `QUICK_ROWS` rows, and merge events without partners (one query).
  The division table (620k rows, loaded once, rewritten only by `divisions load`) is left to the full
  check; the file's header and length are checked before opening (`file_checks`).
- `full_problems` is `villagepost db check`, and the verification of every backup: `integrity_check`,
  `foreign_key_check`, UTF-8 validity of every text (SQLite keeps no checksums), and what the registry
  promises — every station's spans and every village's covers equal a rebuild from the events, every
  merge event names its partners, every unit's 建制村 counts equal its division rows.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Mapping, Sequence
from pathlib import Path

from sqlalchemy import Connection, select

from villagepost.core import clock
from villagepost.core.history import Period, Span, union
from villagepost.storage import quick_check
from villagepost.storage.division_counts import count_differences
from villagepost.storage.history_store import StationState, derive, load_events, load_states
from villagepost.storage.models import (
    Division,
    StationSpan,
    VillageCover,
)
from villagepost.storage.quick_check import SHOWN, Problem


def _sqlite_rows(conn: Connection, pragma: str) -> list[str]:
    return [str(r[0]) for r in conn.exec_driver_sql(pragma)]


def quick_problems(conn: Connection) -> list[Problem]:
    """SQLite's quick_check on the small tables (see the module docstring); [] when they are sound."""
    return quick_check.quick_problems(conn.connection.driver_connection)


def full_problems(conn: Connection, *, sqlite: bool, today: dt.date | None = None) -> list[Problem]:
    """Every check (see the module docstring); [] when the registry is whole."""
    out: list[Problem] = []
    if sqlite:
        found = [r for r in _sqlite_rows(conn, "PRAGMA integrity_check") if r != "ok"]
        out.extend(Problem("integrity", r) for r in found[:SHOWN])
        if found:
            return out  # the invariants read the same damaged pages; their errors would only repeat it
        out.extend(encoding_problems(conn))
        fk = conn.exec_driver_sql("PRAGMA foreign_key_check").all()
        out.extend(Problem("foreign_key", f"{r[0]} rowid {r[1]} -> {r[2]}") for r in fk[:SHOWN])
    partners = merge_partner_problems(conn)
    out.extend(partners)
    if not partners:  # histories with a partnerless merger cannot even be replayed
        try:
            out.extend(history_problems(conn, today or clock.today()))
        except ValueError as exc:
            out.append(Problem("spans", f"a station history cannot be replayed: {exc}"))
    out.extend(Problem("unit_counts", f"{d['b_code']}: stored counts differ from the division rows "
                                      f"(should be {d['villages']} 建制村, {d['villages_like']} 类似村委会)")
               for d in count_differences(conn)[:SHOWN])
    return out


def encoding_problems(conn: Connection) -> list[Problem]:
    """Text that is not valid UTF-8 (a flipped bit inside a name: SQLite keeps no checksums to see it)."""
    raw = conn.connection.dbapi_connection
    if raw is None:
        return []
    tables = [r for r in _sqlite_rows(conn, "SELECT name FROM sqlite_master WHERE type = 'table'")
              if not r.startswith("sqlite_")]
    text_columns = {table: [str(r[1]) for r in raw.execute(f'PRAGMA table_info("{table}")')
                            if any(t in str(r[2]).upper() for t in ("CHAR", "TEXT", "CLOB"))] for table in tables}
    out: list[Problem] = []
    previous = raw.text_factory
    raw.text_factory = bytes  # read the stored bytes, to decode them here
    try:
        for table, columns in text_columns.items():
            if not columns:
                continue
            names = ", ".join(f'"{c}"' for c in columns)
            cursor = raw.execute(f'SELECT {names} FROM "{table}"')
            first = 1
            while rows := cursor.fetchmany(_BATCH):
                if not _all_utf8(rows):
                    out.extend(_bad_text(table, columns, rows, first))
                    if len(out) >= SHOWN:
                        return out[:SHOWN]
                first += len(rows)
    finally:
        raw.text_factory = previous
    return out


#: Rows decoded at once by the encoding check.
_BATCH = 20_000


def _all_utf8(rows: Sequence[Sequence[object]]) -> bool:
    """True when every text value of `rows` is UTF-8: one decode of them all, joined by a newline.

    Why joined: a decode per value cost the national registry's check ~2 s. The newline cannot complete
    a multi-byte sequence cut short in one value, so the joined bytes decode exactly when each value does.
    """
    try:
        b"\n".join([v for row in rows for v in row if type(v) is bytes]).decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def _bad_text(table: str, columns: Sequence[str], rows: Sequence[Sequence[object]], first: int) -> list[Problem]:
    """The values of a batch that are not UTF-8, named by row (counted from 1) and column."""
    out: list[Problem] = []
    for n, row in enumerate(rows, start=first):
        for column, value in zip(columns, row, strict=True):
            if isinstance(value, bytes):
                try:
                    value.decode("utf-8")
                except UnicodeDecodeError:
                    out.append(Problem("integrity", f"{table} row {n}: column {column} is not "
                                                    "valid UTF-8 text (a damaged byte)"))
    return out


def merge_partner_problems(conn: Connection) -> list[Problem]:
    """Merge events without a partner row (what a stale write-ahead log replayed over a backup left)."""
    return quick_check.merge_partner_problems(conn.connection.driver_connection)


def history_problems(conn: Connection, today: dt.date) -> list[Problem]:
    """Stored spans, covers and current states against a rebuild from the events, computed in memory."""
    states = load_states(conn, None)
    codes = sorted(states)
    derived = derive(states, load_events(conn, None))
    stored: dict[str, list[tuple[object, ...]]] = defaultdict(list)
    for row in conn.execute(select(StationSpan.station_code, StationSpan.start_on, StationSpan.end_on,
                                   StationSpan.status, StationSpan.station_type, StationSpan.combined,
                                   StationSpan.date_missing).order_by(StationSpan.station_code,
                                                                      StationSpan.start_on)):
        stored[row[0]].append((row[1], row[2], row[3], row[4], bool(row[5]), bool(row[6])))
    out: list[Problem] = []
    for code in codes:
        rebuilt = [(s.start, s.end, s.status.value, None if s.station_type is None else s.station_type.value,
                    s.active, s.date_missing) for s in derived.get(code, [])]
        if sorted(rebuilt, key=_span_key) != sorted(stored.get(code, []), key=_span_key):
            out.append(Problem("spans", f"station {code}: stored spans differ from a rebuild from its events"))
    orphans = sorted(set(stored) - set(codes))
    out.extend(Problem("spans", f"spans of unknown station {c}") for c in orphans)
    return out[:SHOWN] + _cover_problems(conn, states, derived)


def _span_key(row: tuple[object, ...]) -> str:
    return repr(row)


def _cover_problems(conn: Connection, states: Mapping[str, StationState],
                    derived: Mapping[str, list[Span]]) -> list[Problem]:
    periods: dict[str, list[Period]] = defaultdict(list)
    for code, spans in derived.items():
        state = states[code]
        for s in spans:
            if s.active:
                for village in {state.village, *state.served}:
                    periods[village].append(Period(s.start, s.end, s.date_missing))
    retired = set(conn.execute(select(Division.code).where(Division.retired.is_(True), Division.level == 5)).scalars())
    expected: dict[str, list[tuple[object, ...]]] = {}
    for village, found in periods.items():
        if village in retired:
            continue
        joined: Sequence[Period] = found if len(found) == 1 else union(found)
        expected[village] = sorted(((p.start, p.end, bool(p.date_missing)) for p in joined), key=repr)
    stored: dict[str, list[tuple[object, ...]]] = defaultdict(list)
    for v, start, end, missing in conn.execute(select(VillageCover.village_code, VillageCover.start_on,
                                                      VillageCover.end_on, VillageCover.date_missing)):
        stored[v].append((start, end, bool(missing)))
    out: list[Problem] = []
    for village in sorted(set(expected) | set(stored)):
        if expected.get(village, []) != sorted(stored.get(village, []), key=repr):
            out.append(Problem("covers", f"village {village}: stored cover differs from the stations' histories"))
    return out[:SHOWN]



def verify_file(path: Path, *, today: dt.date | None = None) -> list[str]:
    """Every check of `full_problems` on an SQLite file opened read-only; [] when whole (backups)."""
    import sqlite3

    from sqlalchemy import create_engine
    from sqlalchemy.pool import NullPool

    uri = f"{path.as_uri()}?mode=ro"
    engine = create_engine("sqlite://", creator=lambda: sqlite3.connect(uri, uri=True), poolclass=NullPool)
    try:
        with engine.connect() as conn:
            return [f"{p.kind}: {p.detail}" for p in full_problems(conn, sqlite=True, today=today)]
    except Exception as exc:  # the driver's error, perhaps wrapped by SQLAlchemy
        orig = getattr(exc, "orig", exc)
        if isinstance(orig, sqlite3.DatabaseError) and any(
                t in str(orig).lower() for t in ("malformed", "not a database", "decode", "disk i/o", "corrupt")):
            return [f"integrity: {orig}"]
        raise
    finally:
        engine.dispose()
