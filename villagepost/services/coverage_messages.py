"""Texts of coverage, targets and pacing (services and the `coverage`, `target`, `pacing` commands)."""

from __future__ import annotations

from villagepost.core.messages import register

register({
    "coverage.nation": ("全国", "the whole country"),
    "coverage.level_not_below": (
        "层级“{level}”不在{scope_name}（{scope}，{scope_level}级）之下：下级统计只能按更低的层级（{allowed}）",
        "the level '{level_en}' is not below {scope_name} ({scope}, {scope_level_en}); use a lower level ({allowed_en})",
    ),
    "coverage.no_level_below": (
        "{scope} 是村级单位，没有下级单位可统计",
        "{scope} is a village-level unit: there are no units below it",
    ),
    "coverage.bad_level": (
        "无法识别的层级“{value}”，可用：province/city/county/township/village 或 省/市/县/乡镇/村",
        "unknown level '{value}'; use province, city, county, township or village (省/市/县/乡镇/村)",
    ),
    "coverage.bad_date": (
        "无法识别的日期“{value}”，请写成 年-月-日，例如 2024-12-31",
        "'{value}' is not a date; write it as YYYY-MM-DD, e.g. 2024-12-31",
    ),
    "coverage.setting_not_allowed": (
        "用户“{actor}”只能修改 {scopes} 范围内的数据，不能更改整个登记册的统计口径",
        "user '{actor}' may change only {scopes}, not a setting of the whole registry",
    ),
    "coverage.bad_switch": (
        "无法识别的取值“{value}”，请用 on 或 off（开 / 关）",
        "'{value}' is neither on nor off",
    ),
    "coverage.village_like_on": ("计入类似村委会（代码 500–599）", "村委会 and 类似村委会 (VVV 200–399 and 500–599)"),
    "coverage.village_like_off": ("只计村委会（代码 200–399）", "村委会 only (VVV 200–399)"),
    "target.out_of_scope": (
        "范围 {scope} 不在用户“{actor}”可修改的范围（{scopes}）内",
        "the scope {scope} is outside what user '{actor}' may change ({scopes})",
    ),
    "target.village_scope": (
        "{scope} 是村级单位：目标定在省、市、县或乡镇",
        "{scope} is a village-level unit: set targets for a province, city, county or township",
    ),
    "target.rate_range": (
        "覆盖率目标 {value}% 不在 0 到 100% 之间（须大于 0，最多 100%），例如 85 或 85%",
        "a coverage target of {value}% is outside (0, 100]; e.g. 85 or 85%",
    ),
    "target.rate_not_number": (
        "覆盖率目标“{value}”不是数字，请写成百分数，例如 85 或 85%",
        "the coverage target '{value}' is not a number; write a percentage such as 85 or 85%",
    ),
    "target.count_invalid": (
        "站点数量目标“{value}”应为正整数",
        "the station count target '{value}' must be a whole number above 0",
    ),
    "target.count_needs_type": (
        "站点数量目标要指定统计的站点类型（{types}）",
        "a station count target names the station type it counts ({types})",
    ),
    "target.rate_with_type": (
        "覆盖率目标按建制村计算，不指定站点类型",
        "a coverage target counts 建制村, not stations of a type",
    ),
    "target.type_unknown": (
        "无法识别的站点类型“{value}”，可用：{types}",
        "unknown station type '{value}'; use one of: {types}",
    ),
    "target.need_value": (
        "请给出目标值：覆盖率用 --rate（例如 --rate 85），站点数量用 --count 和 --type",
        "give the target's value: --rate for coverage (e.g. --rate 85), or --count with --type for stations",
    ),
    "target.rate_and_count": (
        "一个目标只能是覆盖率（--rate）或站点数量（--count），不能同时给出",
        "a target is either a coverage rate (--rate) or a station count (--count), not both",
    ),
    "target.not_found": ("目标 #{id} 不存在", "there is no target #{id}"),
    "target.saved": ("已保存目标 #{id}：{text}", "target #{id} saved: {text}"),
    "target.removed": ("已撤下目标 #{id}（记录保留在修改记录中）", "target #{id} removed (it stays on record)"),
    "pacing.not_at_pace": ("按当前进度无法实现", "not at the current pace"),
})
