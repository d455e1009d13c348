"""Files the printing and checklist use cases write: the expected suffix, and OS refusals as messages.

Why its own module: a PDF or workbook is often still open in a viewer, Excel or WPS when the clerk prints
again; on Windows the file then cannot be replaced. That must read as "close the file and retry", not as
a traceback, for every file these use cases write.
"""

from __future__ import annotations

import errno
import os
import re
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import villagepost.core.backup_messages  # noqa: F401  (app.disk_full)
from villagepost.core.errors import KnownError
from villagepost.core.messages import register

register({
    "output.bad_suffix": ("输出文件名应以 {suffixes} 结尾：{path}",
                          "the output file name must end in {suffixes}: {path}"),
    "output.cannot_write": (
        "无法写入文件“{path}”：{reason}。如果该文件正在其他程序（PDF 阅读器、Excel 或 WPS）中打开，请先关闭后重试。",
        "cannot write '{path}': {reason}. If the file is open in another program (a PDF viewer, Excel or WPS), "
        "close it and retry.",
    ),
})


def checked_output(out: Path | str, *suffixes: str) -> Path:
    """`out` as a Path when it ends in one of `suffixes` (".pdf", ".xlsx"), else the refusal."""
    path = Path(out)
    if path.suffix.lower() not in suffixes:
        raise KnownError("output.bad_suffix", suffixes=" / ".join(suffixes), path=str(path))
    return path


#: `.{stem}-{pid}-{random}.pdf.part` (tempfile) or `.{name}.{pid}.part`: the writer's process id is in the
#: name, so a later run can tell a killed writer's leftover from a print still running in the same folder.
_PART = re.compile(r"^\..*[-.](\d+)(?:-[^.]*)?\.(?:pdf|xlsx)?\.?part$")


def part_prefix(stem: str) -> str:
    """The temporary-file prefix for writing `stem`: it carries our process id (see `_PART`)."""
    return f".{stem}-{os.getpid()}-"


def part_name(target: Path) -> Path:
    return target.with_name(f".{target.name}.{os.getpid()}.part")


def _alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OSError, OverflowError):
        return True
    return True


def clean_leftover_parts(folder: Path) -> list[Path]:
    """Delete the half-written `.part` files a killed print or export left in `folder` (their writer is gone)."""
    removed: list[Path] = []
    try:
        candidates = list(folder.glob(".*.part"))
    except OSError:
        return removed
    for path in candidates:
        match = _PART.match(path.name)
        if match is None or _alive(int(match.group(1))):
            continue
        try:
            path.unlink()
            removed.append(path)
        except OSError:
            continue
    return removed


@contextmanager
def write_guard(out: Path) -> Iterator[None]:
    """Turn an OSError while writing `out` (open elsewhere, read-only folder, disk full) into a message;
    first clear a killed earlier run's `.part` leftovers from the folder."""
    clean_leftover_parts(out.parent)
    try:
        yield
    except OSError as exc:
        if exc.errno == errno.ENOSPC:
            raise KnownError("app.disk_full", path=str(out)) from exc
        reason = exc.strerror or type(exc).__name__
        raise KnownError("output.cannot_write", path=str(out), reason=reason) from exc
