"""Checks of a roster row against the registry: the one place where registry-bound validation lives.

The value checks (a code's shape, a date, a phone) are pure and live in villagepost.core.values; this
module adds what needs the registry: the code exists, belongs to the township and county the row names,
the village name matches the official one, the code is not a duplicate of an earlier row, and the acting
user may change that village (township roles plug in through `Actor.may_touch`). The station editor
uses the same `RegistryChecks`, so a value refused in an import is refused in the window too.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from dataclasses import field as dc_field
from typing import Any

from villagepost.core.actor import Actor
from villagepost.core.messages import tr
from villagepost.core.values import ValueProblem, parse_village_code, squeeze, village_name_key
from villagepost.rosters import import_messages  # noqa: F401  (registers the texts used below)
from villagepost.storage.division_index import DivisionIndex, Unit


@dataclass
class RowIssue:
    """One error or warning of a roster row: `kind` for programs, a catalogue key and params for people."""

    row: int
    field: str
    column: str
    kind: str
    value: str
    key: str
    params: dict[str, Any] = dc_field(default_factory=dict)
    column_index: int | None = None
    #: (zh, en) when the text was rendered where the problem was found (cell problems of the parser)
    rendered: tuple[str, str] | None = None

    def message(self, lang: str = "zh") -> str:
        """A sentence that stands alone: row, column, and what is wrong."""
        if self.rendered is not None:
            return self.rendered[1] if lang == "en" else self.rendered[0]
        detail = tr(self.key, lang, self.params)
        return tr("roster.cell", lang, {"row": self.row, "column": self.column or self.field, "detail": detail})

    def to_json(self, lang: str = "zh") -> dict[str, Any]:
        return {"row": self.row, "column": self.column, "field": self.field, "kind": self.kind,
                "value": self.value, "message": self.message(lang)}


_COUNTY_SUFFIXES = ("自治县", "自治旗", "县", "区", "市", "旗", "特区", "林区")
_TOWNSHIP_SUFFIXES = ("街道办事处", "办事处", "街道", "民族乡", "民族苏木", "苏木", "镇", "乡")


def _strip(name: str, suffixes: tuple[str, ...]) -> str:
    key = squeeze(name)
    for suffix in suffixes:
        if key.endswith(suffix) and len(key) > len(suffix):
            return key[: -len(suffix)]
    return key


def same_unit_name(written: str, official: str, suffixes: tuple[str, ...]) -> bool:
    """A county or township name as written matches the official one (平罗 = 平罗县, 城关 = 城关镇)."""
    a, b = squeeze(written), squeeze(official)
    return a == b or _strip(written, suffixes) == _strip(official, suffixes)


class RegistryChecks:
    """Registry-bound checks for the rows of one import (keeps the first row of each code)."""

    def __init__(self, index: DivisionIndex, actor: Actor) -> None:
        self.index = index
        self.actor = actor
        self.first_row: dict[str, int] = {}
        #: station names (NFKC keys) each code's rows have named so far: the one key as a plain str until
        #: a second row of the code arrives (a set per code was 487k sets, ~100 MB, on the national roster)
        self._stations_seen: dict[str, str | set[str]] = {}
        # Rosters repeat their county and township names on every row: compare each pair once.
        self._same: dict[tuple[str, str, str], bool] = {}
        self._village_keys: dict[str, str] = {}
        #: county -> village name key -> the county's villages of that name (served villages by name)
        self._by_name: dict[str, dict[str, list[Unit]]] = {}

    def _matches(self, kind: str, written: str, official: str) -> bool:
        key = (kind, written, official)
        hit = self._same.get(key)
        if hit is None:
            if kind == "village":
                official_key = self._village_keys.get(official)
                if official_key is None:
                    official_key = self._village_keys[official] = village_name_key(official)
                hit = written == official or village_name_key(written) == official_key
            else:
                hit = same_unit_name(written, official, _COUNTY_SUFFIXES if kind == "county" else _TOWNSHIP_SUFFIXES)
            if kind != "village":  # village names rarely repeat: not worth the memory on a national roster
                self._same[key] = hit
        return hit

    def check(
        self,
        row: int,
        code: str,
        written: dict[str, str],
        columns: Mapping[str, tuple[str, int | None]],
        *,
        skip_fields: frozenset[str] = frozenset(),
        station_key: str = "",
    ) -> tuple[list[RowIssue], list[RowIssue], Unit | None]:
        """(errors, warnings, the village unit) for a row whose code is well-formed.

        `written` holds the row's county/township/village texts as written (trimmed); `columns` maps a field
        to (header text, column index); fields in `skip_fields` already have a value error of their own.

        A code met again is a `duplicate_code` naming its first row — unless the row names a station of
        that same village not named before: a village with two stations takes two rows (the registry
        export writes them so), and that is no duplicate.
        """
        errors: list[RowIssue] = []
        warnings: list[RowIssue] = []

        def issue(target: list[RowIssue], fld: str, kind: str, key: str, value: str, **params: Any) -> None:
            header, index = columns.get(fld, ("", None))
            target.append(RowIssue(row, fld, header, kind, value, key, {"value": value, **params}, index))

        first = self.first_row.get(code)
        if first is not None:
            seen = self._stations_seen[code]
            if isinstance(seen, str):
                seen = self._stations_seen[code] = {seen}
            unit = self.index.get(code)
            village = written.get("village", "")
            same_village = unit is not None and (not village or self._matches("village", village, unit.name))
            if not (station_key and station_key not in seen and same_village):
                issue(errors, "code", "duplicate_code", "import.duplicate_code", code, first=first)
                return errors, warnings, None
            seen.add(station_key)
        else:
            self.first_row[code] = row
            self._stations_seen[code] = station_key

        unit = self.index.get(code)
        if unit is None or unit.level != 5:
            issue(errors, "code", "unknown_code", "import.unknown_code", code)
            return errors, warnings, None
        if unit.retired:
            issue(errors, "code", "unknown_code", "import.retired_code", code)
            return errors, warnings, None

        county = self.index.county_of(code)
        township = self.index.township_of(code)
        text = written.get("county", "")
        if text and county is not None and not self._matches("county", text, county.name):
            issue(errors, "county", "code_not_in_county", "import.code_not_in_county", text, code=code,
                  official=county.name)
        text = written.get("township", "")
        if text and township is not None and not self._matches("township", text, township.name):
            issue(errors, "township", "code_not_in_township", "import.code_not_in_township", text, code=code,
                  official=township.name)
        text = written.get("village", "")
        # `text == unit.name` first: the usual row writes the official name, and then neither the
        # mismatch nor the variant check can fire.
        if text and text != unit.name and "village" not in skip_fields:
            if not self._matches("village", text, unit.name):
                issue(errors, "village", "name_mismatch", "import.name_mismatch", text, code=code,
                      official=unit.name)
            elif text != unit.name and unicodedata.normalize("NFKC", text) != unicodedata.normalize("NFKC", unit.name):
                issue(warnings, "village", "name_variant", "import.name_variant", text, official=unit.name)
        if not self.actor.may_touch(code):
            issue(errors, "code", "out_of_scope", "import.out_of_scope", code, actor=self.actor.name,
                  scopes="、".join(self.actor.scopes))
        return errors, warnings, unit


    def served_villages(self, row: int, village: str, items: tuple[str, ...],
                        columns: Mapping[str, tuple[str, int | None]]) -> tuple[list[RowIssue], list[str]]:
        """(errors, codes) of the further villages a row's station serves, written by name or code.

        The rules of the station editor and `station add --serves`: a village-level unit of the registry,
        not retired, in the station's county, not its own village, within the user's scope. A name is
        looked up among the county's villages (村/村委会 ignored, as for the row's own village); a name two
        villages share must be written with its township in front ('城关镇和平村') or as the code.
        """
        errors: list[RowIssue] = []
        codes: list[str] = []
        county = village[:6]
        county_unit = self.index.get(county)
        county_name = county_unit.name if county_unit is not None else county
        header, index = columns.get("served", ("", None))

        def issue(kind: str, key: str, value: str, **params: Any) -> None:
            errors.append(RowIssue(row, "served", header, kind, value, key,
                                   {"value": value, "county": county_name, **params}, index))

        for item in items:
            unit = self._served_by_name(county, item) if not item.isdigit() else None
            if isinstance(unit, list):
                shown = [f"{u.name}（{self._township_name(u)}，{u.code}）" for u in unit[:5]]
                issue("served_ambiguous", "import.served_ambiguous", item, count=len(unit), matches="、".join(shown),
                      example=f"{self._township_name(unit[0])}{unit[0].name}")
                continue
            if unit is None:
                try:
                    code = parse_village_code(item).code
                except ValueProblem:
                    if item.isdigit():
                        issue("served_unknown", "import.served_code_unknown", item)
                    else:
                        issue("served_unknown", "import.served_unknown", item)
                    continue
                unit = self.index.get(code)
                if unit is None or unit.level != 5:
                    issue("served_unknown", "import.served_code_unknown", item)
                    continue
                if unit.retired:
                    issue("served_unknown", "import.served_retired", item)
                    continue
                if code[:6] != county:
                    other = self.index.county_of(code)
                    issue("served_other_county", "import.served_other_county", item,
                          other=other.name if other is not None else code[:6])
                    continue
            if unit.code == village:
                issue("served_self", "import.served_self", item)
                continue
            if not self.actor.may_touch(unit.code):
                issue("out_of_scope", "import.out_of_scope", unit.code, actor=self.actor.name,
                      scopes="、".join(self.actor.scopes))
                continue
            codes.append(unit.code)
        return errors, sorted(set(codes))

    def _township_name(self, unit: Unit) -> str:
        township = self.index.township_of(unit.code)
        return township.name if township is not None else unit.code[:9]

    def _served_by_name(self, county: str, item: str) -> Unit | list[Unit] | None:
        """The county's village named `item`; several when the name is shared; None when none has it.

        A name not found as a whole is tried as a township name followed by a village name
        ('城关镇和平村', '城关/和平村', '城关镇 和平村' after the separators).
        """
        by_name = self._by_name.get(county)
        if by_name is None:
            by_name = self._by_name[county] = {}
            for unit in self.index.units_in(county, 5):
                by_name.setdefault(village_name_key(unit.name), []).append(unit)
        found = by_name.get(village_name_key(item), [])
        if not found:
            text = squeeze(item)
            for township in self.index.units_in(county, 4):
                for prefix in dict.fromkeys((squeeze(township.name), _strip(township.name, _TOWNSHIP_SUFFIXES))):
                    if prefix and text.startswith(prefix) and len(text) > len(prefix):
                        rest = text[len(prefix):].lstrip("/／-—·・")
                        found.extend(u for u in by_name.get(village_name_key(rest), [])
                                     if u.code.startswith(township.code) and u not in found)
            if not found:
                return None
        return found[0] if len(found) == 1 else found
