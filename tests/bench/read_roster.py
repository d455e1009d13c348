"""Benchmark: reading a large roster end to end (not collected by pytest).

    .venv/bin/python tests/bench/read_roster.py                 # the national roster, 487,144 村委会
    .venv/bin/python tests/bench/read_roster.py --scope 64      # one province (Ningxia, 2,214 rows)
    .venv/bin/python tests/bench/read_roster.py --keep /tmp/national.xlsx   # reuse/keep the generated file

Generates a roster of every 2023 村委会 (VVV 200-399) of the scope from the bundled division codes with
openpyxl write_only (13 standard columns, a station on every third row, codes as text), then reads it in a
fresh process per reader and prints rows/s and peak RSS:
- ours: `open_roster` (safety scan, layout detection, well-formedness) + `rows()` (and `parse_row` with --parse);
- openpyxl: bare read-only iteration, values only;
- calamine: bare `get_sheet_by_name` + `iter_rows`.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import json
import lzma
import random
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

RESOURCES = Path(__file__).resolve().parents[2] / "resources" / "divisions" / "2023"
HEADER = ["序号", "县（区）", "乡镇（街道）", "行政村", "区划代码", "站点名称", "站点类型", "合作模式", "经度", "纬度",
          "建成日期", "联系人", "联系电话"]


def _names(file: str) -> dict[str, str]:
    with lzma.open(RESOURCES / file, "rt", encoding="utf-8") as fh:
        return {row["code"]: row["name"] for row in csv.DictReader(fh)}


def generate(path: Path, scope: str, stations_per: int = 3, of: int = 1) -> int:
    """Write the roster of every village committee whose code starts with `scope` ('' = the nation).

    `of` of every `stations_per` rows name a station (default: every third row; 5 of 8 gives the
    nation about 300,000 stations, the size of a real national roster).
    """
    from openpyxl import Workbook

    counties, townships = _names("areas.csv.xz"), _names("streets.csv.xz")
    rnd = random.Random(20251111)
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("村级寄递物流站点")
    ws.append(HEADER)
    n = 0
    with lzma.open(RESOURCES / "villages.csv.xz", "rt", encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            code = row["code"]
            if not code.startswith(scope) or not 200 <= int(code[9:]) <= 399:
                continue
            n += 1
            cells: list[object] = [n, counties.get(code[:6], ""), townships.get(code[:9], ""), row["name"], code]
            if n % stations_per < of:
                cells += [row["name"].removesuffix("村委会") + "村邮站", "村邮站+快递超市", "邮快合作",
                          *_near_county(code[:6], rnd),
                          dt.date(2020, 1, 1) + dt.timedelta(days=rnd.randrange(1500)), "张三",
                          f"1{rnd.randrange(3, 10)}{rnd.randrange(10**9):09d}"]
            ws.append(cells)
    wb.save(path)
    return n


def _near_county(county: str, rnd: random.Random) -> tuple[float, float]:
    """A station's longitude and latitude: within 0.1 degrees of a point of its county, inside its province.

    The import refuses coordinates outside the station's province and warns about ones far from the county's
    other stations, so random points across the map would measure refusals rather than imports.
    """
    from villagepost.core.places import province_extents

    box = province_extents()[county[:2]]
    spot = random.Random(int(county))  # the same point for every station of the county
    lon = box.min_lon + 0.1 + spot.random() * max(0.0, box.max_lon - box.min_lon - 0.2)
    lat = box.min_lat + 0.1 + spot.random() * max(0.0, box.max_lat - box.min_lat - 0.2)
    return round(lon + rnd.uniform(-0.1, 0.1), 6), round(lat + rnd.uniform(-0.1, 0.1), 6)


def measure(reader: str, path: str, parse: bool) -> dict[str, object]:
    """Read `path` with `reader` in this process; rows, seconds, peak RSS."""
    started = time.perf_counter()
    rows = 0
    if reader == "ours":
        from villagepost.core import clock
        from villagepost.rosters.parse import parse_row
        from villagepost.rosters.reader import open_roster

        today = clock.today()
        with open_roster(path) as book:
            for row in book.rows(progress=lambda _d, _t: None, cancelled=lambda: False):
                rows += 1
                if parse:
                    parse_row(row, today)
    elif reader == "openpyxl":
        import openpyxl

        wb = openpyxl.load_workbook(path, read_only=True, data_only=True)
        for _ in wb.worksheets[0].iter_rows(values_only=True):
            rows += 1
        wb.close()
        rows -= 1
    else:
        import python_calamine

        book = python_calamine.CalamineWorkbook.from_path(path)
        for _ in book.get_sheet_by_name(book.sheet_names[0]).iter_rows():
            rows += 1
        rows -= 1
    seconds = time.perf_counter() - started
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return {"reader": reader, "rows": rows, "seconds": seconds, "peak_mb": peak_mb}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--scope", default="", help="province/city/county code prefix (default: the nation)")
    parser.add_argument("--keep", type=Path, help="roster file to reuse if present, else to generate and keep")
    parser.add_argument("--parse", action="store_true", help="ours: also run parse_row on every row")
    parser.add_argument("--skip", nargs="*", default=[], choices=["ours", "openpyxl", "calamine"])
    parser.add_argument("--measure", nargs=2, metavar=("READER", "PATH"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.measure:
        print(json.dumps(measure(args.measure[0], args.measure[1], args.parse)))
        return
    with tempfile.TemporaryDirectory() as tmp:
        path = args.keep or Path(tmp) / "roster.xlsx"
        if not path.exists():
            started = time.perf_counter()
            n = generate(path, args.scope)
            print(f"generated {n:,} rows in {time.perf_counter() - started:.0f} s: {path} "
                  f"({path.stat().st_size / 1e6:.1f} MB)")
        print(f"{'reader':<10} {'rows':>9} {'seconds':>8} {'rows/s':>9} {'peak MB':>8}")
        for reader in ("ours", "calamine", "openpyxl"):
            if reader in args.skip:
                continue
            cmd = [sys.executable, __file__, "--measure", reader, str(path)] + (["--parse"] if args.parse else [])
            result = json.loads(subprocess.run(cmd, capture_output=True, text=True, check=True).stdout)
            rate = result["rows"] / result["seconds"]
            rows, seconds, peak = result["rows"], result["seconds"], result["peak_mb"]
            print(f"{reader:<10} {rows:>9,} {seconds:>8.2f} {rate:>9,.0f} {peak:>8.0f}")


if __name__ == "__main__":
    main()
