"""Measure what each exclusion of packaging/bundle_excludes.py saves: a bundle built with none of them
against the real one, file by file.

    .venv/bin/python packaging/measure_excludes.py [--reuse]

Builds dist-keepall/villagepost with VILLAGEPOST_BUNDLE_KEEP_ALL=1 (no excluded modules, no removed files,
no stripping; --reuse skips the build when it exists) and compares it with dist/villagepost (build that
first). A file missing from the real bundle is charged to the group whose pattern or module names it;
a library no pattern names went because only excluded parts linked it, and is charged to "libraries only
excluded parts link"; a file in both that shrank was stripped; the executable's own archive of Python
modules shrinks with the excluded modules. Prints a Markdown table (sizes are file sizes, in MB).
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
from collections import defaultdict
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "packaging"))

import bundle_excludes  # noqa: E402

REAL = REPO / "dist" / "villagepost"
KEEPALL = REPO / "dist-keepall" / "villagepost"
_EXT = re.compile(r"(\.abi3\.so|\.cpython-[^/]*\.so|\.pyd|\.py|\.pyc)$")


def sizes(root: Path) -> dict[str, int]:
    return {str(p.relative_to(root)): p.stat().st_size for p in root.rglob("*") if p.is_file() and not p.is_symlink()}


def as_module(path: str) -> str:
    inner = path.removeprefix("_internal/")
    return _EXT.sub("", inner).replace("/", ".").removesuffix(".__init__")


def charge(path: str) -> str:
    group = bundle_excludes.file_group(path)
    if group:
        return group
    group = bundle_excludes.module_group(as_module(path))
    if group:
        return group
    return "libraries only excluded parts link"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reuse", action="store_true", help="reuse dist-keepall if it exists")
    args = parser.parse_args()
    if not REAL.exists():
        sys.stderr.write("build dist/villagepost first (pyinstaller packaging/villagepost.spec)\n")
        return 2
    if not (args.reuse and KEEPALL.exists()):
        env = dict(os.environ, VILLAGEPOST_BUNDLE_KEEP_ALL="1")
        subprocess.run([str(Path(sys.executable).with_name("pyinstaller")), "--noconfirm", "--log-level", "WARN",
                        "--distpath", str(KEEPALL.parent), "--workpath", str(REPO / "build" / "pyinstaller-keepall"),
                        str(REPO / "packaging" / "villagepost.spec")], check=True, env=env)
    full, real = sizes(KEEPALL), sizes(REAL)
    saved: dict[str, int] = defaultdict(int)
    files: dict[str, int] = defaultdict(int)
    for path, size in full.items():
        if path not in real:
            group = charge(path)
            saved[group] += size
            files[group] += 1
        elif real[path] < size:
            key = "Python modules of the excluded groups (the executable's archive)" if path == "villagepost" \
                else "stripping symbols (strip --strip-unneeded, not the *.libs folders)"
            saved[key] += size - real[path]
            files[key] += 1
    mb = 1024 * 1024
    print("| exclusion | files | saves (MB) |\n|---|---|---|")
    for group, size in sorted(saved.items(), key=lambda item: -item[1]):
        print(f"| {group} | {files[group]} | {size / mb:.1f} |")
    print(f"| **all** | | **{sum(saved.values()) / mb:.1f}** |")
    print(f"\nbundle without exclusions {sum(full.values()) / mb:.1f} MB, with them {sum(real.values()) / mb:.1f} MB "
          f"(a second executable on Linux would add {full.get('villagepost', 0) / mb:.1f} MB: it is a symlink)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
