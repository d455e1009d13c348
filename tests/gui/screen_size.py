"""A screen of a chosen size for the screenshot scripts (Qt's offscreen platform reads it at start).

Windows keep within the screen they open on (gui/window_sizing.py), so a script that shows a 1024×600
window must give Qt a 1024×600 screen, or it would look at an 800×800 one (the offscreen default).
"""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path


def use_screen(width: int, height: int) -> None:
    """Before the QApplication exists: make the offscreen platform's screen width × height."""
    platform = os.environ.get("QT_QPA_PLATFORM", "offscreen")
    if not platform.startswith("offscreen") or "configfile" in platform:
        return
    config = Path(tempfile.mkdtemp(prefix="villagepost-screen-")) / "screen.json"
    config.write_text(json.dumps({"synchronousWindowSystemEvents": False, "windowFrameMargins": False, "screens": [
        {"name": "screen", "x": 0, "y": 0, "width": width, "height": height, "logicalDpi": 96,
         "logicalBaseDpi": 96, "dpr": 1}]}), encoding="utf-8")
    os.environ["QT_QPA_PLATFORM"] = f"offscreen:configfile={config}"
