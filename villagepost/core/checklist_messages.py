"""Texts of checklist templates and inspections (refusals and summaries), in Chinese and English."""

from __future__ import annotations

from villagepost.core.messages import register

register({
    # --- templates ------------------------------------------------------------------------------
    "checklist.no_title": ("检查表标题为空，请填写标题", "the checklist title is empty"),
    "checklist.title_too_long": ("检查表标题过长（{length} 字，最多 {limit} 字）", "the checklist title is too long ({length} characters, at most {limit})"),
    "checklist.no_items": ("检查表中没有检查项目", "the checklist holds no items"),
    "checklist.too_many_items": ("检查项目过多（{count} 项，最多 {limit} 项）", "too many checklist items ({count}, at most {limit})"),
    "checklist.item_no_text": ("第 {row} 行：检查内容为空", "row {row}: the item text is empty"),
    "checklist.item_no_category": ("第 {row} 行：没有类别（第一项必须填写类别，其后留空表示沿用上一行的类别）", "row {row}: no category (the first item needs one; a blank category continues the one above)"),
    "checklist.category_too_long": ("第 {row} 行：类别过长（{length} 字，最多 {limit} 字）", "row {row}: the category is too long ({length} characters, at most {limit})"),
    "checklist.text_too_long": ("第 {row} 行：检查内容过长（{length} 字，最多 {limit} 字）", "row {row}: the item text is too long ({length} characters, at most {limit})"),
    "checklist.duplicate_item": ("第 {row} 行：检查内容“{text}”与第 {first} 行重复", "row {row}: the item '{text}' repeats row {first}"),
    "checklist.scope_level": ("检查表按县（或市、省）设置：{code}（{name}）是{level}级代码，请输入县级及以上代码", "a checklist belongs to a county (or a city or province): {code} ({name}) is a {level_en} code"),
    "checklist.out_of_scope": ("用户“{actor}”无权修改 {code} 的检查表", "user '{actor}' may not change the checklist of {code}"),
    "checklist.no_sheet": ("“{file}”中没有找到检查表：需要一个表头含“类别”和“检查内容”的工作表", "no checklist in '{file}': no sheet has a header with 类别 (category) and 检查内容 (item) columns"),
    "checklist.saved": ("已保存 {scope} 的检查表“{title}”：{count} 项", "saved the checklist '{title}' of {scope}: {count} items"),
    "checklist.reset": ("已删除 {scope} 自己的检查表，今后使用{fallback}", "removed the own checklist of {scope}; from now on it uses {fallback}"),
    "checklist.reset_none": ("{scope} 没有自己的检查表，无需删除", "{scope} has no checklist of its own; nothing removed"),
    "checklist.exported": ("已导出检查表“{title}”（{count} 项）到 {path}", "exported the checklist '{title}' ({count} items) to {path}"),
    # --- inspections ----------------------------------------------------------------------------
    "inspection.unknown_station": ("站点编码 {code} 不在登记册中", "the station code {code} is not in the registry"),
    "inspection.out_of_scope": ("用户“{actor}”无权为站点 {code} 登记检查结果", "user '{actor}' may not record inspections of station {code}"),
    "inspection.no_inspector": ("请填写检查人", "the inspector is missing"),
    "inspection.inspector_too_long": ("检查人姓名过长（最多 {limit} 字）", "the inspector's name is too long (at most {limit} characters)"),
    "inspection.no_date": ("请填写检查日期", "the inspection date is missing"),
    "inspection.bad_date": ("检查日期“{value}”无法识别，请写成 2025-06-01 这样的完整日期", "the inspection date '{value}' is not a full date such as 2025-06-01"),
    "inspection.future_date": ("检查日期 {value} 晚于今天", "the inspection date {value} is after today"),
    "inspection.remark_too_long": ("{what}过长（最多 {limit} 字）", "{what} is too long (at most {limit} characters)"),
    "inspection.unknown_items": ("以下检查内容不在该站点适用的检查表“{title}”中（检查表可能已修改，请重新生成填报表）：{items}", "these items are not in the station's checklist '{title}' (it may have been edited; make a new form): {items}"),
    "inspection.missing_items": ("以下检查项目没有填写结果（是/否/不适用）：{items}", "these items have no result (是/否/不适用): {items}"),
    "inspection.duplicate_item": ("检查项目“{text}”填写了两次", "the item '{text}' is answered twice"),
    "inspection.bad_result": ("第 {row} 行：结果“{value}”无法识别，请填写 是、否 或 不适用", "row {row}: the result '{value}' is not 是 (yes), 否 (no) or 不适用 (not applicable)"),
    "inspection.not_a_form": ("“{file}”不是村邮通检查填报表：没有找到“站点编码”和“检查内容”表头。请用 villagepost inspection form 生成填报表", "'{file}' is not a VillagePost inspection form (no 站点编码 and 检查内容 headers); make one with villagepost inspection form"),
    "inspection.unknown": ("检查记录 {id} 不存在", "there is no inspection record {id}"),
    "inspection.recorded": ("已登记检查记录 {id}：站点 {code}（{name}），{date}，检查人 {inspector}；是 {passed} 项，否 {failed} 项，不适用 {na} 项", "recorded inspection {id}: station {code} ({name}), {date}, inspector {inspector}; {passed} yes, {failed} no, {na} not applicable"),
    "inspection.deleted": ("已撤下检查记录 {id}（记录保留在修改记录中）", "inspection record {id} removed (it stays on record)"),
    "inspection.form_written": ("已生成站点 {code} 的检查填报表（{count} 项）：{path}", "inspection form of station {code} ({count} items) written: {path}"),
    "inspection.bad_months": ("--months 应为 1 到 120 之间的整数", "--months must be a whole number from 1 to 120"),
})
