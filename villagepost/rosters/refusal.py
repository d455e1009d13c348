"""The refusal of a roster file as a whole, in a module of its own.

Why apart from the readers' checks (`rosters.safety`): the command line's import reads the roster in a
child process (`rosters.prefetch`), so its parent needs this class (to catch a refusal that crossed the
pipe) but none of the reader stack (calamine, defusedxml, the byte scans), ~50 ms of imports.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from villagepost.core.errors import KnownError
from villagepost.core.messages import DEFAULT_LANG, tr
from villagepost.rosters import messages as _messages  # noqa: F401  (registers the texts)


class RosterFileError(KnownError):
    """A roster file refused as a whole. `reason` is part of the CLI's JSON, so the strings are fixed:

    not_xlsx (not a spreadsheet at all: HTML, plain text, binary), legacy_xls (a format no reader here
    reads: Excel 2.1-5.0), wps_et (WPS's own format), not_a_workbook, damaged, zip_bomb, too_large,
    xml_entities, encrypted, empty, no_rows, formulas_without_values, no_roster_sheet (and no_such_sheet /
    sheet_not_roster for --sheet).
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
