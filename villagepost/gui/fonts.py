"""The bundled CJK font, registered with Qt so Chinese renders on a PC that has no Chinese font.

Why bundle at all: a clerk's PC may be a stripped Windows image or a Linux thin client whose fonts have
no hanzi, and the window would show empty boxes. The same TrueType file serves reportlab later (it cannot
embed CFF fonts such as Noto/Source Han), so its path is found through importlib.resources, which works
from a checkout, an installed wheel and a frozen app alike.
"""

from __future__ import annotations

import logging
from importlib import resources
from pathlib import Path

from PySide6.QtGui import QFont, QFontDatabase, QGuiApplication

log = logging.getLogger(__name__)

FONT_FILE = "wqy-microhei.ttc"
#: The family name inside the file (face 0); used when registration reports no families.
FONT_FAMILY = "WenQuanYi Micro Hei"


def bundled_font_path() -> Path:
    """Where the bundled TrueType CJK font lives (also what the PDF side embeds)."""
    return Path(str(resources.files("villagepost.resources") / "fonts" / FONT_FILE))


def register_bundled_font() -> list[str]:
    """Add the bundled font to Qt's font database; returns the families it provides (empty on failure).

    A missing or unreadable file is logged, never fatal: the system's fonts may still cover Chinese.
    """
    path = bundled_font_path()
    if not path.is_file():
        log.warning("bundled CJK font missing: %s", path)
        return []
    font_id = QFontDatabase.addApplicationFont(str(path))
    if font_id < 0:
        log.warning("Qt could not load the bundled CJK font %s", path)
        return []
    return list(QFontDatabase.applicationFontFamilies(font_id))


def install_application_font(app: QGuiApplication) -> str | None:
    """Make the bundled font the application font's first family, the system UI font the fallback.

    Putting the bundled family first guarantees hanzi everywhere; keeping the system family second
    (QFont.setFamilies) lets Latin text and any glyph the bundled font lacks (rare Extension-A/B
    village names) still come from the platform's own font. The point size stays the system's so
    the window respects the user's display settings. Returns the family now in use, or None.
    """
    families = register_bundled_font()
    if not families:
        return None
    primary = FONT_FAMILY if FONT_FAMILY in families else families[0]
    font = QFont(app.font())
    system_families = [f for f in font.families() if f and f != primary]
    font.setFamilies([primary, *system_families])
    app.setFont(font)
    return primary
