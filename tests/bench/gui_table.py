"""Benchmark: the 村庄 table on a national registry (620,573 village-level units), ours beside its peers.

Run on demand (not collected by pytest):

    .venv/bin/python tests/bench/gui_table.py [--db NATIONAL.sqlite] [--repeat 3] [--work DIR] [--no-peers]

Without --db it copies /tmp/villagepost-bench/registry-nation.sqlite into --work (opening upgrades the copy,
never the cache) or, when that is missing, loads the national codes into a new registry (~30 s, once).
With --stations it also imports /tmp/villagepost-bench/roster-nation.xlsx into the copy (~30 s, once), so
the 站点 column and the 站点 tab have national data too.

Every run is a fresh process under QT_QPA_PLATFORM=offscreen, so its peak memory (VmHWM) is its own. Times
are wall clock in the GUI thread, each ending when `viewport().repaint()` has returned, i.e. the rows have
been read and drawn:

- shows: the 村庄 tab is opened on the whole registry → the first rows are painted;
- all ids: → the full id list is in (the table keeps working meanwhile);
- re-sort (名称, by pinyin): the header is clicked → the first sorted rows are painted; and → all ids in;
- to last row: Ctrl+End once the ids are in → the last row is painted;
- to last row, early: Ctrl+End right after a re-sort is shown, before all ids are in (until the last page
  has come, a second top-N query, the end shows "…");
- 站点 tab: the stations tab opened on the whole registry → painted.

Peers, in the same table:
- SQL floor: the same queries with bare sqlite3 and no Qt (count + code order; pinyin order top-200 and in
  full; one page of rows by primary key; the last page by OFFSET) — what any design must pay;
- QSqlQueryModel: Qt's own SQL model over the QSQLITE driver with the same columns (fetches 256 rows at a
  time; a re-sort is a new query; reaching the last row means fetching every row before it);
- load all: every row read into Python (the same joins) behind a plain QAbstractTableModel, re-sorted in
  Python — the simple design whose time and memory the lazy model exists to avoid.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[2]
CACHE = Path("/tmp/villagepost-bench")
BUDGET = {"shows": 1.0, "resort": 0.5, "last_row": 0.1, "peak_mb": 300.0}

#: the columns every peer shows: code, name, class, township, county, covered today, station count, names
PEER_SQL = """
SELECT d.code, d.name, d.village_class, t.name, c.name,
       EXISTS (SELECT 1 FROM village_cover v WHERE v.village_code = d.code AND v.start_on <= :today
               AND (v.end_on IS NULL OR v.end_on > :today)),
       (SELECT count(*) FROM station s WHERE s.village_code = d.code AND s.status != 'closed'),
       (SELECT group_concat(s.name, '、') FROM station s WHERE s.village_code = d.code AND s.status != 'closed')
       {extra}
FROM division d JOIN division t ON t.code = d.parent_code LEFT JOIN division c ON c.code = t.parent_code
WHERE d.level = 5
"""


# --- helpers shared by the children -----------------------------------------------------------------


def _today() -> str:
    """Today as the application sees it (the project clock), for the peers' SQL."""
    from villagepost.core import clock

    return clock.today().isoformat()


def _peak_mb() -> float:
    with open("/proc/self/status", encoding="ascii") as fh:  # noqa: PTH123 (procfs)
        for line in fh:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return float("nan")


def _app() -> Any:
    os.environ["QT_QPA_PLATFORM"] = "offscreen"
    from PySide6.QtWidgets import QApplication

    from villagepost.gui import fonts

    app = QApplication(sys.argv[:1])
    fonts.install_application_font(app)
    return app


def _wait(condition: Any, timeout: float = 120.0) -> None:
    from PySide6.QtCore import QCoreApplication

    deadline = time.perf_counter() + timeout
    while not condition():
        if time.perf_counter() > deadline:
            raise TimeoutError("the table did not get there in time")
        QCoreApplication.processEvents()
        time.sleep(0.0005)


# --- child: ours ------------------------------------------------------------------------------------


def child_ours(db: str, work: Path) -> dict[str, float]:
    from PySide6.QtCore import QSettings, Qt
    from PySide6.QtTest import QTest

    app = _app()
    # a fresh settings folder per run: the window remembers its tab and sort order, which would change the run
    config = tempfile.mkdtemp(prefix="config-", dir=work)
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, config)
    from villagepost.gui.main_window import MainWindow
    from villagepost.gui.settings import Settings
    from villagepost.gui.villages_tab import CODE, NAME
    from villagepost.services.registry import Registry

    out: dict[str, float] = {}
    window = MainWindow(Registry.open(db), settings=Settings())
    window.resize(1366, 768)
    window.show()
    _wait(lambda: window.started)
    out["base_mb"] = _peak_mb()
    tab = window.villages_tab
    model, view = tab.model, tab.view
    shown: list[float] = []
    model.loaded.connect(lambda _n: shown.append(time.perf_counter()))

    def painted_after(start: float, condition: Any) -> float:
        _wait(condition)
        view.viewport().repaint()
        return time.perf_counter() - start

    start = time.perf_counter()
    window.tabs.setCurrentWidget(tab)
    out["shows"] = painted_after(start, lambda: bool(shown))
    _wait(lambda: model.complete)
    out["all_ids"] = time.perf_counter() - start
    assert model.total == 620_573, model.total

    def resort(column: int, order: Qt.SortOrder, key: str) -> None:
        shown.clear()
        begin = time.perf_counter()
        view.horizontalHeader().setSortIndicator(column, order)
        out[key] = painted_after(begin, lambda: bool(shown))
        early = time.perf_counter()
        QTest.keyClick(view, Qt.Key.Key_End, Qt.KeyboardModifier.ControlModifier)
        # the last page comes right after the first (a second top-N): until then the end shows "…"
        _wait(lambda: model.id_at(model.total - 1) is not None)
        view.viewport().repaint()
        out[key + "_last_row_early"] = time.perf_counter() - early
        assert model.index(model.total - 1, CODE).data() not in ("…", None)
        QTest.keyClick(view, Qt.Key.Key_Home, Qt.KeyboardModifier.ControlModifier)
        _wait(lambda: model.complete)
        out[key + "_all_ids"] = time.perf_counter() - begin

    resort(NAME, Qt.SortOrder.AscendingOrder, "resort_name")
    begin = time.perf_counter()
    QTest.keyClick(view, Qt.Key.Key_End, Qt.KeyboardModifier.ControlModifier)
    view.viewport().repaint()
    out["last_row"] = time.perf_counter() - begin
    assert view.currentIndex().row() == model.total - 1
    resort(CODE, Qt.SortOrder.DescendingOrder, "resort_code_desc")

    stations = window.stations_tab
    shown_st: list[float] = []
    stations.model.loaded.connect(lambda _n: shown_st.append(time.perf_counter()))
    begin = time.perf_counter()
    window.tabs.setCurrentWidget(stations)
    _wait(lambda: bool(shown_st))
    stations.view.viewport().repaint()
    out["stations_tab"] = time.perf_counter() - begin
    _wait(lambda: stations.model.complete)
    out["stations"] = float(stations.model.total)
    out["peak_mb"] = _peak_mb()
    window.close()
    shutil.rmtree(config, ignore_errors=True)
    del app
    return out


# --- child: QSqlQueryModel ---------------------------------------------------------------------------


def child_qsql(db: str) -> dict[str, float]:

    from PySide6.QtSql import QSqlDatabase, QSqlQueryModel
    from PySide6.QtWidgets import QTableView

    app = _app()
    out: dict[str, float] = {}
    conn = QSqlDatabase.addDatabase("QSQLITE")
    conn.setDatabaseName(db)
    assert conn.open()
    view = QTableView()
    view.resize(1000, 700)
    view.show()
    model = QSqlQueryModel()
    view.setModel(model)
    sql = PEER_SQL.format(extra="").replace(":today", f"'{_today()}'")
    out["base_mb"] = _peak_mb()

    def run(order: str) -> float:
        begin = time.perf_counter()
        model.setQuery(sql + order, conn)
        assert not model.lastError().isValid(), model.lastError().text()
        view.viewport().repaint()
        return time.perf_counter() - begin

    out["shows"] = run(" ORDER BY d.code")
    out["resort_name"] = run(" ORDER BY d.pinyin, d.code")
    begin = time.perf_counter()
    while model.canFetchMore():
        model.fetchMore()
    view.scrollToBottom()
    view.viewport().repaint()
    out["last_row"] = time.perf_counter() - begin
    assert model.rowCount() == 620_573, model.rowCount()
    out["peak_mb"] = _peak_mb()
    del app
    return out


# --- child: load everything ---------------------------------------------------------------------------


def child_load_all(db: str) -> dict[str, float]:
    import sqlite3

    from PySide6.QtCore import QAbstractTableModel, QModelIndex, Qt
    from PySide6.QtWidgets import QTableView

    app = _app()
    out: dict[str, float] = {}

    class ListModel(QAbstractTableModel):
        def __init__(self, rows: list[tuple[Any, ...]]) -> None:
            super().__init__()
            self.rows = rows

        def rowCount(self, parent: Any = QModelIndex()) -> int:  # noqa: B008
            return len(self.rows)

        def columnCount(self, parent: Any = QModelIndex()) -> int:  # noqa: B008
            return 8

        def data(self, index: Any, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
            if role != Qt.ItemDataRole.DisplayRole:
                return None
            return str(self.rows[index.row()][index.column()])

    view = QTableView()
    view.resize(1000, 700)
    view.show()
    out["base_mb"] = _peak_mb()
    begin = time.perf_counter()
    conn = sqlite3.connect(db)
    rows = conn.execute(PEER_SQL.format(extra=", d.pinyin") + " ORDER BY d.code",
                        {"today": _today()}).fetchall()
    model = ListModel(rows)
    view.setModel(model)
    view.viewport().repaint()
    out["shows"] = time.perf_counter() - begin
    begin = time.perf_counter()
    model.beginResetModel()
    rows.sort(key=lambda r: (r[8], r[0]))
    model.endResetModel()
    view.viewport().repaint()
    out["resort_name"] = time.perf_counter() - begin
    begin = time.perf_counter()
    view.scrollToBottom()
    view.viewport().repaint()
    out["last_row"] = time.perf_counter() - begin
    out["peak_mb"] = _peak_mb()
    del app
    return out


# --- the SQL floor -----------------------------------------------------------------------------------


def sql_floor(db: str) -> dict[str, float]:
    import sqlite3

    out: dict[str, float] = {}
    conn = sqlite3.connect(db)

    def timed(key: str, sql: str, *params: Any) -> list[Any]:
        begin = time.perf_counter()
        rows = conn.execute(sql, params).fetchall()
        out[key] = time.perf_counter() - begin
        return rows

    timed("count", "SELECT count(*) FROM division WHERE level = 5")
    ids = timed("ids_code", "SELECT CAST(code AS INTEGER) FROM division WHERE level = 5 ORDER BY code")
    timed("head_name", "SELECT CAST(code AS INTEGER) FROM division WHERE level = 5 ORDER BY pinyin, code LIMIT 200")
    timed("ids_name", "SELECT CAST(code AS INTEGER) FROM division WHERE level = 5 ORDER BY pinyin, code")
    page = [f"{i:012d}" for (i,) in ids[-200:]]
    timed("page_rows", "SELECT d.code, d.name, t.name FROM division d JOIN division t ON t.code = d.parent_code "
          f"WHERE d.code IN ({','.join('?' * len(page))})", *page)
    timed("last_page_offset", "SELECT code FROM division WHERE level = 5 ORDER BY pinyin, code LIMIT 200 OFFSET ?",
          len(ids) - 200)
    return out


# --- the parent ----------------------------------------------------------------------------------------


def _child(kind: str, db: Path, work: Path) -> dict[str, float]:
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", XDG_CONFIG_HOME=str(work / "config"))
    proc = subprocess.run([sys.executable, __file__, "--child", kind, "--db", str(db), "--work", str(work)],
                          cwd=REPO, env=env, capture_output=True, text=True, timeout=900, check=False)
    if proc.returncode != 0:
        raise RuntimeError(f"{kind} child failed ({proc.returncode}):\n{proc.stderr[-3000:]}")
    return json.loads(proc.stdout.strip().splitlines()[-1])


def _prepare(work: Path, stations: bool) -> Path:
    db = work / ("national-stations.sqlite" if stations else "national.sqlite")
    if db.exists():
        return db
    partial = db.with_suffix(".part.sqlite")
    partial.unlink(missing_ok=True)
    cached = CACHE / "registry-nation.sqlite"
    if cached.exists():
        print(f"copying {cached} …", file=sys.stderr, flush=True)
        shutil.copyfile(cached, partial)
        from villagepost.services.registry import Registry

        Registry.open(partial).close()  # the upgrade, once, and its backup removed (not a user's file)
        for backup in work.glob(f"{partial.stem}.schema*.bak.sqlite"):
            backup.unlink()
    else:
        print("loading the national codes (~30 s) …", file=sys.stderr, flush=True)
        subprocess.run([sys.executable, "-m", "villagepost", "--db", str(partial), "divisions", "load"],
                       cwd=REPO, check=True, capture_output=True)
    if stations:
        roster = CACHE / "roster-nation.xlsx"
        print(f"importing {roster} (~30 s) …", file=sys.stderr, flush=True)
        subprocess.run([sys.executable, "-m", "villagepost", "--db", str(partial), "import", str(roster)],
                       cwd=REPO, check=True, capture_output=True)
    for suffix in ("-wal", "-shm"):
        Path(str(partial) + suffix).unlink(missing_ok=True)
    partial.rename(db)
    return db


def _med(runs: list[dict[str, float]], key: str) -> float | None:
    values = [r[key] for r in runs if key in r]
    return statistics.median(values) if values else None


def _ljust(text: str, width: int) -> str:
    """Pad for a terminal: CJK characters take two columns."""
    import unicodedata

    used = sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)
    return text + " " * max(width - used, 0)


def _cell(value: float | None, unit: str = "s") -> str:
    if value is None:
        return "—"
    return f"{value:.0f} MB" if unit == "MB" else f"{value:.3f} s"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--db", type=Path, help="a national registry (schema 0002); default: built in --work")
    parser.add_argument("--work", type=Path, default=Path(tempfile.gettempdir()) / "villagepost-bench-table")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--stations", action="store_true", help="import the national roster into the copy")
    parser.add_argument("--no-peers", action="store_true", help="ours and the SQL floor only")
    parser.add_argument("--child", choices=["ours", "qsql", "load_all", "floor"], help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    work: Path = args.work
    work.mkdir(parents=True, exist_ok=True)

    if args.child:
        path = str(args.db)
        result = {"ours": lambda: child_ours(path, work), "qsql": lambda: child_qsql(path),
                  "load_all": lambda: child_load_all(path), "floor": lambda: sql_floor(path)}[args.child]()
        print(json.dumps(result), flush=True)
        os._exit(0)  # skip interpreter teardown: PySide6's QtSql objects can crash it, after the numbers are out

    db: Path = args.db or _prepare(work, args.stations)
    runs: dict[str, list[dict[str, float]]] = {"ours": [], "floor": [], "qsql": [], "load_all": []}
    kinds = ["ours", "floor"] if args.no_peers else ["ours", "floor", "qsql", "load_all"]
    for kind in kinds:
        _child(kind, db, work)  # warm the OS file cache; discarded
        for _ in range(args.repeat if kind in ("ours", "floor") else max(1, args.repeat // 2)):
            runs[kind].append(_child(kind, db, work))

    ours, floor, qsql, load_all = (runs[k] for k in ("ours", "floor", "qsql", "load_all"))
    stations = _med(ours, "stations") or 0
    print(f"村庄 table, national registry {db.name}: 620,573 village-level units, {stations:,.0f} stations; "
          f"medians of {args.repeat} fresh processes (peers: {max(1, args.repeat // 2)}); offscreen, 1366×768")
    header = f"{'':<34} {'ours':>10} {'budget':>8} {'SQL floor':>11} {'QSqlQueryModel':>15} {'load all':>10}"
    print(header)
    print("-" * len(header))
    table = [
        ("shows (first rows painted)", _med(ours, "shows"), BUDGET["shows"],
         (_med(floor, "count") or 0) + (_med(floor, "ids_code") or 0), _med(qsql, "shows"), _med(load_all, "shows")),
        ("  all ids in", _med(ours, "all_ids"), None, _med(floor, "ids_code"), None, None),
        ("re-sort by 名称 (pinyin), painted", _med(ours, "resort_name"), BUDGET["resort"], _med(floor, "head_name"),
         _med(qsql, "resort_name"), _med(load_all, "resort_name")),
        ("  all ids in", _med(ours, "resort_name_all_ids"), None, _med(floor, "ids_name"), None, None),
        ("  Ctrl+End before all ids are in", _med(ours, "resort_name_last_row_early"), BUDGET["last_row"],
         _med(floor, "last_page_offset"), None, None),
        ("Ctrl+End → last row painted", _med(ours, "last_row"), BUDGET["last_row"], _med(floor, "page_rows"),
         _med(qsql, "last_row"), _med(load_all, "last_row")),
        ("re-sort by 代码 descending, painted", _med(ours, "resort_code_desc"), BUDGET["resort"], None, None, None),
        ("站点 tab shows (national)", _med(ours, "stations_tab"), None, None, None, None),
    ]
    for label, mine, budget, fl, qs, la in table:
        print(f"{_ljust(label, 34)} {_cell(mine):>10} {_cell(budget) if budget else '':>8} {_cell(fl):>11} "
              f"{_cell(qs):>15} {_cell(la):>10}")
    print(f"{'peak memory of the process':<34} {_cell(_med(ours, 'peak_mb'), 'MB'):>10} "
          f"{_cell(BUDGET['peak_mb'], 'MB'):>8} {'':>11} {_cell(_med(qsql, 'peak_mb'), 'MB'):>15} "
          f"{_cell(_med(load_all, 'peak_mb'), 'MB'):>10}")
    print(f"{'  of which before the table':<34} {_cell(_med(ours, 'base_mb'), 'MB'):>10} {'':>8} {'':>11} "
          f"{_cell(_med(qsql, 'base_mb'), 'MB'):>15} {_cell(_med(load_all, 'base_mb'), 'MB'):>10}")
    print("\nSQL floor columns: shows = count + ids in code order; re-sort = top-200 by pinyin (all ids: full "
          "pinyin order); Ctrl+End early = last page by OFFSET; Ctrl+End = one page of rows by primary key.")
    return 0


if __name__ == "__main__":
    sys.path.insert(0, str(REPO))
    raise SystemExit(main())
