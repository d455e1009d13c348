"""The .deb's Depends and Recommends, read from the frozen bundle's binaries (what dpkg-shlibdeps does for a
source package, for a bundle that has none).

    python packaging/deb_depends.py dist/villagepost      → two lines: "Depends: …" and "Recommends: …"

Every shared library a binary of the bundle links (ELF NEEDED) and the bundle does not carry is the
operating system's (packaging/bundle_excludes.py leaves those out on purpose): the loader resolves it on the
build machine (`ldd`), dpkg names the package that installed it, and the package goes into Depends with the
build machine's version as its floor — so a package built on Debian 12 asks for Debian 12's libraries, one
built on an older system for that system's. glibc's own libraries are the `libc6 (>= …)` of build-deb.sh.
The X11/xcb/OpenGL libraries, which only the window's Qt loads, go into Recommends with the xcb platform's
other libraries: the commands run without them, and the window names a missing one at start.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

#: Libraries only the window loads (Qt's GUI and xcb platform): recommended, not required.
WINDOW_ONLY = re.compile(r"^lib(X|xcb|xkbcommon|GL|EGL|OpenGL|GLX|GLdispatch)")
#: The xcb platform's libraries that are not on a build machine without a desktop (never bundled).
XCB_RECOMMENDS = [
    "libegl1", "libgl1", "libxkbcommon-x11-0", "libxcb-cursor0", "libxcb-icccm4", "libxcb-keysyms1",
    "libxcb-image0", "libxcb-render-util0", "libxcb-xkb1", "libxcb-shape0", "libxcb-randr0", "libxcb-xinerama0",
]
#: glibc's own libraries (the loader among them, which `ldd` lists without "=>"): build-deb.sh's libc6.
GLIBC = re.compile(r"^(ld-linux|ld64|ld\.so|libc\.so|libm\.so|libmvec|libpthread|libdl|librt|libutil|libresolv|"
                   r"libanl|libnsl|libBrokenLocale)")
#: Also recommended: the system's libpq, which psycopg loads by name (ctypes) for a PostgreSQL registry.
OTHER_RECOMMENDS = ["libpq5"]


def is_elf(path: Path) -> bool:
    try:
        with path.open("rb") as fh:
            return fh.read(4) == b"\x7fELF"
    except OSError:
        return False


def needed(path: Path) -> list[str]:
    """The sonames an ELF file links directly."""
    out = subprocess.run(["readelf", "-d", str(path)], capture_output=True, text=True, check=False).stdout
    return re.findall(r"\(NEEDED\)\s+Shared library: \[([^\]]+)\]", out)


def resolved(path: Path, internal: Path) -> dict[str, str]:
    """soname → the file the loader would use for `path`, the bundle's own folder searched first (as the
    frozen program's bootloader does)."""
    env = dict(os.environ, LD_LIBRARY_PATH=str(internal))
    out = subprocess.run(["ldd", str(path)], capture_output=True, text=True, check=False, env=env).stdout
    found = {}
    for line in out.splitlines():
        match = re.match(r"\s*(\S+) => (\S+)", line)
        if match:
            found[match.group(1)] = match.group(2)
    return found


def owner(library: str) -> str | None:
    """The package that installed `library`, or None."""
    candidates = [library, os.path.realpath(library)]
    for path in list(candidates):
        if path.startswith("/usr/lib/"):
            candidates.append(path.removeprefix("/usr"))
        elif path.startswith("/lib/"):
            candidates.append("/usr" + path)
    for path in candidates:
        done = subprocess.run(["dpkg-query", "-S", path], capture_output=True, text=True, check=False)
        if done.returncode == 0:
            return done.stdout.split(":", 1)[0].split(",", 1)[0].strip()
    return None


def dependency(package: str, soname: str) -> str:
    """What a package linking `soname` must depend on: the line of the package's shlibs file for that
    library (the floor Debian itself declares for the library's ABI, e.g. "libssl3 (>= 3.0.19)"), else the
    installed version without its Debian revision."""
    match = re.match(r"^(.+)\.so\.(.+)$", soname)
    paths = subprocess.run(["dpkg-query", "--control-path", package, "shlibs"], capture_output=True, text=True,
                           check=False).stdout.split()
    for path in paths if match else []:
        for line in Path(path).read_text(encoding="utf-8", errors="replace").splitlines():
            parts = line.split(None, 2)
            if len(parts) == 3 and ":" not in parts[0] and (parts[0], parts[1]) == match.groups():
                return parts[2].strip()
    version = subprocess.run(["dpkg-query", "-W", "-f", "${Version}", package], capture_output=True, text=True,
                             check=True).stdout.strip()
    return f"{package} (>= {version.rsplit('-', 1)[0] if '-' in version else version})"


def system_libraries(bundle: Path) -> tuple[dict[str, str], list[str]]:
    """({soname: library file} the bundle's binaries link from the system, [sonames the loader cannot find])."""
    internal = bundle / "_internal"
    carried = {path.name for path in bundle.rglob("*")}
    links: dict[str, str] = {}
    missing: set[str] = set()
    for path in sorted(bundle.rglob("*")):
        if path.is_symlink() or not path.is_file() or not is_elf(path):
            continue
        wanted = [name for name in needed(path) if name not in carried and not GLIBC.match(name)]
        if not wanted:
            continue
        where = resolved(path, internal)
        for name in wanted:
            if name in where and where[name] != "not":
                links[name] = where[name]
            else:
                missing.add(name)
    return links, sorted(missing)


def _newer(candidate: str, current: str) -> bool:
    """Whether the dependency `candidate` ("pkg (>= v)") asks for a newer version than `current`."""
    def version(text: str) -> str:
        match = re.search(r"\(>= ([^)]+)\)", text)
        return match.group(1) if match else ""
    new, old = version(candidate), version(current)
    if not new or not old:
        return bool(new)
    return subprocess.run(["dpkg", "--compare-versions", new, "gt", old], check=False).returncode == 0


def fields(bundle: Path) -> tuple[list[str], list[str], list[str]]:
    """(Depends, Recommends, problems) for the bundle; a problem is a non-window library nobody provides."""
    links, missing = system_libraries(bundle)
    depends: dict[str, str] = {}
    recommends: dict[str, str] = {}
    problems = [f"{name}: not found on the build machine" for name in missing if not WINDOW_ONLY.match(name)]
    for name, library in sorted(links.items()):
        package = owner(library)
        if package is None:
            problems.append(f"{name}: {library} belongs to no package")
            continue
        if package == "libc6":  # glibc: build-deb.sh's libc6 (>= the newest GLIBC_ symbol)
            continue
        target = recommends if WINDOW_ONLY.match(name) else depends
        # several libraries of one package (GLib's): the strictest floor, compared by dpkg
        if package not in target or _newer(dependency(package, name), target[package]):
            target[package] = dependency(package, name)
    for package in depends:
        recommends.pop(package, None)
    depends_list = [depends[package] for package in sorted(depends)]
    recommends_list = [recommends[package] for package in sorted(recommends)]
    named = set(depends) | set(recommends)
    recommends_list += [package for package in OTHER_RECOMMENDS + XCB_RECOMMENDS if package not in named]
    return depends_list, recommends_list, problems


def main(argv: list[str]) -> int:
    if len(argv) != 1:
        sys.stderr.write("usage: deb_depends.py BUNDLE_DIR\n")
        return 2
    depends, recommends, problems = fields(Path(argv[0]))
    if problems:
        sys.stderr.write("the bundle links libraries no package of the build machine provides:\n  "
                         + "\n  ".join(problems) + "\n")
        return 1
    print("Depends: " + ", ".join(depends))
    print("Recommends: " + ", ".join(recommends))
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
