"""Record scans of the binary parts of an .xlsb workbook (MS-XLSB), made before calamine reads them.

Why: calamine allocates a sheet's dense range from its cells, so a stray cell at XFD1048576 must be
found first. The sheet scan walks the records (a 1-2 byte type and a 1-4 byte size, both 7-bit varints)
and keeps the extent, the merged ranges and the BrtWsDim claim; the workbook scan lists the sheets.
"""

from __future__ import annotations

import struct
from collections.abc import Iterable
from dataclasses import dataclass

_ROW_HDR = 0x0000
_CELL_FIRST, _CELL_LAST = 0x0001, 0x000B
_WS_DIM = 0x0094
_MERGE_CELL = 0x00B0
_BUNDLE_SH = 0x009C
_WB_PROP = 0x0099
#: Largest record accepted: a corrupt size must not make us buffer the rest of the part.
_MAX_RECORD = 64 << 20


class BinaryProblem(Exception):
    """The part's records do not parse."""


@dataclass
class BinarySheet:
    name: str
    rel_id: str
    hidden: bool


def _varint(buf: bytes | bytearray, pos: int, most: int) -> tuple[int, int] | None:
    value = 0
    for i in range(most):
        if pos + i >= len(buf):
            return None
        byte = buf[pos + i]
        value |= (byte & 0x7F) << (7 * i)
        if not byte & 0x80:
            return value, pos + i + 1
    return value, pos + most


def records(chunks: Iterable[bytes]) -> Iterable[tuple[int, bytes]]:
    """(type, body) of every record in the stream `chunks`."""
    buf = bytearray()
    pos = 0
    for chunk in chunks:
        buf += chunk
        while True:
            head = _varint(buf, pos, 2)
            if head is None:
                break
            typ, after = head
            size = _varint(buf, after, 4)
            if size is None:
                break
            length, body_at = size
            if length > _MAX_RECORD:
                raise BinaryProblem(f"record of {length} bytes")
            if body_at + length > len(buf):
                break
            yield typ, bytes(buf[body_at: body_at + length])
            pos = body_at + length
        del buf[:pos]
        pos = 0
    if buf:
        raise BinaryProblem("truncated record")


def scan_sheet(chunks: Iterable[bytes]) -> tuple[int, int, list[tuple[int, int, int, int]]]:
    """(max_row 1-based, max_col 0-based, merges) of one worksheet part."""
    max_row = 0
    max_col = -1
    row = 0
    merges: list[tuple[int, int, int, int]] = []
    for typ, body in records(chunks):
        if typ == _ROW_HDR and len(body) >= 4:
            (row,) = struct.unpack_from("<I", body, 0)
            max_row = max(max_row, min(row, 1 << 21) + 1)
        elif _CELL_FIRST <= typ <= _CELL_LAST and len(body) >= 4:
            (col,) = struct.unpack_from("<I", body, 0)
            max_col = max(max_col, min(col, 1 << 15))
            max_row = max(max_row, min(row, 1 << 21) + 1)
        elif typ == _WS_DIM and len(body) >= 16:
            _r1, r2, _c1, c2 = struct.unpack_from("<IIII", body, 0)
            max_row = max(max_row, min(r2, 1 << 21) + 1)
            max_col = max(max_col, min(c2, 1 << 15))
        elif typ == _MERGE_CELL and len(body) >= 16:
            r1, r2, c1, c2 = struct.unpack_from("<IIII", body, 0)
            merges.append((r1 + 1, c1, r2 + 1, c2))
    return max_row, max_col, merges


def _wide(body: bytes, pos: int) -> tuple[str, int]:
    if pos + 4 > len(body):
        raise BinaryProblem("short string")
    (count,) = struct.unpack_from("<I", body, pos)
    end = pos + 4 + 2 * count
    if count == 0xFFFFFFFF:
        return "", pos + 4
    if end > len(body):
        raise BinaryProblem("short string")
    return body[pos + 4: end].decode("utf-16-le", errors="replace"), end


def scan_workbook(chunks: Iterable[bytes]) -> tuple[list[BinarySheet], bool]:
    """The sheets (name, relationship id, hidden) and the 1904 date flag of workbook.bin."""
    sheets: list[BinarySheet] = []
    date1904 = False
    for typ, body in records(chunks):
        if typ == _BUNDLE_SH and len(body) >= 8:
            (state,) = struct.unpack_from("<I", body, 0)
            rel_id, after = _wide(body, 8)
            name, _ = _wide(body, after)
            sheets.append(BinarySheet(name, rel_id, state != 0))
        elif typ == _WB_PROP and len(body) >= 4:
            date1904 = bool(body[0] & 0x01)
    return sheets, date1904
