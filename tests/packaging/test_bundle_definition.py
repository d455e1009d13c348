"""What the frozen bundle leaves out must be what the program never imports; the installer script compiles."""

from __future__ import annotations

import ast
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO / "packaging"))

import bundle_excludes  # noqa: E402
import entry  # noqa: E402

QT_USED = {"PySide6", "PySide6.QtCore", "PySide6.QtGui", "PySide6.QtWidgets"}


def _imports() -> set[str]:
    """Every module name villagepost's own code imports (module level or inside functions)."""
    found: set[str] = set()
    for path in (REPO / "villagepost").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                found.update(alias.name for alias in node.names)
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                found.add(node.module)
    return found


def test_the_program_uses_only_qt_core_gui_and_widgets() -> None:
    qt = {name for name in _imports() if name.startswith("PySide6")}
    assert qt <= QT_USED, qt - QT_USED


def test_no_excluded_module_is_imported_by_the_program() -> None:
    hits = {name: bundle_excludes.module_group(name) for name in _imports()}
    assert {name: group for name, group in hits.items() if group} == {}


def test_file_groups() -> None:
    group = bundle_excludes.file_group
    assert group("PySide6/Qt/plugins/platformthemes/libqgtk3.so", ).startswith("Qt's GTK3")
    assert group("PySide6/Qt/plugins/platforms/libqwayland-egl.so").startswith("Qt's Wayland")
    assert group("PySide6/Qt/translations/qtbase_de.qm").startswith("Qt's translations")
    assert group("PySide6/Qt/translations/qtbase_zh_CN.qm") is None  # the Chinese window's buttons
    assert group("PySide6/Qt/plugins/platforms/libqxcb.so") is None
    assert group("PySide6/Qt/plugins/platforms/libqoffscreen.so") is None
    assert group("PySide6\\Qt\\plugins\\printsupport\\windowsprintersupport.dll").startswith("Qt plugins")
    assert group("villagepost/resources/fonts/wqy-microhei.ttc") is None
    assert bundle_excludes.module_group("PIL.Image") is None
    assert bundle_excludes.module_group("PIL._avif").startswith("Pillow")
    assert bundle_excludes.module_group("PySide6.QtNetwork").startswith("Qt modules")


def test_an_exclusion_that_breaks_a_kept_binary_is_caught() -> None:
    broken = bundle_excludes.removed_but_needed(
        ["PySide6/Qt/plugins/platforms/libqwayland.so", "PySide6/Qt/lib/libQt6Gui.so.6"],
        ["PySide6/Qt/lib/libQt6WaylandClient.so.6"],
        {"PySide6/Qt/plugins/platforms/libqwayland.so": ["libQt6WaylandClient.so.6", "libc.so.6"],
         "PySide6/Qt/lib/libQt6Gui.so.6": ["libQt6Core.so.6"]})
    assert broken == ["PySide6/Qt/plugins/platforms/libqwayland.so -> libQt6WaylandClient.so.6"]


@pytest.mark.parametrize(("argv0", "window"), [
    ("/opt/villagepost/villagepost-window", True), ("VillagePost-Window.EXE", True),
    ("villagepost-window.exe", True), ("/usr/bin/villagepost", False), ("villagepost.exe", False),
])
def test_the_executable_name_picks_the_window(argv0: str, window: bool) -> None:
    assert entry.window_wanted(argv0) is window


@pytest.mark.skipif(shutil.which("makensis") is None, reason="makensis (Debian's nsis) is not installed")
def test_the_windows_installer_script_compiles(tmp_path: Path) -> None:
    bundle = tmp_path / "bundle"
    (bundle / "_internal").mkdir(parents=True)
    for name in ("villagepost.exe", "villagepost-window.exe", "_internal/base_library.zip"):
        (bundle / name).write_text("stand-in\n")
    out = tmp_path / "villagepost-0.2.0-setup.exe"
    done = subprocess.run(["makensis", "-V2", "-WX", "-DVERSION=0.2.0", f"-DBUNDLE={bundle}", f"-DOUTFILE={out}",
                           str(REPO / "packaging" / "villagepost.nsi")], capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stdout + done.stderr
    assert out.read_bytes()[:2] == b"MZ"


def test_the_nsis_script_installs_per_user_and_keeps_the_data() -> None:
    script = (REPO / "packaging" / "villagepost.nsi").read_text(encoding="utf-8")
    assert "RequestExecutionLevel user" in script
    assert 'InstallDir "$LOCALAPPDATA\\Programs\\VillagePost"' in script
    assert "HKLM" not in script  # nothing machine-wide
    uninstall = script.split('Section "Uninstall"', 1)[1]
    assert "$LOCALAPPDATA\\VillagePost" not in uninstall.replace("$LOCALAPPDATA\\VillagePost for", "")
    assert 'RMDir /r "$INSTDIR"' not in script  # only the files the installer put there


def test_nothing_excluded_is_loaded_when_the_program_runs() -> None:
    """Import what the installed copy's self-check imports (every part of the program, the window included)
    in a fresh interpreter: no module an exclusion removes may be among the modules then loaded — a
    dependency importing it at the top (pyqtgraph.functions imports util.cupy_helper) would break the bundle."""
    code = ("import sys, importlib; sys.path.insert(0, 'packaging'); import entry; "
            "[importlib.import_module(m) for m in entry.SELF_CHECK_MODULES]; print('\\n'.join(sorted(sys.modules)))")
    done = subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, check=True,
                          env={**__import__("os").environ, "QT_QPA_PLATFORM": "offscreen"})
    loaded = done.stdout.split()
    assert "pyqtgraph.util.cupy_helper" in loaded and "PySide6.QtWidgets" in loaded  # the check can see them
    hits = {name for name in loaded if bundle_excludes.module_group(name) and not name.startswith("psycopg_binary.")}
    assert hits == set(OPTIONAL_IMPORTS)


#: Excluded modules that dependencies import inside try/except and do without (the installed copy's
#: self-check and window smoke test prove it on the real bundle).
OPTIONAL_IMPORTS = {
    "PySide6.QtOpenGL": "pyqtgraph.Qt.OpenGLHelpers: the bundle's stand-in (packaging/rthook_qt_opengl_stub.py)",
    "PySide6.QtOpenGLWidgets": "pyqtgraph.Qt.OpenGLHelpers: the bundle's stand-in (the same)",
    "PySide6.QtSvg": "pyqtgraph.Qt: QtSvg = FailedImport(err)",
    "PySide6.QtTest": "pyqtgraph.Qt: QtTest = FailedImport(err)",
    "psycopg_binary": "psycopg falls back to its ctypes wrapper of the system's libpq (Linux bundle)",
}
