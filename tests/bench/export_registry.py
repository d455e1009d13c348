"""Benchmark: `export registry` of the national registry (every 2023 code loaded, 487,144 村委会).

Run on demand (not collected by pytest):  .venv/bin/python tests/bench/export_registry.py [--stations N]

Peers, each in a fresh subprocess over the same SQLite registry (so peak RSS is a clean high-water mark):
- floor: openpyxl's bare write_only mode appending the same rows as plain tuples, read from the same
  streamed query (no styles, widths, safety, 说明 sheet): the cheapest way openpyxl writes these rows;
- ours: `villagepost.services.exports.export_registry(reg, out, None)` end to end: the streamed query,
  text-safe cells, codes as text, real dates, widths, frozen header, autofilter, the 说明 sheet.
Prints seconds, rows/s, the peak RSS while writing and its growth over the RSS just before writing
(sampled every 20 ms: the process's earlier high-water mark, e.g. from opening the registry, is excluded).
(tracemalloc is not used: it slows openpyxl down ~10x and would measure itself.)
Loading the codes into a temporary registry takes ~10-60 s and is not part of the measurement.
"""

from __future__ import annotations

import argparse
import datetime as dt
import gc
import json
import resource
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

from openpyxl import Workbook

from villagepost.core.actor import Actor
from villagepost.services import divisions as div_svc
from villagepost.services.exports import _rows, export_registry
from villagepost.services.registry import Registry
from villagepost.services.station_writer import STATION_FIELDS, StationInput, StationWriter
from villagepost.storage.station_queries import village_units_in


def _rss_mb() -> float:
    """Current resident set size (Linux), or the high-water mark where /proc is missing."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


class _PeakRss:
    """Samples the RSS every 20 ms in a thread: the peak while writing, whatever was allocated before."""

    def __init__(self) -> None:
        self.base = _rss_mb()
        self.peak = self.base
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while not self._stop.wait(0.02):
            self.peak = max(self.peak, _rss_mb())

    def stop(self) -> None:
        self._stop.set()
        self._thread.join()
        self.peak = max(self.peak, _rss_mb())


def _add_stations(reg: Registry, n: int) -> None:
    """Put `n` stations into the first village committees, so the station columns are exercised."""
    with reg.read() as s:
        villages = [u.code for u in village_units_in(s, "", ("村委会",))][:n]
    with reg.connection() as conn:
        w = StationWriter(conn, Actor(name="bench"), dt.date(2025, 6, 1))
        for i, v in enumerate(villages):
            w.apply(v, StationInput(name=f"{v[-3:]}村邮站", station_type="村邮站", coop="邮快合作",
                                    lon=106.0 + i / 1e4, lat=38.0, opened="2022-09-09", contact="罗德",
                                    phone="15675671692"), frozenset(STATION_FIELDS))
        w.flush()


def _peer(name: str, db: Path, out: Path) -> dict[str, float]:
    """Run one peer in this process and return its numbers."""
    reg = Registry.open(db, actor=Actor(name="bench"))
    gc.collect()
    rss = _PeakRss()
    t0 = time.perf_counter()
    if name == "floor":
        wb = Workbook(write_only=True)
        ws = wb.create_sheet("floor")
        rows = 0
        with reg.connection() as conn:
            for r in _rows(conn, "", committees_only=False):
                ws.append((*r.standard_cells(), r.station_code))
                rows += 1
        wb.save(out)
    else:
        rows = export_registry(reg, out, None).rows
    secs = time.perf_counter() - t0
    rss.stop()
    reg.close()
    return {"rows": rows, "seconds": secs, "rss_growth_mb": rss.peak - rss.base, "rss_peak_mb": rss.peak,
            "mib": out.stat().st_size / 2**20}


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--stations", type=int, default=2000, help="stations to add first (default 2000)")
    ap.add_argument("--peer", choices=("floor", "ours"), help=argparse.SUPPRESS)
    ap.add_argument("--db", type=Path, help=argparse.SUPPRESS)
    ap.add_argument("--out", type=Path, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.peer:
        print(json.dumps(_peer(args.peer, args.db, args.out)))
        return
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        db = folder / "national.sqlite"
        with Registry.open(db, actor=Actor(name="bench")) as reg:
            t0 = time.perf_counter()
            div_svc.load(reg)
            print(f"loaded the national codes in {time.perf_counter() - t0:.1f} s", flush=True)
            _add_stations(reg, args.stations)
        for peer in ("floor", "ours"):
            done = subprocess.run([sys.executable, __file__, "--peer", peer, "--db", str(db),
                                   "--out", str(folder / f"{peer}.xlsx")], check=True, capture_output=True, text=True)
            m = json.loads(done.stdout.strip().splitlines()[-1])
            rate = m["rows"] / m["seconds"]
            print(f"{peer:<6} {int(m['rows']):>9,} rows  {m['seconds']:7.1f} s  {rate:9,.0f} rows/s  "
                  f"peak RSS {m['rss_peak_mb']:6.1f} MiB (growth while writing {m['rss_growth_mb']:5.1f})  "
                  f"file {m['mib']:5.1f} MiB", flush=True)


if __name__ == "__main__":
    main()
