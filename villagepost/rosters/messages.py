"""Texts of the roster reader (file refusals, layout problems, cell problems) in Chinese and English.

Registered into the shared catalogue on import, so `KnownError.message()` and the CLI render them like
every other message. Keys start with 'roster.'; `roster.file.<reason>` follows the reason strings of
`RosterFileError`, which the CLI prints in its JSON.
"""

from __future__ import annotations

from villagepost.core.messages import CATALOGUE, register

MESSAGES: dict[str, tuple[str, str]] = {
    # --- whole-file refusals (reason = the part after 'roster.file.') ---------------------------
    "roster.file.not_xlsx": (
        "“{file}”不是表格文件{detail}，无法读取。能导入的有：Excel工作簿（.xlsx/.xlsm/.xls/.xlsb）、WPS表格、OpenDocument表格（.ods）和CSV文本（.csv/.txt）。如果这是从网页系统导出的表格，请用Excel或WPS打开后“另存为”Excel工作簿（.xlsx），再导入。",
        "'{file}' is not a spreadsheet{detail}. Readable: Excel workbooks (.xlsx/.xlsm/.xls/.xlsb), WPS spreadsheets, OpenDocument (.ods) and CSV text (.csv/.txt); if a web system exported it, open it in Excel/WPS and save as .xlsx, then import that file.",
    ),
    "roster.file.legacy_xls": (
        "“{file}”是{detail}格式的工作簿，格式太旧，本程序无法读取。请在Excel或WPS中打开，另存为 .xlsx 后再导入。",
        "'{file}' is a workbook in the {detail} format, too old to read here: open it in Excel/WPS and save as .xlsx (另存为 .xlsx), then import that file.",
    ),
    "roster.file.wps_et": (
        "“{file}”是WPS表格专有格式（.et/.ett），本程序无法直接读取。请在WPS中打开，点“文件→另存为”，选择“Excel 工作簿（*.xlsx）”，再导入另存的文件。",
        "'{file}' is in WPS's own spreadsheet format (.et/.ett), which cannot be read here: open it in WPS, File > Save As > Excel workbook (*.xlsx), then import that file.",
    ),
    "roster.file.too_large": (
        "“{file}”的表格范围过大（{detail}），为安全起见拒绝读取。请删除多余的行和列（或只保留名单工作表）后再导入。",
        "'{file}' spans too large a range ({detail}); refused for safety. Delete the surplus rows and columns (or keep only the roster sheet), then import again.",
    ),
    "roster.file.not_a_workbook": (
        "“{file}”是Office文档，但不是Excel工作簿（{detail}）。请选择Excel表格文件。",
        "'{file}' is an Office document but not an Excel workbook ({detail}); choose the Excel roster.",
    ),
    "roster.file.damaged": (
        "“{file}”已损坏或不完整（{detail}），无法读取。请让报送单位重新导出或重新发送文件。",
        "'{file}' is damaged or incomplete ({detail}); ask the sender to export or send it again.",
    ),
    "roster.file.zip_bomb": (
        "“{file}”文件过大或压缩比异常（{part}：解压后 {size} 字节，压缩比 {ratio}:1），为安全起见拒绝读取。",
        "'{file}' is too large or has a suspicious compression ratio ({part}: {size} bytes uncompressed, ratio {ratio}:1); refused for safety.",
    ),
    "roster.file.xml_entities": (
        "“{file}”已损坏或不安全：{part} 含有DTD/实体声明（DOCTYPE/ENTITY），Excel不会生成这类内容，为安全起见拒绝读取。",
        "'{file}' is damaged or unsafe: {part} declares a DTD/entities (DOCTYPE/ENTITY), which Excel never writes; refused for safety.",
    ),
    "roster.file.encrypted": (
        "“{file}”文件已加密（设置了打开密码）。请在Excel/WPS中用密码打开，取消密码（文件→信息→保护工作簿→用密码进行加密，清空密码）并保存后再导入；不知道密码请向报送单位索取。",
        "'{file}' is password-protected (encrypted): open it in Excel/WPS with the password, remove the password, save, and import again.",
    ),
    "roster.file.empty": (
        "“{file}”中没有数据（工作簿中没有数据，所有工作表都是空的或文件大小为0）。请检查是否选错了文件，或让报送单位重新发送。",
        "no data found in '{file}': every sheet is empty (or the file has 0 bytes); check the file or ask the sender to send it again.",
    ),
    "roster.file.no_rows": (
        "“{file}”的工作表“{sheet}”只有表头（第 {header_rows} 行），没有数据行。",
        "'{file}', sheet '{sheet}': header found (row {header_rows}) but no data rows.",
    ),
    "roster.file.formulas_without_values": (
        "“{file}”的工作表“{sheet}”中，{column}列有公式但没有计算结果（如 {cells}）。请在Excel/WPS中打开，保存后再导入。",
        "'{file}', sheet '{sheet}': cells contain formulas without computed values in column {column} (e.g. {cells}): open in Excel/WPS, save, import again.",
    ),
    "roster.file.no_roster_sheet": (
        "“{file}”中没有找到名单表：没有哪个工作表（{sheets}）的表头含有“区划代码”或“行政村”列。",
        "no roster sheet in '{file}': no sheet ({sheets}) has a header with a division-code or village column.",
    ),
    "roster.file.no_such_sheet": (
        "“{file}”中没有名为“{sheet}”的工作表（现有：{sheets}）。",
        "'{file}' has no sheet named '{sheet}' (sheets: {sheets}).",
    ),
    "roster.file.sheet_not_roster": (
        "“{file}”的工作表“{sheet}”的表头中没有“区划代码”或“行政村”列。",
        "'{file}', sheet '{sheet}': the header has no division-code or village column.",
    ),
    "roster.file.unreadable": (
        "无法读取“{file}”：{detail}",
        "cannot read '{file}': {detail}",
    ),
    # --- cell problems (kind + detail key) ------------------------------------------------------
    "roster.value.code.empty": ("区划代码为空", "the division code is empty"),
    "roster.value.code.not_digits": ("区划代码“{value}”含有非数字字符", "the division code '{value}' holds characters that are not digits"),
    "roster.value.code.digits_lost": (
        "区划代码“{value}”是科学计数法显示值，后几位已丢失；请把该列设为文本后输入完整的12位代码",
        "the division code '{value}' is a scientific-notation display value whose last digits are lost; format the column as text and type the full 12 digits",
    ),
    "roster.value.code.not_integer": ("区划代码“{value}”不是整数", "the division code '{value}' is not a whole number"),
    "roster.value.code.bad_length": ("区划代码“{value}”有{length}位，应为12位村级代码", "the division code '{value}' has {length} digits; a village code has 12"),
    "roster.value.code.bad_padding": ("区划代码“{value}”的补零方式不对", "the division code '{value}' is padded wrongly"),
    "roster.value.code.negative": ("区划代码“{value}”不能为负数", "the division code '{value}' cannot be negative"),
    "roster.value.code.not_village": (
        "区划代码“{value}”不是12位村级代码（它表示上级区划 {code}）",
        "the division code '{value}' is not a 12-digit village code (it denotes the unit {code})",
    ),
    "roster.value.station_type": (
        "站点类型“{value}”无法识别，应为：{allowed}",
        "unknown station type '{value}'; expected one of {allowed}",
    ),
    "roster.value.coop": ("合作模式“{value}”无法识别，应为：{allowed}", "unknown cooperation mode '{value}'; expected one of {allowed}"),
    "roster.value.date.impossible": ("日期“{value}”不存在（月份或日期不正确）", "the date '{value}' does not exist (bad month or day)"),
    "roster.value.date.unreadable": ("无法识别日期“{value}”", "cannot read the date '{value}'"),
    "roster.value.date.future": ("日期“{value}”（{date}）晚于今天（{today}）", "the date '{value}' ({date}) is after today ({today})"),
    "roster.value.coord.unreadable": ("无法识别坐标“{value}”", "cannot read the coordinate '{value}'"),
    "roster.value.coord.pair_range": (
        "坐标（经度“{lon}”，纬度“{lat}”）不在中国境内，请填写站点的实际经纬度",
        "the coordinates (longitude '{lon}', latitude '{lat}') are outside China; give the station's real position",
    ),
    "roster.value.coord.lon_range": (
        "经度“{value}”不在中国境内（应在 {low}–{high} 之间）",
        "longitude '{value}' is outside China (expected {low} to {high})",
    ),
    "roster.value.coord.lat_range": (
        "纬度“{value}”不在中国境内（应在 {low}–{high} 之间）",
        "latitude '{value}' is outside China (expected {low} to {high})",
    ),
    "roster.value.coord.swapped": (
        "经度“{lon}”和纬度“{lat}”似乎填反了（请核对后交换）",
        "longitude '{lon}' and latitude '{lat}' look swapped (check and exchange them)",
    ),
    "roster.value.phone": (
        "联系电话“{value}”格式不对：手机为11位（1开头），固话为区号+7-8位号码",
        "the phone '{value}' is malformed: a mobile has 11 digits starting with 1, a landline is an area code plus 7-8 digits",
    ),
    "roster.value.item_too_long": ("“{value}”过长（每项最多{limit}个字符）", "'{value}' is too long (at most {limit} characters an item)"),
    "roster.value.area.format": ("面积“{value}”不是数字（应填平方米数，如 120）", "the floor area '{value}' is not a number of m² (e.g. 120)"),
    "roster.value.area.range": ("面积“{value}”平方米不合理（应在0到10000之间）", "a floor area of '{value}' m² is not plausible (0 to 10000)"),
    "roster.value.date.too_early": ("日期“{value}”（{date}）早于 {earliest}，不可能是站点的日期",
                                    "the date '{value}' ({date}) is before {earliest}; no station dates from then"),
    "roster.value.bad_character": (
        "含有不允许的字符 {char}（第 {position} 个字符：控制字符、文字方向控制符或零宽字符）",
        "holds a character that is not allowed, {char} (character {position}: a control, bidi or zero-width "
        "character)"),
    "roster.value.invisible_name": ("名称中没有可见的文字", "the name holds no visible character"),
    "roster.value.served.too_many": ("服务村最多{limit}个，本格写了{count}个", "at most {limit} served villages, this cell names {count}"),
    "roster.value.too_long": ("内容过长（{length}个字符，最多{limit}个）：{value}", "too long ({length} characters, at most {limit}): {value}"),
    # --- row problem frame ------------------------------------------------------------------------
    "roster.cell": ("第{row}行“{column}”：{detail}", "row {row}, column '{column}': {detail}"),
}

if "roster.file.not_xlsx" not in CATALOGUE:
    register(MESSAGES)
