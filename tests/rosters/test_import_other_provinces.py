"""Rosters of other provinces, in shapes the example set does not have, built from the real codes."""

from __future__ import annotations

import datetime as dt
import lzma
from collections.abc import Callable
from pathlib import Path

import openpyxl

from villagepost.services.imports import import_roster
from villagepost.services.registry import Registry
from villagepost.services.stations import list_stations
from villagepost.storage.division_source import edition_dir

TODAY = dt.date(2026, 11, 23)


def _villages(prefix: str) -> list[tuple[str, str]]:
    with lzma.open(edition_dir() / "villages.csv.xz", "rt", encoding="utf-8") as fh:
        rows = [line.split(",") for line in fh if line.startswith(prefix)]
    return [(r[0], r[1].strip('"')) for r in rows if 200 <= int(r[0][9:]) <= 399]


def test_dongguan_has_no_county_level(sqlite_registry: Callable[..., Registry], tmp_path: Path) -> None:
    """东莞 (441900) holds its townships directly: its county group is 00, and its codes are valid."""
    villages = _villages("441900")
    assert len(villages) > 0
    wb = openpyxl.Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "东莞市"
    ws.append(["东莞市村级寄递物流站点统计表"])
    ws.merge_cells("A1:F1")
    ws.append(["镇（街道）", "村（社区）名称", "统一编码", "服务站名称", "站点类别", "手机号码"])
    for i, (code, name) in enumerate(villages):
        ws.append(["", name, int(code), f"{name}服务站" if i % 2 == 0 else None,
                   "村邮站+快递超市" if i % 2 == 0 else None, f"1380000{i:04d}" if i % 2 == 0 else None])
    path = tmp_path / "东莞.xlsx"
    wb.save(path)
    with sqlite_registry("44") as reg:
        report = import_roster(reg, path, today=TODAY)
        assert report.status == "ok", [e.message("en") for e in report.errors[:3]]
        assert report.header_rows == [2]
        assert report.villages_imported == len(villages)
        assert report.stations_created == (len(villages) + 1) // 2
        stored = list_stations(reg, "441900")
        assert stored[0].village_code == villages[0][0] and stored[0].type == "村邮站+快递超市"


def test_jilin_county_with_title_rows_and_text_dates(sqlite_registry: Callable[..., Registry],
                                                    tmp_path: Path) -> None:
    villages = _villages("220221")
    assert len(villages) == 124
    wb = openpyxl.Workbook()
    ws = wb.active
    assert ws is not None
    ws.append(["永吉县农村寄递物流体系建设情况"])
    ws.append(["填报单位：永吉县交通运输局", None, None, "填报日期：2025年6月"])
    ws.append([])
    ws.append(["序号", "县（市、区）", "乡镇（街道）", "行政村", "行政区划代码", "服务站名称", "站点类型", "合作方式",
               "东经", "北纬", "投入使用时间", "负责人", "联系方式"])
    for i, (code, name) in enumerate(villages, start=1):
        # Jilin's official names end in 村; the roster writes 村民委员会, as many offices do.
        variant = name + "民委员会" if name.endswith("村") else name
        ws.append([i, "永吉县", None, variant, f"'{code}", f"{name}快递超市", "快递超市",
                   "快商", f"126°{i % 60}′{i % 59}.5″", f"43°{i % 60}′{i % 59}.25″", f"2023年{i % 12 + 1}月",
                   "王", f"0432-6{i:06d}"])
    ws.append(["合计", None, None, "124个", None, "124个"])
    path = tmp_path / "永吉县.xlsx"
    wb.save(path)
    with sqlite_registry("22") as reg:
        report = import_roster(reg, path, today=TODAY)
        assert report.status == "ok", [e.message("en") for e in report.errors[:3]]
        assert {w.kind for w in report.warnings} == {"name_variant"}
        assert report.header_rows == [4]
        assert (report.villages_imported, report.stations_created) == (124, 124)
        first = list_stations(reg, villages[0][0])[0]
        assert (first.coop, first.opened, first.phone) == ("快商合作", "2023-02", "0432-6000001")
        assert first.lon is not None and abs(first.lon - (126 + 1 / 60 + 1.5 / 3600)) < 1e-6
