"""The architecture's one-way dependencies, enforced: only villagepost/gui imports Qt; the core is pure."""

from __future__ import annotations

import ast
from pathlib import Path

import villagepost

PACKAGE = Path(villagepost.__file__).parent


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
    return names


def _modules() -> list[Path]:
    return sorted(PACKAGE.rglob("*.py"))


def test_only_gui_imports_qt() -> None:
    offenders = []
    for path in _modules():
        rel = path.relative_to(PACKAGE)
        if rel.parts[0] == "gui":
            continue
        qt = {n for n in _imports(path) if n.split(".")[0] in {"PySide6", "shiboken6", "pyqtgraph", "PyQt5", "PyQt6"}}
        if qt:
            offenders.append(f"{rel}: {sorted(qt)}")
    assert offenders == []


def test_core_needs_neither_sqlalchemy_nor_openpyxl() -> None:
    offenders = []
    for path in (PACKAGE / "core").rglob("*.py"):
        bad = {n for n in _imports(path) if n.split(".")[0] in {"sqlalchemy", "openpyxl", "alembic", "reportlab"}}
        if bad:
            offenders.append(f"{path.name}: {sorted(bad)}")
    assert offenders == []


def test_lower_layers_do_not_reach_up() -> None:
    upward = {"core": ("storage", "services", "rosters", "reports", "gui", "cli", "commands", "workbooks"),
              "storage": ("services", "gui", "cli", "commands", "rosters", "reports", "workbooks"),
              # the Excel writer both rosters and reports use: below both
              "workbooks": ("storage", "services", "rosters", "reports", "gui", "cli", "commands"),
              # reports print what services computed, in the shapes of core.report_shapes
              "reports": ("services", "storage", "gui", "cli", "commands")}
    offenders = []
    for layer, forbidden in upward.items():
        for path in (PACKAGE / layer).rglob("*.py"):
            for name in _imports(path):
                parts = name.split(".")
                if parts[0] == "villagepost" and len(parts) > 1 and parts[1] in forbidden:
                    offenders.append(f"{layer}/{path.name} imports {name}")
    assert offenders == []


def test_reports_write_workbooks_through_the_shared_writer() -> None:
    """The reports' Excel files come from villagepost.workbooks, not from the rosters' package."""
    offenders = []
    for path in (PACKAGE / "reports").rglob("*.py"):
        if "villagepost.rosters.xlsx_write" in _imports(path):
            offenders.append(path.name)
    assert offenders == []


def test_the_window_reaches_storage_through_services() -> None:
    """gui/ asks services for the database's and the logs' locations; it never imports storage itself."""
    offenders = [str(path.relative_to(PACKAGE)) for path in (PACKAGE / "gui").rglob("*.py")
                 if any(n.startswith("villagepost.storage") for n in _imports(path))]
    assert offenders == []


def test_crash_reporting_and_the_worker_do_not_import_each_other() -> None:
    crash = _imports(PACKAGE / "gui" / "crash.py")
    assert "villagepost.gui.ops" not in crash
