"""Texts of the printing use cases (checklists, inspection records, coverage summaries), in Chinese and English."""

from __future__ import annotations

from villagepost.core.messages import register

register({
    "print.unknown_station": ("站点编码 {code} 不在登记册中", "the station code {code} is not in the registry"),
    "print.no_stations": ("{code} 范围内没有运营或暂停中的站点，没有可打印的检查表", "no operating or suspended stations under {code}: no checklist to print"),
    "print.no_output": ("请给出输出文件（OUT.pdf）或用 --split 目录", "give an output file (OUT.pdf) or --split DIR"),
    "print.need_target": ("请用 --station、--scope、--inspection 或 --blank 说明要打印什么", "say what to print with --station, --scope, --inspection or --blank"),
    "print.checklists_done": ("已打印 {sheets} 份检查表，共 {pages} 页：{where}", "printed {sheets} checklists, {pages} pages: {where}"),
    "print.inspection_done": ("已打印检查记录 {id}（{pages} 页）：{where}", "printed inspection record {id} ({pages} pages): {where}"),
    "print.missing_chars": ("注意：字库中没有以下字符，已印为“〓”：{chars}", "note: the font lacks these characters, printed as 〓: {chars}"),
    "print.printing": ("正在打印", "printing"),
    "print.summary_done": ("已生成覆盖率汇总表（{scope}，{on}）：{where}", "coverage summary written ({scope}, {on}): {where}"),
    "print.bad_level": ("--level “{value}”无法识别，请用 city、county、township 或 village（也可写 市、县、乡镇、村）", "--level '{value}' is not city, county, township or village"),
    "print.bad_date": ("日期“{value}”无法识别，请写成 2025-06-30 这样的完整日期", "the date '{value}' is not a full date such as 2025-06-30"),
})
