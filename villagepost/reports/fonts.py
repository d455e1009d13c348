"""The bundled CJK font for PDFs, and text made safe to print with it.

Why the bundled TrueType font and not reportlab's `STSong-Light`: that CID font is not embedded, so a
PC without Adobe's Asian font pack shows boxes or asks to download one; and without any CJK font
reportlab silently prints Helvetica boxes. WenQuanYi Micro Hei (resources/fonts, Apache-2.0) is
TrueType, which reportlab embeds as subsets (only the glyphs used), so every PDF carries its own font.

Characters the font lacks (emoji, CJK Extension B such as 𡌶, 24 rare characters of village names) would
print as an empty box or nothing, silently changing a name. `printable()` replaces each with 〓 (U+3013,
the geta mark Chinese typesetting uses for a missing character) and reports what it replaced, so a form
can say "〓 = U+21336" and the clerk knows to write that character by hand. Control characters are
dropped (reportlab would draw them as boxes too).
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from functools import cache, lru_cache
from importlib import resources
from pathlib import Path

from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

FONT_NAME = "VillagePostCJK"
FONT_FILE = "wqy-microhei.ttc"
#: what stands in for a character the font cannot draw
MISSING = "〓"


def font_path() -> Path:
    return Path(str(resources.files("villagepost.resources") / "fonts" / FONT_FILE))


@cache
def register_font() -> str:
    """Register the bundled font with reportlab once per process; returns its reportlab name."""
    pdfmetrics.registerFont(TTFont(FONT_NAME, str(font_path()), subfontIndex=0))
    return FONT_NAME


@cache
def _covered() -> frozenset[int]:
    font = pdfmetrics.getFont(register_font())
    return frozenset(font.face.charToGlyph)


@dataclass(frozen=True)
class Printable:
    """Text ready for the font, and the characters that had to be replaced (in order of appearance)."""

    text: str
    missing: tuple[str, ...] = ()


def printable(text: str | None) -> Printable:
    """`text` with characters the font lacks replaced by 〓 and control characters removed."""
    if not text:
        return Printable("")
    return _printable(text)


@lru_cache(maxsize=8192)
def _printable(text: str) -> Printable:
    covered = _covered()
    if covered.issuperset(map(ord, text)):
        return Printable(text)
    out: list[str] = []
    missing: list[str] = []
    for ch in text:
        if ord(ch) in covered:
            out.append(ch)
        elif unicodedata.category(ch) in ("Cc", "Cf", "Zl", "Zp"):
            out.append(" " if ch in "\t\n\r\u2028\u2029" else "")
        elif unicodedata.category(ch) == "Mn" or ch in "\ufe0e\ufe0f":
            continue  # combining marks and emoji variation selectors: nothing of their own to draw
        else:
            out.append(MISSING)
            if ch not in missing:
                missing.append(ch)
    return Printable("".join(out), tuple(missing))


def missing_note(chars: tuple[str, ...] | list[str]) -> str:
    """The footnote naming replaced characters: 注：“〓”为打印字库缺少的字（U+21336 …），以登记册为准。"""
    codes = "、".join(f"U+{ord(c):04X}" for c in chars)
    return f"注：“{MISSING}”为打印字库中没有的字（{codes}），以登记册记载为准。"


def width(text: str, size: float) -> float:
    """Width of `text` in points at `size` in the bundled font."""
    return pdfmetrics.stringWidth(text, register_font(), size)
