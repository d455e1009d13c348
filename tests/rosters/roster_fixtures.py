"""Data of the roster-reading tests: the example rosters (copied from the shared fixture set) and
their expectations, as the project's own test data."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

DATA = Path(__file__).parent / "data"
EXPECTED: dict[str, dict[str, Any]] = json.loads((DATA / "expected.json").read_text(encoding="utf-8"))["files"]
#: Row-error kinds that need the registry: the import layer reports them, not the reader.
REGISTRY_KINDS = frozenset({"duplicate_code", "code_not_in_township", "code_not_in_county", "unknown_code",
                            "name_mismatch", "out_of_scope"})


def files(*categories: str, outcomes: tuple[str, ...] = ()) -> list[str]:
    """Names of the example files of the given categories (A, B, C, D, E) and outcomes."""
    return [name for name, exp in EXPECTED.items()
            if exp["category"] in categories and (not outcomes or exp["outcome"] in outcomes)]


def readable() -> list[str]:
    """Example files that hold a roster (import or import with row errors)."""
    return [n for n, e in EXPECTED.items() if e["outcome"] in ("import", "import_with_row_errors")]

