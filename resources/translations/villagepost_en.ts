<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="en" sourcelanguage="zh_CN">
<context>
    <name>CheckPage</name>
    <message>
        <location filename="../../villagepost/gui/import_check_page.py" line="41"/>
        <source>检查</source>
        <translation>Check</translation>
    </message>
    <message>
        <location filename="../../villagepost/gui/import_check_page.py" line="68"/>
        <source>有任何问题时整个文件都不导入</source>
        <translation>Import nothing if any row has a problem</translation>
    </message>
    <message>
        <location filename="../../villagepost/gui/import_check_page.py" line="70"/>
        <source>保存错误报告…</source>
        <translation>Save error report…</translation>
    </message>
    <message>
        <location filename="../../villagepost/gui/import_check_page.py" line="114"/>
        <source>正在检查…</source>
        <translation>Checking…</translation>
    </message>
    <message>
        <location filename="../../villagepost/gui/import_check_page.py" line="149"/>
        <source>正在读取第 {row} 行…</source>
        <translation>Reading row {row}…</translation>
    </message>
    <message>
        <location filename="../../villagepost/gui/import_check_page.py" line="42"/>
        <source>逐行检查花名册，尚未写入登记册。双击一条问题可查看该行。有问题的行不会导入，其他行照常导入。点“导入”才写入登记册。</source>
        <translation>The roster is checked row by row; nothing is written to the registry yet. Double-click a problem to see its row. Rows with problems are not imported; the others are. Nothing is written until you click Import.</translation>
    </message>
    <message>
        <location filename="../../villagepost/gui/import_check_page.py" line="46"/>
        <source>导入</source>
        <translation>Import</translation>
    </message>
    <message>
        <location filename="../../villagepost/gui/import_check_page.py" line="64"/>
        <source>将更新的站点 / 字段</source>
        <translation>Stations / fields to update</translation>
    </message>
    <message>
        <location filename="../../villagepost/gui/import_check_page.py" line="64"/>
        <source>原值</source>
        <translation>Old value</translation>
    </message>
    <message>
        <location filename="../../villagepost/gui/import_check_page.py" line="64"/>
        <source>新值</source>
        <translation>New value</translation>
    </message>
    <message>
        <location filename="../../villagepost/gui/import_check_page.py" line="98"/>
        <source>导入不会修改已登记的站点。</source>
        <translation>The import changes no registered station.</translation>
    </message>
    <message>
        <location filename="../../villagepost/gui/import_check_page.py" line="101"/>
        <source>导入将修改已登记的站点 {n} 个（展开查看修改的内容）：</source>
        <translation>The import changes {n} registered stations (expand to see what changes):</translation>
    </message>
    <message>
        <location filename="../../villagepost/gui/import_check_page.py" line="103"/>
        <source>第{row}行 {village} {name}（{code}）</source>
        <translation>Row {row} {village} {name} ({code})</translation>
    </message>
    <message>
        <location filename="../../villagepost/gui/import_check_page.py" line="105"/>
        <source>{n} 项</source>
        <translation>{n} fields</translation>
    </message>
</context>
<context>
    <name>ChecklistEditor</name>
    <message>
        <location filename="../../villagepost/gui/checklist_editor.py" line="96"/>
        <source>本省</source>
        <extracomment>a category&apos;s name before the current edit (a blank name is refused and the old one restored)</extracomment>
        <translation>this province</translation>
    </message>
    <message>
        <location filename="../../villagepost/gui/checklist_editor.py" line="96"/>
        <source>本市</source>
        <translation>this city</translation>
    </message>
    <message>
        <location filename="../../villagepost/gui/checklist_editor.py" line="98"/>
        <source>{unit}自己的检查表。</source>
        <translation>The own checklist of {unit}.</translation>
    </message>
    <message>
        <location filename="../../villagepost/gui/checklist_editor.py" line="99"/>
        <location filename="../../villagepost/gui/checklist_editor.py" line="103"/>
        <location filename="../../villagepost/gui/checklist_editor.py" line="105"/>
        <source>本县</source>
        <translation>this county</translation>
    </message>
    <message>
        <location filename="../../villagepost/gui/checklist_editor.py" line="101"/>
        <source>沿用{name}（{code}）的检查表；保存后成为{unit}自己的检查表。</source>
        <translation>Inherits the checklist of {name} ({code}); saving makes it the own checklist of {unit}.</translation>
    </message>
    <message>
        <location filename="../../villagepost/gui/checklist_editor.py" line="104"/>
        <source>使用程序自带的默认检查表；保存后成为{unit}自己的检查表。</source>
        <translation>Uses the default checklist shipped with the program; saving makes it the own checklist of {unit}.</translation>
    </message>
</context>
<context>
    <name>ChecklistEditorDialog</name>
    <message>
        <location filename="../../villagepost/gui/checklist_editor.py" line="141"/>
        <location filename="../../villagepost/gui/checklist_editor.py" line="483"/>
        <location filename="../../villagepost/gui/checklist_editor.py" line="658"/>
        <source>检查表模板</source>
        <extracomment>emitted after the template was read (at start, after saving, resetting and importing) emitted with the stored Checklist after a save or an import</extracomment>
        <translation>Checklist template</translation>
    </message>
    <message>
        <location filename="../../villagepost/gui/checklist_editor.py" line="150"/>
        <source>正在读取检查表…</source>
        <translation>Reading the checklist…</translation>
    </message>
    <message>
        <location filename="../../villagepost/gui/checklist_editor.py" line="162"/>
        <source>序号</source>
        <translation>No.</translation>
    </message>
    <message>
        <location filename="../../villagepost/gui/checklist_editor.py" line="162"/>
        <source>类别 / 检查内容（双击修改）</source>
        <translation>Category / item (double-click to edit)</translation>
    </message>
    <message>
        <location filename="../../villagepost/gui/checklist_editor.py" line="179"/>
        <source>添加类别</source>
        <translation>Add category</translation>
    </message>
    <message>
        <location filename="../../villagepost/gui/checklist_editor.py" line="180"/>
        <source>添加项目</source>
        <translation>Add item</translation>
    </message>
    <message>
        <location filename="../../villagepost/gui/checklist_editor.py" line="182"/>
        <source>修改文字</source>
        <translation>Edit text</translation>
    </message>
    <message>
        <location filename="../../villagepost/gui/checklist_editor.py" line="184"/>
        <source>删除</source>
        <translation>Delete</translation>
    </message>
    <message>
        <location filename="../../villagepost/gui/checklist_editor.py" line="186"/>
        <source>上移</source>
        <translation>Move up</translation>
    </message>
    <message>
        <location filename="../../villagepost/gui/checklist_editor.py" line="188"/>
        <source>下移</source>
        <translation>Move down</translation>
    </message>
    <message>
        <location filename="../../villagepost/gui/checklist_editor.py" line="194"/>
        <source>移到该类别</source>
        <translation>Move to this category</translation>
    </message>
    <message>
        <location filename="../../villagepost/gui/checklist_editor.py" line="203"/>
        <source>移到类别：</source>
        <translation>Move to category:</translation>
    </message>
    <message>
        <location filename="../../villagepost/gui/checklist_editor.py" line="208"/>
        <source>从 Excel 导入…</source>
        <translation>Import from Excel…</translation>
    </message>
    <message>
        <location filename="../../villagepost/gui/checklist_editor.py" line="209"/>
        <source>导出到 Excel…</source>
        <translation>Export to Excel…</translation>
    </message>
    <message>
        <location filename="../../villagepost/gui/checklist_editor.py" line="210"/>
        <location filename="../../villagepost/gui/checklist_editor.py" line="501"/>
        <source>恢复为上级或默认检查表</source>
        <translation>Revert to the inherited or default checklist</translation>
    </message>
    <message>
        <location filename="../../villagepost/gui/checklist_editor.py" line="211"/>
        <source>保存</source>
        <translation>Save</translation>
    </message>
    <message>
        <location filename="../../villagepost/gui/checklist_editor.py" line="214"/>
        <source>关闭</source>
        <translation>Close</translation>
    </message>
    <message>
        <location filename="../../villagepost/gui/checklist_editor.py" line="217"/>
        <source>标题：</source>
        <translation>Title:</translation>
    </message>
    <message>
        <location filename="../../villagepost/gui/checklist_editor.py" line="257"/>
        <source>{name}（{code}）的检查表</source>
        <translation>Checklist of {name} ({code})</translation>
    </message>
    <message>
        <location filename="../../villagepost/gui/checklist_editor.py" line="344"/>
        <location filename="../../villagepost/gui/checklist_editor.py" line="359"/>
        <source>新类别</source>
        <translation>New category</translation>
    </message>
    <message>
        <location filename="../../villagepost/gui/checklist_editor.py" line="383"/>
        <source>删除类别</source>
        <translation>Delete category</translation>
    </message>
    <message>
        <location filename="../../villagepost/gui/checklist_editor.py" line="384"/>
        <source>删除类别“{name}”及其下的 {count} 个检查项目？</source>
        <translation>Delete the category “{name}” and its {count} items?</translation>
    </message>
    <message>
        <location filename="../../villagepost/gui/checklist_editor.py" line="464"/>
        <source>类别名称不能为空，已恢复原来的名称。</source>
        <translation>A category needs a name; the previous name was restored.</translation>
    </message>
    <message>
        <location filename="../../villagepost/gui/checklist_editor.py" line="483"/>
        <source>（未保存）</source>
        <translation> (not saved)</translation>
    </message>
    <message>
        <location filename="../../villagepost/gui/checklist_editor.py" line="502"/>
        <source>放弃修改</source>
        <translation>Discard changes</translation>
    </message>
    <message>
        <location filename="../../villagepost/gui/checklist_editor.py" line="513"/>
        <source>已保存：{title}，共 {count} 项。</source>
        <translation>Saved: {title}, {count} items.</translation>
    </message>
    <message>
        <location filename="../../villagepost/gui/checklist_editor.py" line="548"/>
        <source>恢复检查表</source>
        <translation>Revert the checklist</translation>
    </message>
    <message>
        <location filename="../../villagepost/gui/checklist_editor.py" line="549"/>
        <source>删除{name}自己的检查表，改用上级或默认检查表？已有的检查记录不受影响。</source>
        <translation>Remove the own checklist of {name} and use the inherited or default one? Recorded inspections are not affected.</translation>
    </message>
    <message>
        <location filename="../../villagepost/gui/checklist_editor.py" line="557"/>
        <source>已删除自己的检查表，现在：{origin}</source>
        <translation>Removed the own checklist. Now: {origin}</translation>
    </message>
    <message>
        <location filename="../../villagepost/gui/checklist_editor.py" line="565"/>
        <source>从 Excel 导入</source>
        <translation>Import from Excel</translation>
    </message>
    <message>
        <location filename="../../villagepost/gui/checklist_editor.py" line="565"/>
        <source>导入的检查表将替换当前未保存的修改。继续吗？</source>
        <translation>The imported checklist replaces the unsaved changes. Continue?</translation>
    </message>
    <message>
        <location filename="../../villagepost/gui/checklist_editor.py" line="568"/>
        <source>选择检查表工作簿</source>
        <translation>Choose the checklist workbook</translation>
    </message>
    <message>
        <location filename="../../villagepost/gui/checklist_editor.py" line="581"/>
        <source>已从 {file} 导入并保存：{title}，共 {count} 项。</source>
        <translation>Imported from {file} and saved: {title}, {count} items.</translation>
    </message>
    <message>
        <location filename="../../villagepost/gui/checklist_editor.py" line="587"/>
        <source>没有导入：{reason}</source>
        <translation>Not imported: {reason}</translation>
    </message>
    <message>
        <location filename="../../villagepost/gui/checklist_editor.py" line="598"/>
        <source>导出到 Excel</source>
        <translation>Export to Excel</translation>
    </message>
    <message>
        <location filename="../../villagepost/gui/checklist_editor.py" line="598"/>
        <source>检查表有未保存的修改，导出前需要先保存。现在保存吗？</source>
        <translation>The checklist has unsaved changes, which must be saved before exporting. Save now?</translation>
    </message>
    <message>
        <location filename="../../villagepost/gui/checklist_editor.py" line="604"/>
        <source>导出检查表</source>
        <translation>Export the checklist</translation>
    </message>
    <message>
        <location filename="../../villagepost/gui/checklist_editor.py" line="617"/>
        <source>已导出到 {path}（{count} 项）。</source>
        <translation>Exported to {path} ({count} items).</translation>
    </message>
    <message>
        <location filename="../../villagepost/gui/checklist_editor.py" line="658"/>
        <source>检查表的修改还没有保存。要保存吗？</source>
        <translation>The changes to the checklist are not saved yet. Save them?</translation>
    </message>
</context>
<context>
    <name>CoverageBarChart</name>
    <message>
        <location filename="../../villagepost/gui/coverage_bars.py" line="55"/>
        <source>覆盖率（%）</source>
        <extracomment>top of the rate axis: a little above 100% so the 100% line and the labels on full bars stay inside the x range holds at least this many bar slots</extracomment>
        <translation>Coverage (%)</translation>
    </message>
    <message>
        <location filename="../../villagepost/gui/coverage_bars.py" line="124"/>
        <source>{rate} 已过期</source>
        <extracomment>the right-hand axis&apos; target names: (rate in %, text)</extracomment>
        <translation>{rate} past</translation>
    </message>
    <message>
        <location filename="../../villagepost/gui/coverage_bars.py" line="125"/>
        <source>{rate} {day}</source>
        <translation>{rate} {day}</translation>
    </message>
    <message>
        <location filename="../../villagepost/gui/coverage_bars.py" line="196"/>
        <source>{name}（{code}）
建制村 {total} 个，已覆盖 {covered} 个，覆盖率 {rate}
点击查看该单位</source>
        <translation>{name} ({code})
{total} 建制村, {covered} covered, {rate}
Click to open this unit</translation>
    </message>
</context>
<context>
    <name>CrashDialog</name>
    <message>
        <location filename="../../villagepost/gui/crash_dialog.py" line="19"/>
        <source>村邮通 — 程序错误</source>
        <translation>VillagePost — program error</translation>
    </message>
    <message>
        <location filename="../../villagepost/gui/crash_dialog.py" line="23"/>
        <source>（无法写入日志文件，请复制下面的内容）</source>
        <translation>(the log file could not be written; please copy the text below)</translation>
    </message>
    <message>
        <location filename="../../villagepost/gui/crash_dialog.py" line="25"/>
        <source>村邮通遇到了一个程序错误，当前操作没有完成。
已经保存的数据不受影响。

错误详情已记录到日志文件：
{path}

请把这个文件发给技术支持。可以继续使用，也可以退出后重新打开村邮通。</source>
        <translation>VillagePost met a program error; the current action was not completed.
Data already saved is not affected.

The details were written to the log file:
{path}

Please send this file to support. You can go on working, or quit and open VillagePost again.</translation>
    </message>
    <message>
        <location filename="../../villagepost/gui/crash_dialog.py" line="38"/>
        <source>继续使用</source>
        <translation>Continue</translation>
    </message>
    <message>
        <location filename="../../villagepost/gui/crash_dialog.py" line="39"/>
        <source>退出村邮通</source>
        <translation>Quit VillagePost</translation>
    </message>
    <message>
        <location filename="../../villagepost/gui/crash_dialog.py" line="40"/>
        <source>复制详情</source>
        <translation>Copy details</translation>
    </message>
    <message>
        <location filename="../../villagepost/gui/crash_dialog.py" line="41"/>
        <source>打开日志文件夹</source>
        <translation>Open the log folder</translation>
    </message>
</context>
<context>
    <name>DashboardTab</name>
    <message>
        <location filename="../../villagepost/gui/dashboard.py" line="67"/>
        <source>各省（自治区、直辖市）</source>
        <translation>provinces</translation>
    </message>
    <message>
        <location filename="../../villagepost/gui/dashboard.py" line="68"/>
        <source>各市（州、盟）</source>
        <translation>cities</translation>
    </message>
    <message>
        <location filename="../../villagepost/gui/dashboard.py" line="69"/>
        <source>各县（市、区）</source>
        <translation>counties</translation>
    </message>
    <message>
        <location filename="../../villagepost/gui/dashboard.py" line="70"/>
        <source>各乡镇（街道）</source>
        <translation>townships</translation>
    </message>
    <message>
        <location filename="../../villagepost/gui/dashboard.py" line="71"/>
        <source>各村</source>
        <translation>villages</translation>
    </message>
    <message>
        <location filename="../../villagepost/gui/dashboard.py" line="135"/>
        <source>统计截至哪一天（默认今天）：覆盖率、曲线的最后一点、目标进度都按这一天计算</source>
        <extracomment>a unit&apos;s code, when the user asks to go to it (a bar, a lagging unit) emitted when a read has been drawn (tests and the status bar wait for it) emitted after the targets were changed through the targets dialog file dialog for exports: suggested file name -&gt; chosen path, or None when cancelled</extracomment>
        <translation>The day the figures are for (default today): coverage, the curve’s last point and the pace against the targets</translation>
    </message>
    <message>
        <location filename="../../villagepost/gui/dashboard.py" line="141"/>
        <source>编辑目标…</source>
        <translation>Edit targets…</translation>
    </message>
    <message>
        <location filename="../../villagepost/gui/dashboard.py" line="144"/>
        <source>刷新</source>
        <translation>Refresh</translation>
    </message>
    <message>
        <location filename="../../villagepost/gui/dashboard.py" line="148"/>
        <source>截至</source>
        <translation>As of</translation>
    </message>
    <message>
        <location filename="../../villagepost/gui/dashboard.py" line="199"/>
        <source>目标与进度</source>
        <translation>Targets and pace</translation>
    </message>
    <message>
        <location filename="../../villagepost/gui/dashboard.py" line="203"/>
        <source>站点数（按类型、状态）</source>
        <translation>Stations by type and status</translation>
    </message>
    <message>
        <location filename="../../villagepost/gui/dashboard.py" line="229"/>
        <source>导出图片…</source>
        <translation>Export image…</translation>
    </message>
    <message>
        <location filename="../../villagepost/gui/dashboard.py" line="231"/>
        <source>把这张图保存为 PNG 图片（可插入汇报材料）</source>
        <translation>Save this chart as a PNG image (for reports and slides)</translation>
    </message>
    <message>
        <location filename="../../villagepost/gui/dashboard.py" line="293"/>
        <source>正在统计…</source>
        <translation>Counting…</translation>
    </message>
    <message>
        <location filename="../../villagepost/gui/dashboard.py" line="333"/>
        <source>{unit} 统计</source>
        <translation>{unit}: overview</translation>
    </message>
    <message>
        <location filename="../../villagepost/gui/dashboard.py" line="343"/>
        <source>{unit} {children}建制村覆盖率  {day}</source>
        <translation>{unit}: coverage of 建制村 by {children}  {day}</translation>
    </message>
    <message>
        <location filename="../../villagepost/gui/dashboard.py" line="348"/>
        <source>另有 {n} 个单位没有建制村（如只有居委会的街道），未画出：{names}。</source>
        <translation>{n} more units have no 建制村 (e.g. sub-districts of residents’ committees) and are not drawn: {names}. </translation>
    </message>
    <message>
        <location filename="../../villagepost/gui/dashboard.py" line="351"/>
        <source>点击柱子查看该单位。</source>
        <translation>Click a bar to open its unit.</translation>
    </message>
    <message>
        <location filename="../../villagepost/gui/dashboard.py" line="356"/>
        <source>{unit} 建制村覆盖率进度  截至 {day}</source>
        <translation>{unit}: coverage of 建制村 over time, as of {day}</translation>
    </message>
    <message>
        <location filename="../../villagepost/gui/dashboard.py" line="368"/>
        <source>还没有覆盖率目标：柱子为蓝色。设定目标后，达到目标的为绿色，未达到的为橙色。</source>
        <translation>No coverage target yet: bars are blue. With a target, units that meet it are green, the others orange. </translation>
    </message>
    <message>
        <location filename="../../villagepost/gui/dashboard.py" line="369"/>
        <source>绿色：已达到目标 {rate}（{day}）；橙色：未达到；虚线：各覆盖率目标（右侧标注）。</source>
        <translation>Green: at or above the target {rate} ({day}); orange: below it; dashed lines: the coverage targets (named on the right). </translation>
    </message>
    <message>
        <location filename="../../villagepost/gui/dashboard.py" line="374"/>
        <source>蓝线：每月末累计覆盖率（最后一点为截至日）；星号：目标；紫色虚线：按近 6 个月平均速度预测。</source>
        <translation>Blue: coverage at each month end (the last point is the day shown); stars: targets; purple dashes: projection at the average pace of the last 6 months. </translation>
    </message>
    <message>
        <location filename="../../villagepost/gui/dashboard.py" line="377"/>
        <source>本单位没有自己的目标，沿用{owner}的覆盖率目标。</source>
        <translation>No targets of its own: paced against the coverage targets of {owner}. </translation>
    </message>
    <message>
        <location filename="../../villagepost/gui/dashboard.py" line="387"/>
        <source>设定、修改、删除本单位的覆盖率或站点数目标</source>
        <translation>Set, change or remove this unit’s coverage or station count targets</translation>
    </message>
    <message>
        <location filename="../../villagepost/gui/dashboard.py" line="388"/>
        <source>目标定在省、市、县或乡镇：请先在左侧选择这样的单位</source>
        <translation>Targets belong to a province, city, county or township: select one in the tree first</translation>
    </message>
    <message>
        <location filename="../../villagepost/gui/dashboard.py" line="395"/>
        <source>导出图片</source>
        <translation>Export image</translation>
    </message>
    <message>
        <location filename="../../villagepost/gui/dashboard.py" line="396"/>
        <source>PNG 图片 (*.png)</source>
        <translation>PNG images (*.png)</translation>
    </message>
    <message>
        <location filename="../../villagepost/gui/dashboard.py" line="402"/>
        <source>覆盖率</source>
        <translation>coverage</translation>
    </message>
    <message>
        <location filename="../../villagepost/gui/dashboard.py" line="402"/>
        <source>进度曲线</source>
        <translation>pace</translation>
    </message>
    <message>
        <location filename="../../villagepost/gui/dashboard.py" line="425"/>
        <source>已导出图片：{path}</source>
        <translation>Image exported: {path}</translation>
    </message>
</context>
<context>
    <name>DayEdit</name>
    <message>
        <location filename="../../villagepost/gui/day_edit.py" line="64"/>
        <source>截止日期已过（今天是 {today}）</source>
        <extracomment>a new valid day was typed or picked (QDateEdit&apos;s signal) days before this one are accepted with a warning (a deadline already past)</extracomment>
        <translation>The deadline has passed (today is {today})</translation>
    </message>
    <message>
        <location filename="../../villagepost/gui/day_edit.py" line="68"/>
        <source>可写成 {forms}，或点右边的按钮在日历中选择</source>
        <translation>Type it as {forms}, or pick it in the calendar with the button on the right</translation>
    </message>
    <message>
        <location filename="../../villagepost/gui/day_edit.py" line="75"/>
        <source>在日历中选择</source>
        <translation>Pick in the calendar</translation>
    </message>
</context>
<context>
    <name>DemoOffer</name>
    <message>
        <location filename="../../villagepost/gui/demo_window.py" line="95"/>
        <source>正在准备示例数据…</source>
        <translation>Preparing the example data…</translation>
    </message>
    <message>
        <location filename="../../villagepost/gui/demo_window.py" line="109"/>
        <source>演示数据：示例县，可随意修改；文件 → 删除演示数据</source>
        <translation>Demo data: an example county, change anything; File → Remove demo data</translation>
    </message>
    <message>
        <location filename="../../villagepost/gui/demo_window.py" line="113"/>
        <source>删除演示数据(&amp;D)</source>
        <translation>Remove &amp;demo data</translation>
    </message>
    <message>
        <location filename="../../villagepost/gui/demo_window.py" line="143"/>
        <source>演示数据已删除。</source>
        <translation>Demo data removed.</translation>
    </message>
</context>
<context>
    <name>DivisionTreeModel</name>
    <message>
        <location filename="../../villagepost/gui/division_tree.py" line="210"/>
        <source>（已撤销）</source>
        <extracomment>code (None for the top level) -&gt; the units directly below it, in code order (covered, total) 建制村 today, once the window has asked the children of a unit (argument: its code, None for the top level) were fetched</extracomment>
        <translation> (retired)</translation>
    </message>
    <message>
        <location filename="../../villagepost/gui/division_tree.py" line="223"/>
        <source>今日已覆盖建制村 {covered:,} 个，共 {total:,} 个（{rate:.1%}）</source>
        <translation>{covered:,} of {total:,} administrative villages covered today ({rate:.1%})</translation>
    </message>
    <message>
        <location filename="../../villagepost/gui/division_tree.py" line="230"/>
        <source>名称</source>
        <translation>Name</translation>
    </message>
    <message>
        <location filename="../../villagepost/gui/division_tree.py" line="230"/>
        <source>代码</source>
        <translation>Code</translation>
    </message>
    <message>
        <location filename="../../villagepost/gui/division_tree.py" line="230"/>
        <source>覆盖</source>
        <translation>Covered</translation>
    </message>
</context>
<context>
    <name>ErrorsModel</name>
    <message>
        <location filename="../../villagepost/gui/import_errors.py" line="94"/>
        <source>行</source>
        <translation>Row</translation>
    </message>
    <message>
        <location filename="../../villagepost/gui/import_errors.py" line="94"/>
        <source>列</source>
        <translation>Column</translation>
    </message>
    <message>
        <location filename="../../villagepost/gui/import_errors.py" line="94"/>
        <source>单元格内容</source>
        <translation>Cell</translation>
    </message>
    <message>
        <location filename="../../villagepost/gui/import_errors.py" line="94"/>
        <source>问题</source>
        <translation>Problem</translation>
    </message>
    <message>
        <location filename="../../villagepost/gui/import_errors.py" line="110"/>
        <source>提醒：</source>
        <translation>Note: </translation>
    </message>
    <message>
        <location filename="../../villagepost/gui/import_errors.py" line="94"/>
        <source>村</source>
        <translation>Village</translation>
    </message>
</context>
<context>
    <name>EventDialog</name>
    <message>
        <location filename="../../villagepost/gui/station_dialogs.py" line="129"/>
        <source>日期：</source>
        <translation>Date:</translation>
    </message>
    <message>
        <location filename="../../villagepost/gui/station_dialogs.py" line="130"/>
        <source>说明：</source>
        <translation>Note:</translation>
    </message>
</context>
<context>
    <name>FilePage</name>
    <message>
        <location filename="../../villagepost/gui/import_file_page.py" line="24"/>
        <location filename="../../villagepost/gui/import_file_page.py" line="44"/>
        <source>选择花名册</source>
        <translation>Choose a roster</translation>
    </message>
    <message>
        <location filename="../../villagepost/gui/import_file_page.py" line="25"/>
        <source>选择乡镇报来的花名册：Excel（.xlsx/.xls/.xlsb）、WPS、ODS 或 CSV 都可以。表格可以是任何样式：程序会找出表头、各列的含义和数据行，下一步可以核对和修改。</source>
        <translation>Choose the roster a township sent: Excel (.xlsx/.xls/.xlsb), WPS, ODS or CSV. Any layout will do: the program finds the header, what each column holds and the data rows; the next step lets you check and change them.</translation>
    </message>
    <message>
        <location filename="../../villagepost/gui/import_file_page.py" line="29"/>
        <source>花名册文件路径</source>
        <translation>Path of the roster file</translation>
    </message>
    <message>
        <location filename="../../villagepost/gui/import_file_page.py" line="31"/>
        <source>浏览…</source>
        <translation>Browse…</translation>
    </message>
    <message>
        <location filename="../../villagepost/gui/import_file_page.py" line="45"/>
        <source>花名册 (*.xlsx *.xlsm *.xltx *.xls *.xlsb *.et *.ods *.csv *.txt);;所有文件 (*)</source>
        <translation>Rosters (*.xlsx *.xlsm *.xltx *.xls *.xlsb *.et *.ods *.csv *.txt);;All files (*)</translation>
    </message>
</context>
<context>
    <name>FilePrompts</name>
    <message>
        <location filename="../../villagepost/gui/file_prompts.py" line="28"/>
        <source>PDF 文件 (*.pdf)</source>
        <extracomment>opens a written file in the program the system uses for it lupdate finds `translate(&quot;context&quot;, &quot;text&quot;)` calls; a wrapper function would hide them.</extracomment>
        <translation>PDF files (*.pdf)</translation>
    </message>
    <message>
        <location filename="../../villagepost/gui/file_prompts.py" line="32"/>
        <source>Excel 工作簿 (*.xlsx)</source>
        <translation>Excel workbooks (*.xlsx)</translation>
    </message>
</context>
<context>
    <name>FirstStartDialog</name>
    <message>
        <location filename="../../villagepost/gui/first_start.py" line="47"/>
        <source>正在读取随程序附带的区划代码…</source>
        <extracomment>lupdate finds `translate(&quot;context&quot;, &quot;text&quot;)` calls; a wrapper function would hide them.</extracomment>
        <translation>Reading the bundled division codes…</translation>
    </message>
    <message>
        <location filename="../../villagepost/gui/first_start.py" line="48"/>
        <source>正在写入登记册</source>
        <translation>Writing the registry</translation>
    </message>
    <message>
        <location filename="../../villagepost/gui/first_start.py" line="49"/>
        <source>正在完成…</source>
        <translation>Finishing…</translation>
    </message>
    <message>
        <location filename="../../villagepost/gui/first_start.py" line="66"/>
        <source>村邮通 — 载入区划代码</source>
        <translation>VillagePost — load division codes</translation>
    </message>
    <message>
        <location filename="../../villagepost/gui/first_start.py" line="71"/>
        <source>欢迎使用村邮通！</source>
        <translation>Welcome to VillagePost!</translation>
    </message>
    <message>
        <location filename="../../villagepost/gui/first_start.py" line="71"/>
        <source>载入区划代码</source>
        <translation>Load division codes</translation>
    </message>
    <message>
        <location filename="../../villagepost/gui/first_start.py" line="74"/>
        <source>&lt;p&gt;登记站点之前，需要先载入国家统计局 {year} 年统计用区划代码（已随程序附带，无需联网）。一般只需载入本县；市、省主管部门可载入整个市、省或全国。&lt;/p&gt;&lt;p&gt;请选择要载入的范围：&lt;/p&gt;</source>
        <translation>&lt;p&gt;Before stations can be recorded, the National Bureau of Statistics&apos; {year} division codes must be loaded (they come with the program; no network needed). A county usually loads only itself; city and provincial bureaus may load a whole city, province or the country.&lt;/p&gt;&lt;p&gt;Choose what to load:&lt;/p&gt;</translation>
    </message>
    <message>
        <location filename="../../villagepost/gui/first_start.py" line="82"/>
        <source>一个县（区、县级市）— 推荐，约 1 秒</source>
        <translation>One county (district, county-level city) — recommended, about 1 s</translation>
    </message>
    <message>
        <location filename="../../villagepost/gui/first_start.py" line="83"/>
        <source>一个市（州、盟）</source>
        <translation>One city (prefecture, league)</translation>
    </message>
    <message>
        <location filename="../../villagepost/gui/first_start.py" line="84"/>
        <source>一个省（自治区、直辖市）— 需要几秒钟</source>
        <translation>One province (autonomous region, municipality) — a few seconds</translation>
    </message>
    <message>
        <location filename="../../villagepost/gui/first_start.py" line="85"/>
        <source>全国 — 约 66 万个单位，需要半分钟左右</source>
        <translation>The whole country — about 660,000 units, about half a minute</translation>
    </message>
    <message>
        <location filename="../../villagepost/gui/first_start.py" line="97"/>
        <source>请选择省份</source>
        <translation>Choose a province</translation>
    </message>
    <message>
        <location filename="../../villagepost/gui/first_start.py" line="97"/>
        <source>请选择市</source>
        <translation>Choose a city</translation>
    </message>
    <message>
        <location filename="../../villagepost/gui/first_start.py" line="98"/>
        <source>请选择县</source>
        <translation>Choose a county</translation>
    </message>
    <message>
        <location filename="../../villagepost/gui/first_start.py" line="107"/>
        <source>输入拼音首字母、名称或代码查找，如 plx → 平罗县</source>
        <translation>Find by pinyin initials, name or code, e.g. plx → 平罗县</translation>
    </message>
    <message>
        <location filename="../../villagepost/gui/first_start.py" line="121"/>
        <source>查找：</source>
        <translation>Find:</translation>
    </message>
    <message>
        <location filename="../../villagepost/gui/first_start.py" line="122"/>
        <source>省：</source>
        <translation>Province:</translation>
    </message>
    <message>
        <location filename="../../villagepost/gui/first_start.py" line="123"/>
        <source>市：</source>
        <translation>City:</translation>
    </message>
    <message>
        <location filename="../../villagepost/gui/first_start.py" line="124"/>
        <source>县：</source>
        <translation>County:</translation>
    </message>
    <message>
        <location filename="../../villagepost/gui/first_start.py" line="138"/>
        <source>载入</source>
        <translation>Load</translation>
    </message>
    <message>
        <location filename="../../villagepost/gui/first_start.py" line="141"/>
        <source>以后再说</source>
        <translation>Later</translation>
    </message>
    <message>
        <location filename="../../villagepost/gui/first_start.py" line="254"/>
        <source>请在上面选择要载入的地区。</source>
        <translation>Choose above what to load.</translation>
    </message>
    <message>
        <location filename="../../villagepost/gui/first_start.py" line="256"/>
        <source>将载入：全国所有省、市、县、乡镇和村级单位。</source>
        <translation>Will load: every province, city, county, township and village-level unit of the country.</translation>
    </message>
    <message>
        <location filename="../../villagepost/gui/first_start.py" line="260"/>
        <source>将载入：{path}（{code}）及其下辖的全部乡镇和村级单位。</source>
        <translation>Will load: {path} ({code}) with all its townships and village-level units.</translation>
    </message>
    <message>
        <location filename="../../villagepost/gui/first_start.py" line="284"/>
        <source>正在载入…</source>
        <translation>Loading…</translation>
    </message>
    <message>
        <location filename="../../villagepost/gui/first_start.py" line="286"/>
        <source>正在载入区划代码…</source>
        <translation>Loading division codes…</translation>
    </message>
    <message>
        <location filename="../../villagepost/gui/first_start.py" line="303"/>
        <source>已取消，登记册保持原样。可以重新选择后再载入。</source>
        <translation>Cancelled; the registry is unchanged. You can choose again and load.</translation>
    </message>
    <message>
        <location filename="../../villagepost/gui/first_start.py" line="305"/>
        <source>载入失败。</source>
        <translation>Loading failed.</translation>
    </message>
</context>
<context>
    <name>Headline</name>
    <message>
        <location filename="../../villagepost/gui/dashboard_panels.py" line="82"/>
        <source>建制村（个）</source>
        <translation>建制村</translation>
    </message>
    <message>
        <location filename="../../villagepost/gui/dashboard_panels.py" line="83"/>
        <source>已覆盖（个）</source>
        <translation>Covered</translation>
    </message>
    <message>
        <location filename="../../villagepost/gui/dashboard_panels.py" line="84"/>
        <source>覆盖率</source>
        <translation>Coverage</translation>
    </message>
    <message>
        <location filename="../../villagepost/gui/dashboard_panels.py" line="85"/>
        <source>日期缺失（个）</source>
        <translation>Date missing</translation>
    </message>
    <message>
        <location filename="../../villagepost/gui/dashboard_panels.py" line="86"/>
        <source>靠没有开通日期的站点覆盖的建制村：今天算已覆盖，但请补填开通日期，否则历史进度不准确</source>
        <translation>建制村 covered by stations without an opening date: covered today, but fill the date in or the history is not right</translation>
    </message>
    <message>
        <location filename="../../villagepost/gui/dashboard_panels.py" line="107"/>
        <source>建制村：统计用区划代码中的村委会（代码 200–399）{extra}；覆盖：当天有运营中的村邮站+快递超市或综合服务站服务该村。</source>
        <translation>建制村: the village committees of the official codes (200–399){extra}; covered: an operating 村邮站+快递超市 or 综合服务站 serves the village that day. </translation>
    </message>
    <message>
        <location filename="../../villagepost/gui/dashboard_panels.py" line="109"/>
        <source>及类似村委会（500–599）</source>
        <translation> and units similar to them (500–599)</translation>
    </message>
    <message>
        <location filename="../../villagepost/gui/dashboard_panels.py" line="111"/>
        <source>该村 {day} 已覆盖。</source>
        <translation>The village is covered on {day}.</translation>
    </message>
    <message>
        <location filename="../../villagepost/gui/dashboard_panels.py" line="111"/>
        <source>该村 {day} 尚未覆盖。</source>
        <translation>The village is not covered on {day}.</translation>
    </message>
    <message>
        <location filename="../../villagepost/gui/dashboard_panels.py" line="114"/>
        <source>该单位不是建制村（居委会等），不计入覆盖率。</source>
        <translation>This unit is not a 建制村 (a residents’ committee or similar) and does not count for coverage.</translation>
    </message>
</context>
<context>
    <name>HelpViewer</name>
    <message>
        <location filename="../../villagepost/gui/help_viewer.py" line="74"/>
        <source>村邮通 — 用户手册</source>
        <translation>VillagePost — User guide</translation>
    </message>
    <message>
        <location filename="../../villagepost/gui/help_viewer.py" line="83"/>
        <source>保存为 PDF(&amp;S)…</source>
        <translation>&amp;Save as PDF…</translation>
    </message>
    <message>
        <location filename="../../villagepost/gui/help_viewer.py" line="95"/>
        <source>保存用户手册</source>
        <translation>Save the user guide</translation>
    </message>
    <message>
        <location filename="../../villagepost/gui/help_viewer.py" line="95"/>
        <source>村邮通用户手册.pdf</source>
        <translation>VillagePost user guide.pdf</translation>
    </message>
    <message>
        <location filename="../../villagepost/gui/help_viewer.py" line="96"/>
        <source>PDF 文件 (*.pdf)</source>
        <translation>PDF files (*.pdf)</translation>
    </message>
    <message>
        <location filename="../../villagepost/gui/help_viewer.py" line="111"/>
        <source>正在生成 PDF…</source>
        <translation>Writing the PDF…</translation>
    </message>
    <message>
        <location filename="../../villagepost/gui/help_viewer.py" line="119"/>
        <source>已保存：{path}</source>
        <translation>Saved: {path}</translation>
    </message>
    <message>
        <location filename="../../villagepost/gui/help_viewer.py" line="126"/>
        <source>生成 PDF 失败。</source>
        <translation>The PDF could not be written.</translation>
    </message>
</context>
<context>
    <name>ImportWizard</name>
    <message>
        <location filename="../../villagepost/gui/import_errors.py" line="27"/>
        <source>省</source>
        <translation>Province</translation>
    </message>
    <message>
        <location filename="../../villagepost/gui/import_errors.py" line="28"/>
        <source>地级市</source>
        <translation>City</translation>
    </message>
    <message>
        <location filename="../../villagepost/gui/import_errors.py" line="29"/>
        <source>县（区）</source>
        <translation>County</translation>
    </message>
    <message>
        <location filename="../../villagepost/gui/import_errors.py" line="30"/>
        <source>乡镇（街道）</source>
        <translation>Township</translation>
    </message>
    <message>
        <location filename="../../villagepost/gui/import_errors.py" line="31"/>
        <source>行政村</source>
        <translation>Village</translation>
    </message>
    <message>
        <location filename="../../villagepost/gui/import_errors.py" line="32"/>
        <source>区划代码</source>
        <translation>Division code</translation>
    </message>
    <message>
        <location filename="../../villagepost/gui/import_errors.py" line="33"/>
        <source>站点名称</source>
        <translation>Station name</translation>
    </message>
    <message>
        <location filename="../../villagepost/gui/import_errors.py" line="34"/>
        <source>站点类型</source>
        <translation>Station type</translation>
    </message>
    <message>
        <location filename="../../villagepost/gui/import_errors.py" line="35"/>
        <source>合作模式</source>
        <translation>Cooperation mode</translation>
    </message>
    <message>
        <location filename="../../villagepost/gui/import_errors.py" line="36"/>
        <source>经度</source>
        <translation>Longitude</translation>
    </message>
    <message>
        <location filename="../../villagepost/gui/import_errors.py" line="37"/>
        <source>纬度</source>
        <translation>Latitude</translation>
    </message>
    <message>
        <location filename="../../villagepost/gui/import_errors.py" line="38"/>
        <source>建成日期</source>
        <translation>Opened</translation>
    </message>
    <message>
        <location filename="../../villagepost/gui/import_errors.py" line="39"/>
        <source>联系人</source>
        <translation>Contact</translation>
    </message>
    <message>
        <location filename="../../villagepost/gui/import_errors.py" line="40"/>
        <source>联系电话</source>
        <translation>Phone</translation>
    </message>
    <message>
        <location filename="../../villagepost/gui/import_errors.py" line="41"/>
        <source>服务项目</source>
        <translation>Services</translation>
    </message>
    <message>
        <location filename="../../villagepost/gui/import_errors.py" line="42"/>
        <source>快递品牌</source>
        <translation>Express brands</translation>
    </message>
    <message>
        <location filename="../../villagepost/gui/import_errors.py" line="43"/>
        <source>面积（㎡）</source>
        <translation>Floor area (m²)</translation>
    </message>
    <message>
        <location filename="../../villagepost/gui/import_errors.py" line="44"/>
        <source>服务村</source>
        <translation>Served villages</translation>
    </message>
    <message>
        <location filename="../../villagepost/gui/import_wizard.py" line="78"/>
        <source>导入花名册</source>
        <extracomment>Qt&apos;s QWIDGETSIZE_MAX fits a 1366×768 laptop; the mapping page needs about this much a commit finished (argument: the ImportReport), whether all rows, some or none were imported an error report was written (argument: its path)</extracomment>
        <translation>Import a roster</translation>
    </message>
    <message>
        <location filename="../../villagepost/gui/import_wizard.py" line="82"/>
        <source>&lt; 上一步</source>
        <translation>&lt; Back</translation>
    </message>
    <message>
        <location filename="../../villagepost/gui/import_wizard.py" line="83"/>
        <source>下一步 &gt;</source>
        <translation>Next &gt;</translation>
    </message>
    <message>
        <location filename="../../villagepost/gui/import_wizard.py" line="84"/>
        <source>完成</source>
        <translation>Finish</translation>
    </message>
    <message>
        <location filename="../../villagepost/gui/import_wizard.py" line="85"/>
        <source>取消</source>
        <translation>Cancel</translation>
    </message>
    <message>
        <location filename="../../villagepost/gui/import_wizard.py" line="120"/>
        <source>已取消，登记册保持原样。</source>
        <translation>Cancelled; the registry is unchanged.</translation>
    </message>
    <message>
        <location filename="../../villagepost/gui/import_wizard.py" line="124"/>
        <source>出现程序错误，详情见错误报告。</source>
        <translation>A program error occurred; see the error report for details.</translation>
    </message>
    <message>
        <location filename="../../villagepost/gui/import_wizard.py" line="151"/>
        <source>正在识别花名册…</source>
        <translation>Recognising the roster…</translation>
    </message>
    <message>
        <location filename="../../villagepost/gui/import_wizard.py" line="164"/>
        <source>正在检查花名册…</source>
        <translation>Checking the roster…</translation>
    </message>
    <message>
        <location filename="../../villagepost/gui/import_wizard.py" line="179"/>
        <source>正在导入花名册…</source>
        <translation>Importing the roster…</translation>
    </message>
    <message>
        <location filename="../../villagepost/gui/import_wizard.py" line="188"/>
        <source>保存错误报告</source>
        <translation>Save error report</translation>
    </message>
    <message>
        <location filename="../../villagepost/gui/import_wizard.py" line="188"/>
        <source>Excel 工作簿 (*.xlsx)</source>
        <translation>Excel workbooks (*.xlsx)</translation>
    </message>
    <message>
        <location filename="../../villagepost/gui/import_wizard.py" line="199"/>
        <source>错误报告已保存：{path}</source>
        <translation>Error report saved: {path}</translation>
    </message>
    <message>
        <location filename="../../villagepost/gui/import_wizard.py" line="202"/>
        <source>正在保存错误报告…</source>
        <translation>Saving the error report…</translation>
    </message>
</context>
<context>
    <name>InspectionDialog</name>
    <message>
        <location filename="../../villagepost/gui/inspection_form.py" line="100"/>
        <source>备注</source>
        <translation>Remark</translation>
    </message>
    <message>
        <location filename="../../villagepost/gui/inspection_form.py" line="134"/>
        <source>登记检查结果</source>
        <extracomment>emitted once the station and its checklist are shown emitted with the new inspection&apos;s id after it was stored</extracomment>
        <translation>Record an inspection</translation>
    </message>
    <message>
        <location filename="../../villagepost/gui/inspection_form.py" line="136"/>
        <source>正在读取站点和检查表…</source>
        <translation>Reading the station and its checklist…</translation>
    </message>
    <message>
        <location filename="../../villagepost/gui/inspection_form.py" line="153"/>
        <source>必填，多人用顿号隔开</source>
        <translation>Required; separate several names with 、</translation>
    </message>
    <message>
        <location filename="../../villagepost/gui/inspection_form.py" line="156"/>
        <source>在检查表上签字的站点负责人</source>
        <translation>The station&apos;s person who signed the checklist</translation>
    </message>
    <message>
        <location filename="../../villagepost/gui/inspection_form.py" line="162"/>
        <source>检查日期：</source>
        <translation>Date:</translation>
    </message>
    <message>
        <location filename="../../villagepost/gui/inspection_form.py" line="164"/>
        <source>检查人：</source>
        <translation>Inspector:</translation>
    </message>
    <message>
        <location filename="../../villagepost/gui/inspection_form.py" line="166"/>
        <source>站点负责人：</source>
        <translation>Station contact:</translation>
    </message>
    <message>
        <location filename="../../villagepost/gui/inspection_form.py" line="184"/>
        <source>其余未填项目设为“是”</source>
        <translation>Answer “Yes” for the rest</translation>
    </message>
    <message>
        <location filename="../../villagepost/gui/inspection_form.py" line="197"/>
        <source>检查意见：发现的问题、整改要求和期限</source>
        <translation>Opinion: the problems found, what must be corrected and by when</translation>
    </message>
    <message>
        <location filename="../../villagepost/gui/inspection_form.py" line="202"/>
        <source>保存</source>
        <translation>Save</translation>
    </message>
    <message>
        <location filename="../../villagepost/gui/inspection_form.py" line="207"/>
        <source>取消</source>
        <translation>Cancel</translation>
    </message>
    <message>
        <location filename="../../villagepost/gui/inspection_form.py" line="221"/>
        <source>检查意见：</source>
        <translation>Opinion:</translation>
    </message>
    <message>
        <location filename="../../villagepost/gui/inspection_form.py" line="241"/>
        <source>{name}（{code}）</source>
        <translation>{name} ({code})</translation>
    </message>
    <message>
        <location filename="../../villagepost/gui/inspection_form.py" line="242"/>
        <source>{path}&#x3000;{type}&#x3000;{status}
检查表：{title}（{count} 项）</source>
        <translation>{path}   {type}   {status}
Checklist: {title} ({count} items)</translation>
    </message>
    <message>
        <location filename="../../villagepost/gui/inspection_form.py" line="243"/>
        <source>类型未填</source>
        <translation>type not given</translation>
    </message>
    <message>
        <location filename="../../villagepost/gui/inspection_form.py" line="276"/>
        <source>无法登记检查</source>
        <translation>Cannot record an inspection</translation>
    </message>
    <message>
        <location filename="../../villagepost/gui/inspection_form.py" line="297"/>
        <source>是 {p} 项&#x3000;否 {f} 项&#x3000;不适用 {n} 项&#x3000;未填 {u} 项</source>
        <translation>Yes {p}   No {f}   N/A {n}   Unanswered {u}</translation>
    </message>
    <message>
        <location filename="../../villagepost/gui/inspection_form.py" line="370"/>
        <source>有 {n} 个检查项目没有填写结果（是/否/不适用），已用红色标出：第 {numbers} 项。</source>
        <translation>{n} items have no answer (Yes/No/N/A), marked in red: items {numbers}.</translation>
    </message>
</context>
<context>
    <name>InspectionsPanel</name>
    <message>
        <location filename="../../villagepost/gui/inspections_panel.py" line="55"/>
        <source>从未检查</source>
        <translation>never inspected</translation>
    </message>
    <message>
        <location filename="../../villagepost/gui/inspections_panel.py" line="56"/>
        <source>超过检查周期</source>
        <translation>interval passed</translation>
    </message>
    <message>
        <location filename="../../villagepost/gui/inspections_panel.py" line="57"/>
        <source>不合格项待复查</source>
        <translation>failed items to re-check</translation>
    </message>
    <message>
        <location filename="../../villagepost/gui/inspections_panel.py" line="62"/>
        <source>检查日期</source>
        <translation>Date</translation>
    </message>
    <message>
        <location filename="../../villagepost/gui/inspections_panel.py" line="63"/>
        <location filename="../../villagepost/gui/inspections_panel.py" line="73"/>
        <source>站点编码</source>
        <translation>Station code</translation>
    </message>
    <message>
        <location filename="../../villagepost/gui/inspections_panel.py" line="64"/>
        <location filename="../../villagepost/gui/inspections_panel.py" line="74"/>
        <source>站点名称</source>
        <translation>Station name</translation>
    </message>
    <message>
        <location filename="../../villagepost/gui/inspections_panel.py" line="65"/>
        <source>检查人</source>
        <translation>Inspector</translation>
    </message>
    <message>
        <location filename="../../villagepost/gui/inspections_panel.py" line="66"/>
        <location filename="../../villagepost/gui/inspections_panel.py" line="77"/>
        <source>不合格项</source>
        <translation>Failed</translation>
    </message>
    <message>
        <location filename="../../villagepost/gui/inspections_panel.py" line="67"/>
        <source>记录号</source>
        <translation>Record</translation>
    </message>
    <message>
        <location filename="../../villagepost/gui/inspections_panel.py" line="75"/>
        <source>状态</source>
        <translation>Status</translation>
    </message>
    <message>
        <location filename="../../villagepost/gui/inspections_panel.py" line="76"/>
        <source>上次检查</source>
        <translation>Last inspected</translation>
    </message>
    <message>
        <location filename="../../villagepost/gui/inspections_panel.py" line="79"/>
        <source>应检日期</source>
        <translation>Due on</translation>
    </message>
    <message>
        <location filename="../../villagepost/gui/inspections_panel.py" line="80"/>
        <source>原因</source>
        <translation>Reason</translation>
    </message>
    <message>
        <location filename="../../villagepost/gui/inspections_panel.py" line="121"/>
        <location filename="../../villagepost/gui/inspections_panel.py" line="219"/>
        <source>请在左侧选择一个地区。</source>
        <extracomment>emitted after the list shows the answer of the latest query emitted with the id of an inspection that was recorded from the panel</extracomment>
        <translation>Choose an area on the left.</translation>
    </message>
    <message>
        <location filename="../../villagepost/gui/inspections_panel.py" line="128"/>
        <source>全部检查记录</source>
        <translation>All inspections</translation>
    </message>
    <message>
        <location filename="../../villagepost/gui/inspections_panel.py" line="129"/>
        <source>有不合格项的检查</source>
        <translation>Inspections with failed items</translation>
    </message>
    <message>
        <location filename="../../villagepost/gui/inspections_panel.py" line="130"/>
        <source>待检查的站点</source>
        <translation>Stations due for inspection</translation>
    </message>
    <message>
        <location filename="../../villagepost/gui/inspections_panel.py" line="136"/>
        <location filename="../../villagepost/gui/inspections_panel.py" line="141"/>
        <source> 个月</source>
        <translation> months</translation>
    </message>
    <message>
        <location filename="../../villagepost/gui/inspections_panel.py" line="147"/>
        <source>检查周期：</source>
        <translation>Interval:</translation>
    </message>
    <message>
        <location filename="../../villagepost/gui/inspections_panel.py" line="149"/>
        <source>不合格复查：</source>
        <translation>Re-check after a failure:</translation>
    </message>
    <message>
        <location filename="../../villagepost/gui/inspections_panel.py" line="175"/>
        <source>新建检查…</source>
        <translation>New inspection…</translation>
    </message>
    <message>
        <location filename="../../villagepost/gui/inspections_panel.py" line="177"/>
        <source>查看/打印</source>
        <translation>View/print</translation>
    </message>
    <message>
        <location filename="../../villagepost/gui/inspections_panel.py" line="179"/>
        <source>删除</source>
        <translation>Delete</translation>
    </message>
    <message>
        <location filename="../../villagepost/gui/inspections_panel.py" line="180"/>
        <source>刷新</source>
        <translation>Refresh</translation>
    </message>
    <message>
        <location filename="../../villagepost/gui/inspections_panel.py" line="185"/>
        <source>显示：</source>
        <translation>Show:</translation>
    </message>
    <message>
        <location filename="../../villagepost/gui/inspections_panel.py" line="274"/>
        <source>{scope}的站点检查</source>
        <translation>Station inspections of {scope}</translation>
    </message>
    <message>
        <location filename="../../villagepost/gui/inspections_panel.py" line="276"/>
        <source>共 {n} 条检查记录</source>
        <translation>{n} inspections</translation>
    </message>
    <message>
        <location filename="../../villagepost/gui/inspections_panel.py" line="276"/>
        <source>{n} 条检查记录有不合格项</source>
        <translation>{n} inspections with failed items</translation>
    </message>
    <message>
        <location filename="../../villagepost/gui/inspections_panel.py" line="277"/>
        <source>{n} 个运营或暂停中的站点待检查</source>
        <translation>{n} operating or suspended stations due for inspection</translation>
    </message>
    <message>
        <location filename="../../villagepost/gui/inspections_panel.py" line="364"/>
        <source>正在生成检查记录…</source>
        <translation>Writing the inspection record…</translation>
    </message>
    <message>
        <location filename="../../villagepost/gui/inspections_panel.py" line="381"/>
        <source>删除检查记录</source>
        <translation>Delete inspection</translation>
    </message>
    <message>
        <location filename="../../villagepost/gui/inspections_panel.py" line="382"/>
        <source>删除 {date} 对“{name}”的检查记录（记录号 {id}）？删除后不能恢复。</source>
        <translation>Delete the inspection of “{name}” on {date} (record {id})? This cannot be undone.</translation>
    </message>
    <message>
        <location filename="../../villagepost/gui/inspections_panel.py" line="298"/>
        <source>先在站点表中选择一个站点</source>
        <translation>Select a station in the list first</translation>
    </message>
    <message>
        <location filename="../../villagepost/gui/inspections_panel.py" line="350"/>
        <source>保存检查记录</source>
        <translation>Save the inspection record</translation>
    </message>
    <message>
        <location filename="../../villagepost/gui/inspections_panel.py" line="371"/>
        <source>检查记录已保存：{path}</source>
        <translation>Inspection record saved: {path}</translation>
    </message>
</context>
<context>
    <name>MainWindow</name>
    <message>
        <location filename="../../villagepost/gui/demo_window.py" line="108"/>
        <location filename="../../villagepost/gui/demo_window.py" line="137"/>
        <location filename="../../villagepost/gui/main_window.py" line="80"/>
        <source>村邮通 VillagePost</source>
        <extracomment>Size on first start when no geometry is saved; fits a 1366×768 laptop with its taskbar. An explicit minimum, above what the content ever needs: the search list appearing must not change the window&apos;s size constraints (no jump, no size renegotiation with the window manager). the division tree&apos;s width at least, in characters: a village&apos;s name five levels deep beside its code</extracomment>
        <translation>VillagePost 村邮通</translation>
    </message>
    <message>
        <location filename="../../villagepost/gui/main_window.py" line="129"/>
        <source>概况</source>
        <translation>Overview</translation>
    </message>
    <message>
        <location filename="../../villagepost/gui/main_window.py" line="130"/>
        <source>村庄</source>
        <translation>Villages</translation>
    </message>
    <message>
        <location filename="../../villagepost/gui/main_window.py" line="131"/>
        <source>站点</source>
        <translation>Stations</translation>
    </message>
    <message>
        <location filename="../../villagepost/gui/main_window.py" line="134"/>
        <source>统计</source>
        <translation>Statistics</translation>
    </message>
    <message>
        <location filename="../../villagepost/gui/main_window.py" line="137"/>
        <source>检查</source>
        <translation>Inspections</translation>
    </message>
    <message>
        <location filename="../../villagepost/gui/main_window.py" line="165"/>
        <source>文件(&amp;F)</source>
        <translation>&amp;File</translation>
    </message>
    <message>
        <location filename="../../villagepost/gui/main_window.py" line="166"/>
        <source>打开数据库(&amp;O)…</source>
        <translation>&amp;Open database…</translation>
    </message>
    <message>
        <location filename="../../villagepost/gui/main_window.py" line="170"/>
        <source>载入区划代码(&amp;L)…</source>
        <translation>&amp;Load division codes…</translation>
    </message>
    <message>
        <location filename="../../villagepost/gui/main_window.py" line="173"/>
        <source>导入花名册(&amp;I)…</source>
        <translation>&amp;Import roster…</translation>
    </message>
    <message>
        <location filename="../../villagepost/gui/main_window.py" line="177"/>
        <source>导出(&amp;E)</source>
        <translation>&amp;Export</translation>
    </message>
    <message>
        <location filename="../../villagepost/gui/main_window.py" line="178"/>
        <source>登记表（所选范围）(&amp;R)…</source>
        <translation>&amp;Registry (selected scope)…</translation>
    </message>
    <message>
        <location filename="../../villagepost/gui/main_window.py" line="183"/>
        <source>乡镇填报模板（所选乡镇）(&amp;T)…</source>
        <translation>Township fill-in &amp;template (selected township)…</translation>
    </message>
    <message>
        <location filename="../../villagepost/gui/main_window.py" line="188"/>
        <source>备份数据库(&amp;B)…</source>
        <translation>&amp;Back up the database…</translation>
    </message>
    <message>
        <location filename="../../villagepost/gui/main_window.py" line="196"/>
        <source>选项(&amp;P)…</source>
        <translation>&amp;Preferences…</translation>
    </message>
    <message>
        <location filename="../../villagepost/gui/main_window.py" line="205"/>
        <source>退出(&amp;X)</source>
        <translation>E&amp;xit</translation>
    </message>
    <message>
        <location filename="../../villagepost/gui/main_window.py" line="211"/>
        <source>编辑(&amp;E)</source>
        <translation>&amp;Edit</translation>
    </message>
    <message>
        <location filename="../../villagepost/gui/main_window.py" line="212"/>
        <source>撤销(&amp;U)</source>
        <translation>&amp;Undo</translation>
    </message>
    <message>
        <location filename="../../villagepost/gui/main_window.py" line="215"/>
        <source>重做(&amp;R)</source>
        <translation>&amp;Redo</translation>
    </message>
    <message>
        <location filename="../../villagepost/gui/main_window.py" line="224"/>
        <source>站点(&amp;S)</source>
        <translation>&amp;Stations</translation>
    </message>
    <message>
        <location filename="../../villagepost/gui/main_window.py" line="225"/>
        <source>新增站点(&amp;N)…</source>
        <translation>&amp;New station…</translation>
    </message>
    <message>
        <location filename="../../villagepost/gui/main_window.py" line="228"/>
        <source>打开所选站点(&amp;E)…</source>
        <translation>&amp;Edit selected station…</translation>
    </message>
    <message>
        <location filename="../../villagepost/gui/main_window.py" line="234"/>
        <source>检查所选站点(&amp;I)…</source>
        <translation>&amp;Inspect the selected station…</translation>
    </message>
    <message>
        <location filename="../../villagepost/gui/main_window.py" line="237"/>
        <source>检查表模板(&amp;T)…</source>
        <translation>Checklist &amp;template…</translation>
    </message>
    <message>
        <location filename="../../villagepost/gui/main_window.py" line="240"/>
        <source>目标(&amp;G)…</source>
        <translation>Tar&amp;gets…</translation>
    </message>
    <message>
        <location filename="../../villagepost/gui/main_window.py" line="244"/>
        <source>修改记录(&amp;H)…</source>
        <translation>Change &amp;history…</translation>
    </message>
    <message>
        <location filename="../../villagepost/gui/main_window.py" line="246"/>
        <source>所选区划（如一个村）内谁在何时改了什么</source>
        <translation>Who changed what, and when, in the selected unit (e.g. a village)</translation>
    </message>
    <message>
        <location filename="../../villagepost/gui/main_window.py" line="250"/>
        <source>打印(&amp;P)</source>
        <translation>&amp;Print</translation>
    </message>
    <message>
        <location filename="../../villagepost/gui/main_window.py" line="251"/>
        <source>所选站点的检查表(&amp;S)…</source>
        <translation>Checklists of the &amp;selected stations…</translation>
    </message>
    <message>
        <location filename="../../villagepost/gui/main_window.py" line="255"/>
        <source>范围内全部站点的检查表(&amp;A)…</source>
        <translation>Checklists of &amp;all stations in the scope…</translation>
    </message>
    <message>
        <location filename="../../villagepost/gui/main_window.py" line="260"/>
        <source>覆盖率汇总表(&amp;C)…</source>
        <translation>&amp;Coverage summary…</translation>
    </message>
    <message>
        <location filename="../../villagepost/gui/main_window.py" line="266"/>
        <source>帮助(&amp;H)</source>
        <translation>&amp;Help</translation>
    </message>
    <message>
        <location filename="../../villagepost/gui/main_window.py" line="267"/>
        <source>用户手册(&amp;U)</source>
        <translation>&amp;User guide</translation>
    </message>
    <message>
        <location filename="../../villagepost/gui/main_window.py" line="271"/>
        <source>关于村邮通(&amp;A)</source>
        <translation>&amp;About VillagePost</translation>
    </message>
    <message>
        <location filename="../../villagepost/gui/main_window.py" line="329"/>
        <source>&lt;h3&gt;村邮通 VillagePost {version}&lt;/h3&gt;&lt;p&gt;县级交通运输部门的农村寄递物流站点登记、合并进度与覆盖率管理工具。&lt;/p&gt;&lt;p&gt;区划代码：国家统计局 2023 年统计用区划代码和城乡划分代码。&lt;br&gt;界面字体：文泉驿微米黑（Apache-2.0 许可）。&lt;/p&gt;</source>
        <translation>&lt;h3&gt;VillagePost 村邮通 {version}&lt;/h3&gt;&lt;p&gt;Registry of rural delivery stations, their merger pace and village coverage for county transport bureaus.&lt;/p&gt;&lt;p&gt;Division codes: National Bureau of Statistics, 2023 statistical division and urban-rural codes.&lt;br&gt;Interface font: WenQuanYi Micro Hei (Apache-2.0 licence).&lt;/p&gt;</translation>
    </message>
    <message>
        <location filename="../../villagepost/gui/main_window.py" line="346"/>
        <source>关于村邮通</source>
        <translation>About VillagePost</translation>
    </message>
    <message>
        <location filename="../../villagepost/gui/main_window.py" line="192"/>
        <source>备份与恢复(&amp;R)…</source>
        <translation>Backups and &amp;restore…</translation>
    </message>
</context>
<context>
    <name>MappingPage</name>
    <message>
        <location filename="../../villagepost/gui/import_mapping_page.py" line="40"/>
        <source>核对表头和各列</source>
        <extracomment>the preview&apos;s header rows</extracomment>
        <translation>Check the header and the columns</translation>
    </message>
    <message>
        <location filename="../../villagepost/gui/import_mapping_page.py" line="41"/>
        <source>下面是识别出的工作表、表头行和每个字段对应的列。识别有误时请在右侧改正；预览中蓝色为表头行。</source>
        <translation>Below are the sheet, the header rows and the column found for each field. Correct them on the right if something is wrong; header rows are blue in the preview.</translation>
    </message>
    <message>
        <location filename="../../villagepost/gui/import_mapping_page.py" line="48"/>
        <source>工作表：</source>
        <translation>Sheet:</translation>
    </message>
    <message>
        <location filename="../../villagepost/gui/import_mapping_page.py" line="92"/>
        <source>表头在第 {rows} 行，数据从第 {first} 行开始</source>
        <translation>Header in row {rows}; data from row {first}</translation>
    </message>
    <message>
        <location filename="../../villagepost/gui/import_mapping_page.py" line="97"/>
        <source>（不导入）</source>
        <translation>(not imported)</translation>
    </message>
    <message>
        <location filename="../../villagepost/gui/import_mapping_page.py" line="137"/>
        <source>两个字段不能对应同一列，请改正。</source>
        <translation>Two fields cannot use the same column; please correct.</translation>
    </message>
    <message>
        <location filename="../../villagepost/gui/import_mapping_page.py" line="139"/>
        <source>已修改对应关系；点“下一步”时按新的对应关系检查。</source>
        <translation>Mapping changed; &quot;Next&quot; checks the roster with the new mapping.</translation>
    </message>
</context>
<context>
    <name>MergeDialog</name>
    <message>
        <location filename="../../villagepost/gui/station_dialogs.py" line="158"/>
        <source>合并站点 — {code}</source>
        <translation>Merge stations — {code}</translation>
    </message>
    <message>
        <location filename="../../villagepost/gui/station_dialogs.py" line="160"/>
        <source>选中的站点于该日并入本站点（{code}），本站点从该日起作为综合站点运营；被合并的站点保留在本站点的历史中。合并可以撤销，历史不会删除。</source>
        <translation>The ticked stations join this station ({code}) on that day; from then on it operates as a combined station. The merged stations stay in its history. A merger can be undone; history is never deleted.</translation>
    </message>
    <message>
        <location filename="../../villagepost/gui/station_dialogs.py" line="177"/>
        <source>合并日期：</source>
        <translation>Merger date:</translation>
    </message>
    <message>
        <location filename="../../villagepost/gui/station_dialogs.py" line="178"/>
        <source>合并后类型：</source>
        <translation>Type after merging:</translation>
    </message>
    <message>
        <location filename="../../villagepost/gui/station_dialogs.py" line="179"/>
        <source>说明：</source>
        <translation>Note:</translation>
    </message>
    <message>
        <location filename="../../villagepost/gui/station_dialogs.py" line="182"/>
        <source>同一乡镇中可并入的站点：</source>
        <translation>Stations of the same township that can join:</translation>
    </message>
    <message>
        <location filename="../../villagepost/gui/station_dialogs.py" line="208"/>
        <source>本乡镇没有其他可并入的站点</source>
        <translation>No other station of this township can join</translation>
    </message>
</context>
<context>
    <name>NextStepDialog</name>
    <message>
        <location filename="../../villagepost/gui/demo_window.py" line="37"/>
        <source>村邮通 — 下一步</source>
        <translation>VillagePost — Next step</translation>
    </message>
    <message>
        <location filename="../../villagepost/gui/demo_window.py" line="38"/>
        <source>&lt;p&gt;&lt;b&gt;区划代码已载入。下一步做什么？&lt;/b&gt;&lt;/p&gt;&lt;p&gt;· 导入第一份花名册：选择乡镇报来的 Excel 花名册；&lt;/p&gt;&lt;p&gt;· 先看看示例数据：打开一个标明“演示”的示例县（平罗县，88 个站点），可以随意查看和修改，不影响您自己的登记册，看完可在“文件 → 删除演示数据”里删除。&lt;/p&gt;</source>
        <translation>&lt;p&gt;&lt;b&gt;The division codes are loaded. What next?&lt;/b&gt;&lt;/p&gt;&lt;p&gt;· Import the first roster: choose the Excel roster a township sent;&lt;/p&gt;&lt;p&gt;· Look at the example data first: opens an example county marked “demo” (平罗县, 88 stations) to look around and change freely, without touching your own registry; remove it afterwards with File → Remove demo data.&lt;/p&gt;</translation>
    </message>
    <message>
        <location filename="../../villagepost/gui/demo_window.py" line="44"/>
        <source>导入第一份花名册…</source>
        <translation>Import the first roster…</translation>
    </message>
    <message>
        <location filename="../../villagepost/gui/demo_window.py" line="45"/>
        <source>先看看示例数据</source>
        <translation>Look at the example data first</translation>
    </message>
    <message>
        <location filename="../../villagepost/gui/demo_window.py" line="46"/>
        <source>以后再说</source>
        <translation>Later</translation>
    </message>
</context>
<context>
    <name>PaceTree</name>
    <message>
        <location filename="../../villagepost/gui/dashboard_panels.py" line="126"/>
        <source>已完成 {done} 个（{rate}），目标 {goal} 个，差距 {gap} 个（{points} 个百分点）</source>
        <translation>achieved {done} ({rate}), goal {goal}, gap {gap} ({points} points)</translation>
    </message>
    <message>
        <location filename="../../villagepost/gui/dashboard_panels.py" line="130"/>
        <source>已有 {done} 个{type}，目标 {goal} 个，差距 {gap} 个</source>
        <translation>{done} operating {type}, goal {goal}, gap {gap}</translation>
    </message>
    <message>
        <location filename="../../villagepost/gui/dashboard_panels.py" line="133"/>
        <source>截止日已过：截止日 {value} 个，已达成</source>
        <translation>deadline passed: {value} on the deadline, met</translation>
    </message>
    <message>
        <location filename="../../villagepost/gui/dashboard_panels.py" line="134"/>
        <source>截止日已过：截止日 {value} 个，未达成</source>
        <translation>deadline passed: {value} on the deadline, missed</translation>
    </message>
    <message>
        <location filename="../../villagepost/gui/dashboard_panels.py" line="137"/>
        <source>剩余 {months} 个月，每月需新增 {needed} 个</source>
        <translation>{months} months left: {needed} a month needed</translation>
    </message>
    <message>
        <location filename="../../villagepost/gui/dashboard_panels.py" line="140"/>
        <source>已达到目标</source>
        <translation>target reached</translation>
    </message>
    <message>
        <location filename="../../villagepost/gui/dashboard_panels.py" line="141"/>
        <source>近 {n} 个月平均每月新增 {rate} 个</source>
        <translation>last {n} months: {rate} a month</translation>
    </message>
    <message>
        <location filename="../../villagepost/gui/dashboard_panels.py" line="144"/>
        <source>；按当前进度无法实现</source>
        <translation>; not at the current pace</translation>
    </message>
    <message>
        <location filename="../../villagepost/gui/dashboard_panels.py" line="146"/>
        <source>；按此进度 {day} 全部覆盖</source>
        <translation>; all covered by {day} at this pace</translation>
    </message>
    <message>
        <location filename="../../villagepost/gui/dashboard_panels.py" line="149"/>
        <source>；按此进度 {day} 达到目标</source>
        <translation>; the goal is reached by {day} at this pace</translation>
    </message>
    <message>
        <location filename="../../villagepost/gui/dashboard_panels.py" line="166"/>
        <source>目标与落后单位</source>
        <translation>Targets and lagging units</translation>
    </message>
    <message>
        <location filename="../../villagepost/gui/dashboard_panels.py" line="166"/>
        <source>覆盖率</source>
        <translation>Coverage</translation>
    </message>
    <message>
        <location filename="../../villagepost/gui/dashboard_panels.py" line="166"/>
        <source>应达</source>
        <translation>Line</translation>
    </message>
    <message>
        <location filename="../../villagepost/gui/dashboard_panels.py" line="166"/>
        <source>差（个）</source>
        <translation>Short</translation>
    </message>
    <message>
        <location filename="../../villagepost/gui/dashboard_panels.py" line="201"/>
        <source>没有目标：点“编辑目标…”设定后即可对照进度。</source>
        <extracomment>target id -&gt; its branch (tests read it) the language of the targets&apos; descriptions (services.targets.TargetRow.describe)</extracomment>
        <translation>No targets: set one with “Edit targets…” to see the pace against it.</translation>
    </message>
    <message>
        <location filename="../../villagepost/gui/dashboard_panels.py" line="207"/>
        <source>（沿用{owner}）</source>
        <translation> (of {owner})</translation>
    </message>
    <message>
        <location filename="../../villagepost/gui/dashboard_panels.py" line="222"/>
        <source>没有落后于进度线的下级单位</source>
        <translation>no unit below lags its line</translation>
    </message>
    <message>
        <location filename="../../villagepost/gui/dashboard_panels.py" line="225"/>
        <source>落后于进度线的下级单位（双击查看）：</source>
        <translation>units below their line (double-click to open):</translation>
    </message>
    <message>
        <location filename="../../villagepost/gui/dashboard_panels.py" line="233"/>
        <source>覆盖率 {rate}，按进度线今天应达 {line}，还差 {n} 个建制村</source>
        <translation>coverage {rate}; its line is at {line} today: {n} 建制村 short</translation>
    </message>
    <message>
        <location filename="../../villagepost/gui/dashboard_panels.py" line="221"/>
        <source>目标今天设定：下级单位都已达到目标值</source>
        <translation>Set today: every unit below has reached it</translation>
    </message>
    <message>
        <location filename="../../villagepost/gui/dashboard_panels.py" line="224"/>
        <source>目标今天设定，下级单位与截止日期比较（双击查看）：</source>
        <translation>Set today: the units below against the deadline&apos;s value (double-click to open):</translation>
    </message>
</context>
<context>
    <name>PacingChart</name>
    <message>
        <location filename="../../villagepost/gui/pacing_chart.py" line="60"/>
        <source>覆盖率（%）</source>
        <extracomment>the projection is drawn at most this many months past the last deadline (or the day shown) room left and right of the data, days</extracomment>
        <translation>Coverage (%)</translation>
    </message>
    <message>
        <location filename="../../villagepost/gui/pacing_chart.py" line="121"/>
        <source>实际覆盖率（月末）</source>
        <extracomment>what was drawn, in data coordinates (x = date ordinal, y = %): for tests and tooltips</extracomment>
        <translation>Coverage (month ends)</translation>
    </message>
    <message>
        <location filename="../../villagepost/gui/pacing_chart.py" line="129"/>
        <source>目标</source>
        <translation>Target</translation>
    </message>
    <message>
        <location filename="../../villagepost/gui/pacing_chart.py" line="130"/>
        <source>已过期的目标</source>
        <translation>Past target</translation>
    </message>
    <message>
        <location filename="../../villagepost/gui/pacing_chart.py" line="150"/>
        <source>按当前进度无法实现（近 {n} 个月平均每月新增 {rate} 个）</source>
        <translation>Not at the current pace (last {n} months: {rate} a month)</translation>
    </message>
    <message>
        <location filename="../../villagepost/gui/pacing_chart.py" line="161"/>
        <source>按近 6 个月速度预测</source>
        <translation>Projection at the last 6 months’ pace</translation>
    </message>
    <message>
        <location filename="../../villagepost/gui/pacing_chart.py" line="163"/>
        <source>按此进度 {day} 全部覆盖</source>
        <translation>All covered by {day} at this pace</translation>
    </message>
    <message>
        <location filename="../../villagepost/gui/pacing_chart.py" line="170"/>
        <source>截至 {day}</source>
        <translation>As of {day}</translation>
    </message>
    <message>
        <location filename="../../villagepost/gui/pacing_chart.py" line="197"/>
        <source>{day}：已覆盖 {covered} / {total} 个建制村（{rate}）</source>
        <translation>{day}: {covered} of {total} 建制村 covered ({rate})</translation>
    </message>
</context>
<context>
    <name>PrintChecklistsDialog</name>
    <message>
        <location filename="../../villagepost/gui/print_dialogs.py" line="314"/>
        <source>打印站点检查表</source>
        <translation>Print station checklists</translation>
    </message>
    <message>
        <location filename="../../villagepost/gui/print_dialogs.py" line="316"/>
        <source>站点检查表（预先填好站点信息）</source>
        <translation>Station checklists (station details filled in)</translation>
    </message>
    <message>
        <location filename="../../villagepost/gui/print_dialogs.py" line="318"/>
        <source>空白检查表（一份，现场手填）</source>
        <translation>A blank checklist (one, filled in by hand)</translation>
    </message>
    <message>
        <location filename="../../villagepost/gui/print_dialogs.py" line="320"/>
        <source>合成一个 PDF 文件</source>
        <translation>One PDF file</translation>
    </message>
    <message>
        <location filename="../../villagepost/gui/print_dialogs.py" line="322"/>
        <source>每个站点一个 PDF 文件（保存到一个文件夹）</source>
        <translation>One PDF file per station (in a folder)</translation>
    </message>
    <message>
        <location filename="../../villagepost/gui/print_dialogs.py" line="339"/>
        <source>内容：</source>
        <translation>Content:</translation>
    </message>
    <message>
        <location filename="../../villagepost/gui/print_dialogs.py" line="340"/>
        <source>文件：</source>
        <translation>Files:</translation>
    </message>
    <message>
        <location filename="../../villagepost/gui/print_dialogs.py" line="341"/>
        <location filename="../../villagepost/gui/print_dialogs.py" line="410"/>
        <source>保存为：</source>
        <translation>Save as:</translation>
    </message>
    <message>
        <location filename="../../villagepost/gui/print_dialogs.py" line="347"/>
        <source>打印所选的 {n} 个站点的检查表</source>
        <translation>Print the checklists of the {n} selected stations</translation>
    </message>
    <message>
        <location filename="../../villagepost/gui/print_dialogs.py" line="356"/>
        <source>正在读取…</source>
        <translation>Reading…</translation>
    </message>
    <message>
        <location filename="../../villagepost/gui/print_dialogs.py" line="368"/>
        <source>打印{scope}内运营和暂停中的站点的检查表</source>
        <translation>Print the checklists of the operating and suspended stations of {scope}</translation>
    </message>
    <message>
        <location filename="../../villagepost/gui/print_dialogs.py" line="387"/>
        <source>所选{n}个站点</source>
        <translation>{n} selected stations </translation>
    </message>
    <message>
        <location filename="../../villagepost/gui/print_dialogs.py" line="410"/>
        <source>保存到文件夹：</source>
        <translation>Save in folder:</translation>
    </message>
    <message>
        <location filename="../../villagepost/gui/print_dialogs.py" line="418"/>
        <source>选择保存检查表的文件夹</source>
        <translation>Choose the folder for the checklists</translation>
    </message>
    <message>
        <location filename="../../villagepost/gui/print_dialogs.py" line="420"/>
        <source>保存检查表</source>
        <translation>Save the checklists</translation>
    </message>
    <message>
        <location filename="../../villagepost/gui/print_dialogs.py" line="446"/>
        <source>已生成空白检查表（{pages} 页）：{where}</source>
        <translation>Blank checklist written ({pages} pages): {where}</translation>
    </message>
    <message>
        <location filename="../../villagepost/gui/print_dialogs.py" line="447"/>
        <source>已打印 {sheets} 份检查表，共 {pages} 页：{where}</source>
        <translation>Printed {sheets} checklists, {pages} pages: {where}</translation>
    </message>
</context>
<context>
    <name>PrintSummaryDialog</name>
    <message>
        <location filename="../../villagepost/gui/print_dialogs.py" line="465"/>
        <source>打印覆盖率汇总表</source>
        <extracomment>the levels a summary can list, as the combo box names them</extracomment>
        <translation>Print the coverage summary</translation>
    </message>
    <message>
        <location filename="../../villagepost/gui/print_dialogs.py" line="474"/>
        <source>下一级单位</source>
        <translation>Units one level down</translation>
    </message>
    <message>
        <location filename="../../villagepost/gui/print_dialogs.py" line="479"/>
        <source>留空：按现在的记录；例如 2026-10-31 18:00:00 重现当时打印的表</source>
        <translation>Leave empty for the registry as it is now; e.g. 2026-10-31 18:00:00 reproduces the table printed then</translation>
    </message>
    <message>
        <location filename="../../villagepost/gui/print_dialogs.py" line="481"/>
        <source>按该时刻登记册中已记录的内容重算（之后的更正、补录不计）。只写日期表示当天结束时；统计日期未改动时取该时刻当天。汇总表上印有“数据登记截至”的时刻，照抄即可重现。</source>
        <translation>Recomputed from what the registry had recorded at that moment (later corrections and late entries do not count). A date alone means the end of that day; when the reporting date is unchanged it takes that moment&apos;s day. The summary prints its &apos;recorded up to&apos; moment: copy it to reproduce the table.</translation>
    </message>
    <message>
        <location filename="../../villagepost/gui/print_dialogs.py" line="483"/>
        <source>PDF（打印、开会用）</source>
        <translation>PDF (to print, for meetings)</translation>
    </message>
    <message>
        <location filename="../../villagepost/gui/print_dialogs.py" line="485"/>
        <source>Excel 工作簿（.xlsx，转报数据用）</source>
        <translation>Excel workbook (.xlsx, to pass the numbers on)</translation>
    </message>
    <message>
        <location filename="../../villagepost/gui/print_dialogs.py" line="498"/>
        <source>统计日期：</source>
        <translation>On date:</translation>
    </message>
    <message>
        <location filename="../../villagepost/gui/print_dialogs.py" line="499"/>
        <source>列出：</source>
        <translation>List:</translation>
    </message>
    <message>
        <location filename="../../villagepost/gui/print_dialogs.py" line="500"/>
        <source>制表单位：</source>
        <translation>Prepared by:</translation>
    </message>
    <message>
        <location filename="../../villagepost/gui/print_dialogs.py" line="501"/>
        <source>按登记时刻：</source>
        <translation>As recorded at:</translation>
    </message>
    <message>
        <location filename="../../villagepost/gui/print_dialogs.py" line="502"/>
        <source>格式：</source>
        <translation>Format:</translation>
    </message>
    <message>
        <location filename="../../villagepost/gui/print_dialogs.py" line="503"/>
        <source>保存为：</source>
        <translation>Save as:</translation>
    </message>
    <message>
        <location filename="../../villagepost/gui/print_dialogs.py" line="507"/>
        <source>正在读取…</source>
        <translation>Reading…</translation>
    </message>
    <message>
        <location filename="../../villagepost/gui/print_dialogs.py" line="519"/>
        <source>{scope}建制村覆盖率汇总表</source>
        <translation>Coverage summary of the administrative villages of {scope}</translation>
    </message>
    <message>
        <location filename="../../villagepost/gui/print_dialogs.py" line="540"/>
        <source>保存覆盖率汇总表</source>
        <translation>Save the coverage summary</translation>
    </message>
    <message>
        <location filename="../../villagepost/gui/print_dialogs.py" line="571"/>
        <source>已生成覆盖率汇总表（{pages} 页）：{where}</source>
        <translation>Coverage summary written ({pages} pages): {where}</translation>
    </message>
    <message>
        <location filename="../../villagepost/gui/print_dialogs.py" line="573"/>
        <source>已生成覆盖率汇总表：{where}</source>
        <translation>Coverage summary written: {where}</translation>
    </message>
    <message>
        <location filename="../../villagepost/gui/print_dialogs.py" line="547"/>
        <source>统计日期：{problem}</source>
        <translation>Date: {problem}</translation>
    </message>
</context>
<context>
    <name>RegistryActions</name>
    <message>
        <location filename="../../villagepost/gui/window_registry.py" line="73"/>
        <source>村邮通</source>
        <translation>VillagePost</translation>
    </message>
    <message>
        <location filename="../../villagepost/gui/window_registry.py" line="90"/>
        <source>尚未载入区划代码</source>
        <translation>no division codes loaded</translation>
    </message>
    <message>
        <location filename="../../villagepost/gui/window_registry.py" line="90"/>
        <source>正在打开…</source>
        <translation>opening…</translation>
    </message>
    <message>
        <location filename="../../villagepost/gui/window_registry.py" line="92"/>
        <source>全国</source>
        <translation>the whole country</translation>
    </message>
    <message>
        <location filename="../../villagepost/gui/window_registry.py" line="93"/>
        <source>{count} 个省级单位</source>
        <translation>{count} provinces</translation>
    </message>
    <message>
        <location filename="../../villagepost/gui/window_registry.py" line="96"/>
        <source>数据库：{db}</source>
        <translation>Database: {db}</translation>
    </message>
    <message>
        <location filename="../../villagepost/gui/window_registry.py" line="98"/>
        <source>范围：{scope}</source>
        <translation>Scope: {scope}</translation>
    </message>
    <message>
        <location filename="../../villagepost/gui/window_registry.py" line="101"/>
        <source>用户：{name}（{role}）</source>
        <translation>User: {name} ({role})</translation>
    </message>
    <message>
        <location filename="../../villagepost/gui/window_registry.py" line="104"/>
        <source>用户：{name}</source>
        <translation>User: {name}</translation>
    </message>
    <message>
        <location filename="../../villagepost/gui/window_registry.py" line="131"/>
        <source>区划代码已载入。</source>
        <translation>Division codes loaded.</translation>
    </message>
    <message>
        <location filename="../../villagepost/gui/window_registry.py" line="138"/>
        <source>打开数据库</source>
        <translation>Open database</translation>
    </message>
    <message>
        <location filename="../../villagepost/gui/window_registry.py" line="139"/>
        <source>村邮通数据库 (*.sqlite *.sqlite3 *.db);;所有文件 (*)</source>
        <translation>VillagePost databases (*.sqlite *.sqlite3 *.db);;All files (*)</translation>
    </message>
    <message>
        <location filename="../../villagepost/gui/window_registry.py" line="248"/>
        <source>已修改登记册设置：建制村总数{what}类似村委会。</source>
        <translation>Registry setting changed: village-committee-like units are {what} the administrative village total.</translation>
    </message>
    <message>
        <location filename="../../villagepost/gui/window_registry.py" line="249"/>
        <source>计入</source>
        <translation>counted in</translation>
    </message>
    <message>
        <location filename="../../villagepost/gui/window_registry.py" line="249"/>
        <source>不计入</source>
        <translation>not counted in</translation>
    </message>
    <message>
        <location filename="../../villagepost/gui/window_registry.py" line="256"/>
        <source>选项</source>
        <translation>Preferences</translation>
    </message>
    <message>
        <location filename="../../villagepost/gui/window_registry.py" line="256"/>
        <source>界面语言将在下次启动村邮通时改变。</source>
        <translation>The language changes the next time VillagePost starts.</translation>
    </message>
</context>
<context>
    <name>ResultPage</name>
    <message>
        <location filename="../../villagepost/gui/import_result_page.py" line="23"/>
        <source>导入</source>
        <translation>Import</translation>
    </message>
    <message>
        <location filename="../../villagepost/gui/import_result_page.py" line="28"/>
        <source>保存错误报告（发回乡镇改正）…</source>
        <translation>Save error report (for the township to correct)…</translation>
    </message>
    <message>
        <location filename="../../villagepost/gui/import_result_page.py" line="40"/>
        <source>正在导入…</source>
        <translation>Importing…</translation>
    </message>
    <message>
        <location filename="../../villagepost/gui/import_result_page.py" line="48"/>
        <source>读取 {rows_read} 行；导入 {villages_imported} 个村，其中站点 {stations_imported} 个（新增 {stations_created}、更新 {stations_updated}、未变 {stations_unchanged}）；未导入 {rows_rejected} 行。</source>
        <translation>{rows_read} rows read; {villages_imported} villages imported with {stations_imported} stations ({stations_created} new, {stations_updated} updated, {stations_unchanged} unchanged); {rows_rejected} rows not imported.</translation>
    </message>
</context>
<context>
    <name>RowDialog</name>
    <message>
        <location filename="../../villagepost/gui/import_errors.py" line="131"/>
        <source>第 {row} 行</source>
        <extracomment>read-only cells look like labels; the cells a problem names are marked in red</extracomment>
        <translation>Row {row}</translation>
    </message>
    <message>
        <location filename="../../villagepost/gui/import_errors.py" line="135"/>
        <source>第 {row} 行不是数据行（空行、合计行或表头）。</source>
        <translation>Row {row} is not a data row (blank, a total or a header).</translation>
    </message>
    <message>
        <location filename="../../villagepost/gui/import_errors.py" line="153"/>
        <source>关闭</source>
        <translation>Close</translation>
    </message>
</context>
<context>
    <name>ScopeNavigation</name>
    <message>
        <location filename="../../villagepost/gui/window_navigation.py" line="33"/>
        <source>目录中没有代码为 {code} 的单位</source>
        <translation>No unit with the code {code} in the tree</translation>
    </message>
</context>
<context>
    <name>SearchBox</name>
    <message>
        <location filename="../../villagepost/gui/search_box.py" line="59"/>
        <source>查找：名称或拼音首字母，如 永吉 或 yjx</source>
        <extracomment>Pause after typing before searching (a search per keystroke would queue needless database work). a station hit was chosen (argument: its StationHit)</extracomment>
        <translation>Find: a name or pinyin initials, e.g. 永吉 or yjx</translation>
    </message>
    <message>
        <location filename="../../villagepost/gui/search_box.py" line="110"/>
        <source>没有找到“{text}”</source>
        <extracomment>the text whose answer is awaited; answers to other texts are stale</extracomment>
        <translation>Nothing found for &quot;{text}&quot;</translation>
    </message>
    <message>
        <location filename="../../villagepost/gui/search_box.py" line="114"/>
        <source>（已撤销）</source>
        <translation> (retired)</translation>
    </message>
    <message>
        <location filename="../../villagepost/gui/search_box.py" line="120"/>
        <source>站点 {name}  {village}</source>
        <translation>Station {name}  {village}</translation>
    </message>
</context>
<context>
    <name>ServedList</name>
    <message>
        <location filename="../../villagepost/gui/station_fields.py" line="118"/>
        <source>添加</source>
        <translation>Add</translation>
    </message>
    <message>
        <location filename="../../villagepost/gui/station_fields.py" line="119"/>
        <source>移除所选</source>
        <translation>Remove selected</translation>
    </message>
    <message>
        <location filename="../../villagepost/gui/station_fields.py" line="106"/>
        <source>村名、拼音首字母（如 hpc）或12位代码</source>
        <extracomment>the clerk typed a name, pinyin or code to look for (the editor searches on the worker)</extracomment>
        <translation>Village name, pinyin initials (e.g. hpc) or 12-digit code</translation>
    </message>
</context>
<context>
    <name>SettingsDialog</name>
    <message>
        <location filename="../../villagepost/gui/settings_dialog.py" line="79"/>
        <source>选项</source>
        <extracomment>logged in to an account: the account is who acts, and the free user name is not offered</extracomment>
        <translation>Preferences</translation>
    </message>
    <message>
        <location filename="../../villagepost/gui/settings_dialog.py" line="82"/>
        <source>本机设置</source>
        <translation>This computer</translation>
    </message>
    <message>
        <location filename="../../villagepost/gui/settings_dialog.py" line="83"/>
        <source>本机数据库文件（SQLite）</source>
        <translation>Database file on this computer (SQLite)</translation>
    </message>
    <message>
        <location filename="../../villagepost/gui/settings_dialog.py" line="84"/>
        <source>省级服务器（PostgreSQL）</source>
        <translation>Provincial server (PostgreSQL)</translation>
    </message>
    <message>
        <location filename="../../villagepost/gui/settings_dialog.py" line="90"/>
        <source>留空：使用默认位置 {path}</source>
        <translation>Empty: the default location {path}</translation>
    </message>
    <message>
        <location filename="../../villagepost/gui/settings_dialog.py" line="91"/>
        <source>浏览…</source>
        <translation>Browse…</translation>
    </message>
    <message>
        <location filename="../../villagepost/gui/settings_dialog.py" line="111"/>
        <source>当前打开：{db}</source>
        <translation>Open now: {db}</translation>
    </message>
    <message>
        <location filename="../../villagepost/gui/settings_dialog.py" line="115"/>
        <source>用户名：</source>
        <translation>User name:</translation>
    </message>
    <message>
        <location filename="../../villagepost/gui/settings_dialog.py" line="117"/>
        <source>界面语言：</source>
        <translation>Language:</translation>
    </message>
    <message>
        <location filename="../../villagepost/gui/settings_dialog.py" line="118"/>
        <source>命令行的 --db、环境变量 VILLAGEPOST_DB 优先于这里的数据库；语言在下次启动时生效。</source>
        <translation>--db on the command line and the VILLAGEPOST_DB variable win over this database; the language changes at the next start.</translation>
    </message>
    <message>
        <location filename="../../villagepost/gui/settings_dialog.py" line="125"/>
        <source>登记册设置（保存在数据库中，所有使用者相同）</source>
        <translation>Registry setting (kept in the database, the same for everyone)</translation>
    </message>
    <message>
        <location filename="../../villagepost/gui/settings_dialog.py" line="127"/>
        <source>建制村总数计入类似村委会（代码 500–599：农场、林场生活区等）</source>
        <translation>Count village-committee-like units (codes 500–599: farms, forestry living areas…) as administrative villages</translation>
    </message>
    <message>
        <location filename="../../villagepost/gui/settings_dialog.py" line="132"/>
        <source>村级寄递物流覆盖率按建制村（村委会，代码 200–399）计算；县里决定是否把类似村委会也算进去。改变后所有覆盖率数字都会随之改变。</source>
        <translation>Village delivery coverage counts administrative villages (village committees, codes 200–399); the county decides whether units like village committees count too. Changing it changes every coverage figure.</translation>
    </message>
    <message>
        <location filename="../../villagepost/gui/settings_dialog.py" line="143"/>
        <source>确定</source>
        <translation>OK</translation>
    </message>
    <message>
        <location filename="../../villagepost/gui/settings_dialog.py" line="144"/>
        <source>取消</source>
        <translation>Cancel</translation>
    </message>
    <message>
        <location filename="../../villagepost/gui/settings_dialog.py" line="171"/>
        <source>登录账号：</source>
        <translation>Logged in as:</translation>
    </message>
    <message>
        <location filename="../../villagepost/gui/settings_dialog.py" line="175"/>
        <source>已用账号登录：修改记录都记在这个账号名下。换账号请重新登录。</source>
        <translation>Logged in to an account: every change is recorded under this account. To change accounts, log in again.</translation>
    </message>
    <message>
        <location filename="../../villagepost/gui/settings_dialog.py" line="194"/>
        <source>选择或新建数据库文件</source>
        <translation>Choose or create a database file</translation>
    </message>
    <message>
        <location filename="../../villagepost/gui/settings_dialog.py" line="195"/>
        <source>村邮通数据库 (*.sqlite *.sqlite3 *.db);;所有文件 (*)</source>
        <translation>VillagePost databases (*.sqlite *.sqlite3 *.db);;All files (*)</translation>
    </message>
    <message>
        <location filename="../../villagepost/gui/settings_dialog.py" line="207"/>
        <source>请填写用户名：每条修改都会记下是谁做的。</source>
        <translation>Enter a user name: every change records who made it.</translation>
    </message>
    <message>
        <location filename="../../villagepost/gui/settings_dialog.py" line="211"/>
        <source>请填写服务器地址，例如 postgresql://用户名:密码@服务器/villagepost</source>
        <translation>Enter the server address, e.g. postgresql://user:password@server/villagepost</translation>
    </message>
</context>
<context>
    <name>StationActions</name>
    <message>
        <location filename="../../villagepost/gui/window_stations.py" line="36"/>
        <source>撤销：{what}(&amp;U)</source>
        <translation>&amp;Undo: {what}</translation>
    </message>
    <message>
        <location filename="../../villagepost/gui/window_stations.py" line="36"/>
        <source>撤销(&amp;U)</source>
        <translation>&amp;Undo</translation>
    </message>
    <message>
        <location filename="../../villagepost/gui/window_stations.py" line="38"/>
        <source>重做：{what}(&amp;R)</source>
        <translation>&amp;Redo: {what}</translation>
    </message>
    <message>
        <location filename="../../villagepost/gui/window_stations.py" line="38"/>
        <source>重做(&amp;R)</source>
        <translation>&amp;Redo</translation>
    </message>
    <message>
        <location filename="../../villagepost/gui/window_stations.py" line="59"/>
        <source>请先在“站点”页中选择一个站点。</source>
        <translation>Select a station on the Stations page first.</translation>
    </message>
    <message>
        <location filename="../../villagepost/gui/window_stations.py" line="79"/>
        <source>新增站点</source>
        <translation>New station</translation>
    </message>
    <message>
        <location filename="../../villagepost/gui/window_stations.py" line="80"/>
        <source>请先在左侧目录（或“村庄”页）中选择站点所在的村。</source>
        <translation>Select the station&apos;s village in the tree on the left (or on the Villages page) first.</translation>
    </message>
    <message>
        <location filename="../../villagepost/gui/window_stations.py" line="92"/>
        <source>村邮通</source>
        <translation>VillagePost</translation>
    </message>
    <message>
        <location filename="../../villagepost/gui/window_stations.py" line="92"/>
        <source>请先在“站点”页选中一个站点。</source>
        <translation>Select a station on the Stations tab first.</translation>
    </message>
    <message>
        <location filename="../../villagepost/gui/window_stations.py" line="127"/>
        <source>目标</source>
        <translation>Targets</translation>
    </message>
    <message>
        <location filename="../../villagepost/gui/window_stations.py" line="127"/>
        <source>请先在左侧目录中选择一个单位。</source>
        <translation>Select a unit in the tree on the left first.</translation>
    </message>
</context>
<context>
    <name>StationCountsTable</name>
    <message>
        <location filename="../../villagepost/gui/dashboard_panels.py" line="262"/>
        <source>运营</source>
        <translation>Operating</translation>
    </message>
    <message>
        <location filename="../../villagepost/gui/dashboard_panels.py" line="263"/>
        <source>暂停</source>
        <translation>Suspended</translation>
    </message>
    <message>
        <location filename="../../villagepost/gui/dashboard_panels.py" line="264"/>
        <source>关闭</source>
        <translation>Closed</translation>
    </message>
    <message>
        <location filename="../../villagepost/gui/dashboard_panels.py" line="265"/>
        <source>筹建</source>
        <translation>Planned</translation>
    </message>
    <message>
        <location filename="../../villagepost/gui/dashboard_panels.py" line="284"/>
        <source>站点类型</source>
        <translation>Station type</translation>
    </message>
    <message>
        <location filename="../../villagepost/gui/dashboard_panels.py" line="284"/>
        <location filename="../../villagepost/gui/dashboard_panels.py" line="302"/>
        <source>合计</source>
        <translation>Total</translation>
    </message>
    <message>
        <location filename="../../villagepost/gui/dashboard_panels.py" line="291"/>
        <source>（未填类型）</source>
        <translation>(no type)</translation>
    </message>
</context>
<context>
    <name>StationDialogs</name>
    <message>
        <location filename="../../villagepost/gui/station_dialogs.py" line="42"/>
        <source>暂停运营</source>
        <translation>Suspend</translation>
    </message>
    <message>
        <location filename="../../villagepost/gui/station_dialogs.py" line="43"/>
        <source>站点从该日的次日起暂停运营，恢复时请用“恢复运营”。</source>
        <translation>The station stops operating from the day after this date; use Reopen when it operates again.</translation>
    </message>
    <message>
        <location filename="../../villagepost/gui/station_dialogs.py" line="44"/>
        <source>关闭站点</source>
        <translation>Close station</translation>
    </message>
    <message>
        <location filename="../../villagepost/gui/station_dialogs.py" line="45"/>
        <source>站点在该日仍然运营，次日起关闭。关闭的站点和它的历史记录都会保留。</source>
        <translation>The station still operates on this day and is closed from the next. A closed station and its history are kept.</translation>
    </message>
    <message>
        <location filename="../../villagepost/gui/station_dialogs.py" line="46"/>
        <source>恢复运营</source>
        <translation>Reopen</translation>
    </message>
    <message>
        <location filename="../../villagepost/gui/station_dialogs.py" line="47"/>
        <source>暂停或关闭的站点从该日起重新运营。</source>
        <translation>A suspended or closed station operates again from this day.</translation>
    </message>
</context>
<context>
    <name>StationEditor</name>
    <message>
        <location filename="../../villagepost/gui/station_editor.py" line="110"/>
        <source>新增站点 — {village}</source>
        <extracomment>a station was saved or added (argument: its code) details were (re)loaded and shown</extracomment>
        <translation>New station — {village}</translation>
    </message>
    <message>
        <location filename="../../villagepost/gui/station_editor.py" line="136"/>
        <source>{hint}；不知道可留空（日期缺失）</source>
        <translation>{hint}; leave empty if unknown (date missing)</translation>
    </message>
    <message>
        <location filename="../../villagepost/gui/station_editor.py" line="137"/>
        <source>如 106.438139 或 106°26′17″</source>
        <translation>e.g. 106.438139 or 106°26′17″</translation>
    </message>
    <message>
        <location filename="../../villagepost/gui/station_editor.py" line="138"/>
        <source>如 38.905924</source>
        <translation>e.g. 38.905924</translation>
    </message>
    <message>
        <location filename="../../villagepost/gui/station_editor.py" line="139"/>
        <source>手机11位或固话 0952-7053794</source>
        <translation>11-digit mobile or landline 0952-7053794</translation>
    </message>
    <message>
        <location filename="../../villagepost/gui/station_editor.py" line="142"/>
        <location filename="../../villagepost/gui/station_editor.py" line="152"/>
        <source>（未填）</source>
        <translation>(none)</translation>
    </message>
    <message>
        <location filename="../../villagepost/gui/station_editor.py" line="149"/>
        <source>类型变更日期：</source>
        <translation>Type changed on:</translation>
    </message>
    <message>
        <location filename="../../villagepost/gui/station_editor.py" line="158"/>
        <source>筹建中（尚未开通，没有开通日期）</source>
        <translation>Planned (not open yet, no opening date)</translation>
    </message>
    <message>
        <location filename="../../villagepost/gui/station_editor.py" line="195"/>
        <source>{label}（站点所在村以外）</source>
        <translation>{label} (besides the station&apos;s own village)</translation>
    </message>
    <message>
        <location filename="../../villagepost/gui/station_editor.py" line="201"/>
        <source>编号</source>
        <translation>No.</translation>
    </message>
    <message>
        <location filename="../../villagepost/gui/station_editor.py" line="201"/>
        <source>日期</source>
        <translation>Date</translation>
    </message>
    <message>
        <location filename="../../villagepost/gui/station_editor.py" line="201"/>
        <source>事件</source>
        <translation>Event</translation>
    </message>
    <message>
        <location filename="../../villagepost/gui/station_editor.py" line="201"/>
        <source>类型</source>
        <translation>Type</translation>
    </message>
    <message>
        <location filename="../../villagepost/gui/station_editor.py" line="202"/>
        <source>说明</source>
        <translation>Note</translation>
    </message>
    <message>
        <location filename="../../villagepost/gui/station_editor.py" line="202"/>
        <source>记录人</source>
        <translation>By</translation>
    </message>
    <message>
        <location filename="../../villagepost/gui/station_editor.py" line="202"/>
        <source>登记日期</source>
        <translation>Recorded</translation>
    </message>
    <message>
        <location filename="../../villagepost/gui/station_editor.py" line="209"/>
        <source>撤销所选记录</source>
        <translation>Undo selected entry</translation>
    </message>
    <message>
        <location filename="../../villagepost/gui/station_editor.py" line="211"/>
        <source>记录一条“撤销”，所选记录保留在历史中；可以再撤销。</source>
        <translation>Records an &quot;undone&quot; entry; the selected entry stays in the history. This can be undone too.</translation>
    </message>
    <message>
        <location filename="../../villagepost/gui/station_editor.py" line="219"/>
        <source>基本信息</source>
        <translation>Details</translation>
    </message>
    <message>
        <location filename="../../villagepost/gui/station_editor.py" line="220"/>
        <source>服务、品牌与服务村</source>
        <translation>Services, brands and villages served</translation>
    </message>
    <message>
        <location filename="../../villagepost/gui/station_editor.py" line="221"/>
        <source>历史记录</source>
        <translation>History</translation>
    </message>
    <message>
        <location filename="../../villagepost/gui/station_editor.py" line="226"/>
        <source>修改记录</source>
        <translation>Change history</translation>
    </message>
    <message>
        <location filename="../../villagepost/gui/station_editor.py" line="228"/>
        <source>保存</source>
        <translation>Save</translation>
    </message>
    <message>
        <location filename="../../villagepost/gui/station_editor.py" line="232"/>
        <source>合并…</source>
        <translation>Merge…</translation>
    </message>
    <message>
        <location filename="../../villagepost/gui/station_editor.py" line="240"/>
        <source>撤销</source>
        <translation>Undo</translation>
    </message>
    <message>
        <location filename="../../villagepost/gui/station_editor.py" line="243"/>
        <source>重做</source>
        <translation>Redo</translation>
    </message>
    <message>
        <location filename="../../villagepost/gui/station_editor.py" line="246"/>
        <source>关闭窗口</source>
        <translation>Close window</translation>
    </message>
    <message>
        <location filename="../../villagepost/gui/station_editor.py" line="334"/>
        <source>新增站点</source>
        <translation>New station</translation>
    </message>
    <message>
        <location filename="../../villagepost/gui/station_editor.py" line="335"/>
        <source>所在村：{village}</source>
        <translation>Village: {village}</translation>
    </message>
    <message>
        <location filename="../../villagepost/gui/station_editor.py" line="346"/>
        <source>站点 {name}（{code}）</source>
        <translation>Station {name} ({code})</translation>
    </message>
    <message>
        <location filename="../../villagepost/gui/station_editor.py" line="355"/>
        <source>{status}（自 {date}）</source>
        <translation>{status} (since {date})</translation>
    </message>
    <message>
        <location filename="../../villagepost/gui/station_editor.py" line="356"/>
        <source>&#x3000;建成日期缺失，覆盖从登记之日 {date} 算起</source>
        <translation>  No opening date: coverage counts from the recording day {date}</translation>
    </message>
    <message>
        <location filename="../../villagepost/gui/station_editor.py" line="358"/>
        <source>{path}&#x3000;状态：{status}{missing}</source>
        <translation>{path}  Status: {status}{missing}</translation>
    </message>
    <message>
        <location filename="../../villagepost/gui/station_editor.py" line="401"/>
        <source>并入：{codes}</source>
        <translation>Joined by: {codes}</translation>
    </message>
    <message>
        <location filename="../../villagepost/gui/station_editor.py" line="403"/>
        <source>并入站点 {code}</source>
        <translation>Joined station {code}</translation>
    </message>
    <message>
        <location filename="../../villagepost/gui/station_editor.py" line="405"/>
        <source>撤销 #{id}</source>
        <translation>Undoes #{id}</translation>
    </message>
    <message>
        <location filename="../../villagepost/gui/station_editor.py" line="407"/>
        <source>已被 #{id} 撤销</source>
        <translation>Undone by #{id}</translation>
    </message>
    <message>
        <location filename="../../villagepost/gui/station_editor.py" line="410"/>
        <source>日期缺失</source>
        <translation>Date missing</translation>
    </message>
    <message>
        <location filename="../../villagepost/gui/station_editor.py" line="462"/>
        <location filename="../../villagepost/gui/station_editor.py" line="495"/>
        <source>没有修改。</source>
        <translation>Nothing changed.</translation>
    </message>
    <message>
        <location filename="../../villagepost/gui/station_editor.py" line="489"/>
        <source>修改站点 {name}</source>
        <translation>Edit station {name}</translation>
    </message>
    <message>
        <location filename="../../villagepost/gui/station_editor.py" line="493"/>
        <source>已保存。</source>
        <translation>Saved.</translation>
    </message>
    <message>
        <location filename="../../villagepost/gui/station_editor.py" line="529"/>
        <source>已新增站点 {code}。</source>
        <translation>Station {code} added.</translation>
    </message>
    <message>
        <location filename="../../villagepost/gui/station_editor.py" line="558"/>
        <source>正在保存…</source>
        <translation>Saving…</translation>
    </message>
    <message>
        <location filename="../../villagepost/gui/station_editor.py" line="644"/>
        <source>合并站点</source>
        <translation>Merge stations</translation>
    </message>
    <message>
        <location filename="../../villagepost/gui/station_editor.py" line="666"/>
        <source>请先在历史记录中选择一条。</source>
        <translation>Select an entry of the history first.</translation>
    </message>
    <message>
        <location filename="../../villagepost/gui/station_editor.py" line="720"/>
        <source>村邮通</source>
        <translation>VillagePost</translation>
    </message>
    <message>
        <location filename="../../villagepost/gui/station_editor.py" line="720"/>
        <source>站点的修改还没有保存。要保存吗？</source>
        <translation>The station&apos;s changes are not saved. Save them?</translation>
    </message>
    <message>
        <location filename="../../villagepost/gui/station_editor.py" line="353"/>
        <source>已合并（并入 {code}）</source>
        <translation>merged (into {code})</translation>
    </message>
    <message>
        <location filename="../../villagepost/gui/station_editor.py" line="652"/>
        <source>{action} {name}</source>
        <translation>{action} {name}</translation>
    </message>
    <message>
        <location filename="../../villagepost/gui/station_editor.py" line="653"/>
        <source>已记录：{what}。</source>
        <translation>Recorded: {what}.</translation>
    </message>
    <message>
        <location filename="../../villagepost/gui/station_editor.py" line="671"/>
        <source>{kind} {name}</source>
        <translation>{kind} {name}</translation>
    </message>
    <message>
        <location filename="../../villagepost/gui/station_editor.py" line="678"/>
        <source>作废记录 #{id}（{what}）</source>
        <translation>Void entry #{id} ({what})</translation>
    </message>
    <message>
        <location filename="../../villagepost/gui/station_editor.py" line="679"/>
        <source>已作废记录 #{id}（{what}），它保留在历史中。</source>
        <translation>Voided entry #{id} ({what}); it stays in the history.</translation>
    </message>
    <message>
        <location filename="../../villagepost/gui/station_editor.py" line="702"/>
        <source>撤销：{what}</source>
        <translation>Undo: {what}</translation>
    </message>
    <message>
        <location filename="../../villagepost/gui/station_editor.py" line="703"/>
        <source>本站点没有可撤销的修改</source>
        <translation>Nothing of this station&apos;s to undo</translation>
    </message>
    <message>
        <location filename="../../villagepost/gui/station_editor.py" line="704"/>
        <source>重做：{what}</source>
        <translation>Redo: {what}</translation>
    </message>
    <message>
        <location filename="../../villagepost/gui/station_editor.py" line="705"/>
        <source>本站点没有可重做的修改</source>
        <translation>Nothing of this station&apos;s to redo</translation>
    </message>
</context>
<context>
    <name>StationHistory</name>
    <message>
        <location filename="../../villagepost/gui/station_fields.py" line="49"/>
        <source>筹建</source>
        <translation>Planned</translation>
    </message>
    <message>
        <location filename="../../villagepost/gui/station_fields.py" line="50"/>
        <source>开通</source>
        <translation>Opened</translation>
    </message>
    <message>
        <location filename="../../villagepost/gui/station_fields.py" line="51"/>
        <source>合并</source>
        <translation>Merged</translation>
    </message>
    <message>
        <location filename="../../villagepost/gui/station_fields.py" line="52"/>
        <source>类型变更</source>
        <translation>Type changed</translation>
    </message>
    <message>
        <location filename="../../villagepost/gui/station_fields.py" line="53"/>
        <source>暂停</source>
        <translation>Suspended</translation>
    </message>
    <message>
        <location filename="../../villagepost/gui/station_fields.py" line="54"/>
        <source>恢复运营</source>
        <translation>Reopened</translation>
    </message>
    <message>
        <location filename="../../villagepost/gui/station_fields.py" line="55"/>
        <source>关闭</source>
        <translation>Closed</translation>
    </message>
    <message>
        <location filename="../../villagepost/gui/station_fields.py" line="56"/>
        <source>撤销</source>
        <translation>Undone</translation>
    </message>
</context>
<context>
    <name>StationUndo</name>
    <message>
        <location filename="../../villagepost/gui/station_commands.py" line="214"/>
        <location filename="../../villagepost/gui/station_commands.py" line="235"/>
        <source>在窗口中撤销</source>
        <translation>undone in the window</translation>
    </message>
    <message>
        <location filename="../../villagepost/gui/station_commands.py" line="218"/>
        <location filename="../../villagepost/gui/station_commands.py" line="243"/>
        <source>在窗口中重做</source>
        <translation>redone in the window</translation>
    </message>
    <message>
        <location filename="../../villagepost/gui/station_commands.py" line="118"/>
        <source>已撤销：{what}</source>
        <extracomment>a station&apos;s data changed (argument: its code); tables and an open editor reload a replayed step failed and its station&apos;s stack was cleared (argument: the message shown) a step was replayed (argument: what was done, e.g. &quot;已撤销：暂停运营 新利村快递综合服务站&quot;) any stack&apos;s state changed (index, clean state, active stack): undo/redo buttons update</extracomment>
        <translation>Undone: {what}</translation>
    </message>
    <message>
        <location filename="../../villagepost/gui/station_commands.py" line="125"/>
        <source>已重做：{what}</source>
        <translation>Redone: {what}</translation>
    </message>
</context>
<context>
    <name>StationsTab</name>
    <message>
        <location filename="../../villagepost/gui/stations_tab.py" line="36"/>
        <source>筹建</source>
        <translation>Planned</translation>
    </message>
    <message>
        <location filename="../../villagepost/gui/stations_tab.py" line="37"/>
        <source>运营</source>
        <translation>Operating</translation>
    </message>
    <message>
        <location filename="../../villagepost/gui/stations_tab.py" line="38"/>
        <source>暂停</source>
        <translation>Suspended</translation>
    </message>
    <message>
        <location filename="../../villagepost/gui/stations_tab.py" line="39"/>
        <source>关闭</source>
        <translation>Closed</translation>
    </message>
    <message>
        <location filename="../../villagepost/gui/stations_tab.py" line="47"/>
        <source>站点编码</source>
        <translation>Station code</translation>
    </message>
    <message>
        <location filename="../../villagepost/gui/stations_tab.py" line="48"/>
        <source>站点名称</source>
        <translation>Station name</translation>
    </message>
    <message>
        <location filename="../../villagepost/gui/stations_tab.py" line="49"/>
        <source>类型</source>
        <translation>Type</translation>
    </message>
    <message>
        <location filename="../../villagepost/gui/stations_tab.py" line="50"/>
        <source>状态</source>
        <translation>Status</translation>
    </message>
    <message>
        <location filename="../../villagepost/gui/stations_tab.py" line="51"/>
        <source>合作模式</source>
        <translation>Cooperation mode</translation>
    </message>
    <message>
        <location filename="../../villagepost/gui/stations_tab.py" line="52"/>
        <source>所在村</source>
        <translation>Village</translation>
    </message>
    <message>
        <location filename="../../villagepost/gui/stations_tab.py" line="53"/>
        <source>建成日期</source>
        <translation>Opened</translation>
    </message>
    <message>
        <location filename="../../villagepost/gui/stations_tab.py" line="55"/>
        <source>联系电话</source>
        <translation>Phone</translation>
    </message>
    <message>
        <location filename="../../villagepost/gui/stations_tab.py" line="84"/>
        <source>日期缺失</source>
        <translation>Date missing</translation>
    </message>
    <message>
        <location filename="../../villagepost/gui/stations_tab.py" line="101"/>
        <source>没有建成日期：覆盖从登记之日算起。请在站点编辑中补填日期。</source>
        <translation>No opening date: coverage counts from the recording day. Please fill it in in the station editor.</translation>
    </message>
    <message>
        <location filename="../../villagepost/gui/stations_tab.py" line="121"/>
        <source>筛选：站点名称或站点编码</source>
        <extracomment>a station was activated (double-click or Enter): its code</extracomment>
        <translation>Filter: station name or code</translation>
    </message>
    <message>
        <location filename="../../villagepost/gui/stations_tab.py" line="124"/>
        <source>全部状态</source>
        <translation>All statuses</translation>
    </message>
    <message>
        <location filename="../../villagepost/gui/stations_tab.py" line="129"/>
        <source>全部类型</source>
        <translation>All types</translation>
    </message>
    <message>
        <location filename="../../villagepost/gui/stations_tab.py" line="143"/>
        <source>共 {n} 个站点</source>
        <translation>{n} stations</translation>
    </message>
    <message>
        <location filename="../../villagepost/gui/stations_tab.py" line="54"/>
        <source>运营主体</source>
        <translation>Operator</translation>
    </message>
    <message>
        <location filename="../../villagepost/gui/stations_tab.py" line="80"/>
        <source>已合并（并入 {code}）</source>
        <translation>merged (into {code})</translation>
    </message>
</context>
<context>
    <name>TableTab</name>
    <message>
        <location filename="../../villagepost/gui/table_tab.py" line="150"/>
        <source>正在读取…</source>
        <extracomment>emitted when the rows of a new query are shown (argument: total)</extracomment>
        <translation>Reading…</translation>
    </message>
</context>
<context>
    <name>TargetsDialog</name>
    <message>
        <location filename="../../villagepost/gui/targets_editor.py" line="78"/>
        <source>编号</source>
        <translation>No.</translation>
    </message>
    <message>
        <location filename="../../villagepost/gui/targets_editor.py" line="78"/>
        <source>所属</source>
        <translation>Of</translation>
    </message>
    <message>
        <location filename="../../villagepost/gui/targets_editor.py" line="78"/>
        <source>指标</source>
        <translation>Measure</translation>
    </message>
    <message>
        <location filename="../../villagepost/gui/targets_editor.py" line="79"/>
        <source>目标值</source>
        <translation>Value</translation>
    </message>
    <message>
        <location filename="../../villagepost/gui/targets_editor.py" line="79"/>
        <source>截止日期</source>
        <translation>Deadline</translation>
    </message>
    <message>
        <location filename="../../villagepost/gui/targets_editor.py" line="80"/>
        <source>设定于</source>
        <translation>Set on</translation>
    </message>
    <message>
        <location filename="../../villagepost/gui/targets_editor.py" line="80"/>
        <source>备注</source>
        <translation>Note</translation>
    </message>
    <message>
        <location filename="../../villagepost/gui/targets_editor.py" line="116"/>
        <source>覆盖率</source>
        <translation>Coverage</translation>
    </message>
    <message>
        <location filename="../../villagepost/gui/targets_editor.py" line="117"/>
        <source>站点数：{type}</source>
        <translation>Stations: {type}</translation>
    </message>
    <message>
        <location filename="../../villagepost/gui/targets_editor.py" line="123"/>
        <source>{n} 个</source>
        <translation>{n}</translation>
    </message>
    <message>
        <location filename="../../villagepost/gui/targets_editor.py" line="150"/>
        <source>目标 — {unit}</source>
        <extracomment>a target was added, changed or removed (the dashboard re-reads) the list was (re)read and shown the table&apos;s rows: (target, own?)</extracomment>
        <translation>Targets — {unit}</translation>
    </message>
    <message>
        <location filename="../../villagepost/gui/targets_editor.py" line="177"/>
        <source>目标</source>
        <translation>Target</translation>
    </message>
    <message>
        <location filename="../../villagepost/gui/targets_editor.py" line="181"/>
        <source>覆盖率（建制村覆盖比例）</source>
        <translation>Coverage (share of 建制村 covered)</translation>
    </message>
    <message>
        <location filename="../../villagepost/gui/targets_editor.py" line="182"/>
        <source>站点数（某类站点的个数）</source>
        <translation>Stations (number of one type)</translation>
    </message>
    <message>
        <location filename="../../villagepost/gui/targets_editor.py" line="185"/>
        <source>（请选择站点类型）</source>
        <translation>(choose a station type)</translation>
    </message>
    <message>
        <location filename="../../villagepost/gui/targets_editor.py" line="197"/>
        <source>例如文件依据：××县农村寄递物流体系建设实施方案</source>
        <translation>e.g. the plan it comes from</translation>
    </message>
    <message>
        <location filename="../../villagepost/gui/targets_editor.py" line="199"/>
        <source>指标：</source>
        <translation>Measure:</translation>
    </message>
    <message>
        <location filename="../../villagepost/gui/targets_editor.py" line="200"/>
        <source>站点类型：</source>
        <translation>Station type:</translation>
    </message>
    <message>
        <location filename="../../villagepost/gui/targets_editor.py" line="202"/>
        <source>目标值：</source>
        <translation>Value:</translation>
    </message>
    <message>
        <location filename="../../villagepost/gui/targets_editor.py" line="204"/>
        <source>截止日期：</source>
        <translation>Deadline:</translation>
    </message>
    <message>
        <location filename="../../villagepost/gui/targets_editor.py" line="205"/>
        <source>备注：</source>
        <translation>Note:</translation>
    </message>
    <message>
        <location filename="../../villagepost/gui/targets_editor.py" line="207"/>
        <source>新增目标</source>
        <translation>Add target</translation>
    </message>
    <message>
        <location filename="../../villagepost/gui/targets_editor.py" line="209"/>
        <source>保存修改</source>
        <translation>Save changes</translation>
    </message>
    <message>
        <location filename="../../villagepost/gui/targets_editor.py" line="211"/>
        <location filename="../../villagepost/gui/targets_editor.py" line="502"/>
        <source>删除目标</source>
        <translation>Remove target</translation>
    </message>
    <message>
        <location filename="../../villagepost/gui/targets_editor.py" line="213"/>
        <source>清空表单</source>
        <translation>Clear form</translation>
    </message>
    <message>
        <location filename="../../villagepost/gui/targets_editor.py" line="231"/>
        <source>关闭</source>
        <translation>Close</translation>
    </message>
    <message>
        <location filename="../../villagepost/gui/targets_editor.py" line="292"/>
        <source>本级</source>
        <extracomment>asks the user to confirm removing a target (replaceable in tests)</extracomment>
        <translation>this unit</translation>
    </message>
    <message>
        <location filename="../../villagepost/gui/targets_editor.py" line="292"/>
        <source>上级：{unit}</source>
        <translation>above: {unit}</translation>
    </message>
    <message>
        <location filename="../../villagepost/gui/targets_editor.py" line="294"/>
        <source>，不沿用</source>
        <translation>, not inherited</translation>
    </message>
    <message>
        <location filename="../../villagepost/gui/targets_editor.py" line="318"/>
        <source>本级目标 {n} 个，可修改、删除。进度按本级目标计算。</source>
        <translation>{n} targets of this unit; they can be changed or removed. The pace is measured against them. </translation>
    </message>
    <message>
        <location filename="../../villagepost/gui/targets_editor.py" line="320"/>
        <source>灰色斜体为上级单位的目标，仅供参考。</source>
        <translation>Grey italics: the targets of the unit above, for reference.</translation>
    </message>
    <message>
        <location filename="../../villagepost/gui/targets_editor.py" line="324"/>
        <source>本级还没有自己的目标：进度沿用上级 {unit} 的覆盖率目标（灰色斜体，只能在上级修改；站点数目标只算上级本身，不沿用）。在下方新增后，改按本级目标计算。</source>
        <translation>No targets of its own yet: the pace is measured against the coverage targets of {unit} (grey italics, changed there; its station counts are its own and not inherited). Add one below to measure against this unit’s own.</translation>
    </message>
    <message>
        <location filename="../../villagepost/gui/targets_editor.py" line="327"/>
        <source>本级和上级都还没有目标。在下方填写指标、目标值和截止日期后点“新增目标”。</source>
        <translation>Neither this unit nor any above it has targets. Fill in the measure, value and deadline below and click “Add target”.</translation>
    </message>
    <message>
        <location filename="../../villagepost/gui/targets_editor.py" line="349"/>
        <source>上级的目标只能在上级单位修改；可以用“新增目标”把它设为本级目标</source>
        <translation>A target of the unit above is changed there; “Add target” makes it this unit’s own</translation>
    </message>
    <message>
        <location filename="../../villagepost/gui/targets_editor.py" line="393"/>
        <source> 个</source>
        <translation> stations</translation>
    </message>
    <message>
        <location filename="../../villagepost/gui/targets_editor.py" line="491"/>
        <source>删除目标 #{id}（{text}）？
目标是计划，删除后不留记录；进度将不再对照它。</source>
        <translation>Remove target #{id} ({text})?
A target is a plan: nothing of it is kept, and the pace is no longer measured against it.</translation>
    </message>
    <message>
        <location filename="../../villagepost/gui/targets_editor.py" line="410"/>
        <source>截止日期：{problem}</source>
        <translation>Deadline: {problem}</translation>
    </message>
</context>
<context>
    <name>UnitDetailsPanel</name>
    <message>
        <location filename="../../villagepost/gui/unit_details.py" line="35"/>
        <source>省（自治区、直辖市）</source>
        <extracomment>lupdate finds `translate(&quot;context&quot;, &quot;text&quot;)` calls; a wrapper function would hide them.</extracomment>
        <translation>Province (autonomous region, municipality)</translation>
    </message>
    <message>
        <location filename="../../villagepost/gui/unit_details.py" line="36"/>
        <source>市（地区、自治州、盟）</source>
        <translation>City (prefecture, autonomous prefecture, league)</translation>
    </message>
    <message>
        <location filename="../../villagepost/gui/unit_details.py" line="37"/>
        <source>县（市辖区、县级市、旗）</source>
        <translation>County (district, county-level city, banner)</translation>
    </message>
    <message>
        <location filename="../../villagepost/gui/unit_details.py" line="38"/>
        <source>乡镇（街道）</source>
        <translation>Township</translation>
    </message>
    <message>
        <location filename="../../villagepost/gui/unit_details.py" line="45"/>
        <source>村委会（建制村）</source>
        <translation>Village committee (administrative village)</translation>
    </message>
    <message>
        <location filename="../../villagepost/gui/unit_details.py" line="46"/>
        <source>居委会（社区）</source>
        <translation>Residents&apos; committee (community)</translation>
    </message>
    <message>
        <location filename="../../villagepost/gui/unit_details.py" line="47"/>
        <source>类似居委会</source>
        <translation>Like a residents&apos; committee</translation>
    </message>
    <message>
        <location filename="../../villagepost/gui/unit_details.py" line="48"/>
        <source>类似村委会（农场、林场生活区等）</source>
        <translation>Like a village committee (farms, forestry living areas…)</translation>
    </message>
    <message>
        <location filename="../../villagepost/gui/unit_details.py" line="90"/>
        <source>载入区划代码…</source>
        <extracomment>display order of the village classes: the one coverage counts first</extracomment>
        <translation>Load division codes…</translation>
    </message>
    <message>
        <location filename="../../villagepost/gui/unit_details.py" line="118"/>
        <source>层级：</source>
        <translation>Path:</translation>
    </message>
    <message>
        <location filename="../../villagepost/gui/unit_details.py" line="119"/>
        <source>区划代码：</source>
        <translation>Division code:</translation>
    </message>
    <message>
        <location filename="../../villagepost/gui/unit_details.py" line="120"/>
        <source>级别：</source>
        <translation>Level:</translation>
    </message>
    <message>
        <location filename="../../villagepost/gui/unit_details.py" line="121"/>
        <source>类别：</source>
        <translation>Class:</translation>
    </message>
    <message>
        <location filename="../../villagepost/gui/unit_details.py" line="123"/>
        <source>拼音：</source>
        <translation>Pinyin:</translation>
    </message>
    <message>
        <location filename="../../villagepost/gui/unit_details.py" line="124"/>
        <source>代码版本：</source>
        <translation>Code edition:</translation>
    </message>
    <message>
        <location filename="../../villagepost/gui/unit_details.py" line="127"/>
        <source>下辖单位</source>
        <translation>Units below</translation>
    </message>
    <message>
        <location filename="../../villagepost/gui/unit_details.py" line="160"/>
        <source>村级单位分类</source>
        <translation>Village-level units by class</translation>
    </message>
    <message>
        <location filename="../../villagepost/gui/unit_details.py" line="169"/>
        <source>村级寄递物流覆盖率按村委会（建制村）计算；是否计入类似村委会由各县决定。</source>
        <translation>Village delivery coverage counts village committees (administrative villages); each county decides whether units like village committees count too.</translation>
    </message>
    <message>
        <location filename="../../villagepost/gui/unit_details.py" line="205"/>
        <source>在左侧目录中选择一个区划单位，即可在这里查看它的代码、所属关系和下辖单位数量。

也可以在左上方的搜索框中输入名称或拼音首字母（例如 yjx 查找永吉县），按回车。</source>
        <translation>Select a unit in the tree on the left to see its code, where it belongs and the units below it.

Or type a name or pinyin initials in the search box at the top left (e.g. yjx finds 永吉县) and press Enter.</translation>
    </message>
    <message>
        <location filename="../../villagepost/gui/unit_details.py" line="211"/>
        <source>登记册中还没有区划代码。

请先载入本县（或本省、全国）的统计用区划代码，之后才能登记站点。</source>
        <translation>The registry holds no division codes yet.

Load your county&apos;s (or province&apos;s, or the country&apos;s) statistical division codes first; then stations can be recorded.</translation>
    </message>
    <message>
        <location filename="../../villagepost/gui/unit_details.py" line="216"/>
        <source>正在读取…</source>
        <translation>Reading…</translation>
    </message>
    <message>
        <location filename="../../villagepost/gui/unit_details.py" line="223"/>
        <source>（已撤销）</source>
        <translation> (retired)</translation>
    </message>
    <message>
        <location filename="../../villagepost/gui/unit_details.py" line="232"/>
        <source>（代码不在编制规则的范围内）</source>
        <translation>(the code lies outside the coding rules)</translation>
    </message>
    <message>
        <location filename="../../villagepost/gui/unit_details.py" line="237"/>
        <source>{year} 年版统计用区划代码</source>
        <translation>{year} statistical division codes</translation>
    </message>
    <message>
        <location filename="../../villagepost/gui/unit_details.py" line="39"/>
        <source>村级单位（各类合计，分类见下）</source>
        <translation>Village-level units (all classes, see below)</translation>
    </message>
    <message>
        <location filename="../../villagepost/gui/unit_details.py" line="142"/>
        <source>站点与覆盖</source>
        <translation>Stations and coverage</translation>
    </message>
    <message>
        <location filename="../../villagepost/gui/unit_details.py" line="147"/>
        <source>站点（全部状态）</source>
        <translation>Stations (any status)</translation>
    </message>
    <message>
        <location filename="../../villagepost/gui/unit_details.py" line="147"/>
        <source>运营中的站点</source>
        <translation>Operating stations</translation>
    </message>
    <message>
        <location filename="../../villagepost/gui/unit_details.py" line="148"/>
        <source>建制村</source>
        <translation>Administrative villages</translation>
    </message>
    <message>
        <location filename="../../villagepost/gui/unit_details.py" line="148"/>
        <source>已覆盖的建制村</source>
        <translation>Villages covered</translation>
    </message>
    <message>
        <location filename="../../villagepost/gui/unit_details.py" line="148"/>
        <source>覆盖率</source>
        <translation>Coverage</translation>
    </message>
    <message>
        <location filename="../../villagepost/gui/unit_details.py" line="198"/>
        <source>截至 {day}；建制村{extra}</source>
        <translation>On {day}; villages {extra}</translation>
    </message>
    <message>
        <location filename="../../villagepost/gui/unit_details.py" line="200"/>
        <source>含类似村委会</source>
        <translation>including village-like units</translation>
    </message>
    <message>
        <location filename="../../villagepost/gui/unit_details.py" line="200"/>
        <source>不含类似村委会</source>
        <translation>excluding village-like units</translation>
    </message>
</context>
<context>
    <name>VillagesTab</name>
    <message>
        <location filename="../../villagepost/gui/villages_tab.py" line="36"/>
        <source>区划代码</source>
        <translation>Division code</translation>
    </message>
    <message>
        <location filename="../../villagepost/gui/villages_tab.py" line="37"/>
        <source>名称</source>
        <translation>Name</translation>
    </message>
    <message>
        <location filename="../../villagepost/gui/villages_tab.py" line="38"/>
        <source>类别</source>
        <translation>Class</translation>
    </message>
    <message>
        <location filename="../../villagepost/gui/villages_tab.py" line="39"/>
        <source>乡镇（街道）</source>
        <translation>Township</translation>
    </message>
    <message>
        <location filename="../../villagepost/gui/villages_tab.py" line="40"/>
        <source>县（区）</source>
        <translation>County</translation>
    </message>
    <message>
        <location filename="../../villagepost/gui/villages_tab.py" line="41"/>
        <source>今日覆盖</source>
        <translation>Covered today</translation>
    </message>
    <message>
        <location filename="../../villagepost/gui/villages_tab.py" line="42"/>
        <source>站点数</source>
        <translation>Stations</translation>
    </message>
    <message>
        <location filename="../../villagepost/gui/villages_tab.py" line="43"/>
        <source>站点</source>
        <translation>Stations</translation>
    </message>
    <message>
        <location filename="../../villagepost/gui/villages_tab.py" line="74"/>
        <source>（已撤销）</source>
        <extracomment>village-level classes that never count towards coverage (类似村委会 counts when the registry says so)</extracomment>
        <translation> (retired)</translation>
    </message>
    <message>
        <location filename="../../villagepost/gui/villages_tab.py" line="85"/>
        <location filename="../../villagepost/gui/villages_tab.py" line="129"/>
        <source>未覆盖</source>
        <translation>Not covered</translation>
    </message>
    <message>
        <location filename="../../villagepost/gui/villages_tab.py" line="87"/>
        <source>已覆盖（日期缺失）</source>
        <translation>Covered (date missing)</translation>
    </message>
    <message>
        <location filename="../../villagepost/gui/villages_tab.py" line="88"/>
        <source>已覆盖 {date}</source>
        <translation>Covered since {date}</translation>
    </message>
    <message>
        <location filename="../../villagepost/gui/villages_tab.py" line="108"/>
        <source>覆盖该村的站点没有填写建成日期，覆盖从登记之日算起；请补填日期。</source>
        <translation>The station covering this village has no opening date, so coverage counts from the recording day; please fill it in.</translation>
    </message>
    <message>
        <location filename="../../villagepost/gui/villages_tab.py" line="110"/>
        <source>自 {date} 起由综合服务站覆盖</source>
        <translation>Covered by a combined station since {date}</translation>
    </message>
    <message>
        <location filename="../../villagepost/gui/villages_tab.py" line="117"/>
        <source>全部类别</source>
        <extracomment>the class filter&apos;s choices: (label, VillageClass value or None for all)</extracomment>
        <translation>All classes</translation>
    </message>
    <message>
        <location filename="../../villagepost/gui/villages_tab.py" line="118"/>
        <source>村委会（建制村）</source>
        <translation>Village committee (administrative village)</translation>
    </message>
    <message>
        <location filename="../../villagepost/gui/villages_tab.py" line="119"/>
        <source>居委会</source>
        <translation>Residents&apos; committee</translation>
    </message>
    <message>
        <location filename="../../villagepost/gui/villages_tab.py" line="120"/>
        <source>类似居委会</source>
        <translation>Like a residents&apos; committee</translation>
    </message>
    <message>
        <location filename="../../villagepost/gui/villages_tab.py" line="121"/>
        <source>类似村委会</source>
        <translation>Like a village committee</translation>
    </message>
    <message>
        <location filename="../../villagepost/gui/villages_tab.py" line="127"/>
        <source>全部</source>
        <translation>All</translation>
    </message>
    <message>
        <location filename="../../villagepost/gui/villages_tab.py" line="128"/>
        <source>已覆盖</source>
        <translation>Covered</translation>
    </message>
    <message>
        <location filename="../../villagepost/gui/villages_tab.py" line="148"/>
        <source>筛选：村名、拼音首字母或代码</source>
        <extracomment>a village was activated (double-click or Enter): its code</extracomment>
        <translation>Filter: village name, pinyin initials or code</translation>
    </message>
    <message>
        <location filename="../../villagepost/gui/villages_tab.py" line="170"/>
        <source>共 {n} 个村级单位</source>
        <translation>{n} village-level units</translation>
    </message>
    <message>
        <location filename="../../villagepost/gui/villages_tab.py" line="83"/>
        <source>不计入</source>
        <translation>not counted</translation>
    </message>
    <message>
        <location filename="../../villagepost/gui/villages_tab.py" line="104"/>
        <source>居委会不是建制村，不计入覆盖率（可以有站点）</source>
        <translation>A residents&apos; committee is not an administrative village: coverage does not count it (it may have stations)</translation>
    </message>
</context>
<context>
    <name>_PrintDialog</name>
    <message>
        <location filename="../../villagepost/gui/print_dialogs.py" line="134"/>
        <source>浏览…</source>
        <extracomment>emitted with the PrintResult when a print has finished emitted when the dialog has read the scope&apos;s name and can print (a selection of stations needs no read) where suggested output goes: the last folder used, then the folder of what the clerk chose or typed</extracomment>
        <translation>Browse…</translation>
    </message>
    <message>
        <location filename="../../villagepost/gui/print_dialogs.py" line="140"/>
        <source>完成后打开</source>
        <translation>Open when done</translation>
    </message>
    <message>
        <location filename="../../villagepost/gui/print_dialogs.py" line="149"/>
        <source>打印</source>
        <translation>Print</translation>
    </message>
    <message>
        <location filename="../../villagepost/gui/print_dialogs.py" line="153"/>
        <source>打开</source>
        <translation>Open</translation>
    </message>
    <message>
        <location filename="../../villagepost/gui/print_dialogs.py" line="158"/>
        <source>关闭</source>
        <translation>Close</translation>
    </message>
    <message>
        <location filename="../../villagepost/gui/print_dialogs.py" line="218"/>
        <source>请先选择保存位置。</source>
        <translation>Choose where to save first.</translation>
    </message>
    <message>
        <location filename="../../villagepost/gui/print_dialogs.py" line="225"/>
        <source>正在打印…</source>
        <translation>Printing…</translation>
    </message>
    <message>
        <location filename="../../villagepost/gui/print_dialogs.py" line="230"/>
        <source>已完成</source>
        <translation>done</translation>
    </message>
    <message>
        <location filename="../../villagepost/gui/print_dialogs.py" line="257"/>
        <source>已取消。已完成的文件保留在文件夹中，其余没有生成。</source>
        <translation>Cancelled. The files already finished stay in the folder; the others were not written.</translation>
    </message>
    <message>
        <location filename="../../villagepost/gui/print_dialogs.py" line="258"/>
        <source>已取消，没有生成文件。</source>
        <translation>Cancelled; no file was written.</translation>
    </message>
</context>
<context>
    <name>_RunningDialog</name>
    <message>
        <location filename="../../villagepost/gui/station_dialogs.py" line="76"/>
        <source>确定</source>
        <translation>OK</translation>
    </message>
    <message>
        <location filename="../../villagepost/gui/station_dialogs.py" line="77"/>
        <source>取消</source>
        <translation>Cancel</translation>
    </message>
</context>
<context>
    <name>app</name>
    <message>
        <location filename="../../villagepost/gui/app.py" line="74"/>
        <source>无法打开数据库，村邮通不能启动。

{reason}

您可以：
· 检查文件是否存在、是否被其他程序占用，然后重新打开村邮通；
· 从备份恢复数据库文件；
· 或在命令行中用 --db 指定另一个数据库文件，例如：villagepost --db D:\村邮通\本县.sqlite</source>
        <extracomment>The line the start-up hook prints; the benchmark parses it. lupdate finds `translate(&quot;context&quot;, &quot;text&quot;)` calls; a wrapper function would hide them.</extracomment>
        <translation>The database cannot be opened, so VillagePost cannot start.

{reason}

You can:
· check that the file exists and no other program holds it, then open VillagePost again;
· restore the database file from a backup;
· or name another database file with --db on the command line, e.g. villagepost --db D:\村邮通\本县.sqlite</translation>
    </message>
    <message>
        <location filename="../../villagepost/gui/app.py" line="82"/>
        <source>村邮通 — 无法打开数据库</source>
        <translation>VillagePost — cannot open the database</translation>
    </message>
    <message>
        <location filename="../../villagepost/gui/app.py" line="146"/>
        <source>村邮通</source>
        <translation>VillagePost</translation>
    </message>
</context>
<context>
    <name>audit</name>
    <message>
        <location filename="../../villagepost/gui/audit_view.py" line="48"/>
        <source>时间</source>
        <translation>Time</translation>
    </message>
    <message>
        <location filename="../../villagepost/gui/audit_view.py" line="49"/>
        <location filename="../../villagepost/gui/audit_view.py" line="142"/>
        <source>用户</source>
        <translation>User</translation>
    </message>
    <message>
        <location filename="../../villagepost/gui/audit_view.py" line="50"/>
        <source>来源</source>
        <translation>Source</translation>
    </message>
    <message>
        <location filename="../../villagepost/gui/audit_view.py" line="51"/>
        <source>表</source>
        <translation>Table</translation>
    </message>
    <message>
        <location filename="../../villagepost/gui/audit_view.py" line="52"/>
        <location filename="../../villagepost/gui/audit_view.py" line="144"/>
        <source>记录</source>
        <translation>Record</translation>
    </message>
    <message>
        <location filename="../../villagepost/gui/audit_view.py" line="53"/>
        <source>字段</source>
        <translation>Field</translation>
    </message>
    <message>
        <location filename="../../villagepost/gui/audit_view.py" line="54"/>
        <source>原值</source>
        <translation>Old value</translation>
    </message>
    <message>
        <location filename="../../villagepost/gui/audit_view.py" line="55"/>
        <source>新值</source>
        <translation>New value</translation>
    </message>
    <message>
        <location filename="../../villagepost/gui/audit_view.py" line="107"/>
        <source>显示最近 {n} 条修改（请用筛选条件缩小范围）</source>
        <translation>Showing the latest {n} changes (narrow them with the filters)</translation>
    </message>
    <message>
        <location filename="../../villagepost/gui/audit_view.py" line="109"/>
        <source>共 {n} 条修改</source>
        <translation>{n} changes</translation>
    </message>
    <message>
        <location filename="../../villagepost/gui/audit_view.py" line="127"/>
        <source>修改记录</source>
        <translation>Change history</translation>
    </message>
    <message>
        <location filename="../../villagepost/gui/audit_view.py" line="131"/>
        <source>区划代码，如 640221</source>
        <translation>division code, e.g. 640221</translation>
    </message>
    <message>
        <location filename="../../villagepost/gui/audit_view.py" line="139"/>
        <source>站点编码等</source>
        <translation>station code etc.</translation>
    </message>
    <message>
        <location filename="../../villagepost/gui/audit_view.py" line="141"/>
        <source>范围</source>
        <translation>Scope</translation>
    </message>
    <message>
        <location filename="../../villagepost/gui/audit_view.py" line="143"/>
        <source>起始日期</source>
        <translation>Since</translation>
    </message>
    <message>
        <location filename="../../villagepost/gui/audit_view.py" line="145"/>
        <source>查询</source>
        <translation>Search</translation>
    </message>
    <message>
        <location filename="../../villagepost/gui/audit_view.py" line="148"/>
        <source>导出 Excel…</source>
        <translation>Export to Excel…</translation>
    </message>
    <message>
        <location filename="../../villagepost/gui/audit_view.py" line="185"/>
        <source>导出修改记录</source>
        <translation>Export the change history</translation>
    </message>
    <message>
        <location filename="../../villagepost/gui/audit_view.py" line="186"/>
        <source>Excel 工作簿 (*.xlsx)</source>
        <translation>Excel workbook (*.xlsx)</translation>
    </message>
    <message>
        <location filename="../../villagepost/gui/audit_view.py" line="192"/>
        <source>已导出 {n} 条修改记录到 {path}</source>
        <translation>{n} changes exported to {path}</translation>
    </message>
</context>
<context>
    <name>backup_dialog</name>
    <message>
        <location filename="../../villagepost/gui/backup_dialog.py" line="37"/>
        <source>每日自动</source>
        <translation>daily (automatic)</translation>
    </message>
    <message>
        <location filename="../../villagepost/gui/backup_dialog.py" line="37"/>
        <source>手动</source>
        <translation>manual</translation>
    </message>
    <message>
        <location filename="../../villagepost/gui/backup_dialog.py" line="38"/>
        <source>导入前</source>
        <translation>before an import</translation>
    </message>
    <message>
        <location filename="../../villagepost/gui/backup_dialog.py" line="38"/>
        <source>升级前</source>
        <translation>before an upgrade</translation>
    </message>
    <message>
        <location filename="../../villagepost/gui/backup_dialog.py" line="39"/>
        <source>恢复前</source>
        <translation>before a restore</translation>
    </message>
    <message>
        <location filename="../../villagepost/gui/backup_dialog.py" line="40"/>
        <source>损坏的原文件</source>
        <translation>the damaged file</translation>
    </message>
    <message>
        <location filename="../../villagepost/gui/backup_dialog.py" line="52"/>
        <source>当前登记册已无法读取（已损坏或不存在），将被移到备份文件夹中保存。</source>
        <translation>The current registry cannot be read (damaged or missing); it will be kept in the backups folder.</translation>
    </message>
    <message>
        <location filename="../../villagepost/gui/backup_dialog.py" line="54"/>
        <source>现在：{s} 个站点、{e} 条站点事件；备份中：{s0} 个站点、{e0} 条。</source>
        <translation>Now: {s} stations, {e} station events; in the backup: {s0} stations, {e0} events.</translation>
    </message>
    <message>
        <location filename="../../villagepost/gui/backup_dialog.py" line="57"/>
        <source>将恢复到备份“{id}”（{created}）时的状态，此后录入的全部修改都会丢失。</source>
        <translation>The registry returns to the backup &apos;{id}&apos; ({created}); every change entered since then is lost.</translation>
    </message>
    <message>
        <location filename="../../villagepost/gui/backup_dialog.py" line="58"/>
        <source>恢复前的当前状态会先另存为一个备份，需要时可以再恢复回来。确定要恢复吗？</source>
        <translation>The current state is first kept as a backup, so it can be restored again. Restore now?</translation>
    </message>
    <message>
        <location filename="../../villagepost/gui/backup_dialog.py" line="74"/>
        <source>备份与恢复</source>
        <translation>Backups and restore</translation>
    </message>
    <message>
        <location filename="../../villagepost/gui/backup_dialog.py" line="81"/>
        <source>时间</source>
        <translation>Time</translation>
    </message>
    <message>
        <location filename="../../villagepost/gui/backup_dialog.py" line="81"/>
        <source>原因</source>
        <translation>Reason</translation>
    </message>
    <message>
        <location filename="../../villagepost/gui/backup_dialog.py" line="82"/>
        <source>大小</source>
        <translation>Size</translation>
    </message>
    <message>
        <location filename="../../villagepost/gui/backup_dialog.py" line="82"/>
        <source>校验</source>
        <translation>Verified</translation>
    </message>
    <message>
        <location filename="../../villagepost/gui/backup_dialog.py" line="90"/>
        <source>立即备份</source>
        <translation>Back up now</translation>
    </message>
    <message>
        <location filename="../../villagepost/gui/backup_dialog.py" line="91"/>
        <source>校验所选</source>
        <translation>Verify selected</translation>
    </message>
    <message>
        <location filename="../../villagepost/gui/backup_dialog.py" line="92"/>
        <source>恢复所选…</source>
        <translation>Restore selected…</translation>
    </message>
    <message>
        <location filename="../../villagepost/gui/backup_dialog.py" line="113"/>
        <source>服务器数据库请由管理员用 pg_dump 备份。</source>
        <translation>Back up a server database with pg_dump.</translation>
    </message>
    <message>
        <location filename="../../villagepost/gui/backup_dialog.py" line="116"/>
        <source>备份文件夹：{folder}</source>
        <translation>Backups folder: {folder}</translation>
    </message>
    <message>
        <location filename="../../villagepost/gui/backup_dialog.py" line="144"/>
        <source>正在备份并校验…</source>
        <translation>Backing up and verifying…</translation>
    </message>
    <message>
        <location filename="../../villagepost/gui/backup_dialog.py" line="156"/>
        <source>备份已损坏</source>
        <translation>The backup is damaged</translation>
    </message>
    <message>
        <location filename="../../villagepost/gui/backup_dialog.py" line="173"/>
        <source>正在恢复…</source>
        <translation>Restoring…</translation>
    </message>
    <message>
        <location filename="../../villagepost/gui/backup_dialog.py" line="179"/>
        <source>恢复备份</source>
        <translation>Restore a backup</translation>
    </message>
</context>
<context>
    <name>damaged_registry</name>
    <message>
        <location filename="../../villagepost/gui/damaged_registry.py" line="48"/>
        <source>将恢复到备份“{id}”（{created}）时的状态，此后录入的全部修改都会丢失。</source>
        <translation>The registry returns to the backup &apos;{id}&apos; ({created}); every change entered since then is lost.</translation>
    </message>
    <message>
        <location filename="../../villagepost/gui/damaged_registry.py" line="49"/>
        <source>备份中：{s} 个站点、{e} 条站点事件。</source>
        <translation>The backup holds {s} stations and {e} station events.</translation>
    </message>
    <message>
        <location filename="../../villagepost/gui/damaged_registry.py" line="50"/>
        <source>损坏的登记册不会被删除，而是移到备份文件夹中保存。确定要恢复吗？</source>
        <translation>The damaged registry is not deleted: it is moved into the backups folder. Restore now?</translation>
    </message>
    <message>
        <location filename="../../villagepost/gui/damaged_registry.py" line="72"/>
        <source>村邮通 — 数据库已损坏</source>
        <translation>VillagePost — the database is damaged</translation>
    </message>
    <message>
        <location filename="../../villagepost/gui/damaged_registry.py" line="79"/>
        <source>可以从下面经过校验（✓）的备份恢复。恢复时，损坏的文件会移到备份文件夹中保存；备份之后录入的修改会丢失。备份文件夹：{folder}</source>
        <translation>You can restore one of the verified (✓) backups below. The damaged file is moved into the backups folder; changes entered after the backup are lost. Backups folder: {folder}</translation>
    </message>
    <message>
        <location filename="../../villagepost/gui/damaged_registry.py" line="87"/>
        <source>时间</source>
        <translation>Time</translation>
    </message>
    <message>
        <location filename="../../villagepost/gui/damaged_registry.py" line="88"/>
        <source>原因</source>
        <translation>Reason</translation>
    </message>
    <message>
        <location filename="../../villagepost/gui/damaged_registry.py" line="89"/>
        <source>大小</source>
        <translation>Size</translation>
    </message>
    <message>
        <location filename="../../villagepost/gui/damaged_registry.py" line="90"/>
        <source>校验</source>
        <translation>Verified</translation>
    </message>
    <message>
        <location filename="../../villagepost/gui/damaged_registry.py" line="98"/>
        <source>恢复所选备份…</source>
        <translation>Restore the selected backup…</translation>
    </message>
    <message>
        <location filename="../../villagepost/gui/damaged_registry.py" line="147"/>
        <source>没有恢复</source>
        <translation>Not restored</translation>
    </message>
    <message>
        <location filename="../../villagepost/gui/damaged_registry.py" line="154"/>
        <source>恢复备份</source>
        <translation>Restore a backup</translation>
    </message>
</context>
<context>
    <name>file_actions</name>
    <message>
        <location filename="../../villagepost/gui/file_actions.py" line="45"/>
        <source>村邮通</source>
        <extracomment>(parent, caption, suggested file name, filter) -&gt; chosen path or None</extracomment>
        <translation>VillagePost</translation>
    </message>
    <message>
        <location filename="../../villagepost/gui/file_actions.py" line="57"/>
        <source>导出登记表</source>
        <translation>Export the registry</translation>
    </message>
    <message>
        <location filename="../../villagepost/gui/file_actions.py" line="58"/>
        <location filename="../../villagepost/gui/file_actions.py" line="82"/>
        <source>Excel 工作簿 (*.xlsx)</source>
        <translation>Excel workbook (*.xlsx)</translation>
    </message>
    <message>
        <location filename="../../villagepost/gui/file_actions.py" line="68"/>
        <source>正在导出登记表…</source>
        <translation>Exporting the registry…</translation>
    </message>
    <message>
        <location filename="../../villagepost/gui/file_actions.py" line="49"/>
        <source>已导出到：{path}</source>
        <translation>Exported to: {path}</translation>
    </message>
    <message>
        <location filename="../../villagepost/gui/file_actions.py" line="81"/>
        <source>导出乡镇填报模板</source>
        <translation>Export a township&apos;s fill-in template</translation>
    </message>
    <message>
        <location filename="../../villagepost/gui/file_actions.py" line="91"/>
        <source>正在导出填报模板…</source>
        <translation>Exporting the template…</translation>
    </message>
    <message>
        <location filename="../../villagepost/gui/file_actions.py" line="101"/>
        <source>备份数据库</source>
        <translation>Back up the database</translation>
    </message>
    <message>
        <location filename="../../villagepost/gui/file_actions.py" line="102"/>
        <source>SQLite 数据库 (*.sqlite)</source>
        <translation>SQLite database (*.sqlite)</translation>
    </message>
    <message>
        <location filename="../../villagepost/gui/file_actions.py" line="106"/>
        <source>正在备份…</source>
        <translation>Backing up…</translation>
    </message>
    <message>
        <location filename="../../villagepost/gui/file_actions.py" line="107"/>
        <source>已备份到：{path}</source>
        <translation>Backed up to: {path}</translation>
    </message>
</context>
<context>
    <name>login</name>
    <message>
        <location filename="../../villagepost/gui/login_dialog.py" line="35"/>
        <source>村邮通 — 登录</source>
        <translation>VillagePost — Log in</translation>
    </message>
    <message>
        <location filename="../../villagepost/gui/login_dialog.py" line="38"/>
        <source>此登记库已启用账号，请登录。</source>
        <translation>This registry has accounts: please log in.</translation>
    </message>
    <message>
        <location filename="../../villagepost/gui/login_dialog.py" line="45"/>
        <source>账号</source>
        <translation>Account</translation>
    </message>
    <message>
        <location filename="../../villagepost/gui/login_dialog.py" line="46"/>
        <source>密码</source>
        <translation>Password</translation>
    </message>
    <message>
        <location filename="../../villagepost/gui/login_dialog.py" line="54"/>
        <source>登录</source>
        <translation>Log in</translation>
    </message>
    <message>
        <location filename="../../villagepost/gui/login_dialog.py" line="55"/>
        <source>取消</source>
        <translation>Cancel</translation>
    </message>
</context>
<context>
    <name>ops</name>
    <message>
        <location filename="../../villagepost/gui/known_errors.py" line="20"/>
        <location filename="../../villagepost/gui/ops.py" line="322"/>
        <source>村邮通</source>
        <translation>VillagePost</translation>
    </message>
    <message>
        <location filename="../../villagepost/gui/ops.py" line="249"/>
        <source>正在保存…</source>
        <extracomment>Delay before a progress dialog appears; shorter jobs finish without one. how long a save waits, in busy-timeout rounds, for another program that writes the same SQLite registry (a province&apos;s import takes minutes) before it gives up and says who is writing lupdate finds `translate(&quot;context&quot;, &quot;text&quot;)` calls; a wrapper function would hide them. emitted on the GUI thread when no job is queued or running any more</extracomment>
        <translation>Saving…</translation>
    </message>
    <message>
        <location filename="../../villagepost/gui/ops.py" line="329"/>
        <source>取消</source>
        <translation>Cancel</translation>
    </message>
    <message>
        <location filename="../../villagepost/gui/ops.py" line="343"/>
        <source>正在取消，登记册将保持原样…</source>
        <translation>Cancelling; the registry will stay as it was…</translation>
    </message>
</context>
</TS>
