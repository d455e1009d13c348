"""The check of every open of an SQLite registry, on a plain DB-API connection.

Why apart from `storage.registry_checks`: read-only commands that must start fast (`divisions show`) open
the registry with the standard library's sqlite3 alone (`storage.plain_read`) and run the very same check,
without importing SQLAlchemy; the full open runs it through its SQLAlchemy connection's driver connection.
What it checks is described in `storage.registry_checks`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

#: Tables small enough for `quick_check` on every open (each is written by a clerk's actions).
QUICK_TABLES = ("station", "station_village", "station_event", "station_event_partner", "station_span",
                "setting", "target", "checklist_template", "checklist_item", "inspection", "inspection_item",
                "alembic_version")
#: Above this many rows a table gets only the page walk of `count(*)` on open, not quick_check (which also
#: reads every row and index entry: 0.6 s for the 162k stations of a national registry).
QUICK_ROWS = 20_000
#: Problems listed per kind at most (a broken rebuild would otherwise print 300k lines).
SHOWN = 20
#: `core.history.EventKind.MERGED`, written out: this module imports nothing of the project
_MERGED = "merged"


@dataclass(frozen=True)
class Problem:
    """One finding: `kind` (integrity, foreign_key, spans, covers, merge_partners, unit_counts) and detail."""

    kind: str
    detail: str

    def to_json(self) -> dict[str, str]:
        return {"kind": self.kind, "detail": self.detail}


def _rows(raw: Any, sql: str) -> list[tuple[Any, ...]]:
    cursor = raw.cursor()
    try:
        cursor.execute(sql)
        return list(cursor.fetchall())
    finally:
        cursor.close()


def quick_problems(raw: Any) -> list[Problem]:
    """SQLite's quick_check on the small tables of the registry `raw` (a DB-API connection); [] when sound."""
    present = {str(r[0]) for r in _rows(raw, "SELECT name FROM sqlite_master WHERE type = 'table'")}
    out: list[Problem] = []
    for table in QUICK_TABLES:
        if table not in present:
            continue
        # Counting without an index walks every page of the table's b-tree: a page that is not a b-tree
        # page any more (garbage written over it) fails here, at a fraction of quick_check's cost.
        rows = _rows(raw, f'SELECT count(*) FROM "{table}" NOT INDEXED')[0][0] or 0
        if rows > QUICK_ROWS:
            continue
        found = [str(r[0]) for r in _rows(raw, f"PRAGMA quick_check({table})") if str(r[0]) != "ok"]
        out.extend(Problem("integrity", r) for r in found[:SHOWN])
    if not out and "station_event_partner" in present:
        out.extend(merge_partner_problems(raw))
    return out


def merge_partner_problems(raw: Any) -> list[Problem]:
    """Merge events without a partner row (what a stale write-ahead log replayed over a backup left)."""
    rows = _rows(raw, "SELECT e.id, e.station_code FROM station_event e "
                      f"WHERE e.kind = '{_MERGED}' AND NOT EXISTS "
                      "(SELECT 1 FROM station_event_partner p WHERE p.event_id = e.id) ORDER BY e.id")
    return [Problem("merge_partners", f"merge event {r[0]} of station {r[1]} has no partner") for r in rows[:SHOWN]]
