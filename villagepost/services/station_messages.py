"""Texts of the station editor and the station commands (add, edit, merge, close, reopen, undo)."""

from __future__ import annotations

from villagepost.core.messages import register

register({
    "station.invalid": ("站点信息有误：{details}", "the station cannot be saved: {details}"),
    "station.field": ("{field}：{detail}", "{field}: {detail}"),
    "station.stale": ("站点“{code}”已被 {by} 于 {at} 修改（现为第 {version} 版，您的修改基于第 {expected} 版），"
                      "本次修改未保存。不同之处（您的 / 已保存的）：{details}。请重新打开后再改",
                      "station '{code}' was changed by {by} at {at} (now version {version}; your edit started from "
                      "version {expected}) and your change was not saved. Differences (yours / stored): {details}. "
                      "Reopen it and edit again"),
    "station.not_found": ("找不到站点“{code}”", "no station with the code '{code}'"),
    "station.name_required": ("站点名称不能为空", "the station name is empty"),
    "station.name_taken": ("村“{village}”已有名为“{name}”的站点（{code}）",
                           "village '{village}' already has a station named '{name}' ({code})"),
    "station.village_unknown": ("区划代码“{code}”不是登记库中的村级单位", "'{code}' is not a village-level unit of the registry"),
    "station.village_retired": ("区划代码“{code}”已撤销，不能再设站点", "the unit '{code}' is retired; no station can be added to it"),
    "station.out_of_scope": ("用户“{actor}”无权修改“{code}”（可修改范围：{scopes}）",
                             "user '{actor}' may not change '{code}' (allowed: {scopes})"),
    "station.served_out_of_scope": (
        "用户“{actor}”不能让站点服务其修改范围（{scopes}）以外的村“{code}”；这要由县级管理员办理",
        "user '{actor}' may not make a station serve the village '{code}', which lies outside their scope "
        "({scopes}); a county clerk can do it"),
    "station.unserve_out_of_scope": (
        "村“{code}”在用户“{actor}”的修改范围（{scopes}）以外，不能取消站点对它的服务；这要由县级管理员办理",
        "the village '{code}' lies outside the scope of user '{actor}' ({scopes}), so they may not stop a "
        "station serving it; a county clerk can do it"),
    "station.cover_out_of_scope": (
        "这项修改会改变村“{code}”的覆盖情况，但该村在用户“{actor}”的修改范围（{scopes}）以外，未保存；"
        "这要由县级管理员办理",
        "this change would alter the coverage of the village '{code}', which lies outside the scope of user "
        "'{actor}' ({scopes}); nothing was saved — a county clerk can do it"),
    "station.roster_older": (
        "花名册中站点 {code} 的类型为“{roster_type}”，但登记册记载该站自 {since} 起已是“{current}”（其后的合并或类型变更）。"
        "花名册早于这段历史，保留登记册的记载",
        "the roster gives station {code} the type '{roster_type}', but the registry records it as '{current}' since "
        "{since} (a later merger or type change); the roster is older than that history, which is kept"),
    "station.served_other_county": ("服务村“{code}”不在站点所在的县（{county}）", "served village '{code}' is not in the station's county ({county})"),
    "station.too_many_items": ("最多{limit}项，这里有{count}项", "at most {limit} items; there are {count}"),
    "station.merge_other_county": ("站点“{code}”与“{successor}”不在同一个县，不能合并", "the station '{code}' is not in the same county as '{successor}'; they cannot merge"),
    "station.served_self": ("服务村“{code}”就是站点所在村", "served village '{code}' is the village the station stands in"),
    "station.number": ("“{value}”不是数字", "'{value}' is not a number"),
    "station.area_range": ("面积{value}平方米不合理（应在0到10000之间）", "a floor area of {value} m² is not plausible (0 to 10000)"),
    "station.item_too_long": ("“{value}”过长（最多{limit}个字符）", "'{value}' is too long (at most {limit} characters)"),
    "station.unknown_field": ("不能修改字段“{field}”", "the field '{field}' cannot be changed"),
    "station.date_required": ("请填写日期", "a date is required"),
    "station.before_opening": ("日期{date}早于站点开通日期{opened}", "the date {date} is before the station opened ({opened})"),
    "station.not_operating": ("站点“{code}”在{date}不在运营（{status}）", "station '{code}' is not operating on {date} ({status})"),
    "station.not_open_yet": ("站点“{code}”在{date}尚未开通（计为开通的日期：{opened}）。没有开通日期的站点从登记之日算起，"
                             "请先用“修改”填写它的开通日期",
                             "station '{code}' had not opened by {date} (counted as open from {opened}). A station without an "
                             "opening date counts from the day it was recorded: fill in its opening date first"),
    "station.not_closed": ("站点“{code}”在{date}并未暂停或关闭（{status}）",
                           "station '{code}' is neither suspended nor closed on {date} ({status})"),
    "station.merge_self": ("合并的站点不能包含继承站点本身", "the merged stations cannot include the successor itself"),
    "station.merge_none": ("请指定至少一个被合并的站点", "name at least one station to merge"),
    "station.merge_repeat": ("站点“{code}”重复出现", "station '{code}' is named twice"),
    "station.merge_closed": ("继承站点“{code}”在{date}已关闭", "the successor '{code}' is closed on {date}"),
    "station.merge_type": ("合并后的类型必须是综合站点（村邮站+快递超市或综合服务站），不是“{value}”",
                           "the merged station must be combined (村邮站+快递超市 or 综合服务站), not '{value}'"),
    "station.event_unknown": ("找不到历史记录 #{event}", "no history event #{event}"),
    "station.event_reverted": ("历史记录 #{event} 已被 #{by} 撤销", "history event #{event} was already undone by #{by}"),
    "station.same_type": ("站点已是“{value}”", "the station already is '{value}'"),
    "station.planned_has_date": ("筹建中的站点没有开通日期", "a planned station has no opening date"),
})

#: Field names as the editor and the messages show them
FIELD_LABELS: dict[str, tuple[str, str]] = {
    "village_code": ("所在村", "village"),
    "name": ("站点名称", "name"),
    "station_type": ("站点类型", "type"),
    "coop": ("合作模式", "cooperation mode"),
    "operator": ("运营主体", "operator"),
    "contact": ("联系人", "contact"),
    "phone": ("联系电话", "phone"),
    "lon": ("经度", "longitude"),
    "lat": ("纬度", "latitude"),
    "opened": ("开通日期", "opening date"),
    "services": ("服务项目", "services"),
    "brands": ("合作快递品牌", "express brands"),
    "floor_area": ("面积（平方米）", "floor area (m²)"),
    "served": ("服务村", "served villages"),
    "notes": ("备注", "notes"),
    "on": ("日期", "date"),
    "new_type": ("合并后类型", "type after merging"),
}
