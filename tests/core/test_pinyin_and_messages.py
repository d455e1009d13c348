from __future__ import annotations

from villagepost.core.messages import CATALOGUE, tr
from villagepost.core.pinyin import fast_keys, pinyin_keys


def test_pinyin_keys_are_phrase_aware() -> None:
    assert pinyin_keys("永吉县") == ("yongjixian", "yjx")
    assert pinyin_keys("重庆市") == ("chongqingshi", "cqs")
    assert pinyin_keys("长春市") == ("changchunshi", "ccs")


def test_pinyin_keeps_non_chinese_and_astral_characters() -> None:
    assert pinyin_keys("第1居委会（东区）")[1] == "d1jwh(dq)"
    full, initials = pinyin_keys("莫𡐓村委会")
    assert full.startswith("mo") and initials.startswith("m")


def test_fast_keys_agree_on_common_names() -> None:
    for name in ("永吉县", "银川市", "平罗县", "姚伏镇"):
        assert fast_keys(name) == pinyin_keys(name)


def _import_every_module() -> None:
    """Messages register when their module is imported: import them all (but the window) first."""
    import importlib
    import pkgutil

    import villagepost

    for info in pkgutil.walk_packages(villagepost.__path__, "villagepost."):
        if not info.name.startswith(("villagepost.gui", "villagepost.__main__")):
            importlib.import_module(info.name)


def test_every_message_has_both_languages_and_matching_placeholders() -> None:
    import string

    _import_every_module()
    for key, (zh, en) in CATALOGUE.items():
        assert zh and en, key
        fields_zh = {f for _, f, _, _ in string.Formatter().parse(zh) if f}
        # English may take a parameter's English form: {level} in Chinese, {level_en} in English.
        fields_en = {f.removesuffix("_en") for _, f, _, _ in string.Formatter().parse(en) if f}
        assert fields_zh == fields_en, key


def test_tr_falls_back_to_the_key() -> None:
    assert tr("no.such.key") == "no.such.key"
    assert tr("db.locked", "en", {"db": "x"}).startswith("the database 'x'")
