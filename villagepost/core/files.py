"""Putting a finished output file in place.

Outputs are written to a temporary file beside the target and renamed over it when complete, so a
failure never leaves half a file. `tempfile.mkstemp` creates that file readable by its owner only;
a PDF or workbook handed to colleagues (a shared folder, another account printing it) must get the
permissions any file the user saves gets, so the umask is applied before the rename.
"""

from __future__ import annotations

import contextlib
import os
from pathlib import Path


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def publish(part: Path, target: Path) -> None:
    """Rename the finished `part` over `target` with the permissions a newly saved file gets."""
    # A file system without POSIX modes (FAT on a USB stick) refuses: the rename still matters.
    with contextlib.suppress(OSError):
        part.chmod(0o666 & ~_umask())
    part.replace(target)
