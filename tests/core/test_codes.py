"""The code normaliser: every shape a roster carries, exact recovery or a refusal with its reason."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from villagepost.core.codes import CodeFormatError, canonical_digits, normalise_code
from villagepost.core.divisions import Level, TownshipKind, VillageClass, township_kind, village_class

FULLWIDTH = str.maketrans("0123456789", "０１２３４５６７８９")


@pytest.mark.parametrize(
    ("raw", "code", "level"),
    [
        ("220221100201", "220221100201", Level.VILLAGE),
        (220221100201, "220221100201", Level.VILLAGE),
        (220221100201.0, "220221100201", Level.VILLAGE),
        (Decimal("220221100201"), "220221100201", Level.VILLAGE),
        ("220221100201.0", "220221100201", Level.VILLAGE),
        ("220221100201.000", "220221100201", Level.VILLAGE),
        ("６４０２２１１００２００", "640221100200", Level.VILLAGE),
        ("'640221100200", "640221100200", Level.VILLAGE),
        ("\u2018640221100200", "640221100200", Level.VILLAGE),
        (" 6402 2110 0200 ", "640221100200", Level.VILLAGE),
        ("\ufeff640221100200\u200b", "640221100200", Level.VILLAGE),
        ("\u3000640221100200\u00a0", "640221100200", Level.VILLAGE),
        ("6.40221100200E+11", "640221100200", Level.VILLAGE),
        ("6.402211002E+11", None, None),
        ("220221000000", "220221", Level.COUNTY),
        ("220221100000", "220221100", Level.TOWNSHIP),
        ("220221000", "220221", Level.COUNTY),
        ("220200", "2202", Level.CITY),
        ("220000000000", "22", Level.PROVINCE),
        ("22", "22", Level.PROVINCE),
        # prefecture cities without counties: the county group is 00 (东莞, 中山, 儋州)
        ("441900101200", "441900101200", Level.VILLAGE),
        (441900003001, "441900003001", Level.VILLAGE),
        ("442000100", "442000100", Level.TOWNSHIP),
        ("460400100000", "460400100", Level.TOWNSHIP),
        ("2202", "2202", Level.CITY),
    ],
)
def test_normalise_accepts(raw: object, code: str | None, level: Level | None) -> None:
    if code is None:
        with pytest.raises(CodeFormatError) as err:
            normalise_code(raw)
        assert err.value.reason == "digits_lost"
        return
    result = normalise_code(raw)
    assert result.code == code
    assert result.level is level


@pytest.mark.parametrize(
    ("raw", "reason"),
    [
        ("2.20221E+11", "digits_lost"),
        ("6.40521E+11", "digits_lost"),
        ("64052112213", "bad_length"),
        ("6405211042000", "bad_length"),
        ("6405212052O1", "not_digits"),
        ("", "empty"),
        ("   ", "empty"),
        (None, "empty"),
        (-220221, "negative"),
        (2202.5, "not_integer"),
        ("2202.5", "not_integer"),
        ("220221100201.5", "not_integer"),
        ("000000000000", "bad_padding"),
        ("220021100201", "bad_padding"),
        ("220200000201", "bad_padding"),
        ("004419101200", "bad_padding"),
        (True, "not_digits"),
        (float("nan"), "not_integer"),
        ([1], "not_digits"),
    ],
)
def test_normalise_refuses(raw: object, reason: str) -> None:
    with pytest.raises(CodeFormatError) as err:
        normalise_code(raw)
    assert err.value.reason == reason
    assert err.value.message("zh")
    assert err.value.message("en")


def test_digits_lost_message_says_why_in_both_languages() -> None:
    with pytest.raises(CodeFormatError) as err:
        normalise_code("2.20221E+11")
    assert "2.20221E+11" in err.value.message("zh")
    assert "科学计数法" in err.value.message("zh")
    assert "digits" in err.value.message("en")


def test_classes() -> None:
    assert village_class("220221100001") is VillageClass.RESIDENTS
    assert village_class("220221100199") is VillageClass.RESIDENTS
    assert village_class("220221100200") is VillageClass.VILLAGE
    assert village_class("220221100399") is VillageClass.VILLAGE
    assert village_class("220221100400") is VillageClass.RESIDENTS_LIKE
    assert village_class("220221100599") is VillageClass.VILLAGE_LIKE
    assert village_class("220221100600") is None
    assert village_class("220221100") is None
    assert township_kind("220221001") is TownshipKind.SUBDISTRICT
    assert township_kind("220221100") is TownshipKind.TOWN
    assert township_kind("220221200") is TownshipKind.TOWNSHIP
    assert township_kind("220221400") is TownshipKind.TOWNSHIP_LIKE
    assert township_kind("220221000") is None


# --- properties -----------------------------------------------------------------------------------

group = st.integers(min_value=1, max_value=99)
codes12 = st.builds(
    lambda p, c, d, t, v: f"{p:02d}{c:02d}{d:02d}{t:03d}{v:03d}",
    st.integers(10, 99), group, group, st.integers(1, 599), st.integers(1, 599),
)
separators = st.sampled_from(["", " ", "\u3000", "\u00a0", "\u200b", "\t"])


@given(codes12, separators, separators)
def test_text_forms_round_trip(code: str, left: str, right: str) -> None:
    assert normalise_code(f"{left}{code}{right}").code == code
    assert normalise_code(f"'{code}").code == code
    assert normalise_code(code.translate(FULLWIDTH)).code == code
    assert normalise_code(f"{code[:6]} {code[6:]}").code == code


@given(codes12)
def test_numeric_forms_round_trip(code: str) -> None:
    assert normalise_code(int(code)).code == code
    assert normalise_code(float(int(code))).code == code
    assert normalise_code(f"{int(code)}.0").code == code
    assert normalise_code(f"{code[0]}.{code[1:]}E+11").code == code


@given(codes12, st.integers(min_value=1, max_value=10))
def test_truncated_scientific_text_is_always_refused(code: str, keep: int) -> None:
    # What Excel shows for a number too wide for its column: fewer mantissa digits than the value has.
    shown = f"{code[0]}.{code[1:keep]}E+11"
    with pytest.raises(CodeFormatError) as err:
        normalise_code(shown)
    assert err.value.reason == "digits_lost"


@given(codes12)
def test_padding_reduces_to_the_denoted_level(code: str) -> None:
    for length in (2, 4, 6, 9):
        prefix = code[:length]
        assert canonical_digits(prefix.ljust(12, "0")) == prefix
        assert normalise_code(prefix.ljust(12, "0")).level is Level.from_code_length(length)


@given(st.text(max_size=20))
def test_never_raises_anything_but_code_format_error(text: str) -> None:
    try:
        result = normalise_code(text)
    except CodeFormatError:
        return
    assert result.code.isdigit() and result.code.isascii()
    assert len(result.code) in (2, 4, 6, 9, 12)
