"""One problem of one roster cell, as plain data.

Why a module of its own: the reading child sends each row's problems over a pipe (`rosters.forked`);
unpickling them in the importing parent must not import the parser and the reader stack.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class CellProblem:
    """One problem of one cell: Excel row, field, column header as written, kind, value as written."""

    row: int
    field: str
    column: str
    kind: str
    value: str
    message_zh: str
    message_en: str

    def message(self, lang: str = "zh") -> str:
        return self.message_en if lang == "en" else self.message_zh
