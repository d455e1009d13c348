"""Regenerate the roster twins in other formats from the example .xlsx rosters (run once, files vendored).

    python tests/rosters/data/formats/make_formats.py

Needs LibreOffice (`soffice`, Debian package libreoffice-calc) for .xls/.ods, and pyxlsbwriter (PyPI,
not a project dependency: `pip install pyxlsbwriter` in a scratch venv and point XLSB_PYTHON at it) for
.xlsb, because LibreOffice cannot write .xlsb. The encrypted twins use msoffcrypto-tool (a dependency).
Every twin holds exactly the rows of its source; tests/rosters/test_formats.py asserts they import alike.
"""

from __future__ import annotations

import csv
import io
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).parent
DATA = HERE.parent
SOURCES = ["A01_pingluo_clean.xlsx", "B03_merged_county_township.xlsx"]
XLSB_SCRIPT = """
import pickle, sys
from pyxlsbwriter import XlsbWriter
rows = pickle.load(open(sys.argv[1], "rb"))
with XlsbWriter(sys.argv[2]) as w:
    w.add_sheet(sys.argv[3])
    w.write_sheet(rows)
"""


def soffice(src: Path, target: str, out: Path) -> Path:
    home = Path(tempfile.mkdtemp())
    subprocess.run(["soffice", "--headless", "--convert-to", target, "--outdir", str(out), str(src)],
                   check=True, capture_output=True, env={**os.environ, "HOME": str(home)})
    shutil.rmtree(home, ignore_errors=True)
    return out / (src.stem + "." + target.split(":", maxsplit=1)[0])


def rename_stream(xls: Path, new: str, out: Path) -> None:
    """The same workbook with its 'Workbook' stream spelled `new` (same length; OLE names ignore case)."""
    data = bytearray(xls.read_bytes())
    old = "Workbook".encode("utf-16-le") + b"\x00\x00"
    pos = data.find(old)
    assert pos >= 0 and pos % 128 == 0
    data[pos: pos + len(new) * 2] = new.encode("utf-16-le")
    if len(new) < 8:  # 'BOOK': shorten the name and its recorded length
        data[pos + len(new) * 2: pos + 64] = bytes(64 - len(new) * 2)
        data[pos + 64: pos + 66] = (len(new) * 2 + 2).to_bytes(2, "little")
    out.write_bytes(bytes(data))


def main() -> None:
    import python_calamine
    from msoffcrypto.format.ooxml import OOXMLFile

    scratch = Path(tempfile.mkdtemp())
    for name in SOURCES:
        src = DATA / name
        stem = src.stem
        for kind in ("xls", "ods"):
            made = soffice(src, kind, scratch)
            shutil.copy(made, HERE / f"{stem}.{kind}")
        book = python_calamine.CalamineWorkbook.from_path(str(src))
        sheet = book.sheet_names[0]
        rows = [[None if v == "" else v for v in r] for r in book.get_sheet_by_index(0).to_python()]
        python = os.environ.get("XLSB_PYTHON")
        if python:
            import pickle

            pickled = scratch / "rows.pkl"
            pickled.write_bytes(pickle.dumps(rows))
            subprocess.run([python, "-c", XLSB_SCRIPT, str(pickled), str(HERE / f"{stem}.xlsb"), sheet], check=True)
        made = soffice(src, "csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,false,false,false", scratch)
        text = made.read_bytes().decode("utf-8")
        (HERE / f"{stem}.utf8bom.csv").write_bytes(b"\xef\xbb\xbf" + text.encode("utf-8"))
        (HERE / f"{stem}.gbk.csv").write_bytes(text.encode("gbk"))
        table = list(csv.reader(io.StringIO(text, newline="")))
        for delimiter, encoding, suffix in (("\t", "utf-16", "utf16.txt"), (";", "utf-8", "semicolon.csv")):
            buf = io.StringIO(newline="")
            csv.writer(buf, delimiter=delimiter, lineterminator="\r\n").writerows(table)
            (HERE / f"{stem}.{suffix}").write_bytes(buf.getvalue().encode(encoding))
    a01 = HERE / "A01_pingluo_clean.xls"
    rename_stream(a01, "WORKBOOK", HERE / "A01_pingluo_clean.WORKBOOK.xls")
    rename_stream(a01, "BOOK", HERE / "A01_pingluo_clean.BOOK.xls")
    with (DATA / "A01_pingluo_clean.xlsx").open("rb") as fh, \
            (HERE / "A01_pingluo_clean.default_password.xlsx").open("wb") as out:
        OOXMLFile(fh).encrypt("VelvetSweatshop", out)
    with (DATA / "A01_pingluo_clean.xlsx").open("rb") as fh, \
            (HERE / "A01_pingluo_clean.other_password.xlsx").open("wb") as out:
        OOXMLFile(fh).encrypt("888888", out)
    shutil.rmtree(scratch, ignore_errors=True)
    print("written:", *sorted(p.name for p in HERE.iterdir() if p.suffix != ".py"), sep="\n  ", file=sys.stderr)


if __name__ == "__main__":
    main()
