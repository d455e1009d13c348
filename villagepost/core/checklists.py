"""What an inspection checks: checklist templates, their items, and the result of one item (DOMAIN.md §5).

Pure values, shared by the storage of templates and inspections, the Excel forms, the printed checklists
and the window's editor. A template is an ordered list of items, each with a category; categories are
printed as group headings in the order their first item appears, so a county controls the printed order
completely by ordering its items. The default ships in resources/checklists/default.json; a county (or a
city or province for all its counties) may store its own.

Why results compare item texts and not numbers: a printed form may be filled weeks after a county edited
its template; matching on the (normalised) text finds the same question even when the numbering moved,
and refuses a form whose questions are no longer asked instead of filing answers under the wrong item.
"""

from __future__ import annotations

import json
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from enum import StrEnum
from importlib import resources

from villagepost.core import checklist_messages as _messages  # noqa: F401  (registers the texts)
from villagepost.core.errors import KnownError

CHINESE_NUMBERS = "一二三四五六七八九十"


def chinese_number(n: int) -> str:
    """1 → 一, 10 → 十, 12 → 十二, 21 → 二十一 (category headings 一、二、…, printed and in the editors)."""
    if n <= 10:
        return CHINESE_NUMBERS[n - 1]
    tens, ones = divmod(n, 10)
    head = "" if tens == 1 else CHINESE_NUMBERS[tens - 1]
    return head + "十" + (CHINESE_NUMBERS[ones - 1] if ones else "")


#: limits that keep a template printable on A4 and storable in its columns
MAX_ITEMS = 100
MAX_CATEGORY = 20
MAX_TEXT = 120
MAX_TITLE = 40
MAX_REMARK = 500

DEFAULT_FILE = "default.json"


class ChecklistError(KnownError):
    """A template (typed, or read from a workbook) that cannot be stored, with the reason."""


class Result(StrEnum):
    """The answer to one item. 是 means the station meets the item; 不适用 when it does not apply."""

    PASS = "pass"
    FAIL = "fail"
    NA = "na"

    @property
    def zh(self) -> str:
        return RESULT_ZH[self]


RESULT_ZH = {Result.PASS: "是", Result.FAIL: "否", Result.NA: "不适用"}

#: what inspectors actually write in a result cell, after NFKC, trimming and lower-casing
_RESULT_SPELLINGS: dict[str, Result] = {
    **{s: Result.PASS for s in ("是", "合格", "符合", "通过", "有", "√", "✓", "✔", "y", "yes", "pass", "ok", "1")},
    **{s: Result.FAIL for s in ("否", "不合格", "不符合", "未通过", "无", "没有", "×", "✗", "✘", "x", "n", "no",
                                "fail", "0")},
    **{s: Result.NA for s in ("不适用", "不涉及", "无此项", "na", "n/a", "/", "—", "-", "--")},
}


def parse_result(text: object) -> Result | None:
    """A result cell as written (是/否/不适用, √/×, 合格/不合格, pass/fail/na …); None when unrecognised."""
    if text is None:
        return None
    key = unicodedata.normalize("NFKC", str(text)).strip().lower()
    return _RESULT_SPELLINGS.get(key)


def text_key(text: str) -> str:
    """How item texts are compared: NFKC, all whitespace removed (a retyped form keeps its meaning)."""
    return "".join(unicodedata.normalize("NFKC", text).split())


@dataclass(frozen=True, slots=True)
class CheckItem:
    """One question of a checklist, under its category."""

    category: str
    text: str

    @property
    def key(self) -> str:
        return text_key(self.text)


@dataclass(frozen=True)
class Checklist:
    """A template: its title and its items in printed order. `scope` is whose it is (None: the default)."""

    title: str
    items: tuple[CheckItem, ...]
    scope: str | None = None

    def groups(self) -> list[tuple[str, list[tuple[int, CheckItem]]]]:
        """Items grouped under their category, numbered 1… in template order; a category that comes back
        after another one starts a new group (the printed order is the template's order)."""
        out: list[tuple[str, list[tuple[int, CheckItem]]]] = []
        for number, item in enumerate(self.items, 1):
            if not out or out[-1][0] != item.category:
                out.append((item.category, []))
            out[-1][1].append((number, item))
        return out

    def index(self) -> dict[str, int]:
        """Item text key -> 0-based position."""
        return {item.key: i for i, item in enumerate(self.items)}

    def to_json(self) -> dict[str, object]:
        return {"scope": self.scope, "title": self.title,
                "items": [{"number": i, "category": it.category, "text": it.text}
                          for i, it in enumerate(self.items, 1)]}


def _clean(text: object) -> str:
    """A cell or typed value as stored: outer whitespace trimmed, inner runs of whitespace kept as one space."""
    if text is None:
        return ""
    return " ".join(str(text).split())


def make_checklist(title: object, rows: Iterable[tuple[object, object]], *, scope: str | None = None,
                   where: Sequence[str] | None = None) -> Checklist:
    """Validate a title and (category, text) rows into a Checklist, or raise ChecklistError naming the row.

    A blank category continues the one above (hand-made sheets merge the category cells); rows with
    neither category nor text are skipped. `where` names each row for messages (e.g. Excel row numbers);
    by default rows are numbered 1….
    """
    clean_title = _clean(title)
    if not clean_title:
        raise ChecklistError("checklist.no_title")
    if len(clean_title) > MAX_TITLE:
        raise ChecklistError("checklist.title_too_long", limit=MAX_TITLE, length=len(clean_title))
    items: list[CheckItem] = []
    seen: dict[str, str] = {}
    category = ""
    for n, (cat_raw, text_raw) in enumerate(rows):
        label = where[n] if where is not None else str(n + 1)
        cat, text = _clean(cat_raw), _clean(text_raw)
        if not cat and not text:
            continue
        if cat:
            category = cat
        if not text:
            raise ChecklistError("checklist.item_no_text", row=label)
        if not category:
            raise ChecklistError("checklist.item_no_category", row=label)
        if len(category) > MAX_CATEGORY:
            raise ChecklistError("checklist.category_too_long", row=label, limit=MAX_CATEGORY, length=len(category))
        if len(text) > MAX_TEXT:
            raise ChecklistError("checklist.text_too_long", row=label, limit=MAX_TEXT, length=len(text))
        key = text_key(text)
        if key in seen:
            raise ChecklistError("checklist.duplicate_item", row=label, first=seen[key], text=text)
        seen[key] = label
        items.append(CheckItem(category, text))
    if not items:
        raise ChecklistError("checklist.no_items")
    if len(items) > MAX_ITEMS:
        raise ChecklistError("checklist.too_many_items", limit=MAX_ITEMS, count=len(items))
    return Checklist(clean_title, tuple(items), scope)


def default_checklist() -> Checklist:
    """The template shipped in resources/checklists/default.json (what a county prints until it edits one)."""
    raw = (resources.files("villagepost.resources") / "checklists" / DEFAULT_FILE).read_text(encoding="utf-8")
    doc = json.loads(raw)
    return make_checklist(doc["title"], [(it["category"], it["text"]) for it in doc["items"]])
