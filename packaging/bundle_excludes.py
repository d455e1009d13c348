"""What the frozen bundle leaves out, in named groups, so each group's saving can be measured.

packaging/villagepost.spec applies every group; `VILLAGEPOST_BUNDLE_KEEP_ALL=1` builds the bundle with none
of them, and packaging/measure_excludes.py compares the two bundles file by file, group by group (the
figures are in packaging/README.md). Nothing in the program needs any of these: the window uses QtCore,
QtGui and QtWidgets (a test in tests/packaging checks that no villagepost module imports another Qt module).
"""

from __future__ import annotations

import fnmatch

#: (pyqtgraph.Qt.OpenGLHelpers imports PySide6.QtOpenGL and QtOpenGLWidgets unguarded: the bundle answers
#: those imports with the stand-ins of packaging/rthook_qt_opengl_stub.py.)
#: Python modules never imported by the program (some are pulled in by optional imports of our
#: dependencies: pyqtgraph's OpenGL, Jupyter and example modules, reportlab's and pyqtgraph's PIL support).
MODULE_GROUPS: dict[str, list[str]] = {
    "Qt modules the program does not use": [
        "PySide6.QtNetwork", "PySide6.QtOpenGL", "PySide6.QtOpenGLWidgets", "PySide6.QtQml", "PySide6.QtQuick",
        "PySide6.QtQuickWidgets", "PySide6.QtQuickControls2", "PySide6.QtQuickTest", "PySide6.QtSql",
        "PySide6.QtSvg", "PySide6.QtSvgWidgets", "PySide6.QtTest", "PySide6.QtUiTools", "PySide6.QtXml",
        "PySide6.QtDesigner", "PySide6.QtHelp", "PySide6.QtPrintSupport", "PySide6.QtConcurrent",
        "PySide6.QtDBus",
    ],
    "pyqtgraph's optional parts (OpenGL, Jupyter, examples, canvas)": [
        "pyqtgraph.opengl", "pyqtgraph.jupyter", "pyqtgraph.examples", "pyqtgraph.canvas", "OpenGL",
        "jupyter_rfb", "cupy", "numba", "h5py", "matplotlib", "scipy",
    ],
    "Pillow's optional codecs and engines (AVIF, WebP, colour management, FreeType, Tk, math): reportlab "
    "needs only PIL.Image to read PNG and JPEG": [
        "PIL._avif", "PIL.AvifImagePlugin", "PIL._webp", "PIL.WebPImagePlugin", "PIL._imagingcms", "PIL.ImageCms",
        "PIL._imagingft", "PIL.ImageFont", "PIL._imagingtk", "PIL.ImageTk", "PIL.ImageQt", "PIL._imagingmath",
        "PIL.ImageMath", "PIL._imagingmorph", "PIL.ImageMorph",
    ],
    # (Python's ssl stays: psycopg's libpq wrapper imports it, and the Linux bundle uses that wrapper)
    "the PostgreSQL driver's bundled libpq (Linux: psycopg uses the system's libpq5, which the .deb "
    "recommends; a county's SQLite registry never needs it)": ["psycopg_binary"],
    "developer and test tools present in the build environment": [
        "tkinter", "_tkinter", "pytest", "_pytest", "hypothesis", "mypy", "pandas", "IPython", "pydoc_data",
        "setuptools", "pip", "pypdf", "ruff", "lib2to3",
        "readline",  # (an interactive prompt's line editing, with libreadline and libtinfo)
    ],
}

#: Libraries of the operating system that PyInstaller copied from the build machine (/lib, /usr/lib) and
#: that every Debian 12 / 统信UOS / 银河麒麟 desktop installs anyway: the Linux bundle leaves them to the
#: system, and packaging/build-deb.sh names their packages, found on the build machine, in the .deb's
#: Depends (X11 and xcb ones, which only the window loads, in Recommends) with the build machine's version
#: as the floor. Kept in the bundle: libpython (no Python on a clerk's PC) and the wheels' own libraries
#: (`*.libs` folders, PySide6's Qt and ICU). Linux sonames only: the Windows bundle is unaffected.
SYSTEM_GROUP = "libraries of the operating system (the .deb depends on their packages)"
SYSTEM_SONAMES = [
    # C++ and compression runtimes (Qt, shiboken, numpy, Python's zlib/bz2/lzma modules)
    "libstdc++.so.6", "libgcc_s.so.1", "libz.so.1", "libzstd.so.1", "liblzma.so.5", "libbz2.so.1.0", "liblz4.so.1",
    # GLib (QtCore's event loop), D-Bus and systemd (QtDBus, fcitx/ibus input), libgcrypt (systemd)
    "libglib-2.0.so.0", "libgobject-2.0.so.0", "libgmodule-2.0.so.0", "libgthread-2.0.so.0", "libpcre2-8.so.0",
    "libffi.so.8", "libdbus-1.so.3", "libsystemd.so.0", "libgcrypt.so.20", "libgpg-error.so.0", "libcap.so.2",
    # fonts (QtGui)
    "libfontconfig.so.1", "libfreetype.so.6", "libpng16.so.16", "libexpat.so.1", "libbrotlidec.so.1",
    "libbrotlicommon.so.1",
    # Python's own modules: ssl/hashlib (OpenSSL 3), sqlite3, uuid
    "libssl.so.3", "libcrypto.so.3", "libsqlite3.so.0", "libuuid.so.1",
    # X11 (QtGui and the xcb platform: the window only)
    "libX11.so.6", "libX11-xcb.so.1", "libXau.so.6", "libXdmcp.so.6", "libbsd.so.0", "libmd.so.0",
    "libxkbcommon.so.0", "libxkbcommon-x11.so.0", "libxcb-*.so.*",
]

#: Collected files (paths inside the bundle, fnmatch patterns) that Qt's hooks bring but the program never
#: loads. The window needs the xcb, offscreen and minimal platforms on Linux, windows on Windows.
FILE_GROUPS: dict[str, list[str]] = {
    "Qt plugins the program does not load": [
        "*/plugins/printsupport/*", "*/plugins/sqldrivers/*", "*/plugins/tls/*", "*/plugins/networkinformation/*",
        "*/plugins/qmltooling/*", "*/plugins/designer/*", "*/plugins/generic/*", "*/plugins/vectorimageformats/*",
        "*/plugins/egldeviceintegrations/*", "*/plugins/platforms/libqeglfs.so", "*/plugins/platforms/libqlinuxfb.so",
        "*/plugins/platforms/libqminimalegl.so", "*/plugins/platforms/libqvnc.so",
        "*/plugins/platforms/libqvkkhrdisplay.so", "*/plugins/imageformats/*", "*/plugins/iconengines/*",
        "*/wayland-decoration-client/libadwaita.so",
        "*/libQt6EglFSDeviceIntegration.so.6", "*/libQt6EglFsKmsSupport.so.6", "*/libQt6Svg.so.6",
        "*/libQt6Network.so.6", "*/libQt6Pdf.so.6", "*/libQt6Qml*.so.6", "*/libQt6Quick*.so.6",
    ],
    "Qt's GTK3 platform theme and the GTK stack it drags in (the window uses Qt's own style and dialogs)": [
        "*/platformthemes/libqgtk3.so", "*/libatk-1.0.so.0", "*/libcairo.so.2", "*/libcairo-gobject.so.2",
        "*/libpango-1.0.so.0", "*/libpangocairo-1.0.so.0", "*/libpangoft2-1.0.so.0", "*/libgdk_pixbuf-2.0.so.0",
        "*/libpixman-1.so.0", "*/libthai.so.0", "*/libdatrie.so.1", "*/libfribidi.so.0", "*/libjpeg.so.62",
        "*/libgio-2.0.so.0", "*/libmount.so.1", "*/libblkid.so.1", "*/libselinux.so.1", "*/libharfbuzz.so.0",
        "*/libgraphite2.so.3", "*/libXext.so.6", "*/libXrender.so.1", "*/libgssapi_krb5.so.2", "*/libkrb5.so.3",
        "*/libk5crypto.so.3", "*/libkrb5support.so.0", "*/libcom_err.so.2", "*/libkeyutils.so.1",
    ],
    "Qt's Wayland platform (a Wayland desktop runs the window through XWayland; 统信UOS and 麒麟 use X11)": [
        "*/plugins/wayland-*", "*/plugins/platforms/libqwayland*.so", "*/libQt6WaylandClient.so.6",
        "*/libQt6WlShellIntegration.so.6",
        "*/libQt6WaylandEglClientHwIntegration.so.6", "*/libwayland-*.so.*",
    ],
    "Qt's OpenGL integrations for X11 (the window paints with the raster engine; no OpenGL widget)": [
        "*/plugins/xcbglintegrations/*", "*/libQt6OpenGL.so.6", "*/libxcb-glx.so.0",
    ],
    "Qt's translations other than Chinese (English is Qt's own language)": [
        "*/translations/qt*_*.qm",
    ],
    # at the top of _internal/ only, where PyInstaller puts system libraries: never a wheel's `*.libs` copy
    SYSTEM_GROUP: [f"/{soname}" for soname in SYSTEM_SONAMES],
}

#: Files a group must never remove although a pattern matches them.
KEEP = ["*/translations/qtbase_zh_CN.qm", "*/translations/qt_zh_CN.qm"]


def all_modules() -> list[str]:
    return [name for names in MODULE_GROUPS.values() for name in names]


def file_group(dest: str) -> str | None:
    """The FILE_GROUPS group that leaves out the bundle path `dest`, or None when it stays."""
    path = "/" + dest.replace("\\", "/")
    if any(fnmatch.fnmatch(path, pattern) for pattern in KEEP):
        return None
    for group, patterns in FILE_GROUPS.items():
        if any(fnmatch.fnmatch(path, pattern) for pattern in patterns):
            return group
    return None


def module_group(module: str) -> str | None:
    """The MODULE_GROUPS group that leaves out `module` (a dotted name), or None."""
    for group, names in MODULE_GROUPS.items():
        if any(module == name or module.startswith(name + ".") for name in names):
            return group
    return None


def removed_but_needed(kept: list[str], removed: list[str], needed: dict[str, list[str]]) -> list[str]:
    """Pairs "binary -> library" where a kept binary needs a library an exclusion removed (a broken bundle).

    `needed` maps each bundle path to the sonames it links (readelf -d NEEDED); the spec refuses to build
    when this list is not empty, so an exclusion can never leave a library missing at run time.
    """
    removed_names = {path.replace("\\", "/").rsplit("/", 1)[-1] for path in removed}
    return sorted(f"{path} -> {lib}" for path in kept for lib in needed.get(path, []) if lib in removed_names)
