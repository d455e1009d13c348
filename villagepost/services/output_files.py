"""Files the printing and checklist use cases write: the expected suffix, and OS refusals as messages.

Why its own module: a PDF or workbook is often still open in a viewer, Excel or WPS when the clerk prints
again; on Windows the file then cannot be replaced. That must read as "close the file and retry", not as
a traceback, for every file these use cases write.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

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


@contextmanager
def write_guard(out: Path) -> Iterator[None]:
    """Turn an OSError while writing `out` (open elsewhere, read-only folder, disk full) into a message."""
    try:
        yield
    except OSError as exc:
        reason = exc.strerror or type(exc).__name__
        raise KnownError("output.cannot_write", path=str(out), reason=reason) from exc
