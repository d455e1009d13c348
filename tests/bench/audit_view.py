"""Benchmark: the audit view of a county with 10,000 changes, among 300,000 changes elsewhere (not collected).

    QT_QPA_PLATFORM=offscreen .venv/bin/python tests/bench/audit_view.py

Builds a registry with Ningxia's division codes and an audit log of 10,000 rows under 平罗县 (640221) plus
300,000 rows under other counties, then times, each best of 5:
- ours, service: `audit.entries(scope=640221, limit=VIEW_LIMIT)` (index range, newest first, local times);
- ours, window: the same through AuditPanel, until the rows are in the table and it has painted;
- floor: bare sqlite3 SELECT of the same rows with the same index range.
Target: the window shows the county's changes in under 1 s.
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
import sqlite3
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("VILLAGEPOST_CLOCK", "2026-11-23")

from villagepost.core.actor import Actor
from villagepost.services import audit
from villagepost.services import divisions as div_svc
from villagepost.services.registry import Registry

COUNTY = "640221"


def build(path: Path) -> None:
    with Registry.open(path, actor=Actor(name="bench")) as reg:
        div_svc.load(reg, ["64"])
    con = sqlite3.connect(path)
    start = dt.datetime(2026, 1, 1)
    rows = []
    for i in range(310_000):
        scope = f"{COUNTY}100200" if i % 31 == 0 else "640302100200"  # 10,000 in the county, the rest not
        at = (start + dt.timedelta(seconds=i * 60)).isoformat(sep=" ")
        rows.append((at, f"clerk{i % 13}", "cli: station edit", "station", f"{scope}-01", scope, "phone",
                     "13800000000", "13900000000"))
    con.executemany("INSERT INTO audit_log (at, user_name, source, table_name, record, scope, field, old, new) "
                    "VALUES (?,?,?,?,?,?,?,?,?)", rows)
    con.commit()
    con.close()


def main() -> None:
    folder = Path(tempfile.mkdtemp(prefix="vp-audit-bench-"))
    path = folder / "audit.sqlite"
    build(path)
    reg = Registry.open(path, actor=Actor(name="bench"))
    flt = audit.AuditFilter(scope=COUNTY)
    service = []
    for _ in range(5):
        started = time.perf_counter()
        rows = audit.entries(reg, flt, limit=audit.VIEW_LIMIT)
        service.append(time.perf_counter() - started)
    floor = []
    con = sqlite3.connect(path)
    for _ in range(5):
        started = time.perf_counter()
        raw = con.execute("SELECT at, user_name, source, table_name, record, field, old, new FROM audit_log "
                          "WHERE scope >= ? AND scope <= ? ORDER BY at DESC, id DESC LIMIT ?",
                          (COUNTY, COUNTY + "\uffff", audit.VIEW_LIMIT)).fetchall()
        floor.append(time.perf_counter() - started)
    con.close()

    from PySide6.QtWidgets import QApplication

    from villagepost.gui.audit_view import AuditPanel
    from villagepost.gui.ops import TaskManager

    app = QApplication(sys.argv[:1])
    taskman = TaskManager()
    window = []
    for _ in range(5):
        panel = AuditPanel(None, taskman, reg)  # type: ignore[arg-type]
        panel.resize(1100, 600)
        panel.show()
        started = time.perf_counter()
        op = panel.load(flt)
        while not op.finished:
            app.processEvents()
        panel.repaint()
        window.append(time.perf_counter() - started)
        panel.close()
        panel.deleteLater()
    taskman.shutdown()
    reg.close()
    shutil.rmtree(folder, ignore_errors=True)
    print(f"{'case':<44} {'rows':>7} {'best s':>8}")
    print(f"{'ours: audit.entries (county, newest first)':<44} {len(rows):>7,} {min(service):>8.3f}")
    print(f"{'ours: AuditPanel, rows shown and painted':<44} {len(rows):>7,} {min(window):>8.3f}")
    print(f"{'floor: bare sqlite3 SELECT, same range':<44} {len(raw):>7,} {min(floor):>8.3f}")
    print(f"ratio to floor (service): {min(service) / min(floor):.1f}x; target: window < 1 s")


if __name__ == "__main__":
    main()
