"""Render resources/icons/villagepost.svg to the PNG sizes the desktops want, and the Windows .ico.

    .venv/bin/python packaging/render_icons.py     (needs rsvg-convert: Debian's librsvg2-bin)

The PNGs and the .ico are committed, so a build needs neither tool; rerun this after changing the SVG.
Pillow (installed with reportlab) writes the .ico from the rendered PNGs.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

ICONS = Path(__file__).resolve().parents[1] / "resources" / "icons"
SVG = ICONS / "villagepost.svg"
SIZES = (16, 24, 32, 48, 64, 128, 256)
ICO_SIZES = (16, 24, 32, 48, 64, 128, 256)


def png_path(size: int) -> Path:
    return ICONS / f"villagepost-{size}.png"


def main() -> int:
    tool = shutil.which("rsvg-convert")
    if tool is None:
        sys.stderr.write("rsvg-convert not found: sudo apt install librsvg2-bin\n")
        return 2
    for size in SIZES:
        subprocess.run([tool, "-w", str(size), "-h", str(size), "-o", str(png_path(size)), str(SVG)], check=True)
    from PIL import Image

    images = [Image.open(png_path(size)) for size in ICO_SIZES]
    images[-1].save(ICONS / "villagepost.ico", sizes=[(s, s) for s in ICO_SIZES], append_images=images[:-1])
    print(f"{len(SIZES)} PNGs and villagepost.ico in {ICONS}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
