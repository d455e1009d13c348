"""Bulk loading of the official division codes: fast, idempotent, and safe to repeat with a new edition.

Why not the ORM: `session.add_all` of 665k objects is ~28x slower than the database's own bulk path.
An empty registry gets plain executemany (SQLite) or COPY (PostgreSQL) inside one transaction; a
registry that already holds units gets only the differences (new, renamed, retired), so loading the same
edition twice writes nothing. A unit missing from the newer edition is flagged retired, never deleted:
its stations and history stay.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import Connection, Table, insert, select, update

from villagepost.core.divisions import Level, VillageClass, village_class
from villagepost.core.errors import Cancelled, KnownError
from villagepost.storage.division_counts import recount_villages
from villagepost.storage.division_source import read_pinyin_index, read_units, split_keys
from villagepost.storage.history_store import rebuild_covers, stations_villages
from villagepost.storage.models import SETTING_EDITION, Division, Setting
from villagepost.storage.queries import prefix_filter

Progress = Callable[[int, int, str], None]
DIVISION_TABLE: Table = Division.__table__  # type: ignore[assignment]
CHUNK = 20_000

COLUMNS = ("code", "name", "level", "parent_code", "village_class", "edition", "retired", "pinyin", "initials")
#: COLUMNS and the 建制村 counts (see `with_counts`).
COUNTED_COLUMNS = (*COLUMNS, "villages", "villages_like")
#: Code lengths of the units above a township (province, city, county).
_ABOVE_TOWNSHIP = (2, 4, 6)
Row = tuple[str, str, int, str | None, str | None, int, bool, str, str]


@dataclass
class LoadResult:
    """Counts of what a load changed."""

    edition: int
    scopes: list[str]
    total: int = 0
    inserted: int = 0
    updated: int = 0
    unchanged: int = 0
    retired: int = 0


#: village class by the last three digits of a code (VVV), precomputed: the load classifies 620k codes.
_CLASS_BY_VVV: dict[str, str | None] = {}
for _n in range(1000):
    _vc = village_class(f"000000000{_n:03d}")
    _CLASS_BY_VVV[f"{_n:03d}"] = _vc.value if _vc else None


def _rows(folder: Path, edition: int, scopes: Sequence[str]) -> list[Row]:
    """The rows to store, pinyin keys included, limited to `scopes` (and their ancestors)."""
    from villagepost.core.pinyin import fast_keys

    read = read_units(folder, scopes)
    index = read_pinyin_index(folder, read.total)
    if index is None:  # an edition without a prebuilt index: per-character keys
        keys = [fast_keys(name) for _, name, _, _ in read.units]
    elif scopes:
        keys = [split_keys(index[i]) for i in read.positions]
    else:
        keys = [split_keys(line) for line in index]
    classes = _CLASS_BY_VVV
    village = int(Level.VILLAGE)
    return [
        (code, name, level, parent, classes[code[9:]] if level == village else None, edition, False, py, ini)
        for (code, name, parent, level), (py, ini) in zip(read.units, keys, strict=True)
    ]


def _check_scopes(rows: list[Row], scopes: Sequence[str], edition: int) -> None:
    present = {r[0] for r in rows if r[0] in set(scopes)}
    for scope in scopes:
        if scope not in present:
            raise KnownError("div.unknown_scope", code=scope, edition=edition)


def with_counts(rows: list[Row]) -> list[tuple[object, ...]]:
    """`rows` with the 建制村 counts of each unit appended (`villages`, `villages_like`), as
    `recount_villages` would store them: a village-level unit counts itself, every other unit the
    村委会 (and 类似村委会) below it that are not retired.

    Why here: counted while the rows are in memory, a fresh load stores the counts with its insert; a
    recount afterwards re-read all 665k units and rewrote the 620k village rows (2.5x the load's floor).
    """
    village_level = int(Level.VILLAGE)
    own = {VillageClass.VILLAGE.value: (1, 0), VillageClass.VILLAGE_LIKE.value: (0, 1)}
    villages: Counter[str] = Counter()
    like: Counter[str] = Counter()
    for row in rows:
        if row[2] == village_level and not row[6]:
            if row[4] == VillageClass.VILLAGE.value:
                villages[row[0][:9]] += 1
            elif row[4] == VillageClass.VILLAGE_LIKE.value:
                like[row[0][:9]] += 1
    for counter in (villages, like):
        for township, n in list(counter.items()):
            for length in _ABOVE_TOWNSHIP:
                counter[township[:length]] += n
    none = (0, 0)
    return [
        (*row, *(own.get(row[4] or "", none) if row[2] == village_level and not row[6] else none))
        if row[2] == village_level
        else (*row, villages.get(row[0], 0), like.get(row[0], 0))
        for row in rows
    ]


def _insert_bulk(conn: Connection, rows: Sequence[Sequence[object]], done: Callable[[int], None],
                 cancelled: Callable[[], bool], columns: Sequence[str] = COLUMNS) -> None:
    dialect = conn.dialect.name
    raw = conn.connection.driver_connection
    assert raw is not None
    if dialect == "postgresql":
        with raw.cursor() as cur, cur.copy(f"COPY division ({', '.join(columns)}) FROM STDIN") as copy:
            for i in range(0, len(rows), CHUNK):
                if cancelled():
                    raise Cancelled()
                for row in rows[i : i + CHUNK]:
                    copy.write_row(row)
                done(min(CHUNK, len(rows) - i))
        return
    marks = ", ".join("?" * len(columns))
    sql = f"INSERT INTO division ({', '.join(columns)}) VALUES ({marks})"
    cur = raw.cursor()
    try:
        for i in range(0, len(rows), CHUNK):
            if cancelled():
                raise Cancelled()
            cur.executemany(sql, rows[i : i + CHUNK])
            done(min(CHUNK, len(rows) - i))
    finally:
        cur.close()


def load_divisions(
    conn: Connection,
    folder: Path,
    edition: int,
    scopes: Sequence[str] = (),
    *,
    progress: Progress | None = None,
    cancelled: Callable[[], bool] | None = None,
) -> LoadResult:
    """Load the units of `scopes` (all when empty) from the edition in `folder`, on `conn`'s transaction.

    The caller owns the transaction: on Cancelled or any error it rolls back and nothing is written.
    """
    is_cancelled = cancelled or (lambda: False)
    report = progress or (lambda done, total, text: None)
    report(0, 0, "div.reading")
    rows = _rows(folder, edition, scopes)
    if scopes:
        _check_scopes(rows, scopes, edition)
    result = LoadResult(edition=edition, scopes=list(scopes), total=len(rows))
    if is_cancelled():
        raise Cancelled()

    count = {"done": 0}

    def done(n: int) -> None:
        count["done"] += n
        report(count["done"], len(rows), "div.writing")

    existing_any = conn.execute(select(Division.code).limit(1)).first() is not None
    if not existing_any:
        # Into an empty table, building the secondary indexes once at the end beats updating them
        # row by row (one sort instead of 665k B-tree inserts). DDL is transactional on both databases.
        indexes = list(DIVISION_TABLE.indexes)
        for index in indexes:
            index.drop(conn)
        _insert_bulk(conn, with_counts(rows), done, is_cancelled, COUNTED_COLUMNS)
        for index in indexes:
            index.create(conn)
        result.inserted = len(rows)
    else:
        _merge(conn, rows, scopes=scopes, edition=edition, result=result, done=done, cancelled=is_cancelled)
    _set_edition(conn, edition)
    provinces = sorted({r[0][:2] for r in rows})
    if existing_any:
        recount_villages(conn, provinces)
    if result.retired:
        # a retired village holds no cover any more (its stations and their history stay)
        rebuild_covers(conn, stations_villages(conn, provinces))
    report(len(rows), len(rows), "div.done")
    return result


def _merge(
    conn: Connection,
    rows: list[Row],
    *,
    scopes: Sequence[str],
    edition: int,
    result: LoadResult,
    done: Callable[[int], None],
    cancelled: Callable[[], bool],
) -> None:
    """Apply only the differences between `rows` and what the registry holds."""
    codes = {r[0] for r in rows}
    # What is stored where this load reaches: the scopes' subtrees and the ancestors loaded with them.
    stmt = select(Division.code, Division.name, Division.retired, Division.edition, Division.pinyin)
    if scopes:
        stored: dict[str, tuple[str, bool, int, str]] = {}
        for scope in scopes:
            for code, name, retired, ed, py in conn.execute(stmt.where(prefix_filter(Division.code, scope))):
                stored[code] = (name, retired, ed, py)
        for code in codes - stored.keys():
            hit = conn.execute(stmt.where(Division.code == code)).first()
            if hit:
                stored[hit[0]] = (hit[1], hit[2], hit[3], hit[4])
    else:
        stored = {code: (name, retired, ed, py) for code, name, retired, ed, py in conn.execute(stmt)}
    new_rows: list[Row] = []
    changed: list[dict[str, object]] = []
    for row in rows:
        old = stored.get(row[0])
        if old is None:
            new_rows.append(row)
        elif old[0] != row[1] or old[1] or old[3] != row[7]:
            changed.append({"b_code": row[0], "name": row[1], "pinyin": row[7], "initials": row[8],
                            "edition": edition})
        else:
            result.unchanged += 1
    if new_rows:
        _insert_bulk(conn, new_rows, done, cancelled)
    result.inserted = len(new_rows)
    if changed:
        from sqlalchemy import bindparam

        conn.execute(
            update(Division).where(Division.code == bindparam("b_code"))
            .values(name=bindparam("name"), pinyin=bindparam("pinyin"), initials=bindparam("initials"),
                    edition=bindparam("edition"), retired=False),
            changed,
        )
        done(len(changed))
    result.updated = len(changed)
    # Units of the loaded scopes that this edition no longer has: retired, not deleted.
    gone = [code for code, (_, retired, _, _) in stored.items()
            if code not in codes and not retired and (not scopes or any(code.startswith(s) for s in scopes))]
    for i in range(0, len(gone), 900):
        conn.execute(update(Division).where(Division.code.in_(gone[i : i + 900])).values(retired=True))
    result.retired = len(gone)
    if cancelled():
        raise Cancelled()


def _set_edition(conn: Connection, edition: int) -> None:
    current = conn.execute(select(Setting.value).where(Setting.key == SETTING_EDITION)).scalar()
    if current is None:
        conn.execute(insert(Setting).values(key=SETTING_EDITION, value=str(edition)))
    elif current != str(edition):
        conn.execute(update(Setting).where(Setting.key == SETTING_EDITION).values(value=str(edition)))
