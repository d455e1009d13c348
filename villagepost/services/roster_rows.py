"""One row of a roster as the import wizard shows it when the clerk double-clicks an error.

The report names a row and a cell; to fix it the clerk wants the whole row as the township wrote it. The
wizard reads it here with the job's own sheet and mapping (the same reader the import used, so merged
county and township cells appear filled down as the import saw them), streaming until that row.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from villagepost.core.values import cell_text
from villagepost.rosters.layout import FIELDS
from villagepost.rosters.reader import open_roster
from villagepost.services.imports import RosterImport


@dataclass(frozen=True)
class RosterCell:
    """One mapped cell: the field it feeds, the header as written, and the value as written."""

    field: str
    header: str
    value: str


def roster_row(job: RosterImport, row: int, *, cancelled: Callable[[], bool] | None = None) -> list[RosterCell]:
    """The mapped cells of Excel row `row`, in field order; empty when that row is not a data row."""
    with open_roster(job.path, sheet=job.sheet) as opened:
        book = opened.with_columns(job.mapping) if job.mapping is not None else opened
        for found in book.rows(cancelled=cancelled):
            if found.row == row:
                return [RosterCell(name, found.column(name), cell_text(found.raw.get(name)))
                        for name in FIELDS if name in book.layout.columns]
            if found.row > row:
                break
    return []
