"""Hostile and broken files are refused as a whole, fast, with bounded memory and the exact reason."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest
from roster_fixtures import DATA, EXPECTED, files

from villagepost.rosters.reader import open_roster
from villagepost.rosters.safety import RosterFileError, inspect_file

REFUSED = [n for n in files("D") if EXPECTED[n]["outcome"] in ("reject_file", "no_data")]
#: The start of an Excel 4.0 worksheet saved as a plain file (BIFF4 BOF record, then EOF).
EXCEL4 = b"\x09\x04\x06\x00\x00\x00\x10\x00\x00\x00" + b"\x0a\x00\x00\x00"


@pytest.mark.parametrize("name", REFUSED)
def test_reason_exact_and_fast(name: str) -> None:
    exp = EXPECTED[name]
    started = time.perf_counter()
    with pytest.raises(RosterFileError) as caught:
        open_roster(DATA / name)
    assert time.perf_counter() - started < 2
    err = caught.value
    assert err.reason == exp["reason"]
    for lang in ("zh", "en"):
        assert name in err.message(lang)


@pytest.mark.parametrize("name", [n for n in REFUSED if EXPECTED[n]["outcome"] == "reject_file"])
def test_inspect_file_refuses_the_same(name: str) -> None:
    with pytest.raises(RosterFileError) as caught:
        inspect_file(DATA / name)
    assert caught.value.reason == EXPECTED[name]["reason"]


@pytest.mark.parametrize(("name", "must_say"), [
    ("D02_html_export.xls", "网页/HTML表格"),
    ("D12_password_encrypted.xlsx", "文件已加密"),
    ("D09_zip_bomb.xlsx", "文件过大或压缩比异常"),
    ("D18_empty_workbook.xlsx", "工作簿中没有数据"),
    ("D08_malformed_sheet_xml.xlsx", "第 89 行"),
])
def test_messages_say_what_to_do(name: str, must_say: str) -> None:
    with pytest.raises(RosterFileError) as caught:
        open_roster(DATA / name)
    assert must_say in caught.value.message("zh")


def test_english_messages(tmp_path: Path) -> None:
    excel4 = tmp_path / "old.xls"
    excel4.write_bytes(EXCEL4)
    with pytest.raises(RosterFileError) as caught:
        open_roster(excel4)
    assert "save as .xlsx" in caught.value.message("en")
    with pytest.raises(RosterFileError) as caught:
        open_roster(DATA / "D21_formulas_without_cached_values.xlsx")
    text = caught.value.message("en")
    assert "formulas without computed values" in text and "区划代码" in text and "E2" in text


def test_external_entities_never_leak(tmp_path: Path) -> None:
    passwd = Path("/etc/passwd")
    secret = [line for line in passwd.read_text().splitlines() if line][:3] if passwd.exists() else []
    with pytest.raises(RosterFileError) as caught:
        open_roster(DATA / "D11_xxe_external_entity.xlsx")
    err = caught.value
    shown = " ".join([err.message("zh"), err.message("en"), str(err), repr(err.params)])
    assert "root:" not in shown
    for line in secret:
        assert line not in shown
    assert err.reason == "xml_entities"


_MEASURE = textwrap.dedent("""
    import json, resource, sys, time
    from villagepost.rosters.reader import open_roster
    from villagepost.rosters.safety import RosterFileError
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    started = time.perf_counter()
    try:
        open_roster(sys.argv[1])
        reason = None
    except RosterFileError as exc:
        reason = exc.reason
    elapsed = time.perf_counter() - started
    extra = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before) / 1024
    print(json.dumps({"reason": reason, "seconds": elapsed, "extra_mb": extra}))
""")


@pytest.mark.parametrize("name", ["D09_zip_bomb.xlsx", "D10_billion_laughs.xlsx"])
def test_bombs_within_time_and_memory(name: str) -> None:
    limits = EXPECTED[name]["limits"]
    result = subprocess.run([sys.executable, "-c", _MEASURE, str(DATA / name)], capture_output=True, text=True,
                            timeout=60, check=True)
    measured = json.loads(result.stdout)
    assert measured["reason"] == EXPECTED[name]["reason"]
    assert measured["seconds"] < min(limits["max_seconds"], 2)
    assert measured["extra_mb"] < min(limits["max_extra_memory_mb"], 50)


def test_lying_declared_size_is_refused(tmp_path: Path) -> None:
    """A member that inflates to more than its declared size is cut off at the declared size."""
    import zipfile

    src = DATA / "A01_pingluo_clean.xlsx"
    forged = tmp_path / "forged.xlsx"
    forged.write_bytes(src.read_bytes())
    with zipfile.ZipFile(src) as zf:
        info = zf.getinfo("xl/worksheets/sheet1.xml")
        real = info.file_size
    data = bytearray(forged.read_bytes())
    # Patch the declared size in the central directory entry of sheet1.xml to a smaller value.
    name = b"xl/worksheets/sheet1.xml"
    central = data.rfind(b"PK\x01\x02", 0, data.rfind(name))
    size_at = central + 24
    assert int.from_bytes(data[size_at:size_at + 4], "little") == real
    data[size_at:size_at + 4] = (real // 2).to_bytes(4, "little")
    forged.write_bytes(bytes(data))
    with pytest.raises(RosterFileError) as caught:
        open_roster(forged)
    assert caught.value.reason in ("zip_bomb", "damaged")


def test_bad_crc_is_damaged(tmp_path: Path) -> None:
    src = (DATA / "A01_pingluo_clean.xlsx").read_bytes()
    name = b"xl/worksheets/sheet1.xml"
    data = bytearray(src)
    central = data.rfind(b"PK\x01\x02", 0, data.rfind(name))
    data[central + 16] ^= 0xFF  # CRC-32 in the central directory
    bad = tmp_path / "badcrc.xlsx"
    bad.write_bytes(bytes(data))
    with pytest.raises(RosterFileError) as caught:
        open_roster(bad)
    assert caught.value.reason == "damaged"


def test_text_file_with_xlsx_name_and_empty_file(tmp_path: Path) -> None:
    empty = tmp_path / "empty.xlsx"
    empty.write_bytes(b"")
    with pytest.raises(RosterFileError) as caught:
        open_roster(empty)
    assert caught.value.reason == "empty"
    text = tmp_path / "notes.xlsx"
    text.write_text("随便写的一些字", encoding="utf-8")
    with pytest.raises(RosterFileError) as caught:
        open_roster(text)
    assert caught.value.reason == "not_xlsx"
