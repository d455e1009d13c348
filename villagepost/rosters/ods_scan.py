"""A streaming scan of an OpenDocument spreadsheet's content.xml, made before calamine reads it.

Why: repeated rows and columns (`table:number-rows-repeated="1048000"`) are how ODF writes blank space,
and a repeated row that holds a value expands to that many rows in any reader. The scan counts each
table's extent from the repeat attributes without expanding anything, collects merged ranges
(`number-rows-spanned` / `number-columns-spanned`) and is the well-formedness check of the part
(expat, DTDs refused).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from xml.parsers import expat

_TABLE = "urn:oasis:names:tc:opendocument:xmlns:table:1.0"
_OFFICE = "urn:oasis:names:tc:opendocument:xmlns:office:1.0"
_SEP = " "
T_TABLE = f"{_TABLE}{_SEP}table"
T_ROW = f"{_TABLE}{_SEP}table-row"
T_CELL = f"{_TABLE}{_SEP}table-cell"
T_COVERED = f"{_TABLE}{_SEP}covered-table-cell"
A_NAME = f"{_TABLE}{_SEP}name"
A_ROWS_REPEATED = f"{_TABLE}{_SEP}number-rows-repeated"
A_COLS_REPEATED = f"{_TABLE}{_SEP}number-columns-repeated"
A_ROWS_SPANNED = f"{_TABLE}{_SEP}number-rows-spanned"
A_COLS_SPANNED = f"{_TABLE}{_SEP}number-columns-spanned"
A_VALUE_TYPE = f"{_OFFICE}{_SEP}value-type"
A_DISPLAY = f"{_TABLE}{_SEP}display"


class OdsProblem(Exception):
    """content.xml is not well-formed (`.dtd` True when it declares a DTD or entities)."""

    def __init__(self, message: str, *, dtd: bool = False) -> None:
        super().__init__(message)
        self.dtd = dtd


@dataclass
class OdsTable:
    name: str
    hidden: bool = False
    max_row: int = 0
    max_col: int = -1
    merges: list[tuple[int, int, int, int]] = field(default_factory=list)


class _DtdSeen(Exception):
    pass


def _count(attrs: dict[str, str], name: str) -> int:
    try:
        return max(1, int(attrs.get(name, "1")))
    except ValueError:
        return 1


def scan_content(chunks: Iterable[bytes]) -> list[OdsTable]:
    """The tables of content.xml with their extent and merges. Raises OdsProblem."""
    tables: list[OdsTable] = []
    state = {"row": 0, "col": 0, "row_repeat": 1, "row_used": False, "cell": 0, "cell_repeat": 1,
             "cell_used": False, "depth": 0}
    current: list[OdsTable] = []

    def start(name: str, attrs: dict[str, str]) -> None:
        if name == T_TABLE:
            table = OdsTable(attrs.get(A_NAME, ""), hidden=attrs.get(A_DISPLAY) == "false")
            tables.append(table)
            current[:] = [table]
            state["row"] = 0
        elif not current:
            return
        elif name == T_ROW:
            state["col"] = 0
            state["row_repeat"] = _count(attrs, A_ROWS_REPEATED)
            state["row_used"] = False
        elif name in (T_CELL, T_COVERED):
            state["cell_repeat"] = _count(attrs, A_COLS_REPEATED)
            state["cell_used"] = A_VALUE_TYPE in attrs
            state["cell"] = 1
            rows_spanned = _count(attrs, A_ROWS_SPANNED)
            cols_spanned = _count(attrs, A_COLS_SPANNED)
            if rows_spanned > 1 or cols_spanned > 1:
                top, left = state["row"] + 1, state["col"]
                current[0].merges.append((top, left, top + rows_spanned - 1, left + cols_spanned - 1))
        elif state["cell"]:
            state["cell_used"] = True  # text:p and friends inside a cell

    def end(name: str) -> None:
        if not current:
            return
        table = current[0]
        if name in (T_CELL, T_COVERED):
            if state["cell_used"]:
                table.max_col = max(table.max_col, state["col"] + state["cell_repeat"] - 1)
                state["row_used"] = True
            state["col"] += state["cell_repeat"]
            state["cell"] = 0
        elif name == T_ROW:
            if state["row_used"]:
                table.max_row = max(table.max_row, state["row"] + state["row_repeat"])
            state["row"] += state["row_repeat"]
        elif name == T_TABLE:
            current.clear()

    def refuse(*_args: object) -> None:
        raise _DtdSeen

    parser = expat.ParserCreate(namespace_separator=_SEP)
    parser.StartElementHandler = start
    parser.EndElementHandler = end
    parser.StartDoctypeDeclHandler = refuse
    parser.EntityDeclHandler = refuse
    try:
        for chunk in chunks:
            parser.Parse(chunk, False)
        parser.Parse(b"", True)
    except _DtdSeen:
        raise OdsProblem("DTD", dtd=True) from None
    except expat.ExpatError as exc:
        raise OdsProblem(expat.errors.messages[exc.code]) from None
    return tables
