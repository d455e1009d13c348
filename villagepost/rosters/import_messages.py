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

register({
    "import.reading": ("正在读取花名册", "reading the roster"),
    "import.code_missing": (
        "缺少区划代码：每行都需要12位区划代码才能对应到建制村",
        "the division code is missing: every row needs the 12-digit code of its village",
    ),
    "import.station_name_defaulted": (
        "站点名称为空，按“{name}”登记",
        "the station name is empty; recorded as '{name}'",
    ),
    "import.summary.ok": (
        "导入完成：读取 {rows_read} 行，建制村 {villages_imported} 个，站点 {stations_imported} 个（新增 {stations_created}，更新 {stations_updated}，未变 {stations_unchanged}）。",
        "imported: {rows_read} rows read, {villages_imported} villages, {stations_imported} stations ({stations_created} new, {stations_updated} updated, {stations_unchanged} unchanged).",
    ),
    "import.summary.partial": (
        "部分导入：读取 {rows_read} 行，{rows_rejected} 行有错误未导入；已导入建制村 {villages_imported} 个，站点 {stations_imported} 个（新增 {stations_created}，更新 {stations_updated}，未变 {stations_unchanged}）。请把错误报告发回乡镇修改。",
        "partly imported: {rows_read} rows read, {rows_rejected} rows with errors not imported; {villages_imported} villages and {stations_imported} stations imported ({stations_created} new, {stations_updated} updated, {stations_unchanged} unchanged). Send the error report back to the township.",
    ),
    "import.summary.strict": (
        "严格模式：{rows_rejected} 行有错误，整个文件未导入，登记册保持原样。",
        "strict mode: {rows_rejected} rows have errors, so nothing was imported; the registry is unchanged.",
    ),
    "import.summary.ok_dry": (
        "试导入（未保存）：读取 {rows_read} 行，可导入建制村 {villages_imported} 个，站点 {stations_imported} 个（新增 {stations_created}，更新 {stations_updated}，未变 {stations_unchanged}）。",
        "dry run (nothing saved): {rows_read} rows read; would import {villages_imported} villages and {stations_imported} stations ({stations_created} new, {stations_updated} updated, {stations_unchanged} unchanged).",
    ),
    "import.summary.partial_dry": (
        "试导入（未保存）：读取 {rows_read} 行，{rows_rejected} 行有错误；可导入建制村 {villages_imported} 个，站点 {stations_imported} 个。",
        "dry run (nothing saved): {rows_read} rows read, {rows_rejected} rows with errors; would import {villages_imported} villages and {stations_imported} stations.",
    ),
    "import.served_unknown": (
        "服务村“{value}”在{county}找不到（请填本县的村名或12位区划代码）",
        "served village '{value}' is not found in {county} (write a village name of the county or its 12-digit code)",
    ),
    "import.served_ambiguous": (
        "服务村“{value}”在{county}有{count}个同名村：{matches}。请在村名前写上乡镇名（如“{example}”），或填12位区划代码",
        "served village '{value}' matches {count} villages of {county}: {matches}; write the township before it "
        "(e.g. '{example}') or the 12-digit code",
    ),
    "import.served_code_unknown": (
        "服务村区划代码 {value} 不在登记册的村级区划代码中",
        "served village code {value} is not a village-level code of the registry",
    ),
    "import.served_retired": (
        "服务村区划代码 {value} 已在新版区划代码中撤销",
        "served village code {value} was retired by a newer edition of the codes",
    ),
    "import.served_self": (
        "服务村“{value}”就是站点所在村，不用再填",
        "served village '{value}' is the village the station stands in; leave it out",
    ),
    "import.served_other_county": (
        "服务村“{value}”属于{other}，不在站点所在的{county}（服务村须在同一县内）",
        "served village '{value}' lies in {other}, not in the station's county {county} (served villages must be in "
        "the same county)",
    ),
})
