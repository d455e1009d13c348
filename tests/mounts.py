"""Real full disks and read-only folders for the tests: a small tmpfs, remounted read-only when asked.

Why mounts and not chmod: tests run as root in CI, and root ignores folder permissions; a read-only mount
is read-only for root too, and a full tmpfs answers ENOSPC exactly as a full office disk does. Without
the right to mount (an unprivileged developer), the tests that need one are skipped with the reason —
except in CI, where that is an error.
"""

from __future__ import annotations

import os
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest


def _mount(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(["mount", *args], capture_output=True, text=True, check=False, timeout=30)


@contextmanager
def tmpfs(where: Path, size: str = "4m") -> Iterator[Path]:
    """`where` as an empty tmpfs of `size`; unmounted afterwards."""
    where.mkdir(parents=True, exist_ok=True)
    done = _mount("-t", "tmpfs", "-o", f"size={size},mode=0755", "tmpfs", str(where))
    if done.returncode != 0:
        reason = f"cannot mount a tmpfs here: {done.stderr.strip()}"
        if os.environ.get("CI"):
            raise RuntimeError(reason)
        pytest.skip(reason)
    try:
        yield where
    finally:
        subprocess.run(["umount", "-l", str(where)], capture_output=True, check=False, timeout=30)


def remount_read_only(where: Path) -> None:
    done = _mount("-o", "remount,ro", str(where))
    assert done.returncode == 0, done.stderr


def fill(folder: Path) -> None:
    """Fill the file system of `folder` until not one byte is free."""
    fd = os.open(folder / "filler.bin", os.O_WRONLY | os.O_CREAT, 0o644)
    try:
        for size in (65536, 4096, 1):
            block = b"\0" * size
            try:
                while True:
                    os.write(fd, block)
            except OSError:
                continue
    finally:
        os.close(fd)
