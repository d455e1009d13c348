"""Safety checks a roster file passes before any spreadsheet library touches it.

Why our own checks in front of calamine and openpyxl: both trust the file. A 300 KB zip that inflates to
300 MB, a DOCTYPE with nested entities, a declared size that lies, a stray cell at XFD1048576 (calamine
allocates the whole dense range and aborts the process) or a sheet that is not well-formed at row 89
(calamine reads on silently) must be refused here, fast, with a reason the clerk can act on.

What is checked, in order:
1. magic bytes: zip (OOXML), OLE (legacy .xls, or an encrypted OOXML package), anything else (CSV, HTML);
2. the zip's central directory, and every member's declared size and compression ratio — before inflating;
3. content types: the package must be a spreadsheet (.xlsx/.xlsm), not a .docx;
4. every XML part is inflated by us in bounded chunks: the real size may not exceed the declared one,
   the CRC must match, no DOCTYPE/ENTITY may appear anywhere; worksheets are scanned for their extent
   (rows, widest column), merged ranges and formulas without cached values on the way;
5. well-formedness of every XML part with expat (no DTD allowed); for big parts this can run in a
   background thread while calamine loads (see `verify_wellformed`).
"""

from __future__ import annotations

import posixpath
import re
import struct
import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import Any, BinaryIO
from xml.parsers import expat

from defusedxml import DefusedXmlException
from defusedxml import ElementTree as SafeET

from villagepost.core.errors import KnownError
from villagepost.core.messages import DEFAULT_LANG, tr
from villagepost.rosters import messages as _messages  # noqa: F401  (registers the texts)

# --- limits -----------------------------------------------------------------------------------

#: Largest uncompressed part. The national roster (487k rows, inline strings) has a 218 MB sheet.
MAX_PART_BYTES = 1 << 30
#: Largest uncompressed package.
MAX_TOTAL_BYTES = 2 << 30
#: Compression ratio refused for parts above RATIO_FLOOR_BYTES. Real sheets compress 5-15:1, a sheet
#: formatted down to row 1,048,576 about 50:1; D09 (a bomb) is 950:1.
MAX_RATIO = 200
RATIO_FLOOR_BYTES = 16 << 20
MAX_MEMBERS = 10_000
#: Dense cells calamine may allocate for one sheet (about 32 bytes each): above this the reader falls
#: back to openpyxl, bounded to the header's columns.
CALAMINE_MAX_CELLS = 16_000_000
_CHUNK = 1 << 22
_SMALL_PART = 4 << 20
MAX_FORMULA_REFS = 1000

_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ZIP_MAGICS = (b"PK\x03\x04", b"PK\x05\x06", b"PK\x07\x08")

_SPREADSHEET_TYPES = {
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml": "xlsx",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.template.main+xml": "xlsx",
    "application/vnd.ms-excel.sheet.macroEnabled.main+xml": "xlsm",
    "application/vnd.ms-excel.template.macroEnabled.main+xml": "xlsm",
}
_NS_MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_NS_REL = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
_NS_PKG_REL = "{http://schemas.openxmlformats.org/package/2006/relationships}"
_NS_CT = "{http://schemas.openxmlformats.org/package/2006/content-types}"


class FileKind(StrEnum):
    """What a file turned out to be once it passed the checks."""

    XLSX = "xlsx"
    XLSM = "xlsm"


class RosterFileError(KnownError):
    """A roster file refused as a whole. `reason` is part of the CLI's JSON, so the strings are fixed:

    not_xlsx, legacy_xls, not_a_workbook, damaged, zip_bomb, xml_entities, encrypted, empty, no_rows,
    formulas_without_values, no_roster_sheet (and no_such_sheet / sheet_not_roster for --sheet).
    """

    def __init__(self, reason: str, file: str | Path, *, detail: str = "", detail_en: str | None = None,
                 **params: Any) -> None:
        self.reason = reason
        self.file = Path(file).name
        self.details = {"zh": detail, "en": detail if detail_en is None else detail_en}
        super().__init__(f"roster.file.{reason}", file=self.file, detail=self.details["en"], **params)

    def message(self, lang: str = DEFAULT_LANG) -> str:
        """The message in `lang`, with the detail in that language too."""
        return tr(self.key, lang, {**self.params, "detail": self.details["en" if lang == "en" else "zh"]})


# --- results ------------------------------------------------------------------------------------


@dataclass
class SheetScan:
    """What the byte scan of one worksheet part learned, before any library parsed it.

    Rows are Excel's 1-based numbers, columns 0-based. `merges` are (row1, col1, row2, col2) inclusive.
    """

    max_row: int = 0
    max_col: int = -1
    irregular: bool = False
    merges: list[tuple[int, int, int, int]] = field(default_factory=list)
    formulas_without_values: list[tuple[int, int]] = field(default_factory=list)

    @property
    def dense_cells(self) -> int:
        return self.max_row * (self.max_col + 1)

    @property
    def fits_calamine(self) -> bool:
        """True when calamine may load the sheet: regular XML and a bounded dense range."""
        return not self.irregular and self.dense_cells <= CALAMINE_MAX_CELLS


@dataclass
class SheetInfo:
    name: str
    part: str
    hidden: bool
    scan: SheetScan


@dataclass
class PackageScan:
    """The result of `scan_package`: the checked package and what the reader needs to know about it."""

    path: Path
    kind: FileKind
    sheets: list[SheetInfo]
    date1904: bool
    #: XML parts whose well-formedness is still to be verified (see `verify_wellformed`).
    deferred: list[str]

    def sheet(self, name: str) -> SheetInfo | None:
        return next((s for s in self.sheets if s.name == name), None)


# --- public API ---------------------------------------------------------------------------------


def inspect_file(path: str | Path) -> FileKind:
    """Run every safety check on `path`; the kind of workbook, or RosterFileError with the reason."""
    scan = scan_package(path)
    verify_wellformed(scan)
    return scan.kind


def scan_package(path: str | Path, *, defer_large: bool = False) -> PackageScan:
    """Checks 1-4 (and 5 for all parts, or only for small ones when `defer_large`)."""
    path = Path(path)
    try:
        with path.open("rb") as fh:
            head = fh.read(4096)
    except OSError as exc:
        raise RosterFileError("unreadable", path, detail=exc.strerror or str(exc)) from None
    if head.startswith(_OLE_MAGIC):
        raise _ole_refusal(path)
    if not head.startswith(_ZIP_MAGICS):
        raise _not_xlsx(path, head)
    try:
        zf = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError, ValueError, struct.error, EOFError, NotImplementedError) as exc:
        raise RosterFileError("damaged", path, detail="压缩包结构不完整", detail_en=f"broken zip: {exc}") from None
    with zf, path.open("rb") as raw:
        infos = zf.infolist()
        _check_declared_sizes(path, infos)
        return _PackageScanner(path, zf, raw, defer_large).run()


def verify_wellformed(scan: PackageScan, parts: list[str] | None = None) -> None:
    """Parse `parts` (default: the deferred ones) with expat, DTDs refused; RosterFileError if not well-formed."""
    todo = scan.deferred if parts is None else parts
    with zipfile.ZipFile(scan.path) as zf, scan.path.open("rb") as raw:
        for name in todo:
            _expat_check(scan.path, name, _inflate(scan.path, raw, zf.getinfo(name)), _sheet_name(scan, name))


def wellformed_in_child(
    path: str, parts: list[str], sheets: dict[str, str | None]
) -> tuple[str, dict[str, Any]] | None:
    """`verify_wellformed` for a child process: returns the refusal as (reason, params), None when fine.

    Why a child: expat holds the GIL, so in a thread it slowed the import's main loop by as much as it
    checked (about 6 s of a national roster); a second process uses the second core. Exceptions with
    their own constructors do not travel between processes, so the refusal travels as plain data.
    """
    file = Path(path)
    try:
        with zipfile.ZipFile(file) as zf, file.open("rb") as raw:
            for name in parts:
                _expat_check(file, name, _inflate(file, raw, zf.getinfo(name)), sheets.get(name))
    except RosterFileError as exc:
        params = {k: v for k, v in exc.params.items() if k not in ("file", "detail")}
        return exc.reason, {"detail": exc.details["zh"], "detail_en": exc.details["en"], **params}
    return None


def refusal_from(path: Path, found: tuple[str, dict[str, Any]]) -> RosterFileError:
    """The RosterFileError a child reported through `wellformed_in_child`."""
    reason, params = found
    return RosterFileError(reason, path, **params)


def deferred_sheets(scan: PackageScan) -> dict[str, str | None]:
    return {name: _sheet_name(scan, name) for name in scan.deferred}


def deferred_bytes(scan: PackageScan) -> int:
    with zipfile.ZipFile(scan.path) as zf:
        return sum(zf.getinfo(name).file_size for name in scan.deferred)


# --- magic bytes ----------------------------------------------------------------------------------


def _not_xlsx(path: Path, head: bytes) -> RosterFileError:
    text = head.lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if text.startswith((b"<html", b"<!doctype html", b"<table", b"<?xml", b"<meta")) or b"<html" in text[:512]:
        return RosterFileError("not_xlsx", path, detail="（这是一个网页/HTML表格）", detail_en=" (it is an HTML table)")
    if b"," in head or b"\t" in head:
        return RosterFileError("not_xlsx", path, detail="（这是一个CSV文本文件）", detail_en=" (it is a CSV text file)")
    return RosterFileError("not_xlsx", path)


def _ole_stream_names(data: bytes) -> set[str]:
    """Names of the directory entries of an OLE compound file (found at 128-byte aligned entries)."""
    names: set[str] = set()
    wanted = ("EncryptionInfo", "EncryptedPackage", "Workbook", "Book", "WordDocument", "PowerPoint Document")
    for name in wanted:
        needle = name.encode("utf-16-le") + b"\x00\x00"
        start = 0
        while (pos := data.find(needle, start)) >= 0:
            start = pos + 1
            if pos % 128 == 0 and pos + 66 <= len(data):
                (length,) = struct.unpack_from("<H", data, pos + 64)
                if length == len(needle):
                    names.add(name)
                    break
    return names


def _ole_refusal(path: Path) -> RosterFileError:
    with path.open("rb") as fh:
        data = fh.read(64 << 20)
    names = _ole_stream_names(data)
    if {"EncryptionInfo", "EncryptedPackage"} & names:
        return RosterFileError("encrypted", path)
    if {"Workbook", "Book"} & names:
        return RosterFileError("legacy_xls", path)
    return RosterFileError("not_a_workbook", path, detail="旧版Office文档", detail_en="a legacy Office document")


# --- zip members ----------------------------------------------------------------------------------


def _check_declared_sizes(path: Path, infos: list[zipfile.ZipInfo]) -> None:
    if len(infos) > MAX_MEMBERS:
        raise RosterFileError("zip_bomb", path, part="(zip)", size=len(infos), ratio="-")
    total = 0
    for info in infos:
        if info.flag_bits & 0x1:
            raise RosterFileError("encrypted", path)
        total += info.file_size
        ratio = info.file_size / max(info.compress_size, 1)
        if (info.file_size > MAX_PART_BYTES or total > MAX_TOTAL_BYTES
                or (info.file_size > RATIO_FLOOR_BYTES and ratio > MAX_RATIO)):
            raise RosterFileError("zip_bomb", path, part=info.filename, size=f"{info.file_size:,}",
                                  ratio=f"{ratio:,.0f}")


def _inflate(path: Path, raw: BinaryIO, info: zipfile.ZipInfo) -> Iterator[bytes]:
    """The member's bytes in chunks, inflated by us: never more than declared, CRC and end checked."""

    def damaged(en: str) -> RosterFileError:
        return RosterFileError("damaged", path, detail=f"{info.filename}：数据损坏", detail_en=f"{info.filename}: {en}")

    raw.seek(info.header_offset)
    header = raw.read(30)
    if len(header) < 30 or header[:4] != b"PK\x03\x04":
        raise damaged("bad local header")
    name_len, extra_len = struct.unpack_from("<HH", header, 26)
    raw.seek(info.header_offset + 30 + name_len + extra_len)
    if info.compress_type == zipfile.ZIP_DEFLATED:
        inflater: Any = zlib.decompressobj(-15)
    elif info.compress_type == zipfile.ZIP_STORED:
        inflater = None
    else:
        raise damaged(f"unsupported compression {info.compress_type}")
    left = info.compress_size
    produced = 0
    crc = 0
    while left > 0:
        data = raw.read(min(left, 1 << 20))
        if not data:
            raise damaged("truncated")
        left -= len(data)
        while data:
            if inflater is None:
                out, data = data, b""
            else:
                try:
                    out = inflater.decompress(data, _CHUNK)
                except zlib.error as exc:
                    raise damaged(f"bad deflate data ({exc})") from None
                data = inflater.unconsumed_tail
            produced += len(out)
            if produced > info.file_size:
                raise RosterFileError("zip_bomb", path, part=info.filename,
                                      size=f"> {info.file_size:,}", ratio="?")
            crc = zlib.crc32(out, crc)
            if out:
                yield out
    if inflater is not None and not inflater.eof:
        raise damaged("deflate stream does not end")
    if produced != info.file_size or crc != info.CRC:
        raise damaged("CRC or size mismatch")


_DTD_MARKERS = tuple(
    marker.encode(enc) for marker in ("<!DOCTYPE", "<!ENTITY") for enc in ("utf-8", "utf-16-le", "utf-16-be")
)


def _has_dtd(buf: bytes, wide: bool = True) -> bool:
    """A DOCTYPE or ENTITY declaration in `buf`; `wide` also looks for UTF-16 spellings."""
    if not wide:
        return b"<!" in buf and (b"<!DOCTYPE" in buf or b"<!ENTITY" in buf)
    return any(marker in buf for marker in _DTD_MARKERS)


def _is_utf16(first: bytes) -> bool:
    return first.startswith((b"\xff\xfe", b"\xfe\xff", b"<\x00", b"\x00<"))


# --- worksheet byte scan ----------------------------------------------------------------------------

_ROW_OPEN = re.compile(rb'<row\b[^>]*?\sr="(\d{1,7})"[^>]*(?<!/)>')
_TWO_LETTER_REF = re.compile(rb' r="([A-Z]{2,})\d')
_CELL_NOT_REF_FIRST = re.compile(rb'<c(?:>| (?!r="))')
_CELL_NO_REF = re.compile(rb"<c(?:>|\s(?![^>]*\sr=)[^>]*>)")
_PREFIXED = re.compile(rb":(?:c|row|sheetData)[\s>/]")
_PREFIXED_TAG = re.compile(rb"<[A-Za-z_][\w.-]*:(?:c|row|sheetData)[\s>/]")
_MERGE = re.compile(rb'<mergeCell\s[^>]*?ref="([A-Z]{1,3})(\d{1,7})(?::([A-Z]{1,3})(\d{1,7}))?"')
_FORMULA_CELL = re.compile(rb'<c\s[^>]*?r="([A-Z]{1,3})(\d{1,7})"([^>]*)(?<!/)>(.*?)</c>', re.DOTALL)
_CACHED = re.compile(rb"<v>[^<]|<v\s[^>]*>[^<]")


def column_index(letters: str | bytes) -> int:
    """0-based index of an Excel column name: 'A' -> 0, 'XFD' -> 16383."""
    if isinstance(letters, bytes):
        letters = letters.decode("ascii")
    n = 0
    for ch in letters:
        n = n * 26 + (ord(ch) - 64)
    return n - 1


class _SheetScanner:
    """Feeds on a worksheet's bytes cut at row ends; collects extent, merges and uncached formulas."""

    def __init__(self) -> None:
        self.scan = SheetScan()

    def feed(self, body: bytes) -> None:
        scan = self.scan
        rows = _ROW_OPEN.findall(body)
        if rows:
            scan.max_row = max(scan.max_row, *map(int, rows))
        if rows and scan.max_col < 25:
            scan.max_col = 25  # at most 'Z' unless a two-letter reference says otherwise
        if _TWO_LETTER_REF.search(body):
            widest = max(column_index(m) for m in _TWO_LETTER_REF.findall(body))
            scan.max_col = max(scan.max_col, widest)
        if _CELL_NOT_REF_FIRST.search(body) and _CELL_NO_REF.search(body):
            scan.irregular = True
        if _PREFIXED.search(body) and _PREFIXED_TAG.search(body):
            scan.irregular = True
        if b"<mergeCell " in body:
            for c1, r1, c2, r2 in _MERGE.findall(body):
                top, left = int(r1), column_index(c1)
                bottom, right = (int(r2), column_index(c2)) if c2 else (top, left)
                scan.merges.append((top, left, bottom, right))
        if b"<f" in body and len(scan.formulas_without_values) < MAX_FORMULA_REFS:
            for col, row, attrs, inner in _FORMULA_CELL.findall(body):
                if b"<f" not in inner or _CACHED.search(inner):
                    continue
                if b't="str"' in attrs and (b"<v></v>" in inner or b"<v/>" in inner):
                    continue  # a cached empty string is a computed value
                scan.formulas_without_values.append((int(row), column_index(col)))
                if len(scan.formulas_without_values) >= MAX_FORMULA_REFS:
                    break


# --- the package scanner -----------------------------------------------------------------------------


class _PackageScanner:
    def __init__(self, path: Path, zf: zipfile.ZipFile, raw: BinaryIO, defer_large: bool) -> None:
        self.path = path
        self.zf = zf
        self.raw = raw
        self.defer_large = defer_large
        self.names = {i.filename for i in zf.infolist()}

    def run(self) -> PackageScan:
        kind, workbook_part = self._content_types()
        sheets, date1904 = self._workbook(workbook_part)
        sheet_parts = {s.part: s for s in sheets}
        deferred: list[str] = []
        for info in self.zf.infolist():
            name = info.filename
            if not name.lower().endswith((".xml", ".rels", ".vml")):
                continue
            if name not in self.names:
                continue
            sheet = sheet_parts.get(name)
            big = info.file_size > _SMALL_PART
            if sheet is not None or big:
                sheet_scan = self._stream_scan(info, scanner=_SheetScanner() if sheet else None)
                if sheet is not None and sheet_scan is not None:
                    sheet.scan = sheet_scan
                if self.defer_large and big:
                    deferred.append(name)
                else:
                    _expat_check(self.path, name, _inflate(self.path, self.raw, info), sheet.name if sheet else None)
            else:
                data = self._read_part(info)
                _expat_check(self.path, name, iter((data,)), None)
        return PackageScan(self.path, kind, sheets, date1904, deferred)

    def _read_part(self, info: zipfile.ZipInfo) -> bytes:
        data = b"".join(_inflate(self.path, self.raw, info))
        if _has_dtd(data):
            raise RosterFileError("xml_entities", self.path, part=info.filename)
        return data

    def _stream_scan(self, info: zipfile.ZipInfo, scanner: _SheetScanner | None) -> SheetScan | None:
        tail = b""
        wide: bool | None = None
        for chunk in _inflate(self.path, self.raw, info):
            buf = tail + chunk
            if wide is None:
                wide = _is_utf16(buf[:4])
            if _has_dtd(buf, wide):
                raise RosterFileError("xml_entities", self.path, part=info.filename)
            if scanner is None:
                tail = buf[-32:]
                continue
            cut = buf.rfind(b"</row>")
            if cut < 0 and len(buf) < (16 << 20):
                tail = buf
                continue
            cut = len(buf) if cut < 0 else cut + 6
            scanner.feed(buf[:cut])
            tail = buf[cut:]
        if scanner is None:
            return None
        if tail:
            scanner.feed(tail)
        return scanner.scan

    def _parse(self, name: str) -> Any:
        if name not in self.names:
            return None
        data = self._read_part(self.zf.getinfo(name))
        try:
            return SafeET.fromstring(data)
        except DefusedXmlException:
            raise RosterFileError("xml_entities", self.path, part=name) from None
        except SafeET.ParseError as exc:
            raise RosterFileError("damaged", self.path, detail=f"{name}：XML错误 {exc}",
                                  detail_en=f"XML error in {name}: {exc}") from None

    def _content_types(self) -> tuple[FileKind, str]:
        root = self._parse("[Content_Types].xml")
        if root is None:
            if "mimetype" in self.names:
                raise RosterFileError("not_xlsx", self.path, detail="（OpenDocument 表格）",
                                      detail_en=" (an OpenDocument file)")
            raise RosterFileError("not_a_workbook", self.path, detail="普通压缩包", detail_en="a plain zip archive")
        kinds: dict[str, str] = {}
        for node in root.iter(f"{_NS_CT}Override"):
            ctype = node.get("ContentType", "")
            part = node.get("PartName", "").lstrip("/")
            if ctype in _SPREADSHEET_TYPES:
                kinds[part] = _SPREADSHEET_TYPES[ctype]
            elif "spreadsheetml" not in ctype and ctype.endswith("binary.macroEnabled.main"):
                raise RosterFileError("not_xlsx", self.path, detail="（二进制 .xlsb 工作簿）",
                                      detail_en=" (a binary .xlsb workbook)")
        for part, kind in kinds.items():
            if part in self.names:
                return FileKind(kind), part
        if "word/document.xml" in self.names:
            what, what_en = "Word文档", "a Word document"
        elif any(n.startswith("ppt/") for n in self.names):
            what, what_en = "PowerPoint演示文稿", "a PowerPoint presentation"
        else:
            what, what_en = "其他Office文档", "another kind of Office package"
        raise RosterFileError("not_a_workbook", self.path, detail=what, detail_en=what_en)

    def _workbook(self, part: str) -> tuple[list[SheetInfo], bool]:
        root = self._parse(part)
        folder = posixpath.dirname(part)
        rels_root = self._parse(posixpath.join(folder, "_rels", posixpath.basename(part) + ".rels"))
        targets: dict[str, str] = {}
        if rels_root is not None:
            for rel in rels_root.iter(f"{_NS_PKG_REL}Relationship"):
                if not rel.get("Type", "").endswith("/worksheet"):
                    continue
                target = rel.get("Target", "")
                resolved = target.lstrip("/") if target.startswith("/") else posixpath.normpath(
                    posixpath.join(folder, target))
                targets[rel.get("Id", "")] = resolved
        sheets: list[SheetInfo] = []
        for node in root.iter(f"{_NS_MAIN}sheet"):
            target = targets.get(node.get(f"{_NS_REL}id", ""))
            if target is None or target not in self.names:
                continue
            hidden = node.get("state", "visible") != "visible"
            sheets.append(SheetInfo(node.get("name", ""), target, hidden, SheetScan()))
        pr = root.find(f"{_NS_MAIN}workbookPr")
        date1904 = pr is not None and pr.get("date1904", "0").lower() in ("1", "true")
        return sheets, date1904


def _sheet_name(scan: PackageScan, part: str) -> str | None:
    return next((s.name for s in scan.sheets if s.part == part), None)


_ROW_REF = re.compile(rb'<row\b[^>]*?\sr="(\d{1,7})"')


def _expat_check(path: Path, part: str, chunks: Iterator[bytes], sheet: str | None) -> None:
    """Well-formedness of one part, DTDs refused; a damaged message names the sheet and Excel row."""

    def refuse_dtd(*_args: object) -> None:
        raise _DtdSeen

    parser = expat.ParserCreate()
    parser.StartDoctypeDeclHandler = refuse_dtd
    parser.EntityDeclHandler = refuse_dtd
    last_row = 0
    chunk = b""
    consumed = 0
    try:
        for chunk in chunks:
            parser.Parse(chunk, False)
            consumed += len(chunk)
            if sheet is not None:
                rows = _ROW_REF.findall(chunk[-65536:])
                if rows:
                    last_row = int(rows[-1])
        parser.Parse(b"", True)
    except _DtdSeen:
        raise RosterFileError("xml_entities", path, part=part) from None
    except expat.ExpatError as exc:
        where = ""
        if sheet is not None:
            offset = parser.ErrorByteIndex - consumed
            rows = _ROW_REF.findall(chunk[: max(offset, 0)]) if 0 <= offset <= len(chunk) else []
            row = int(rows[-1]) if rows else last_row
            where = f"，工作表“{sheet}”第 {row} 行附近" if row else f"，工作表“{sheet}”"
            where_en = f", sheet '{sheet}' near row {row}" if row else f", sheet '{sheet}'"
        else:
            where_en = ""
        raise RosterFileError("damaged", path, detail=f"XML错误：{part}{where}",
                              detail_en=f"XML error in {part}{where_en}: {expat.errors.messages[exc.code]}"
                              ) from None


class _DtdSeen(Exception):
    """Raised from expat's DOCTYPE handler to stop parsing at once."""
