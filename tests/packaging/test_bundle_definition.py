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
import deb_depends  # noqa: E402
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


def test_the_system_libraries_leave_only_the_top_of_the_bundle() -> None:
    """PyInstaller copies the build machine's libraries to the top of _internal/; the wheels' own copies in
    their `*.libs` folders (hashed names) and Qt's ICU stay, and libpython always stays."""
    group = bundle_excludes.file_group
    system = bundle_excludes.SYSTEM_GROUP
    assert [group(path) for path in ("libstdc++.so.6", "libssl.so.3", "libxcb-xkb.so.1", "libglib-2.0.so.0")] \
        == [system] * 4
    for kept in ("pillow.libs/libxcb-9065bb12.so.1.1.0", "pillow.libs/libzstd-40ad5e7e.so.1.5.7",
                 "PySide6/Qt/lib/libicudata.so.73", "libpython3.11.so.1.0", "numpy.libs/libgfortran-040039e1.so.5"):
        assert group(kept) is None, kept
    assert group("libssl-3-x64.dll") is None  # the Windows bundle is unaffected


def test_the_window_only_libraries_are_recommended() -> None:
    window = deb_depends.WINDOW_ONLY.match
    assert all(window(name) for name in ("libX11.so.6", "libxcb-cursor.so.0", "libxkbcommon.so.0", "libEGL.so.1"))
    assert not any(window(name) for name in ("libstdc++.so.6", "libglib-2.0.so.0", "libssl.so.3", "libz.so.1"))
    assert deb_depends.GLIBC.match("ld-linux-x86-64.so.2") and deb_depends.GLIBC.match("libm.so.6")
    assert not deb_depends.GLIBC.match("libmd.so.0")


@pytest.mark.skipif(shutil.which("dpkg-query") is None, reason="not a Debian system")
def test_a_library_package_gives_its_declared_floor() -> None:
    """zlib1g declares `libz 1 zlib1g (>= 1:1.2.3.3.dfsg…)` in its shlibs file (any Debian has zlib1g)."""
    package = deb_depends.owner("/lib/x86_64-linux-gnu/libz.so.1")
    if package is None:
        pytest.skip("libz.so.1 is elsewhere on this architecture")
    assert package == "zlib1g"
    floor = deb_depends.dependency("zlib1g", "libz.so.1")
    assert floor.startswith("zlib1g (>= 1:1.") and floor.endswith(")")
    assert deb_depends._newer("zlib1g (>= 1:1.3)", floor) and not deb_depends._newer(floor, "zlib1g (>= 1:1.3)")


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
