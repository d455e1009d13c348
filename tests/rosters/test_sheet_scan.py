"""The worksheet scan in front of the readers: numbered rows take the fast path, unnumbered ones are counted.

Rows written `<row r="1">` (openpyxl, Excel) must not be taken for rows without a number: the counting path
walks every cell in Python and cost the national roster's import several seconds.
"""

from __future__ import annotations

import pytest

from villagepost.rosters.safety import _ROW_WITHOUT_REF, _SheetScanner


@pytest.mark.parametrize(("start", "without_ref"), [
    (b'<row r="1">', False),
    (b'<row r="7" spans="1:13">', False),
    (b'<row spans="1:13" r="7">', False),
    (b'<x:row r="5" spans="1:2">', False),
    (b'<row\tr="3">', False),
    (b"<row>", True),
    (b"<row/>", True),
    (b'<row spans="1:3">', True),
    (b'<x:row spans="1:2">', True),
    (b'<row hr="3">', True),
])
def test_which_row_starts_have_no_number(start: bytes, without_ref: bool) -> None:
    assert bool(_ROW_WITHOUT_REF.search(start)) is without_ref


def test_numbered_and_unnumbered_rows_give_the_same_extent() -> None:
    numbered = (b'<row r="1"><c r="A1"/><c r="B1"/></row><row r="2"><c r="A2"/><c r="B2"/><c r="C2"/></row>'
                b'<row r="3"><c r="A3"/></row>')
    unnumbered = b"<row><c/><c/></row><row><c/><c/><c/></row><row><c/></row>"
    scans = []
    for body in (numbered, unnumbered):
        scanner = _SheetScanner()
        scanner.feed(body)
        scans.append((scanner.scan.max_row, scanner.scan.max_col))
    assert scans[0] == scans[1] == (3, 25)
