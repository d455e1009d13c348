"""Odd, broken and hostile spreadsheets of other projects' test suites, through `villagepost import --json`.

Each gives exactly one JSON document, exit 0, 2 or 3 (never 1), the registry unchanged when refused, and
the refusal its true reason (tests/corpora/README.md says where the files come from). The whole corpora
run on demand with tests/bench/corpus.py.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import json
from collections.abc import Callable
from pathlib import Path

import pytest

from villagepost.cli import main
from villagepost.services.registry import Registry

CORPORA = Path(__file__).parent.parent / "corpora"
#: file -> (exit code, status, reason): what each file is, said by the reason.
EXPECTED: dict[str, tuple[int, str, str | None]] = {
    "calamine/OOM_alloc3.xls": (2, "rejected", "damaged"),
    "calamine/biff5_write.xls": (2, "rejected", "no_roster_sheet"),  # read (Excel 5.0): no roster in it
    "calamine/capitalized_wbook_stream.xls": (2, "no_data", "empty"),  # read through its BOOK stream: empty
    "calamine/covered.ods": (2, "rejected", "no_roster_sheet"),
    "calamine/empty_sheet.xlsx": (2, "no_data", "empty"),
    "calamine/issue_594_dos.ods": (2, "rejected", "too_large"),  # 999,999,999 repeated columns
    "calamine/issue_643_biff5_formula.xls": (2, "rejected", "no_roster_sheet"),
    "calamine/issue_666_panic.xlsb": (2, "rejected", "no_roster_sheet"),
    "calamine/nonstandard-xml-ns-prefix.xlsx": (2, "rejected", "no_roster_sheet"),
    "calamine/number_rows_repeated.ods": (2, "rejected", "no_roster_sheet"),
    "calamine/too_small.xls": (2, "rejected", "not_xlsx"),  # a line of text
    "poi/51519.xlsb": (2, "rejected", "no_roster_sheet"),
    "poi/54764-2.xlsx": (2, "rejected", "xml_entities"),
    "poi/54764.xlsx": (2, "rejected", "xml_entities"),
    "poi/SampleSS.ods": (2, "rejected", "no_roster_sheet"),
    "poi/SampleSS.strict.xlsx": (2, "rejected", "no_roster_sheet"),  # Strict OOXML, read
    "poi/Simple.xlsb": (2, "rejected", "damaged"),  # its sheet records name no relationship: calamine panics
    "poi/SharedFormulaTest.xls": (2, "rejected", "too_large"),  # 32,770 x 130: calamine took 411 MB
    "poi/SimpleStrict.xlsx": (2, "rejected", "no_roster_sheet"),
    "poi/WithTextBox.xlsb": (2, "rejected", "no_roster_sheet"),
    "poi/clusterfuzz-testcase-minimized-POIHSSFFuzzer-4651309315719168.xls": (2, "rejected", "encrypted"),
    "poi/clusterfuzz-testcase-minimized-POIXSSFFuzzer-4828727001088000.xlsx": (2, "rejected", "damaged"),
    "poi/password.xls": (2, "rejected", "encrypted"),
    "poi/protected_passtika.xlsx": (2, "rejected", "encrypted"),
    "poi/testEXCEL_3.xls": (2, "rejected", "legacy_xls"),
    "poi/testEXCEL_4.xls": (2, "rejected", "legacy_xls"),
    "poi/testEXCEL_5.xls": (2, "rejected", "no_roster_sheet"),
    "poi/testEXCEL_95.xls": (2, "rejected", "no_roster_sheet"),
    "poi/xor-encryption-abc.xls": (2, "rejected", "encrypted"),
}


def test_every_vendored_file_is_listed() -> None:
    found = {f"{p.parent.name}/{p.name}" for p in CORPORA.rglob("*")
             if p.is_file() and p.suffix.lower() in (".xls", ".xlsx", ".xlsb", ".ods")}
    assert found == set(EXPECTED)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_one_document_a_documented_exit_and_the_true_reason(name: str, sqlite_registry: Callable[..., Registry],
                                                             capsys: pytest.CaptureFixture[str]) -> None:
    reg = sqlite_registry("64")
    db = reg.location.path
    assert db is not None
    reg.close()
    before = hashlib.sha256(db.read_bytes()).hexdigest()
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        code = main(["--db", str(db), "import", str(CORPORA / name), "--json"])
    doc = json.loads(out.getvalue())  # exactly one document
    assert (code, doc["status"], doc["reason"]) == EXPECTED[name]
    assert name.rsplit("/", 1)[-1] in doc["message"]
    if code == 2:
        assert hashlib.sha256(db.read_bytes()).hexdigest() == before
