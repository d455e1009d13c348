"""The checks an OLE compound file (legacy .xls, WPS .et, an encrypted OOXML package) passes before calamine.

Why a scan of our own: calamine builds every sheet of a .xls at open time and reserves the range the
DIMENSIONS record claims, so a forged record (or a stray cell at IV65536) is refused here from the raw
BIFF records. The same pass reads what the reader needs from the bytes: sheet names and visibility,
each sheet's extent and merged ranges, and whether the workbook is encrypted.

Encryption: a workbook encrypted with Excel's built-in default password "VelvetSweatshop" (what Excel
writes for a protected-structure or read-only-recommended workbook, and opens without asking) is decrypted
with msoffcrypto-tool into a private temporary file; any other password is the clerk's to remove.
"""

from __future__ import annotations

import shutil
import struct
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

#: Excel's default password: a file encrypted with it opens in Excel without a prompt.
DEFAULT_PASSWORD = "VelvetSweatshop"
#: Largest OLE file read (the workbook stream is held in memory while it is scanned).
MAX_OLE_BYTES = 512 << 20

_BOF = 0x0809
_EOF = 0x000A
_FILEPASS = 0x002F
_BOUNDSHEET = 0x0085
_CODEPAGE = 0x0042
_DATEMODE = 0x0022
_DIMENSIONS = 0x0200
_MERGEDCELLS = 0x00E5
_CONTINUE = 0x003C
#: Cell records whose data starts with row (2 bytes), column (2 bytes).
_CELLS = frozenset({0x0006, 0x0201, 0x0203, 0x0204, 0x0205, 0x027E, 0x00FD, 0x00D6})
#: MULRK / MULBLANK: row, first column, ..., last column (2 bytes at the end).
_MULTI = frozenset({0x00BD, 0x00BE})


@dataclass
class BiffSheet:
    """One sheet of a BIFF workbook as its records describe it (rows 1-based, columns 0-based)."""

    name: str
    hidden: bool
    kind: int
    max_row: int = 0
    max_col: int = -1
    merges: list[tuple[int, int, int, int]] = field(default_factory=list)


@dataclass
class OleScan:
    """What an OLE file is: `kind` is 'xls', 'encrypted_ooxml', 'word', 'powerpoint' or 'other'."""

    kind: str
    stream: str = ""
    biff: int = 0
    encrypted: bool = False
    date1904: bool = False
    sheets: list[BiffSheet] = field(default_factory=list)


class OleProblem(Exception):
    """The file is not a readable OLE container (truncated, corrupt directory...)."""


def inspect_ole(path: Path) -> OleScan:
    """The kind of OLE file at `path` and, for a workbook, its BIFF sheets. Raises OleProblem."""
    import olefile

    if path.stat().st_size > MAX_OLE_BYTES:
        raise OleProblem("too large")
    try:
        ole = olefile.OleFileIO(str(path))
    except Exception as exc:  # olefile raises OSError, struct.error, IndexError... for broken containers
        raise OleProblem(f"{type(exc).__name__}: {exc}") from None
    try:
        names = {"/".join(entry): entry for entry in ole.listdir(streams=True, storages=False)}
        lowered = {name.lower(): name for name in names}
        if "encryptioninfo" in lowered and "encryptedpackage" in lowered:
            return OleScan("encrypted_ooxml")
        stream = lowered.get("workbook") or lowered.get("book")
        if stream is None:
            if "worddocument" in lowered:
                return OleScan("word")
            if "powerpoint document" in lowered:
                return OleScan("powerpoint")
            return OleScan("other")
        try:
            data = ole.openstream(names[stream]).read()
        except Exception as exc:
            raise OleProblem(f"{type(exc).__name__}: {exc}") from None
    finally:
        ole.close()
    scan = OleScan("xls", stream=stream)
    _read_biff(data, scan)
    return scan


def _records(data: bytes, start: int) -> Any:
    pos = start
    end = len(data)
    while pos + 4 <= end:
        typ, length = struct.unpack_from("<HH", data, pos)
        body = data[pos + 4: pos + 4 + length]
        yield pos, typ, body
        pos += 4 + length


def _read_biff(data: bytes, scan: OleScan) -> None:
    """Globals (version, encryption, sheets, date system), then each worksheet's extent and merges."""
    if len(data) < 8:
        raise OleProblem("workbook stream too short")
    typ, _ = struct.unpack_from("<HH", data, 0)
    if typ != _BOF:
        raise OleProblem("workbook stream does not start with BOF")
    codepage = "cp1252"
    bounds: list[tuple[int, int, int, bytes]] = []
    for _pos, typ, body in _records(data, 0):
        if typ == _BOF and not scan.biff and len(body) >= 2:
            scan.biff = 8 if struct.unpack_from("<H", body, 0)[0] == 0x0600 else 5
        elif typ == _FILEPASS:
            scan.encrypted = True
            return
        elif typ == _CODEPAGE and len(body) >= 2:
            codepage = _codec(struct.unpack_from("<H", body, 0)[0])
        elif typ == _DATEMODE and len(body) >= 2:
            scan.date1904 = struct.unpack_from("<H", body, 0)[0] == 1
        elif typ == _BOUNDSHEET and len(body) >= 7:
            offset, state, kind = struct.unpack_from("<IBB", body, 0)
            bounds.append((offset, state & 0x03, kind, body[6:]))
        elif typ == _EOF:
            break
    for offset, state, kind, raw_name in bounds:
        sheet = BiffSheet(_sheet_name(raw_name, scan.biff, codepage), state != 0, kind)
        if kind == 0 and offset < len(data):
            _read_sheet(data, offset, sheet)
        scan.sheets.append(sheet)


def _codec(codepage: int) -> str:
    if codepage == 1200:
        return "utf-16-le"
    if codepage in (0x8000, 10000):
        return "mac_roman"
    if codepage in {0x8001, 1252}:
        return "cp1252"
    return f"cp{codepage}"


def _sheet_name(raw: bytes, biff: int, codepage: str) -> str:
    if not raw:
        return ""
    count = raw[0]
    if biff == 8 and len(raw) >= 2:
        wide = raw[1] & 0x01
        body = raw[2: 2 + count * (2 if wide else 1)]
        return body.decode("utf-16-le" if wide else "latin-1", errors="replace")
    try:
        return raw[1: 1 + count].decode(codepage, errors="replace")
    except LookupError:
        return raw[1: 1 + count].decode("cp1252", errors="replace")


def _read_sheet(data: bytes, offset: int, sheet: BiffSheet) -> None:
    depth = 0
    max_row = 0
    max_col = -1
    for _pos, typ, body in _records(data, offset):
        if typ == _BOF:
            depth += 1
        elif typ == _EOF:
            depth -= 1
            if depth <= 0:
                break
        elif depth != 1:
            continue
        elif typ in _CELLS and len(body) >= 4:
            row, col = struct.unpack_from("<HH", body, 0)
            max_row = max(max_row, row + 1)
            max_col = max(max_col, col)
        elif typ in _MULTI and len(body) >= 6:
            row, _first = struct.unpack_from("<HH", body, 0)
            (last,) = struct.unpack_from("<H", body, len(body) - 2)
            max_row = max(max_row, row + 1)
            max_col = max(max_col, last)
        elif typ == _DIMENSIONS and len(body) >= 10:
            # BIFF8: first row, last row + 1 (4 bytes each), first col, last col + 1; BIFF5: 2 bytes each.
            if len(body) >= 14:
                _r1, r2, _c1, c2 = struct.unpack_from("<IIHH", body, 0)
            else:
                _r1, r2, _c1, c2 = struct.unpack_from("<HHHH", body, 0)
            max_row = max(max_row, min(r2, 1 << 20))
            max_col = max(max_col, min(c2, 1 << 14) - 1)
        elif typ == _MERGEDCELLS and len(body) >= 2:
            (count,) = struct.unpack_from("<H", body, 0)
            for i in range(min(count, (len(body) - 2) // 8)):
                r1, r2, c1, c2 = struct.unpack_from("<HHHH", body, 2 + 8 * i)
                sheet.merges.append((r1 + 1, c1, r2 + 1, c2))
    sheet.max_row = max_row
    sheet.max_col = max_col


def decrypt_default(path: Path, suffix: str) -> Path | None:
    """A decrypted copy of `path` in a new private temporary folder when Excel's default password opens it.

    None when another password is needed (or the encryption is one msoffcrypto-tool cannot undo). The
    caller removes the folder (`discard_copy`).
    """
    import msoffcrypto

    folder = Path(tempfile.mkdtemp(prefix="villagepost-"))
    target = folder / (path.stem + suffix)
    try:
        with path.open("rb") as fh:
            office = msoffcrypto.OfficeFile(fh)
            load: Callable[..., Any] = office.load_key
            try:
                load(password=DEFAULT_PASSWORD, verify_password=True)
            except TypeError:  # formats whose load_key has no verify_password (legacy .xls)
                load(password=DEFAULT_PASSWORD)
            with target.open("wb") as out:
                office.decrypt(out)
    except Exception:  # msoffcrypto raises its own errors and ValueError/AssertionError for wrong keys
        shutil.rmtree(folder, ignore_errors=True)
        return None
    return target


def fix_stream_name(path: Path, stream: str) -> Path:
    """A copy of `path` whose workbook stream is spelled 'Workbook'/'Book', as calamine looks it up.

    OLE names compare case-insensitively, so renaming in place keeps the directory tree valid.
    """
    wanted = "Workbook" if stream.lower() == "workbook" else "Book"
    folder = Path(tempfile.mkdtemp(prefix="villagepost-"))
    target = folder / (path.stem + ".xls")
    data = bytearray(path.read_bytes())
    old = stream.encode("utf-16-le") + b"\x00\x00"
    pos = 0
    while (pos := data.find(old, pos)) >= 0:
        if pos % 128 == 0:
            data[pos: pos + len(old) - 2] = wanted.encode("utf-16-le")
        pos += 1
    target.write_bytes(bytes(data))
    return target


def discard_copy(copy: Path | None) -> None:
    """Remove a temporary copy made by `decrypt_default` or `fix_stream_name` (and its folder)."""
    if copy is not None:
        shutil.rmtree(copy.parent, ignore_errors=True)
