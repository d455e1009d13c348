"""Writing audit rows: one per changed field, in the transaction of the change itself.

Why in the same transaction: an audit written afterwards can be lost (a crash between the two) or can
record a change that was rolled back. Imports write their rows in bulk with the stations (one executemany
per batch), so the audit costs the national import a few percent, not a second pass.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from json.encoder import encode_basestring as _quoted  # json's own string encoder (C), as ensure_ascii=False
from typing import Any

from sqlalchemy import Connection, insert
from sqlalchemy.orm import Session

from villagepost.core import clock
from villagepost.core.actor import Actor
from villagepost.storage.bulk import insert_rows
from villagepost.storage.models import AuditEntry

#: `field` of a row that records a whole record created or removed
WHOLE = "*"
CREATED = "created"
REMOVED = "removed"


def text_of(value: Any) -> str | None:
    """A stored value as the audit keeps it: text, dates in ISO, None as NULL."""
    if type(value) is str:  # nearly every value: answered before the isinstance tests below
        return value
    if value is None:
        return None
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, dt.date | dt.datetime):
        return value.isoformat()
    if isinstance(value, float):
        return repr(value)
    if isinstance(value, list | tuple):
        return "、".join(str(v) for v in value)
    return str(value)


def _json_of(values: Mapping[str, Any]) -> str:
    """The values' texts as a JSON object, keys sorted: the text `json.dumps(..., ensure_ascii=False,
    sort_keys=True)` writes, built directly from json's string encoder.

    Why not json.dumps: every created station of an import is one of these; a flat object of strings
    needs none of the encoder's generality (7.5 -> 4.9 us a station, ~0.8 s of a national import).
    """
    return "{" + ", ".join([f"{_quoted(k)}: {_quoted(text_of(v) or '')}" for k, v in sorted(values.items())
                            if v is not None]) + "}"


class AuditBatch:
    """Audit rows gathered for one transaction, written with `write`."""

    def __init__(self, actor: Actor, at: dt.datetime | None = None) -> None:
        self.actor = actor
        self.at = at or clock.utc_stamp()
        self.rows: list[dict[str, Any]] = []

    def _row(self, table: str, record: str, scope: str, field: str, old: str | None,  # noqa: PLR0917
             new: str | None) -> None:
        self.rows.append({"at": self.at, "user_name": self.actor.name, "source": self.actor.source[:300],
                          "table_name": table, "record": record[:40], "scope": scope, "field": field,
                          "old": old, "new": new})

    def changed(self, table: str, record: str, scope: str, changes: Mapping[str, tuple[Any, Any]]) -> None:
        """One row per field whose value changed (old, new)."""
        for name, (old, new) in changes.items():
            o, n = text_of(old), text_of(new)
            if o != n:
                self._row(table, record, scope, name, o, n)

    def diff(self, table: str, record: str, scope: str, before: Mapping[str, Any], after: Mapping[str, Any]) -> None:
        """Rows for the fields of `after` whose value differs from `before`."""
        self.changed(table, record, scope, {k: (before.get(k), v) for k, v in after.items()})

    def created(self, table: str, record: str, scope: str, values: Mapping[str, Any]) -> None:
        self._row(table, record, scope, WHOLE, None, _json_of(values))

    def removed(self, table: str, record: str, scope: str, values: Mapping[str, Any]) -> None:
        self._row(table, record, scope, WHOLE, _json_of(values), None)

    def fact(self, table: str, record: str, scope: str, field: str, new: str, *, old: str | None = None) -> None:
        """A row for a recorded fact (a history event: `field` is its kind, `new` describes it)."""
        self._row(table, record, scope, field, old, new)

    def write(self, target: Connection | Session) -> None:
        if not self.rows:
            return
        if isinstance(target, Connection):
            insert_rows(target, AuditEntry.__table__, self.rows)  # type: ignore[arg-type]
        else:
            target.execute(insert(AuditEntry), self.rows)
        self.rows = []

