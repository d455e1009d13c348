"""Every format and every legal .xlsx shape a county office has imports exactly like its .xlsx twin.

The twins in data/formats/ were made from the example rosters by make_formats.py (LibreOffice for
.xls/.ods/.csv, pyxlsbwriter for .xlsb, msoffcrypto-tool for the encrypted ones); the .xlsx shapes are
rebuilt at test time by shapes.py. "Exactly like" means the same report counts and the same stored
station rows, column by column.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from roster_fixtures import DATA
from shapes import SHAPES
from sqlalchemy import select

from villagepost.rosters.reader import open_roster
from villagepost.rosters.safety import FileKind, RosterFileError
from villagepost.services.imports import import_roster
from villagepost.services.registry import Registry
from villagepost.storage.models import Station

TODAY = dt.date(2026, 11, 23)
FORMATS = DATA / "formats"
#: Columns that differ between two imports of the same rows (ids, clocks, file names).
_VOLATILE = {"id", "created_at", "updated_at", "recorded_on"}
SCOPE = {"A01_pingluo_clean": "640221", "B03_merged_county_township": "640521"}
_TWINS = [
    ("A01_pingluo_clean.xls", FileKind.XLS),
    ("A01_pingluo_clean.WORKBOOK.xls", FileKind.XLS),
    ("A01_pingluo_clean.BOOK.xls", FileKind.XLS),
    ("A01_pingluo_clean.xlsb", FileKind.XLSB),
    ("A01_pingluo_clean.ods", FileKind.ODS),
    ("A01_pingluo_clean.utf8bom.csv", FileKind.CSV),
    ("A01_pingluo_clean.gbk.csv", FileKind.CSV),
    ("A01_pingluo_clean.utf16.txt", FileKind.CSV),
    ("A01_pingluo_clean.semicolon.csv", FileKind.CSV),
    ("A01_pingluo_clean.default_password.xlsx", FileKind.XLSX),
    ("B03_merged_county_township.xls", FileKind.XLS),
    ("B03_merged_county_township.ods", FileKind.ODS),
    ("B03_merged_county_township.gbk.csv", FileKind.CSV),
    ("B03_merged_county_township.utf8bom.csv", FileKind.CSV),
]


def _dump(reg: Registry) -> list[tuple[Any, ...]]:
    columns = [c for c in Station.__table__.columns if c.key not in _VOLATILE]
    with reg.read() as s:
        return [tuple(getattr(st, c.key) for c in columns) for st in s.scalars(select(Station).order_by(Station.code))]


def _outcome(reg: Registry, path: Path) -> tuple[dict[str, Any], list[tuple[Any, ...]]]:
    report = import_roster(reg, path, today=TODAY)
    counts = {k: getattr(report, k) for k in ("status", "reason", "villages_imported", "stations_imported",
                                               "stations_created", "stations_updated", "stations_unchanged")}
    counts["errors"] = sorted((e.row, e.kind) for e in report.errors)
    return counts, _dump(reg)


_BASELINES: dict[str, tuple[dict[str, Any], list[tuple[Any, ...]]]] = {}


def _baseline(make: Callable[..., Registry], stem: str) -> tuple[dict[str, Any], list[tuple[Any, ...]]]:
    if stem not in _BASELINES:
        _BASELINES[stem] = _outcome(make(SCOPE[stem], name=f"{stem}.sqlite"), DATA / f"{stem}.xlsx")
    return _BASELINES[stem]


@pytest.mark.parametrize(("name", "kind"), _TWINS, ids=[n for n, _ in _TWINS])
def test_twin_imports_like_the_xlsx(name: str, kind: FileKind, sqlite_registry: Callable[..., Registry]) -> None:
    stem = name.split(".", maxsplit=1)[0]
    with open_roster(FORMATS / name) as book:
        assert book.scan.kind == kind
    counts, stored = _outcome(sqlite_registry(SCOPE[stem], name="twin.sqlite"), FORMATS / name)
    base_counts, base_stored = _baseline(sqlite_registry, stem)
    assert counts["status"] == "ok"
    assert counts["stations_imported"] > 0
    assert counts == base_counts
    assert stored == base_stored


@pytest.mark.parametrize("shape", sorted(SHAPES))
def test_legal_xlsx_shapes_import_like_the_original(shape: str, tmp_path: Path,
                                                      sqlite_registry: Callable[..., Registry]) -> None:
    path = tmp_path / f"A01_{shape}.xlsx"
    path.write_bytes(SHAPES[shape]((DATA / "A01_pingluo_clean.xlsx").read_bytes()))
    counts, stored = _outcome(sqlite_registry("640221", name="shape.sqlite"), path)
    base_counts, base_stored = _baseline(sqlite_registry, "A01_pingluo_clean")
    assert counts == base_counts
    assert counts["stations_imported"] == 88
    assert stored == base_stored


def test_a_real_password_is_still_refused() -> None:
    with pytest.raises(RosterFileError) as caught:
        open_roster(FORMATS / "A01_pingluo_clean.other_password.xlsx")
    assert caught.value.reason == "encrypted"


def test_renamed_files_are_read_by_their_bytes(tmp_path: Path) -> None:
    """An .xls saved with an .xlsx name (and a CSV with one) is read for what it is."""
    for src, kind in (("D03_legacy_xls_renamed.xlsx", FileKind.XLS), ("D01_csv_renamed.xlsx", FileKind.CSV)):
        with open_roster(DATA / src) as book:
            assert book.scan.kind == kind
            assert len(list(book.rows())) == {"D03_legacy_xls_renamed.xlsx": 11, "D01_csv_renamed.xlsx": 7}[src]


def test_private_copies_are_removed(tmp_path: Path) -> None:
    """The decrypted copy of a default-password workbook lives only while the roster is open."""
    with open_roster(FORMATS / "A01_pingluo_clean.default_password.xlsx") as book:
        copy = book.scan.copy
        assert copy is not None and copy.exists()
    assert not copy.exists() and not copy.parent.exists()


@pytest.mark.parametrize(("content", "reason", "says"), [
    (b"", "empty", "文件大小为0"),
    (b"<html><body><table><tr><td>1</td></tr></table></body></html>", "not_xlsx", "网页"),
    (b"\x09\x04\x06\x00\x00\x00\x10\x00" + bytes(64), "legacy_xls", "Excel 2.1–4.0格式"),
    ("随便写的一些字".encode(), "not_xlsx", "文本文件"),
    (b"%PDF-1.7\n\x00\x01\x02" + bytes(300), "not_xlsx", "不是表格文件"),
])
def test_what_cannot_be_read_says_what_it_is(tmp_path: Path, content: bytes, reason: str, says: str) -> None:
    path = tmp_path / "名单.xls"
    path.write_bytes(content)
    with pytest.raises(RosterFileError) as caught:
        open_roster(path)
    assert caught.value.reason == reason
    assert says in caught.value.message("zh")
    assert "名单.xls" in caught.value.message("en")
