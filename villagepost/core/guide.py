"""Where the clerks' user guide lives: resources/help/用户手册.md and its pictures in resources/help/images.

The window's 帮助 → 用户手册 shows it (gui/help_viewer.py), `villagepost guide --pdf OUT.pdf` prints it
(reports/guide_pdf.py). Both read the copy shipped with the program (villagepost.resources), so an
installed copy shows the guide of its own version.
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path

GUIDE_FILE = "用户手册.md"
IMAGES = "images"


def help_dir() -> Path:
    return Path(str(resources.files("villagepost.resources") / "help"))


def guide_path() -> Path:
    return help_dir() / GUIDE_FILE


def guide_text() -> str:
    return guide_path().read_text(encoding="utf-8")
