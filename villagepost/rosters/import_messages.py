"""Texts of the roster import's registry checks and summaries, in Chinese and English."""

from __future__ import annotations

from villagepost.core.messages import register

register({
    "import.duplicate_code": (
        "区划代码 {value} 重复：与第 {first} 行相同（以第一次出现的为准，本行未导入）",
        "division code {value} repeats row {first} (the first occurrence wins; this row was not imported)",
    ),
    "import.unknown_code": (
        "区划代码 {value} 不在登记册的区划代码中（不存在，或该县尚未载入区划代码）",
        "division code {value} is not in the registry's division codes (no such village, or its county is not loaded)",
    ),
    "import.retired_code": (
        "区划代码 {value} 已在新版区划代码中撤销，请核对现行代码",
        "division code {value} was retired by a newer edition of the codes; check the current code",
    ),
    "import.code_not_in_county": (
        "区划代码 {code} 属于“{official}”，不是本行填写的“{value}”",
        "division code {code} belongs to {official}, not to '{value}' as written",
    ),
    "import.code_not_in_township": (
        "区划代码 {code} 属于“{official}”，不是本行填写的“{value}”",
        "division code {code} belongs to {official}, not to '{value}' as written",
    ),
    "import.name_mismatch": (
        "村名“{value}”与区划代码 {code} 的正式名称“{official}”不符，请核对代码或村名",
        "village name '{value}' does not match the official name '{official}' of code {code}; check the code or the name",
    ),
    "import.name_variant": (
        "村名“{value}”按正式名称“{official}”登记",
        "village name '{value}' recorded under its official name '{official}'",
    ),
    "import.out_of_scope": (
        "区划代码 {value} 不在用户“{actor}”可修改的范围（{scopes}）内",
        "division code {value} is outside what user '{actor}' may change ({scopes})",
    ),
})
