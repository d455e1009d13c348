"""Where a roster is in its sheet: the columns found and the layout, as plain data.

Why a module of its own: the command line's import reads the roster in a child process and sends this
layout over a pipe (`rosters.prefetch`); unpickling it in the parent must not import the reader stack
(calamine, defusedxml, the byte scans), which the parent does not otherwise need.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field


@dataclass(frozen=True, slots=True)
class ColumnRef:
    """One column of the sheet: 0-based index and the header text as written (untrimmed)."""

    index: int
    header: str


@dataclass
class ColumnMap:
    """field -> ColumnRef. Behaves like a read-only mapping; `headers()` gives field -> header text."""

    entries: dict[str, ColumnRef] = field(default_factory=dict)

    def __getitem__(self, name: str) -> ColumnRef:
        return self.entries[name]

    def __contains__(self, name: object) -> bool:
        return name in self.entries

    def __iter__(self) -> Iterator[str]:
        return iter(self.entries)

    def __len__(self) -> int:
        return len(self.entries)

    def items(self) -> Iterator[tuple[str, ColumnRef]]:
        return iter(self.entries.items())

    def get(self, name: str) -> ColumnRef | None:
        return self.entries.get(name)

    def index(self, name: str) -> int:
        return self.entries[name].index

    def header(self, name: str) -> str:
        return self.entries[name].header

    def headers(self) -> dict[str, str]:
        return {name: ref.header for name, ref in self.entries.items()}

    @property
    def width(self) -> int:
        """Columns a data row is read to: the rightmost mapped column + 1."""
        return max((ref.index for ref in self.entries.values()), default=-1) + 1


@dataclass
class RosterLayout:
    """Where the roster is: sheet, header rows (Excel numbers), mapping, first data row, unmapped headers."""

    sheet: str
    sheet_names: list[str]
    header_rows: list[int]
    columns: ColumnMap
    first_data_row: int
    unmapped: list[ColumnRef]
    #: All header cells as written (index = column), for the GUI's mapping editor.
    header_cells: list[str]
    engine: str
