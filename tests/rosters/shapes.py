"""Rebuild a transitional .xlsx roster in the other legal shapes that Excel, WPS and other tools write.

Each function takes the bytes of a package written by openpyxl/Excel and returns the bytes of the same
workbook in one shape, so a test can assert that both import the same rows. The shapes follow
ECMA-376 and OPC (ISO/IEC 29500-2): Strict namespaces, prefixed SpreadsheetML, rows and cells without
`r=` references, the workbook's content type given by a Default extension, part names written with
backslashes or in other letter case (OPC compares part names case-insensitively), and legacy VML drawings
(which are HTML-like and hold unclosed `<br>` tags, as Excel writes them for buttons and text boxes).
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Callable

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
STRICT_MAIN = "http://purl.oclc.org/ooxml/spreadsheetml/main"
REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
STRICT_REL = "http://purl.oclc.org/ooxml/officeDocument/relationships"
WORKBOOK_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"


def _members(data: bytes) -> list[tuple[str, bytes]]:
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        return [(info.filename, zf.read(info)) for info in zf.infolist()]


def _pack(members: list[tuple[str, bytes]]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, body in members:
            zf.writestr(name, body)
    return out.getvalue()


def _edit(data: bytes, change: Callable[[str, bytes], tuple[str, bytes]]) -> bytes:
    return _pack([change(name, body) for name, body in _members(data)])


def strict(data: bytes) -> bytes:
    """Strict OOXML: every transitional namespace and relationship type in its purl.oclc.org spelling."""

    def change(name: str, body: bytes) -> tuple[str, bytes]:
        if not name.endswith((".xml", ".rels")):
            return name, body
        text = body.decode("utf-8")
        text = text.replace(MAIN, STRICT_MAIN).replace(REL, STRICT_REL)
        text = text.replace("http://schemas.openxmlformats.org/officeDocument/2006/",
                            "http://purl.oclc.org/ooxml/officeDocument/")
        text = text.replace("http://schemas.openxmlformats.org/drawingml/2006/main",
                            "http://purl.oclc.org/ooxml/drawingml/main")
        if name == "xl/workbook.xml":
            text = re.sub(r"<workbook\b", '<workbook conformance="strict"', text, count=1)
        return name, text.encode("utf-8")

    return _edit(data, change)


def prefixed(data: bytes) -> bytes:
    """SpreadsheetML with an `x:` prefix on every element (what the .NET Open XML SDK writes)."""

    def change(name: str, body: bytes) -> tuple[str, bytes]:
        if not (name.startswith("xl/") and name.endswith(".xml")) or f'xmlns="{MAIN}"'.encode() not in body:
            return name, body
        text = body.decode("utf-8").replace(f'xmlns="{MAIN}"', f'xmlns:x="{MAIN}"')
        text = re.sub(r"<(/?)([A-Za-z_][\w.-]*)(?=[\s/>])", r"<\1x:\2", text)
        return name, text.encode("utf-8")

    return _edit(data, change)


def no_references(data: bytes) -> bytes:
    """Rows and cells without `r=` (their numbers follow from their order; legal, written by many tools)."""

    def change(name: str, body: bytes) -> tuple[str, bytes]:
        if not name.startswith("xl/worksheets/"):
            return name, body
        text = body.decode("utf-8")
        text = re.sub(r'(<(?:x:)?row\b[^>]*?)\s+r="\d+"', r"\1", text)
        text = re.sub(r'(<(?:x:)?c\b[^>]*?)\s+r="[A-Z]+\d+"', r"\1", text)
        text = re.sub(r'\s+spans="[^"]*"', "", text)
        text = re.sub(r"<dimension [^>]*/>", "", text)
        return name, text.encode("utf-8")

    return _edit(data, change)


def default_extension(data: bytes) -> bytes:
    """The workbook part's content type given by `<Default Extension="xml">`, not by an Override."""

    def change(name: str, body: bytes) -> tuple[str, bytes]:
        if name != "[Content_Types].xml":
            return name, body
        text = body.decode("utf-8")
        text = re.sub(r'<Override PartName="/xl/workbook.xml"[^>]*/>', "", text)
        text = re.sub(r'<Default Extension="xml" ContentType="[^"]*"\s*/>', "", text)
        text = text.replace("</Types>", f'<Default Extension="xml" ContentType="{WORKBOOK_TYPE}"/></Types>')
        return name, text.encode("utf-8")

    return _edit(data, change)


def backslashes(data: bytes) -> bytes:
    """Zip member names written with backslashes (`xl\\workbook.xml`), as some Windows tools store them."""
    return _pack([(name.replace("/", "\\"), body) for name, body in _members(data)])


def other_case(data: bytes) -> bytes:
    """Part names in other letter case than the relationships spell them (`XL/Workbook.XML`)."""

    def upper(name: str) -> str:
        if name == "[Content_Types].xml":
            return name
        return "/".join(part.upper() if i % 2 == 0 else part.capitalize() for i, part in enumerate(name.split("/")))

    return _pack([(upper(name), body) for name, body in _members(data)])


VML = (
    '<xml xmlns:v="urn:schemas-microsoft-com:vml" xmlns:o="urn:schemas-microsoft-com:office:office"\n'
    ' xmlns:x="urn:schemas-microsoft-com:office:excel">\n'
    ' <o:shapelayout v:ext="edit"><o:idmap v:ext="edit" data="1"/></o:shapelayout>\n'
    ' <v:shape id="_x0000_s1025" type="#_x0000_t201" style="position:absolute">\n'
    '  <v:textbox><div style="text-align:center"><font face="宋体" size="220">导入<br>名单</font></div>\n'
    '  </v:textbox>\n'
    '  <x:ClientData ObjectType="Button"><x:Anchor>14, 0, 1, 0, 16, 0, 3, 0</x:Anchor></x:ClientData>\n'
    ' </v:shape>\n'
    '</xml>'
)


def vml_button(data: bytes) -> bytes:
    """A form button in a legacy VML drawing whose text holds Excel's unclosed `<br>`."""
    members = _members(data)
    out: list[tuple[str, bytes]] = []
    for name, original in members:
        body = original
        if name == "[Content_Types].xml":
            body = body.replace(b"</Types>", b'<Default Extension="vml" ContentType='
                                b'"application/vnd.openxmlformats-officedocument.vmlDrawing"/></Types>')
        elif name == "xl/worksheets/sheet1.xml":
            body = body.replace(b"</worksheet>", b'<legacyDrawing r:id="rIdVml1"/></worksheet>')
            if b"xmlns:r=" not in body[:600]:
                body = body.replace(b"<worksheet ", f'<worksheet xmlns:r="{REL}" '.encode(), 1)
        out.append((name, body))
    rels = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        '<Relationship Id="rIdVml1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
        'vmlDrawing" Target="../drawings/vmlDrawing1.vml"/></Relationships>'
    )
    out.append(("xl/worksheets/_rels/sheet1.xml.rels", rels.encode("utf-8")))
    out.append(("xl/drawings/vmlDrawing1.vml", VML.encode("utf-8")))
    return _pack(out)


#: name -> transformation, for parametrised tests.
SHAPES: dict[str, Callable[[bytes], bytes]] = {
    "strict": strict,
    "prefixed": prefixed,
    "no_references": no_references,
    "default_extension": default_extension,
    "backslashes": backslashes,
    "other_case": other_case,
    "vml_button": vml_button,
    "strict_prefixed_no_references": lambda data: no_references(prefixed(strict(data))),
}
