"""User-facing messages in Chinese (the default) and English, kept apart from the code that raises them.

Why a catalogue and not Qt's translator: the core, the storage layer and the CLI run without Qt, and a
clerk's error must read the same in the window and in a script. The window shows the same texts.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

DEFAULT_LANG = "zh"
LANGS = ("zh", "en")

CATALOGUE: dict[str, tuple[str, str]] = {
    # --- code normalisation ---------------------------------------------------------------
    "code.empty": ("区划代码为空", "the division code is empty"),
    "code.not_digits": ("区划代码含有非数字字符：{value}", "the division code holds characters that are not digits: {value}"),
    "code.digits_lost": (
        "区划代码“{value}”是科学计数法显示值，后几位数字已丢失，请把该列设为文本后重新输入完整的12位代码",
        "the division code '{value}' is a scientific-notation display value whose last digits are lost; "
        "format the column as text and type the full 12-digit code",
    ),
    "code.not_integer": ("区划代码“{value}”不是整数", "the division code '{value}' is not a whole number"),
    "code.bad_length": (
        "区划代码“{value}”有{length}位，应为2、4、6、9或12位",
        "the division code '{value}' has {length} digits; expected 2, 4, 6, 9 or 12",
    ),
    "code.bad_padding": (
        "区划代码“{value}”的补零方式不对（下级部分为0但其后还有非0数字）",
        "the division code '{value}' is padded wrongly (a zero group is followed by non-zero digits)",
    ),
    "code.negative": ("区划代码不能为负数：{value}", "a division code cannot be negative: {value}"),
    # --- registry / storage ---------------------------------------------------------------
    "db.schema_newer": (
        "数据库“{db}”由较新版本的村邮通创建（数据库版本 {found}），本程序只支持到 {supported}。请升级村邮通后再打开，数据库未作任何改动。",
        "the database '{db}' was written by a newer VillagePost (schema {found}); this program supports up to "
        "{supported}. Upgrade VillagePost to open it; the database was not changed.",
    ),
    "db.not_villagepost": (
        "“{db}”不是村邮通数据库（其中已有其他程序的数据表）。请选择其他文件。",
        "'{db}' is not a VillagePost database (it holds another program's tables); choose another file.",
    ),
    "db.cannot_open": ("无法打开数据库“{db}”：{reason}", "cannot open the database '{db}': {reason}"),
    "db.readonly": (
        "数据库“{db}”是只读的，无法保存修改。请检查文件权限，或把数据库复制到可写的文件夹。",
        "the database '{db}' is read-only, so changes cannot be saved; check the file's permissions or copy it "
        "to a writable folder",
    ),
    "db.locked": (
        "数据库“{db}”正被其他程序写入，等待后仍未轮到。请等它完成（或关闭其他正在使用它的村邮通窗口）后重试，"
        "本次没有保存任何修改。",
        "the database '{db}' is being written by another program that did not finish in time. Wait for it to "
        "finish (or close other VillagePost windows using it) and retry; nothing was saved",
    ),
    "db.locked_by": (
        "数据库“{db}”正被其他程序写入：{program}（用户 {user}，计算机 {host}，进程 {pid}，自 {since} 起）。"
        "已等待 {seconds} 秒仍未轮到，本次没有保存任何修改。请等它完成后重试。",
        "the database '{db}' is being written by another program: {program} (user {user}, computer {host}, "
        "process {pid}, since {since}); waited {seconds} s without getting a turn and saved nothing. Retry when it "
        "is done",
    ),
    "db.conflict": (
        "数据库“{db}”上有其他用户同时修改相同的数据，重试多次仍未成功，本次没有保存任何修改。请稍后重试。",
        "other users were changing the same data in the database '{db}' at the same time; several retries did "
        "not get through and nothing was saved. Try again in a moment",
    ),
    "db.waiting": ("正在等待其他程序写完数据库…", "waiting for another program to finish writing to the database…"),
    "db.waiting_for": ("正在等待其他程序写完数据库：{program}\n（用户 {user}，计算机 {host}，自 {since} 起）…",
                       "waiting for another program to finish writing to the database: {program}\n(user {user}, "
                       "computer {host}, since {since})…"),
    "db.full": ("磁盘已满，无法写入数据库“{db}”。请清理磁盘空间后重试，已保存的数据没有丢失。",
                "the disk is full, cannot write to '{db}'; free some space and retry; nothing saved was lost"),
    "db.corrupt": (
        "数据库“{db}”已损坏（{reason}），村邮通不会再写入它。请用 villagepost backup restore {backup} 恢复"
        "（最新的完好备份，{backup_created}）。",
        "the database '{db}' is damaged ({reason}); VillagePost will not write to it. Restore it with "
        "villagepost backup restore {backup} (the newest good backup, made {backup_created}).",
    ),
    "db.corrupt_no_backup": (
        "数据库“{db}”已损坏（{reason}），村邮通不会再写入它。没有找到完好的备份，无法用 villagepost backup restore "
        "恢复；请找回此前复制的数据库副本。",
        "the database '{db}' is damaged ({reason}); VillagePost will not write to it. No good backup was found "
        "for villagepost backup restore; recover an earlier copy of the database.",
    ),
    "db.missing": (
        "没有找到数据库“{db}”。请检查路径是否写错；要在这里新建登记册，请运行：villagepost --db \"{db}\" db init",
        "no database found at '{db}'. Check the path; to set up a new registry there run: "
        "villagepost --db \"{db}\" db init",
    ),
    "db.is_folder": ("“{db}”是一个文件夹，不是数据库文件。请指定其中的数据库文件（.sqlite）。",
                     "'{db}' is a folder, not a database file; name the database file (.sqlite) in it"),
    "db.empty_file": (
        "数据库文件“{db}”是空的（0 字节），其中没有任何登记数据。如果它原本有数据，请用 villagepost backup restore "
        "从备份恢复；要在这里新建登记册，请运行：villagepost --db \"{db}\" db init",
        "the database file '{db}' is empty (0 bytes) and holds no registry. If it held data, restore it with "
        "villagepost backup restore; to set up a new registry there run: villagepost --db \"{db}\" db init",
    ),
    "db.not_sqlite": (
        "“{db}”不是村邮通数据库（它不是 SQLite 数据库文件）。请选择正确的文件；该文件未作任何改动。",
        "'{db}' is not a VillagePost database (it is not an SQLite database file); choose the right file. "
        "The file was not changed.",
    ),
    "db.readonly_folder": (
        "数据库“{db}”所在的文件夹“{folder}”是只读的：可以查看，但不能保存修改。请把数据库复制到可写的文件夹，"
        "或请管理员开放写权限。",
        "the folder '{folder}' holding the database '{db}' is read-only: you can look, but changes cannot be "
        "saved. Copy the database to a writable folder or ask for write permission.",
    ),
    "db.init_exists": ("“{db}”已经是村邮通登记册，未作改动。", "'{db}' is already a VillagePost registry; nothing changed"),
    "db.init_done": ("已新建登记册：{db}。下一步：villagepost --db \"{db}\" divisions load --scope 省或县代码",
                     "set up a new registry: {db}. Next: villagepost --db \"{db}\" divisions load --scope CODE"),
    "db.bad_url": ("无法识别的数据库位置：{db}", "unrecognised database location: {db}"),
    "db.backup_made": ("升级数据库前已备份到：{path}", "backed up the database before upgrading it: {path}"),
    "db.migrated": ("数据库已升级到版本 {rev}", "database upgraded to schema {rev}"),
    "db.network_share": (
        "数据库“{db}”位于网络共享或同步文件夹中，SQLite 在这些位置可能损坏数据。建议放在本机磁盘上。",
        "the database '{db}' lives on a network share or in a sync folder, where SQLite can corrupt data; "
        "keep it on a local disk",
    ),
    "db.backup_server": ("服务器数据库请由管理员用 pg_dump 备份", "back up a server database with pg_dump"),
    "db.backup_done": ("已备份到：{path}", "backed up to: {path}"),
    # --- divisions ------------------------------------------------------------------------
    "div.unknown_code": ("区划代码 {code} 不在登记册中", "the division code {code} is not in the registry"),
    "div.out_of_read_scope": ("用户“{actor}”无权查看“{code}”（可查看范围：{scopes}）",
                              "user '{actor}' may not read '{code}' (readable: {scopes})"),
    "div.unknown_scope": (
        "区划代码 {code} 不在 {edition} 年版区划代码中",
        "the division code {code} is not in the {edition} edition of the division codes",
    ),
    "div.loading": ("正在载入区划代码", "loading division codes"),
    "div.reading": ("正在读取区划代码文件", "reading the division code files"),
    "div.writing": ("正在写入登记册", "writing the registry"),
    "div.done": ("区划代码载入完成", "division codes loaded"),
    "div.loaded": (
        "已载入 {edition} 年版区划代码：新增 {inserted}，更新 {updated}，未变 {unchanged}，撤销 {retired}",
        "loaded the {edition} division codes: {inserted} new, {updated} updated, {unchanged} unchanged, "
        "{retired} retired",
    ),
    "div.empty_registry": (
        "登记册中还没有区划代码。请先运行：villagepost divisions load --scope 省/市/县代码",
        "the registry holds no division codes yet; run: villagepost divisions load --scope CODE",
    ),
    "div.query_empty": ("请输入要查找的名称或拼音首字母", "type a name or pinyin initials to search for"),
    # --- stations -------------------------------------------------------------------------
    "station.renamed": (
        "站点 {code} 改名：“{old}”→“{new}”（该村只有这一个同类型站点，按改名处理，没有新增站点）",
        "station {code} renamed from '{old}' to '{new}' (the village's only station of that type: updated, "
        "not added)",
    ),
    # --- generic ---------------------------------------------------------------------------
    "app.cancelled": ("操作已取消，登记册保持原样", "cancelled; the registry is unchanged"),
    "app.internal_error": (
        "程序内部错误：{reason}。请把日志文件 {log} 发给技术支持。",
        "internal error: {reason}. Please send the log file {log} to support.",
    ),
    "app.no_display": (
        "没有可用的图形显示，无法打开村邮通窗口。\n"
        "· 在带桌面的电脑上直接运行 villagepost；\n"
        "· 在服务器或远程终端上，可用命令行：villagepost --help（例如 villagepost divisions show 22）；\n"
        "· 或在虚拟显示中运行：xvfb-run villagepost",
        "No graphical display is available, so the VillagePost window cannot open.\n"
        "- On a desktop PC run villagepost from the desktop session;\n"
        "- on a server or remote shell use the commands: villagepost --help (e.g. villagepost divisions show 22);\n"
        "- or run it on a virtual display: xvfb-run villagepost",
    ),
    "app.qt_libs_missing": (
        "窗口需要的系统库 {library} 没有安装，所以无法打开村邮通窗口（命令行仍可使用：villagepost --help）。\n"
        "Debian/Ubuntu 请运行：sudo apt install {packages}",
        "the window needs the system library {library}, which is not installed (the commands still work: "
        "villagepost --help).\nDebian/Ubuntu: sudo apt install {packages}",
    ),
    "app.already_open": (
        "村邮通已经打开了这个数据库（{db}），已切换到那个窗口。",
        "VillagePost already has this database open ({db}); switched to that window.",
    ),
    "app.open_elsewhere": (
        "村邮通已经打开了这个数据库（{db}），但那个窗口没有响应。请关闭那个村邮通窗口（必要时注销或重启电脑）后再打开。",
        "VillagePost already has this database open ({db}), but that window does not answer. Close it "
        "(log off or restart the PC if need be), then open VillagePost again.",
    ),
    "app.qt_failed": (
        "无法启动图形界面：{reason}\n可用命令行操作：villagepost --help",
        "cannot start the graphical interface: {reason}\nThe commands still work: villagepost --help",
    ),
}


def register(entries: Mapping[str, tuple[str, str]]) -> None:
    """Add a module's own messages (zh, en) to the catalogue; keys must be new so modules never clash."""
    clash = set(entries) & set(CATALOGUE)
    if clash:
        raise ValueError(f"message keys registered twice: {sorted(clash)}")
    CATALOGUE.update(entries)


def tr(key: str, lang: str = DEFAULT_LANG, params: Mapping[str, Any] | None = None) -> str:
    """Render catalogue entry `key` in `lang`, filling `{name}` placeholders from `params`.

    An unknown key is returned as-is so that a missing entry never hides the underlying error.
    """
    pair = CATALOGUE.get(key)
    if pair is None:
        return key if not params else f"{key} {dict(params)}"
    text = pair[1] if lang == "en" else pair[0]
    if params:
        try:
            return text.format(**params)
        except (KeyError, IndexError):
            return text
    return text
