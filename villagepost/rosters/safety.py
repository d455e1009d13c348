"""Safety checks a roster file passes before any spreadsheet library touches it.

Why our own checks in front of calamine and openpyxl: both trust the file. A 300 KB zip that inflates to
300 MB, a DOCTYPE with nested entities, a declared size that lies, a stray cell at XFD1048576 (calamine
allocates the whole dense range and aborts the process) or a sheet that is not well-formed at row 89
(calamine reads on silently) must be refused here, fast, with a reason the clerk can act on.

Only what guards resources and privacy is decided here; structure is the readers' business (every
legal OOXML shape — Strict namespaces, prefixed elements, rows without `r=`, content types by Default
extension, part names in other case or with backslashes — is left to calamine, which reads them all).

What is checked, in order:
1. magic bytes: zip (OOXML, .xlsb, .ods), OLE (.xls/.et, or an encrypted OOXML package: see
   `legacy_scan`), the Excel 2.1-4.0 BIFF streams, HTML, delimited text (`text_table`), a 0-byte file;
2. the zip's central directory, and every member's declared size and compression ratio — before inflating;
3. what the package is: the officeDocument relationship and its content type (Override or Default),
   part names compared as OPC compares them (case-insensitive, either slash);
4. every XML part is inflated by us in bounded chunks: the real size may not exceed the declared one,
   the CRC must match, no DOCTYPE/ENTITY may appear anywhere; worksheets (XML, binary or ODF) are scanned
   for their extent (rows, widest column), merged ranges and formulas without cached values on the way;
5. well-formedness of the XML parts the readers parse, with expat (no DTD allowed); for big parts this
   can run in a background thread while calamine loads (see `verify_wellformed`). Legacy VML drawings
   are HTML-like (Excel writes unclosed `<br>`) and no reader parses them: they get the DTD check only.
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

from villagepost.rosters import binary_scan, legacy_scan, ods_scan
from villagepost.rosters import messages as _messages  # noqa: F401  (registers the texts)
from villagepost.rosters.refusal import RosterFileError
from villagepost.rosters.text_table import MAX_TEXT_BYTES, TextTable, read_text_table

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
#: Dense cells of one .xls sheet: calamine builds every sheet's values and formulas at open (~100 bytes a
#: cell in all); 2M is 65,536 rows of 30 columns, and a sheet of 32,770 x 130 took 411 MB.
XLS_MAX_CELLS = 2_000_000
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


class FileKind(StrEnum):
    """What a file turned out to be once it passed the checks."""

    XLSX = "xlsx"
    XLSM = "xlsm"
    XLSB = "xlsb"
    XLS = "xls"
    ODS = "ods"
    CSV = "csv"


#: The kinds the OOXML byte scan measured (openpyxl can read them too).
OOXML_KINDS = frozenset({FileKind.XLSX, FileKind.XLSM})
_XLSB_TYPE = "application/vnd.ms-excel.sheet.binary.macroEnabled.main"
_ODS_TYPES = ("application/vnd.oasis.opendocument.spreadsheet",
              "application/vnd.oasis.opendocument.spreadsheet-template")


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
    #: The file the readers open when it is not `path`: a decrypted or repaired private copy.
    copy: Path | None = None
    #: The decoded table of a delimited text file.
    text: TextTable | None = None

    @property
    def source(self) -> Path:
        """The file to hand to a reader."""
        return self.copy or self.path

    def sheet(self, name: str) -> SheetInfo | None:
        return next((s for s in self.sheets if s.name == name), None)

    def discard(self) -> None:
        """Remove the private copy, if one was made (the reader is closed)."""
        legacy_scan.discard_copy(self.copy)
        self.copy = None


# --- public API ---------------------------------------------------------------------------------


def inspect_file(path: str | Path) -> FileKind:
    """Run every safety check on `path` as an .xlsx/.xlsm for openpyxl (the filled-in forms the reports read).

    The other spreadsheet kinds are refused with the reason the form reader had for them before it read
    only OOXML: an .xls is legacy_xls, anything else not_xlsx.
    """
    scan = scan_package(path)
    try:
        if scan.kind not in OOXML_KINDS:
            if scan.kind == FileKind.XLS:
                raise RosterFileError("legacy_xls", path, detail="Excel 97-2003（.xls）",
                                      detail_en="Excel 97-2003 (.xls)")
            raise RosterFileError("not_xlsx", path, detail=f"（.{scan.kind.value}）",
                                  detail_en=f" (.{scan.kind.value})")
        if scan.copy is not None:
            raise RosterFileError("encrypted", path)
        verify_wellformed(scan)
        return scan.kind
    finally:
        scan.discard()


def scan_package(path: str | Path, *, defer_large: bool = False) -> PackageScan:
    """Checks 1-4 (and 5 for all parts, or only for small ones when `defer_large`).

    The caller owns the result's private copy, if any: `scan.discard()` removes it.
    """
    path = Path(path)
    try:
        with path.open("rb") as fh:
            head = fh.read(4096)
    except OSError as exc:
        raise RosterFileError("unreadable", path, detail=exc.strerror or str(exc)) from None
    if not head:
        raise RosterFileError("empty", path)
    if head.startswith(_OLE_MAGIC):
        return _scan_ole(path, defer_large)
    if head.startswith(_ZIP_MAGICS):
        return _scan_zip(path, path, defer_large)
    if _is_old_biff(head):
        raise RosterFileError("legacy_xls", path, detail="Excel 2.1–4.0", detail_en="Excel 2.1-4.0")
    return _scan_text(path, head)


def _scan_zip(path: Path, source: Path, defer_large: bool) -> PackageScan:
    """A zip package: `path` names it in messages, `source` is the file read (a decrypted copy or `path`)."""
    try:
        zf = zipfile.ZipFile(source)
    except (zipfile.BadZipFile, OSError, ValueError, struct.error, EOFError, NotImplementedError) as exc:
        raise RosterFileError("damaged", path, detail="压缩包结构不完整", detail_en=f"broken zip: {exc}") from None
    with zf, source.open("rb") as raw:
        infos = zf.infolist()
        _check_declared_sizes(path, infos)
        scan = _PackageScanner(path, zf, raw, defer_large).run()
    if source != path:
        scan.copy = source
    return scan


def _is_old_biff(head: bytes) -> bool:
    """A BIFF2-4 worksheet stream saved as a plain file (Excel 2.1 to 4.0): BOF record first."""
    if len(head) < 8 or head[1:2] not in (b"\x00", b"\x02", b"\x04") or head[0] != 0x09:
        return False
    (length,) = struct.unpack_from("<H", head, 2)
    return 4 <= length <= 20


def _scan_text(path: Path, head: bytes) -> PackageScan:
    """HTML is refused with its name; delimited text (.csv/.txt whatever its extension) is read."""
    if _is_html(head):
        raise RosterFileError("not_xlsx", path, detail="（这是一个网页/HTML表格）", detail_en=" (it is an HTML table)")
    if b"\x00" in head and not head.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise _not_a_table(path, head)  # binary: a picture, a PDF, an archive of another kind
    size = path.stat().st_size
    if size > MAX_TEXT_BYTES:
        raise RosterFileError("too_large", path, detail=f"{size:,} 字节的文本文件",
                              detail_en=f"a text file of {size:,} bytes")
    table = read_text_table(path.read_bytes())
    if table is None:
        raise _not_a_table(path, head)
    scan = SheetScan(max_row=table.rows, max_col=table.width - 1)
    return PackageScan(path, FileKind.CSV, [SheetInfo(path.stem, "", False, scan)], False, [], text=table)


def _scan_ole(path: Path, defer_large: bool) -> PackageScan:
    try:
        found = legacy_scan.inspect_ole(path)
    except legacy_scan.OleProblem as exc:
        raise RosterFileError("damaged", path, detail="复合文档结构损坏", detail_en=f"broken OLE file: {exc}") from None
    if found.kind == "encrypted_ooxml":
        package = legacy_scan.decrypt_default(path, ".xlsx")
        if package is None:
            raise RosterFileError("encrypted", path)
        try:
            if not package.read_bytes()[:4].startswith(b"PK"):
                raise RosterFileError("not_a_workbook", path, detail="加密的Office文档",
                                      detail_en="an encrypted Office document")
            return _scan_zip(path, package, defer_large)
        except BaseException:
            legacy_scan.discard_copy(package)
            raise
    if found.kind != "xls":
        if path.suffix.lower() in (".et", ".ett"):
            raise RosterFileError("wps_et", path)
        what = {"word": ("Word文档", "a Word document"),
                "powerpoint": ("PowerPoint演示文稿", "a PowerPoint presentation")}
        zh, en = what.get(found.kind, ("旧版Office文档", "a legacy Office document"))
        raise RosterFileError("not_a_workbook", path, detail=zh, detail_en=en)
    copy: Path | None = None
    if found.encrypted:
        copy = legacy_scan.decrypt_default(path, ".xls")
        if copy is None:
            raise RosterFileError("encrypted", path)
        try:
            found = legacy_scan.inspect_ole(copy)
        except legacy_scan.OleProblem:
            found.kind = ""
        if found.kind != "xls" or found.encrypted:
            legacy_scan.discard_copy(copy)
            raise RosterFileError("encrypted", path)
    elif found.stream not in ("Workbook", "Book"):
        copy = legacy_scan.fix_stream_name(path, found.stream)
    sheets: list[SheetInfo] = []
    total = 0
    for biff in found.sheets:
        if biff.kind != 0:
            continue
        sheet_scan = SheetScan(max_row=biff.max_row, max_col=biff.max_col, merges=biff.merges)
        total += sheet_scan.dense_cells
        if sheet_scan.dense_cells > XLS_MAX_CELLS or total > 2 * XLS_MAX_CELLS:
            legacy_scan.discard_copy(copy)
            raise _too_large(path, biff.name, sheet_scan)
        sheets.append(SheetInfo(biff.name, "", biff.hidden, sheet_scan))
    return PackageScan(path, FileKind.XLS, sheets, found.date1904, [], copy=copy)


def verify_wellformed(scan: PackageScan, parts: list[str] | None = None) -> None:
    """Parse `parts` (default: the deferred ones) with expat, DTDs refused; RosterFileError if not well-formed."""
    todo = scan.deferred if parts is None else parts
    if not todo:
        return
    with zipfile.ZipFile(scan.source) as zf, scan.source.open("rb") as raw:
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
    with zipfile.ZipFile(scan.source) as zf:
        return sum(zf.getinfo(name).file_size for name in scan.deferred)


# --- magic bytes ----------------------------------------------------------------------------------


def _is_html(head: bytes) -> bool:
    text = head.lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if text.startswith((b"\xff\xfe", b"\xfe\xff")):
        text = head.decode("utf-16", errors="ignore").lstrip("\ufeff \t\r\n").lower().encode("utf-8", "ignore")
    return text.startswith((b"<html", b"<!doctype html", b"<table", b"<meta")) or b"<html" in text[:512] or (
        text.startswith(b"<?xml") and b"<html" in text[:1024])


def _not_a_table(path: Path, head: bytes) -> RosterFileError:
    if head.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"<?xml"):
        return RosterFileError("not_xlsx", path, detail="（这是一个XML文件，不是表格）",
                               detail_en=" (it is an XML file, not a table)")
    if b"\x00" not in head:
        return RosterFileError("not_xlsx", path,
                               detail="（这是一个文本文件，但其中没有用逗号、制表符或分号分隔的表格）",
                               detail_en=" (it is a text file without a comma-, tab- or semicolon-separated table)")
    return RosterFileError("not_xlsx", path)


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

# Element names may carry any prefix (`<x:row>`, as the .NET SDK writes): `_P` matches it.
_P = rb"(?:[A-Za-z_][\w.-]*:)?"
_ROW_OPEN = re.compile(rb"<" + _P + rb'row\b[^>]*?\sr="(\d{1,7})"[^>]*(?<!/)>')
_ROW_OPEN_UNPREFIXED = re.compile(rb'<row\b[^>]*?\sr="(\d{1,7})"[^>]*(?<!/)>')
_ROW_ANY = re.compile(rb"<" + _P + rb"row\b([^>]*)>")
#: a row start with no `r=` attribute (`r=` may come first, right after the tag's name)
_ROW_WITHOUT_REF = re.compile(rb"<" + _P + rb"row(?:>|/>|\s(?!(?:[^>]*\s)?r=)[^>]*>)")
_R_ATTR = re.compile(rb'\sr="(\d{1,7})"')
_CELL_OPEN = re.compile(rb"<" + _P + rb"c[\s>/]")
_TWO_LETTER_REF = re.compile(rb' r="([A-Z]{2,})\d')
_MERGE = re.compile(rb"<" + _P + rb'mergeCell\s[^>]*?ref="([A-Z]{1,3})(\d{1,7})(?::([A-Z]{1,3})(\d{1,7}))?"')
_FORMULA_CELL = re.compile(rb"<" + _P + rb'c\s[^>]*?r="([A-Z]{1,3})(\d{1,7})"([^>]*)(?<!/)>(.*?)</' + _P + rb"c>",
                           re.DOTALL)
_FORMULA = re.compile(rb"<" + _P + rb"f[\s>/]")
_CACHED = re.compile(rb"<" + _P + rb"v>[^<]|<" + _P + rb"v\s[^>]*>[^<]")
_EMPTY_CACHE = re.compile(rb"<" + _P + rb"v></" + _P + rb"v>|<" + _P + rb"v/>")


def column_index(letters: str | bytes) -> int:
    """0-based index of an Excel column name: 'A' -> 0, 'XFD' -> 16383."""
    if isinstance(letters, bytes):
        letters = letters.decode("ascii")
    n = 0
    for ch in letters:
        n = n * 26 + (ord(ch) - 64)
    return n - 1


class _SheetScanner:
    """Feeds on a worksheet's bytes cut at row ends; collects extent, merges and uncached formulas.

    Rows and cells without `r=` take the number after the previous one, as every reader counts them.
    """

    def __init__(self) -> None:
        self.scan = SheetScan()
        self.row = 0

    def feed(self, body: bytes) -> None:
        scan = self.scan
        # Without a prefixed row the pattern can start with its literal "<row", which the regex engine
        # finds ~8x faster than trying every "<" for a prefix.
        prefixed = b":row" in body
        rows = (_ROW_OPEN if prefixed else _ROW_OPEN_UNPREFIXED).findall(body)
        # Every numbered row start is one of these substrings, so when the counts agree no row lacks its
        # number and the regex search for one (another pass over the whole chunk) can be skipped.
        starts = body.count(b"<row") + (body.count(b":row") if prefixed else 0)
        if starts != len(rows) and _ROW_WITHOUT_REF.search(body):
            self._feed_counted(body)
        elif rows:
            self.row = max(self.row, *map(int, rows))
            scan.max_row = max(scan.max_row, self.row)
        if scan.max_row and scan.max_col < 25:
            scan.max_col = 25  # at most 'Z' unless a two-letter reference says otherwise
        if _TWO_LETTER_REF.search(body):
            widest = max(column_index(m) for m in _TWO_LETTER_REF.findall(body))
            scan.max_col = max(scan.max_col, widest)
        if b"mergeCell" in body:
            for c1, r1, c2, r2 in _MERGE.findall(body):
                top, left = int(r1), column_index(c1)
                bottom, right = (int(r2), column_index(c2)) if c2 else (top, left)
                scan.merges.append((top, left, bottom, right))
        if ((b"<f" in body or b":f" in body) and _FORMULA.search(body)
                and len(scan.formulas_without_values) < MAX_FORMULA_REFS):
            for col, row, attrs, inner in _FORMULA_CELL.findall(body):
                if not _FORMULA.search(inner) or _CACHED.search(inner):
                    continue
                if b't="str"' in attrs and _EMPTY_CACHE.search(inner):
                    continue  # a cached empty string is a computed value
                scan.formulas_without_values.append((int(row), column_index(col)))
                if len(scan.formulas_without_values) >= MAX_FORMULA_REFS:
                    break

    def _feed_counted(self, body: bytes) -> None:
        """Rows numbered by order where `r=` is missing; the widest row's cell count bounds the columns."""
        scan = self.scan
        opens = list(_ROW_ANY.finditer(body))
        for i, match in enumerate(opens):
            ref = _R_ATTR.search(match.group(1))
            self.row = int(ref.group(1)) if ref else self.row + 1
            if match.group(1).endswith(b"/"):
                continue
            scan.max_row = max(scan.max_row, self.row)
            end = opens[i + 1].start() if i + 1 < len(opens) else len(body)
            cells = len(_CELL_OPEN.findall(body, match.end(), end))
            scan.max_col = max(scan.max_col, cells - 1)


# --- the package scanner -----------------------------------------------------------------------------


def _canonical(name: str) -> str:
    """An OPC part name as OPC compares them: either slash, no leading slash, case-insensitive."""
    return name.replace("\\", "/").lstrip("/").lower()


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _attr(node: Any, name: str) -> str:
    """The attribute `name` of `node` in any namespace (r:id is spelled two ways: transitional and Strict)."""
    for key, value in node.attrib.items():
        if _local(key) == name:
            return str(value)
    return ""


class _PackageScanner:
    def __init__(self, path: Path, zf: zipfile.ZipFile, raw: BinaryIO, defer_large: bool) -> None:
        self.path = path
        self.zf = zf
        self.raw = raw
        self.defer_large = defer_large
        self.names = {i.filename for i in zf.infolist()}
        self.by_canonical: dict[str, str] = {}
        for info in zf.infolist():
            self.by_canonical.setdefault(_canonical(info.filename), info.filename)

    def member(self, part: str) -> str | None:
        """The zip member holding OPC part `part`, whatever its spelling."""
        return self.by_canonical.get(_canonical(part))

    def run(self) -> PackageScan:
        if self.member("[Content_Types].xml") is None and self.member("mimetype") is not None:
            return self._run_ods()
        kind, workbook_part = self._content_types()
        if kind == FileKind.XLSB:
            return self._run_xlsb(workbook_part)
        sheets, date1904 = self._workbook(workbook_part)
        sheet_parts = {s.part: s for s in sheets}
        deferred: list[str] = []
        for info in self.zf.infolist():
            name = info.filename
            lowered = name.lower()
            if not lowered.endswith((".xml", ".rels", ".vml")):
                continue
            sheet = sheet_parts.get(name)
            big = info.file_size > _SMALL_PART
            if sheet is not None or big or lowered.endswith(".vml"):
                sheet_scan = self._stream_scan(info, scanner=_SheetScanner() if sheet else None)
                if sheet is not None and sheet_scan is not None:
                    sheet.scan = sheet_scan
                if lowered.endswith(".vml"):
                    continue  # HTML-like; no reader parses it (DTD refused above)
                if self.defer_large and big:
                    deferred.append(name)
                else:
                    _expat_check(self.path, name, _inflate(self.path, self.raw, info), sheet.name if sheet else None)
            else:
                data = self._read_part(info)
                _expat_check(self.path, name, iter((data,)), None)
        return PackageScan(self.path, kind, sheets, date1904, deferred)

    def _dtd_only(self, skip: set[str]) -> None:
        """The DTD/entity check of every XML part not scanned otherwise."""
        for info in self.zf.infolist():
            if info.filename in skip or not info.filename.lower().endswith((".xml", ".rels", ".vml", ".rdf")):
                continue
            self._stream_scan(info, scanner=None)

    def _run_ods(self) -> PackageScan:
        mimetype = self.zf.read(self.member("mimetype") or "mimetype")[:200].decode("ascii", "replace").strip()
        if mimetype not in _ODS_TYPES:
            raise RosterFileError("not_a_workbook", self.path, detail="其他OpenDocument文档",
                                  detail_en=f"another OpenDocument file ({mimetype})")
        content = self.member("content.xml")
        if content is None:
            raise RosterFileError("damaged", self.path, detail="缺少 content.xml", detail_en="content.xml is missing")
        self._dtd_only({content})
        try:
            tables = ods_scan.scan_content(_inflate(self.path, self.raw, self.zf.getinfo(content)))
        except ods_scan.OdsProblem as exc:
            if exc.dtd:
                raise RosterFileError("xml_entities", self.path, part=content) from None
            raise RosterFileError("damaged", self.path, detail=f"XML错误：{content}",
                                  detail_en=f"XML error in {content}: {exc}") from None
        sheets = []
        for table in tables:
            scan = SheetScan(max_row=table.max_row, max_col=table.max_col, merges=table.merges)
            self._bound(table.name, scan)
            sheets.append(SheetInfo(table.name, content, table.hidden, scan))
        return PackageScan(self.path, FileKind.ODS, sheets, False, [])

    def _run_xlsb(self, workbook_part: str) -> PackageScan:
        self._dtd_only(set())
        try:
            listed, date1904 = binary_scan.scan_workbook(
                _inflate(self.path, self.raw, self.zf.getinfo(workbook_part)))
        except binary_scan.BinaryProblem as exc:
            raise RosterFileError("damaged", self.path, detail=f"{workbook_part}：数据损坏",
                                  detail_en=f"{workbook_part}: {exc}") from None
        targets = self._sheet_targets(workbook_part)
        sheets = []
        for entry in listed:
            part = targets.get(entry.rel_id)
            if part is None:
                continue
            try:
                max_row, max_col, merges = binary_scan.scan_sheet(_inflate(self.path, self.raw, self.zf.getinfo(part)))
            except binary_scan.BinaryProblem as exc:
                raise RosterFileError("damaged", self.path, detail=f"{part}：数据损坏",
                                      detail_en=f"{part}: {exc}") from None
            scan = SheetScan(max_row=max_row, max_col=max_col, merges=merges)
            self._bound(entry.name, scan)
            sheets.append(SheetInfo(entry.name, part, entry.hidden, scan))
        return PackageScan(self.path, FileKind.XLSB, sheets, date1904, [])

    def _bound(self, sheet: str, scan: SheetScan) -> None:
        """Sheets no engine but calamine reads must fit calamine's dense range."""
        if scan.dense_cells > CALAMINE_MAX_CELLS:
            raise _too_large(self.path, sheet, scan)

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
            cut = buf.rfind(b"row>")
            if cut < 0 and len(buf) < (16 << 20):
                tail = buf
                continue
            cut = len(buf) if cut < 0 else cut + 4
            scanner.feed(buf[:cut])
            tail = buf[cut:]
        if scanner is None:
            return None
        if tail:
            scanner.feed(tail)
        return scanner.scan

    def _parse(self, part: str) -> Any:
        name = self.member(part)
        if name is None:
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
            raise RosterFileError("not_a_workbook", self.path, detail="普通压缩包", detail_en="a plain zip archive")
        overrides: dict[str, str] = {}
        defaults: dict[str, str] = {}
        for node in root.iter():
            if _local(node.tag) == "Override":
                overrides[_canonical(node.get("PartName", ""))] = node.get("ContentType", "")
            elif _local(node.tag) == "Default":
                defaults[node.get("Extension", "").lower()] = node.get("ContentType", "")

        def content_type(part: str) -> str:
            found = overrides.get(_canonical(part))
            if found is None:
                found = defaults.get(posixpath.splitext(_canonical(part))[1].lstrip("."), "")
            return found

        candidates = [part for part in self._office_documents() if self.member(part) is not None]
        candidates += [part for part, ctype in overrides.items()
                       if (ctype in _SPREADSHEET_TYPES or ctype.startswith(_XLSB_TYPE)) and self.member(part)]
        for part in candidates:
            ctype = content_type(part)
            name = self.member(part)
            assert name is not None
            if ctype in _SPREADSHEET_TYPES:
                return FileKind(_SPREADSHEET_TYPES[ctype]), name
            if ctype.startswith(_XLSB_TYPE):
                return FileKind.XLSB, name
        if any("wordprocessingml" in t for t in (*overrides.values(), *defaults.values())):
            what, what_en = "Word文档", "a Word document"
        elif any("presentationml" in t for t in (*overrides.values(), *defaults.values())):
            what, what_en = "PowerPoint演示文稿", "a PowerPoint presentation"
        else:
            what, what_en = "其他Office文档", "another kind of Office package"
        raise RosterFileError("not_a_workbook", self.path, detail=what, detail_en=what_en)

    def _office_documents(self) -> list[str]:
        """Targets of the package's officeDocument relationships (transitional or Strict)."""
        root = self._parse("_rels/.rels")
        if root is None:
            return []
        return [_resolve("", _attr(rel, "Target")) for rel in root.iter()
                if _local(rel.tag) == "Relationship" and _attr(rel, "Type").endswith("/officeDocument")]

    def _sheet_targets(self, part: str) -> dict[str, str]:
        """Relationship id -> zip member of the workbook's worksheets."""
        folder = posixpath.dirname(part.replace("\\", "/"))
        rels_root = self._parse(posixpath.join(folder, "_rels", posixpath.basename(part.replace("\\", "/")) + ".rels"))
        targets: dict[str, str] = {}
        if rels_root is None:
            return targets
        for rel in rels_root.iter():
            if _local(rel.tag) != "Relationship" or not _attr(rel, "Type").endswith("/worksheet"):
                continue
            member = self.member(_resolve(folder, _attr(rel, "Target")))
            if member is not None:
                targets[_attr(rel, "Id")] = member
        return targets

    def _workbook(self, part: str) -> tuple[list[SheetInfo], bool]:
        root = self._parse(part)
        targets = self._sheet_targets(part)
        sheets: list[SheetInfo] = []
        date1904 = False
        for node in root.iter():
            local = _local(node.tag)
            if local == "sheet":
                target = targets.get(_attr(node, "id"))
                if target is None:
                    continue
                hidden = node.get("state", "visible") != "visible"
                sheets.append(SheetInfo(node.get("name", ""), target, hidden, SheetScan()))
            elif local == "workbookPr":
                date1904 = node.get("date1904", "0").lower() in ("1", "true")
        return sheets, date1904


def _too_large(path: Path, sheet: str, scan: SheetScan) -> RosterFileError:
    return RosterFileError("too_large", path,
                           detail=f"工作表“{sheet}”的范围为 {scan.max_row:,} 行 × {scan.max_col + 1:,} 列",
                           detail_en=f"sheet '{sheet}' spans {scan.max_row:,} rows x {scan.max_col + 1:,} columns")


def _resolve(folder: str, target: str) -> str:
    target = target.replace("\\", "/")
    if target.startswith("/"):
        return target.lstrip("/")
    return posixpath.normpath(posixpath.join(folder, target))


def _sheet_name(scan: PackageScan, part: str) -> str | None:
    return next((s.name for s in scan.sheets if s.part == part), None)


_ROW_REF = re.compile(rb"<" + _P + rb'row\b[^>]*?\sr="(\d{1,7})"')


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
