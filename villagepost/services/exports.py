"""Export use cases: the registry as a roster workbook, and a township's fill-in template.

The CLI (`villagepost export …`) and the window call exactly these functions. The rows come from one
streamed query (villages LEFT JOIN stations, in code order), so the national registry (487,144 村委会)
is written without holding it in memory.
"""

from __future__ import annotations

import datetime as dt
import errno
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import Connection, and_, func, or_, select

from villagepost import __version__
from villagepost.core import clock
from villagepost.core.divisions import Level, VillageClass
from villagepost.core.errors import KnownError
from villagepost.core.messages import register
from villagepost.rosters.export import RosterCounts, RosterRow, write_registry_roster
from villagepost.rosters.template import write_template
from villagepost.services.divisions import parse_scope, require_unit
from villagepost.services.output_files import clean_leftover_parts
from villagepost.services.registry import Registry
from villagepost.storage import division_queries as dq
from villagepost.storage.models import SETTING_EDITION, Division, Station
from villagepost.storage.queries import prefix_filter

register({
    "export.not_xlsx": (
        "导出文件名应以 .xlsx 结尾：{path}",
        "the export file name must end in .xlsx: {path}",
    ),
    "export.template_needs_township": (
        "填报模板按乡镇（街道）导出：{code}（{name}）是{level}级代码，请输入9位乡镇（街道）代码，"
        "例如 640221100",
        "a template is made for one township: {code} ({name}) is a {level_en} code; give a 9-digit township "
        "code, e.g. 640221100",
    ),
    "export.cannot_write": (
        "无法写入文件“{path}”：{reason}。如果该文件正在 Excel 或 WPS 中打开，请先关闭后重试。",
        "cannot write '{path}': {reason}. If the file is open in Excel or WPS, close it and retry.",
    ),
    "export.writing": ("正在导出", "exporting"),
    "export.registry_done": (
        "已导出 {rows} 行（站点 {stations} 个，村级单位 {villages} 个）到 {path}",
        "exported {rows} rows ({stations} stations, {villages} village-level units) to {path}",
    ),
    "export.template_done": (
        "已生成填报模板：{villages} 个村委会，预填站点 {stations} 个，共 {rows} 行 → {path}",
        "template written: {villages} village committees, {stations} stations pre-filled, {rows} rows → {path}",
    ),
})


@dataclass(frozen=True)
class ExportResult:
    """What an export wrote; `villages` counts distinct village-level units among the rows."""

    path: str
    rows: int
    stations: int
    villages: int

    def to_json(self) -> dict[str, object]:
        return {"status": "ok", "path": self.path, "rows": self.rows, "stations": self.stations,
                "villages": self.villages}


def _check_out(out: Path) -> Path:
    out = Path(out)
    if out.suffix.lower() != ".xlsx":
        raise KnownError("export.not_xlsx", path=str(out))
    return out


def _names(conn: Connection, scope: str) -> dict[str, str]:
    """County and township names the rows need (retired ones too: their villages' stations survive)."""
    prefix = scope[:6] if len(scope) >= 6 else scope
    stmt = select(Division.code, Division.name).where(
        prefix_filter(Division.code, prefix), Division.level.in_((int(Level.COUNTY), int(Level.TOWNSHIP))))
    return {code: name for code, name in conn.execute(stmt)}


def _rows(conn: Connection, scope: str, *, committees_only: bool) -> Iterator[RosterRow]:
    """Villages and their stations under `scope`, in code order, streamed.

    Every current 村委会 appears (once, with empty station columns, when it has no station); every station
    appears once with its village. With `committees_only` (the template) stations standing in other
    village-level units are left out.
    """
    names = _names(conn, scope)
    committee = and_(Division.village_class == VillageClass.VILLAGE.value, Division.retired.is_(False))
    stmt = (
        select(Division.code, Division.name, Station.code, Station.name, Station.station_type, Station.coop,
               Station.lon, Station.lat, Station.opened, Station.contact, Station.phone)
        .select_from(Division)
        .outerjoin(Station, Station.village_code == Division.code)
        .where(prefix_filter(Division.code, scope), Division.level == int(Level.VILLAGE),
               committee if committees_only else or_(committee, Station.id.is_not(None)))
        .order_by(Division.code, Station.code)
    )
    result = conn.execution_options(stream_results=True, yield_per=2000).execute(stmt)
    for (code, village, st_code, st_name, st_type, coop, lon, lat, opened, contact, phone) in result:
        yield RosterRow(names.get(code[:6], ""), names.get(code[:9], ""), village, code, st_code, st_name, st_type,
                        coop, lon, lat, opened, contact, phone)


class _Guard:
    """Turns an OS refusal to write the file (open in Excel, read-only folder, disk full) into a message."""

    def __init__(self, out: Path) -> None:
        self.out = out

    def __enter__(self) -> None:
        clean_leftover_parts(self.out.parent)

    def __exit__(self, et: type[BaseException] | None, exc: BaseException | None, tb: object) -> None:
        if isinstance(exc, OSError) and exc.errno == errno.ENOSPC:
            raise KnownError("app.disk_full", path=str(self.out)) from exc
        if isinstance(exc, OSError):
            reason = exc.strerror or type(exc).__name__
            raise KnownError("export.cannot_write", path=str(self.out), reason=reason) from exc


def export_registry(
    reg: Registry,
    out: Path,
    scope: str | None,
    *,
    today: dt.date | None = None,
    progress: Callable[[int, int, str], None] | None = None,
) -> ExportResult:
    """Write every station and every 村委会 without a station under `scope` (None: the whole registry)."""
    out = _check_out(out)
    today = today or clock.today()
    if scope is None:
        code, path_text = "", "全部登记册"
        with reg.read() as s:
            if dq.total_units(s) == 0:
                raise KnownError("div.empty_registry")
    else:
        code = parse_scope(scope)
        _, path_text = require_unit(reg, code)
    edition = reg.setting(SETTING_EDITION) or ""
    total = 0
    if progress is not None:
        with reg.read() as s:
            total = s.execute(select(func.count()).select_from(Division).where(
                prefix_filter(Division.code, code), Division.level == int(Level.VILLAGE))).scalar_one()

    def about(c: RosterCounts) -> list[tuple[str, str]]:
        return [
            ("导出内容", "登记册中的全部站点，以及尚无站点的村委会（每个站点一行，无站点的村委会一行）"),
            ("范围", f"{code} {path_text}".strip()),
            ("导出日期", today.isoformat()),
            ("数据行数", str(c.rows)),
            ("站点数", str(c.stations)),
            ("村级单位数", str(c.villages)),
            ("无站点的村委会数", str(c.rows - c.stations)),
            ("数据来源", f"村邮通 {__version__} 登记册：{reg.label}"),
            ("区划代码版本", f"国家统计局 {edition} 年统计用区划代码" if edition else "未记录"),
            ("格式", "区划代码、联系电话为文本；完整的建成日期为 Excel 日期，只有年月或年份的保持文本（如 2024-03）；"
                     "经纬度为十进制度。"),
            ("再次导入", "各列与乡镇报送的标准名录相同，可直接用“导入”读回；未修改时重新导入不会改变登记册。"
                       "“站点编码”列为登记册内的站点编号，仅供查对，导入时忽略。"),
        ]

    def tick(done: int) -> None:
        if progress is not None:
            progress(done, max(total, done), "")

    with _Guard(out), reg.reading() as conn:
        counts = write_registry_roster(_rows(conn, code, committees_only=False), out, about, progress=tick)
    if progress is not None:
        progress(counts.rows, counts.rows, "")
    return ExportResult(str(out), counts.rows, counts.stations, counts.villages)


def export_template(reg: Registry, out: Path, township: str) -> ExportResult:
    """Write the fill-in template of one township: its 村委会, pre-filled with the stations on record."""
    out = _check_out(out)
    code = parse_scope(township)
    unit, path_text = require_unit(reg, code)
    level = Level(unit.level)
    if level != Level.TOWNSHIP:
        raise KnownError("export.template_needs_township", code=code, name=unit.name, level=level.zh,
                         level_en=level.name.lower())
    with _Guard(out), reg.reading() as conn:
        counts = write_template(_rows(conn, code, committees_only=True), out, path_text.replace(" / ", " "))
    return ExportResult(str(out), counts.rows, counts.stations, counts.villages)
