"""Pinyin sort and search keys for Chinese names.

Clerks search with pinyin initials (`yjx` finds 永吉县) and expect lists in pinyin order, as Excel and WPS
sort. pypinyin with its phrase dictionary gets polyphones right (重庆 chongqing, 长春 changchun) but
costs about 90 µs a name, too slow to run over 665k units at every load; so the keys of a bundled
edition are computed once (`villagepost divisions build-index`) and shipped beside the codes, and
`fast_keys` (a per-character table, C speed through str.translate) covers names met at run time.
"""

from __future__ import annotations

import unicodedata
from functools import lru_cache

from pypinyin import Style, lazy_pinyin


def _keep(text: str) -> str:
    # Non-Chinese runs (digits, Latin letters, brackets) are kept, marked so initials keep them whole.
    return "\x00" + text


def pinyin_keys(name: str) -> tuple[str, str]:
    """(full pinyin, initials) of `name`, both lowercase ASCII where the name is Chinese.

    Phrase-aware and exact; about 90 µs a call.
    """
    name = unicodedata.normalize("NFKC", name)
    full: list[str] = []
    initials: list[str] = []
    for part in lazy_pinyin(name, style=Style.NORMAL, errors=_keep):
        if part.startswith("\x00"):
            kept = "".join(ch for ch in part[1:].lower() if not ch.isspace())
            full.append(kept)
            initials.append(kept)
        elif part:
            full.append(part)
            initials.append(part[0])
    return "".join(full), "".join(initials)


@lru_cache(maxsize=1)
def _tables() -> tuple[dict[int, str], dict[int, str]]:
    from pypinyin.pinyin_dict import pinyin_dict

    full: dict[int, str] = {}
    first: dict[int, str] = {}
    for cp, readings in pinyin_dict.items():
        reading = readings.split(",")[0]
        plain = unicodedata.normalize("NFKD", reading)
        plain = "".join(ch for ch in plain if ch.isascii()).lower()
        if plain:
            full[cp] = plain
            first[cp] = plain[0]
    return full, first


def fast_keys(name: str) -> tuple[str, str]:
    """(full pinyin, initials) from each character's most common reading; ~1 µs a call.

    Less exact than `pinyin_keys` on polyphones; used for names typed at run time.
    """
    full, first = _tables()
    text = unicodedata.normalize("NFKC", name).lower()
    text = "".join(text.split())
    return text.translate(full), text.translate(first)
