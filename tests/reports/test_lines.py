"""Line breaking of Chinese and mixed text for the printed forms."""

from __future__ import annotations

from itertools import pairwise

from hypothesis import given
from hypothesis import strategies as st

from villagepost.reports.lines import NO_LINE_END, NO_LINE_START, text_width, wrap

SIZE = 10.0


def test_short_text_is_one_line() -> None:
    assert wrap("和平村村邮站", SIZE, 100) == ["和平村村邮站"]


def test_cjk_breaks_between_characters_at_the_width() -> None:
    # every character of the font's CJK block is 1 em wide: 10 pt each, so 55 pt holds 5
    assert wrap("一二三四五六七八九十十一", SIZE, 55) == ["一二三四五", "六七八九十", "十一"]


def test_closing_punctuation_never_starts_a_line() -> None:
    lines = wrap("一二三四五，六七", SIZE, 55)
    assert lines == ["一二三四", "五，六七"]


def test_opening_punctuation_never_ends_a_line() -> None:
    # "（" would fit as the 5th character, but it must go down with what it opens
    assert wrap("一二三四（五六）", SIZE, 55) == ["一二三四", "（五六）"]


def test_latin_words_stay_whole() -> None:
    assert wrap("地址 ABCDEFG 12345678", SIZE, 60) == ["地址", "ABCDEFG", "12345678"]
    # a word longer than the line is cut where it must be
    long = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
    lines = wrap(long, SIZE, 60)
    assert "".join(lines) == long and len(lines) >= 3
    for line, after in pairwise(lines):
        assert text_width(line, SIZE) <= 60 < text_width(line + after[0], SIZE)


def test_newlines_are_kept() -> None:
    assert wrap("甲\n乙", SIZE, 100) == ["甲", "乙"]


@given(st.text(alphabet="一二三四五六七，。（）ab 12", min_size=0, max_size=60),
       st.floats(min_value=25, max_value=200))
def test_lines_fit_and_lose_nothing(text: str, width: float) -> None:
    lines = wrap(text, SIZE, width)
    assert "".join(lines).replace(" ", "") == text.replace(" ", "")
    for line in lines:
        assert text_width(line, SIZE) <= width or len(line) == 1
    for before, line in pairwise(lines):
        if line and line[0] in NO_LINE_START:
            assert len(before.strip()) <= 1  # only when nothing could be moved down with it
        if len(before.strip()) > 1:
            assert before.strip()[-1] not in NO_LINE_END
