"""Writing the registry out as a roster workbook (`villagepost export registry`).

The export uses exactly the standard roster headers the townships' files use (A01), so that the same
file can be sent to a township, edited and imported back, and so that importing an unedited export into
the registry it came from changes nothing: codes are text, full dates are Excel dates, partial dates stay
the text they were stored as, names and phones are written verbatim. A trailing 站点编码 column carries
the stable station code for reference; the importer ignores columns it does not know.

This module knows nothing about the database: the service hands it rows in code order.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from villagepost.workbooks.xlsx_write import (
    COORD_FORMAT,
    DATE_FORMAT,
    TEXT_FORMAT,
    CellValue,
    Column,
    SheetWriter,
    date_value,
    new_workbook,
    save_atomically,
    simple_sheet,
)

#: the standard roster columns, in the order townships use (A01_pingluo_clean.xlsx without its 序号)
STANDARD_HEADERS = ("县（区）", "乡镇（街道）", "行政村", "区划代码", "站点名称", "站点类型", "合作模式",
                    "经度", "纬度", "建成日期", "联系人", "联系电话")
STATION_CODE_HEADER = "站点编码"

STANDARD_COLUMNS = (
    Column("县（区）", max_width=16),
    Column("乡镇（街道）", max_width=20),
    Column("行政村", max_width=24),
    Column("区划代码", TEXT_FORMAT, width=16),
    Column("站点名称", max_width=36),
    Column("站点类型", max_width=18),
    Column("合作模式", width=12),
    Column("经度", COORD_FORMAT, width=13),
    Column("纬度", COORD_FORMAT, width=12),
    Column("建成日期", DATE_FORMAT, width=13),
    Column("联系人", max_width=16),
    Column("联系电话", TEXT_FORMAT, width=16),
)
REGISTRY_COLUMNS = (*STANDARD_COLUMNS, Column(STATION_CODE_HEADER, TEXT_FORMAT, width=18))

DATA_SHEET = "站点名录"
ABOUT_SHEET = "说明"


@dataclass(frozen=True, slots=True)
class RosterRow:
    """One roster line: a village, and the station standing in it if any."""

    county: str
    township: str
    village: str
    code: str
    station_code: str | None = None
    station_name: str | None = None
    station_type: str | None = None
    coop: str | None = None
    lon: float | None = None
    lat: float | None = None
    opened: str | None = None
    contact: str | None = None
    phone: str | None = None

    @property
    def has_station(self) -> bool:
        return self.station_code is not None

    def standard_cells(self) -> list[CellValue]:
        """The values under STANDARD_HEADERS, typed as they are written."""
        return [self.county, self.township, self.village, self.code, self.station_name, self.station_type,
                self.coop, self.lon, self.lat, date_value(self.opened), self.contact, self.phone]


@dataclass
class RosterCounts:
    """What was written: data rows, station rows, distinct village-level units."""

    rows: int = 0
    stations: int = 0
    villages: int = 0

    def add(self, row: RosterRow, last_code: str | None) -> None:
        self.rows += 1
        if row.has_station:
            self.stations += 1
        if row.code != last_code:
            self.villages += 1


def write_registry_roster(
    rows: Iterable[RosterRow],
    out: Path,
    about: Callable[[RosterCounts], Sequence[tuple[str, str]]],
    *,
    progress: Callable[[int], None] | None = None,
) -> RosterCounts:
    """Stream `rows` (in code order) into `out` with a 说明 sheet built from the final counts.

    `about` is called after the rows are written, so the 说明 sheet can state the exact counts without a
    second pass over the data.
    """
    wb = new_workbook()
    sheet = SheetWriter(wb, DATA_SHEET, REGISTRY_COLUMNS)
    counts = RosterCounts()
    last: str | None = None
    for row in rows:
        sheet.append([*row.standard_cells(), row.station_code])
        counts.add(row, last)
        last = row.code
        if progress is not None and counts.rows % 5000 == 0:
            progress(counts.rows)
    sheet.close()
    simple_sheet(wb, ABOUT_SHEET, [("项目", "内容"), *about(counts)], widths=(18, 90), wrap=(1,))
    save_atomically(wb, out)
    return counts
