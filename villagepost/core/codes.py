"""Division codes as rosters really carry them, turned into canonical codes or refused with a reason.

Rosters hold codes as text, as numbers (Excel turns a 12-digit code into 6.40221E+11 on screen but keeps
the value), typed with a leading apostrophe, in full-width digits, with spaces inside, or padded with
zeros to 12 digits. Everything that can be recovered exactly is; everything else is refused, never
guessed: a scientific-notation *string* such as '6.40221E+11' has lost its last digits.
"""

from __future__ import annotations

import itertools
import re
import unicodedata
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from villagepost.core.divisions import Level, VillageClass, village_class
from villagepost.core.errors import KnownError

#: Characters that appear around and inside codes typed or pasted into Excel and that carry no digit.
_INVISIBLE = dict.fromkeys(map(ord, " \t\r\n\u00a0\u3000\u200b\u200c\u200d\u2060\ufeff\u202f\u2009"), None)
_QUOTES = "'\u2018\u2019\u201a\u201b`\"\u201c\u201d"
_SCI = re.compile(r"^([+-]?)(\d+)(?:\.(\d*))?[eE]([+-]?\d+)$")
_DECIMAL = re.compile(r"^(\d+)\.(\d*)$")


class CodeFormatError(KnownError):
    """A value that cannot be turned into a division code exactly. `reason` is a short machine tag."""

    def __init__(self, key: str, value: str, **params: object) -> None:
        super().__init__(key, value=value, **params)
        self.reason = key.removeprefix("code.")
        self.value = value


@dataclass(frozen=True, slots=True)
class Code:
    """A canonical division code: digits only, unpadded, of length 2, 4, 6, 9 or 12."""

    code: str

    @property
    def level(self) -> Level:
        return Level.from_code_length(len(self.code))

    @property
    def village_class(self) -> VillageClass | None:
        return village_class(self.code)

    @property
    def padded(self) -> str:
        """The 12-digit form used by some rosters."""
        return self.code.ljust(12, "0")

    def __str__(self) -> str:
        return self.code


def _digits_from_number(value: int | float | Decimal, shown: str) -> str:
    if isinstance(value, bool):
        raise CodeFormatError("code.not_digits", shown)
    if isinstance(value, int):
        if value < 0:
            raise CodeFormatError("code.negative", shown)
        return str(value)
    dec = Decimal(value) if isinstance(value, float) else value
    if not dec.is_finite() or dec != dec.to_integral_value():
        raise CodeFormatError("code.not_integer", shown)
    if dec < 0:
        raise CodeFormatError("code.negative", shown)
    return str(int(dec))


def _digits_from_text(text: str) -> str:
    """Digits of a code written as text, or a CodeFormatError."""
    shown = text
    text = unicodedata.normalize("NFKC", text).translate(_INVISIBLE)
    text = text.strip(_QUOTES)
    if not text:
        raise CodeFormatError("code.empty", shown)
    if text.isdigit() and text.isascii():
        return text
    sci = _SCI.match(text)
    if sci:
        sign, whole, frac, exp = sci.group(1), sci.group(2), sci.group(3) or "", int(sci.group(4))
        if sign == "-":
            raise CodeFormatError("code.negative", shown)
        # Every digit of the value must be written in the mantissa: 6.40221100200E+11 is exact,
        # 6.40221E+11 is what Excel displays once the last digits are gone.
        if exp < len(frac.rstrip("0")) or exp > len(frac):
            if exp > len(frac):
                raise CodeFormatError("code.digits_lost", shown)
            raise CodeFormatError("code.not_integer", shown)
        try:
            return str(int(Decimal(f"{whole}.{frac or '0'}e{exp}")))
        except InvalidOperation:
            raise CodeFormatError("code.not_digits", shown) from None
    dec = _DECIMAL.match(text)
    if dec:
        if dec.group(2).strip("0"):
            raise CodeFormatError("code.not_integer", shown)
        return dec.group(1)
    raise CodeFormatError("code.not_digits", shown)


def normalise_code(value: object) -> Code:
    """Turn a cell value into a canonical code, or raise CodeFormatError saying why not.

    Accepts str, int, float and Decimal. 12-digit (or 9/6-digit) forms padded with zero groups are
    reduced to the level they denote: '220221000000' is the county 220221.
    """
    if value is None:
        raise CodeFormatError("code.empty", "")
    # The common case of a roster, 487k times on a national one: a clean 12-digit village code.
    if (type(value) is str and len(value) == 12 and value.isdigit() and value.isascii()
            and "00" not in (value[:2], value[2:4]) and "000" not in (value[6:9], value[9:])):
        return Code(value)
    if isinstance(value, str):
        digits = _digits_from_text(value)
    elif isinstance(value, int | float | Decimal):
        digits = _digits_from_number(value, repr(value) if isinstance(value, float) else str(value))
    else:
        raise CodeFormatError("code.not_digits", str(value))
    return Code(canonical_digits(digits, shown=str(value)))


def canonical_digits(digits: str, shown: str | None = None) -> str:
    """Reduce a digit string of a valid length to its unpadded canonical form."""
    shown = digits if shown is None else shown
    if len(digits) not in (2, 4, 6, 9, 12):
        raise CodeFormatError("code.bad_length", shown, length=len(digits))
    # Split into the groups PP CC DD TTT VVV present, drop trailing all-zero groups.
    bounds = [0, 2, 4, 6, 9, 12]
    groups = [digits[a:b] for a, b in itertools.pairwise(bounds) if b <= len(digits)]
    if int(groups[0]) == 0:
        raise CodeFormatError("code.bad_padding", shown)
    while len(groups) > 1 and int(groups[-1]) == 0:
        groups.pop()
    # A zero group inside a code is padding gone wrong, except the county group of the prefecture cities
    # that have no counties: 东莞 441900, 中山 442000, 儋州 460400 hold their townships directly.
    inner = [g for i, g in enumerate(groups) if not (i == 2 and len(groups) > 3)]
    if any(int(g) == 0 for g in inner):
        raise CodeFormatError("code.bad_padding", shown)
    return "".join(groups)
