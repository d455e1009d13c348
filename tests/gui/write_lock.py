"""Another program writing the SQLite registry: a real second process that holds its write lock.

`holding_write_lock(path)` starts `python -c …` which opens the registry as the clerk 导入员, begins a write
transaction (BEGIN IMMEDIATE — the lock an import holds for minutes) and keeps it until the `with` block
ends. Its pid is yielded, so a test can check the window names it.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

HOLDER = "导入员"

_SCRIPT = """
import sys
from villagepost.core.actor import Actor
from villagepost.services.registry import Registry

with Registry.open(sys.argv[1], actor=Actor(name=sys.argv[2])) as reg, reg.connection():
    print("holding", flush=True)
    sys.stdin.readline()
print("released", flush=True)
"""


@contextmanager
def holding_write_lock(path: Path) -> Iterator[int]:
    """A second process holds the write lock of the registry `path` while the block runs; yields its pid."""
    proc = subprocess.Popen([sys.executable, "-c", _SCRIPT, str(path), HOLDER], stdin=subprocess.PIPE,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=dict(os.environ))
    assert proc.stdin is not None and proc.stdout is not None
    try:
        line = proc.stdout.readline()
        assert line == "holding\n", (line, proc.stderr.read() if proc.stderr else "")
        yield proc.pid
    finally:
        if proc.poll() is None:
            proc.stdin.write("\n")
            proc.stdin.flush()
        _out, err = proc.communicate(timeout=60)
        assert proc.returncode == 0, err
