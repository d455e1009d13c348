"""One window per registry, with real processes: a second start brings the first window forward; a
different registry opens beside it; a crashed window's lock is taken over; a holder that does not answer
is reported, not waited for."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from villagepost.gui import single_instance
from villagepost.gui.app import FIRST_PAINT_MARK
from villagepost.gui.smoke import ACTIVATED_MARK
from villagepost.services import divisions
from villagepost.services.registry import Registry

pytestmark = [pytest.mark.gui, pytest.mark.skipif(sys.platform == "win32", reason="uses SIGKILL")]


def _env(tmp_path: Path, **extra: str) -> dict[str, str]:
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", HOME=str(tmp_path / "home"),
               XDG_CONFIG_HOME=str(tmp_path / "config"), TMPDIR=str(tmp_path))
    env.pop("VILLAGEPOST_DB", None)
    env.update(extra)
    return env


def _window(db: Path, env: dict[str, str]) -> subprocess.Popen[str]:
    return subprocess.Popen([sys.executable, "-m", "villagepost", "--db", str(db)], env=env, text=True,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, encoding="utf-8")


def _held(db: Path, tmp_path: Path, timeout: float = 60) -> None:
    """Wait until some window holds `db` (its lock file is locked)."""
    key = single_instance.registry_key(str(db.resolve()))
    path = Path(tmp_path) / f"villagepost-{key}.lock"
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if path.exists():
            return
        time.sleep(0.1)
    raise TimeoutError("the first window never claimed its registry")


@pytest.fixture
def registry(tmp_path: Path) -> Path:
    db = tmp_path / "平罗县.sqlite"
    with Registry.open(db) as reg:
        divisions.load(reg, ["640221"])
    return db


def test_second_start_brings_the_first_window_forward(registry: Path, tmp_path: Path) -> None:
    env = _env(tmp_path, VILLAGEPOST_SMOKE_SCREENSHOT=str(tmp_path / "first.png"), VILLAGEPOST_SMOKE_SECONDS="60")
    first = _window(registry, env)
    try:
        _held(registry, tmp_path)
        second = subprocess.run([sys.executable, "-m", "villagepost", "--db", str(registry)],
                                env=_env(tmp_path), capture_output=True, text=True, encoding="utf-8", check=False,
                                timeout=60)
        assert second.returncode == 0, second.stderr
        assert second.stderr.strip() == f"村邮通已经打开了这个数据库（{registry.resolve()}），已切换到那个窗口。"
        # a different registry is not affected: it opens and paints
        other = tmp_path / "other.sqlite"
        with Registry.open(other) as reg:
            divisions.load(reg, ["640221"])
        third = subprocess.run([sys.executable, "-m", "villagepost", "--db", str(other)],
                               env=_env(tmp_path, VILLAGEPOST_EXIT_AFTER_PAINT="1"), capture_output=True, text=True,
                               encoding="utf-8", check=False, timeout=120)
        assert third.returncode == 0 and FIRST_PAINT_MARK in third.stdout, third.stderr
    finally:
        first.send_signal(signal.SIGTERM)
        out, _err = first.communicate(timeout=30)
    assert out.count(ACTIVATED_MARK) == 1


def test_a_crashed_windows_lock_is_taken_over(registry: Path, tmp_path: Path) -> None:
    env = _env(tmp_path, VILLAGEPOST_SMOKE_SCREENSHOT=str(tmp_path / "x.png"), VILLAGEPOST_SMOKE_SECONDS="60")
    first = _window(registry, env)
    _held(registry, tmp_path)
    first.kill()
    first.communicate(timeout=30)
    again = subprocess.run([sys.executable, "-m", "villagepost", "--db", str(registry)],
                           env=_env(tmp_path, VILLAGEPOST_EXIT_AFTER_PAINT="1"), capture_output=True, text=True,
                           encoding="utf-8", check=False, timeout=120)
    assert again.returncode == 0 and FIRST_PAINT_MARK in again.stdout, again.stderr


def test_a_holder_that_does_not_answer_is_reported(registry: Path, tmp_path: Path) -> None:
    """This test process holds the lock without listening (a hung window): the start says so, exit 2."""
    key = single_instance.registry_key(str(registry.resolve()))
    holder = subprocess.Popen([sys.executable, "-c", (
        "import sys, time; from PySide6.QtCore import QLockFile; "
        f"lock = QLockFile({str(tmp_path / f'villagepost-{key}.lock')!r}); assert lock.tryLock(0); "
        "print('held', flush=True); time.sleep(60)")], stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "held"
        started = time.monotonic()
        refused = subprocess.run([sys.executable, "-m", "villagepost", "--lang", "en", "--db", str(registry)],
                                 env=_env(tmp_path, VILLAGEPOST_SMOKE_SCREENSHOT=str(tmp_path / "y.png")),
                                 capture_output=True, text=True, encoding="utf-8", check=False, timeout=60)
        assert refused.returncode == 2
        assert refused.stderr.startswith(f"VillagePost already has this database open ({registry.resolve()}), "
                                         "but that window does not answer.")
        assert time.monotonic() - started < 30
        assert not (tmp_path / "y.png").exists()
    finally:
        holder.kill()
        holder.communicate()
