"""Breaking Chinese (and mixed) text into lines of a given width, fast enough for thousands of pages.

Why our own and not reportlab's Paragraph: a batch of 1,000 checklists lays out ~40,000 cells; Paragraph
parses markup and builds fragment objects per cell (and needs the text escaped against its markup, which
plain drawing does not), while this breaks a string with one width lookup per character. Rules: a line
may break between any two CJK characters; Latin words and numbers stay whole unless longer than a line;
closing punctuation (，。）…) never starts a line and opening punctuation (（《“…) never ends one (the
basic 禁则 of Chinese typesetting, GB/T 15834 practice).
"""

from __future__ import annotations

from functools import cache, lru_cache

from reportlab.pdfbase import pdfmetrics

from villagepost.reports.fonts import register_font

NO_LINE_START = frozenset("，。、；：！？）》」』】〕”’,.;:!?)]}%…—·～")
NO_LINE_END = frozenset("（《「『【〔“‘([{")


@cache
def _metrics() -> tuple[dict[int, int], int]:
    face = pdfmetrics.getFont(register_font()).face
    return face.charWidths, int(face.defaultWidth)


@lru_cache(maxsize=4096)
def text_width(text: str, size: float) -> float:
    """Width in points (cached: headers, labels and footers repeat on every page)."""
    widths, default = _metrics()
    return sum(widths.get(ord(ch), default) for ch in text) * size / 1000.0


def _is_word(ch: str) -> bool:
    return ch.isascii() and (ch.isalnum() or ch in "-_./@+#%")


def wrap(text: str, size: float, max_width: float) -> list[str]:
    """`text` broken into lines no wider than `max_width` points at font `size` (explicit newlines kept)."""
    return list(_wrap_cached(text, size, max_width))


@lru_cache(maxsize=4096)
def _wrap_cached(text: str, size: float, max_width: float) -> tuple[str, ...]:
    """A batch prints the same item texts on every form: each is broken once."""
    out: list[str] = []
    for para in text.split("\n"):
        out.extend(_wrap_one(para, size, max_width))
    return tuple(out) or ("",)


def _wrap_one(text: str, size: float, max_width: float) -> list[str]:
    widths, default = _metrics()
    limit = max_width * 1000.0 / size
    total = sum(widths.get(ord(ch), default) for ch in text)
    if total <= limit:
        return [text]
    lines: list[str] = []
    start = 0
    used = 0.0
    n = len(text)
    i = 0
    while i < n:
        w = widths.get(ord(text[i]), default)
        if used + w <= limit or i == start:
            used += w
            i += 1
            continue
        cut = _break_at(text, start, i)
        lines.append(text[start:cut].rstrip())
        start = cut
        while start < n and text[start] == " ":
            start += 1
        i = start
        used = 0.0
    if start < n:
        lines.append(text[start:])
    return lines


def _break_at(text: str, start: int, limit: int) -> int:
    """Where to end a line that cannot hold text[limit]: at `limit`, or earlier to keep words and rules."""
    cut = limit
    # keep an ASCII word whole when it started on this line
    if _is_word(text[cut]) and _is_word(text[cut - 1]):
        j = cut - 1
        while j > start and _is_word(text[j - 1]):
            j -= 1
        if j > start:
            cut = j
    # closing punctuation may not start the next line (spaces before it do not count): bring the
    # character before it down too
    n = len(text)
    while cut - 1 > start:
        j = cut
        while j < n and text[j] == " ":
            j += 1
        if j < n and text[j] in NO_LINE_START:
            cut -= 1
        else:
            break
    # opening punctuation may not end this line (spaces before the break do not count)
    while True:
        end = cut
        while end - 1 > start and text[end - 1] == " ":
            end -= 1
        if end - 1 > start and text[end - 1] in NO_LINE_END:
            cut = end - 1
        else:
            return cut
