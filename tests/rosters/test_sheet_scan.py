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


@pytest.mark.parametrize(("body", "max_row"), [
    (b'<x:row r="4"><x:c r="A4"/></x:row><x:row r="9"><x:c r="A9"/></x:row>', 9),  # prefixed rows
    (b'<row r="2"><c r="A2"/></row><row r="6"/><row r="3"><c r="A3"/></row>', 3),  # a self-closing row is no data
    (b'<row r="2"><c r="A2"/></row><row><c/></row>', 3),  # an unnumbered row after a numbered one
    (b'<row r="5"><c r="A5"><is><t>a:row</t></is></c></row>', 5),  # ":row" in a cell's text
    (b'<row r="7"><c r="A7"/></row></sheetData><rowBreaks count="1"><brk id="3"/></rowBreaks>', 7),
])
def test_row_numbers_in_every_spelling(body: bytes, max_row: int) -> None:
    scanner = _SheetScanner()
    scanner.feed(body)
    assert scanner.scan.max_row == max_row


def test_formulas_without_cached_values_are_found_with_or_without_a_prefix() -> None:
    for body in (b'<row r="3"><c r="B3"><f>SUM(A1:A2)</f></c></row>',
                 b'<x:row r="3"><x:c r="B3"><x:f>SUM(A1:A2)</x:f></x:c></x:row>'):
        scanner = _SheetScanner()
        scanner.feed(body)
        assert scanner.scan.formulas_without_values == [(3, 1)]
    scanner = _SheetScanner()
    scanner.feed(b'<row r="3"><c r="B3"><f>SUM(A1:A2)</f><v>4</v></c></row>')
    assert scanner.scan.formulas_without_values == []
