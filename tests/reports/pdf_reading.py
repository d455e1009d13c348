"""Reading back the PDFs we write: text per page, the fonts and whether each is embedded, page images."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path
from typing import Any

from pypdf import PdfReader


def page_texts(path: Path) -> list[str]:
    """The extracted text of every page (pypdf), whitespace runs kept as they come."""
    return [page.extract_text() or "" for page in PdfReader(path).pages]


def _fonts_of(resources: Any, out: dict[str, str | None]) -> None:
    fonts = resources.get("/Font") if resources is not None else None
    if fonts is None:
        return
    for ref in fonts.get_object().values():
        font = ref.get_object()
        descendants = font.get("/DescendantFonts")
        targets = [d.get_object() for d in descendants] if descendants else [font]
        for target in targets:
            descriptor = target.get("/FontDescriptor")
            keys = descriptor.get_object().keys() if descriptor is not None else ()
            out[str(font.get("/BaseFont"))] = next((k for k in ("/FontFile2", "/FontFile", "/FontFile3")
                                                    if k in keys), None)


def fonts(path: Path) -> dict[str, str | None]:
    """BaseFont name -> the key of its embedded font program (/FontFile2 for TrueType), None if not embedded."""
    out: dict[str, str | None] = {}
    for page in PdfReader(path).pages:
        _fonts_of(page.get("/Resources"), out)
    return out


def render(path: Path, out_dir: Path, *, first: int = 1, last: int = 1, dpi: int = 60) -> list[Path]:
    """Pages `first`..`last` as PNG files (poppler's pdftoppm)."""
    exe = shutil.which("pdftoppm")
    assert exe is not None, "poppler-utils (pdftoppm) is needed"
    prefix = out_dir / path.stem
    subprocess.run([exe, "-r", str(dpi), "-f", str(first), "-l", str(last), "-png", str(path), str(prefix)],
                   check=True, capture_output=True)
    return sorted(out_dir.glob(f"{path.stem}-*.png"))
