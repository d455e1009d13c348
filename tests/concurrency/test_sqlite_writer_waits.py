"""SQLite: a second writer waits for the first (up to the busy timeout), then says who is writing.

Before, a writer that read before it wrote (every edit does) was refused at once with SQLITE_BUSY_SNAPSHOT
while another program wrote, although the README promised a 10 s wait. Real processes: the holder is
this test process, the second writer a `python -m villagepost` subprocess.
"""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path

from sqlalchemy import update

from villagepost.services import station_ops as ops
from villagepost.services.registry import Registry
from villagepost.storage.models import Station
from villagepost.storage.writer_note import note_path, read_note

VILLAGE = "640221106200"


def cli(db: Path, *argv: str, timeout_s: str | None = None) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ)
    if timeout_s is not None:
        env["VILLAGEPOST_BUSY_TIMEOUT"] = timeout_s
    return subprocess.run([sys.executable, "-m", "villagepost", "--db", str(db), *argv], capture_output=True,
                          text=True, env=env, timeout=120, check=False)


def _wait_until_open(pid: int, path: Path, limit: float = 60.0) -> None:
    """Until process `pid` has the registry file open (Linux /proc; elsewhere a generous pause)."""
    fds = Path(f"/proc/{pid}/fd")
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        if not fds.exists():
            time.sleep(8)
            return
        try:
            if any(str(fd.readlink()) == str(path) for fd in fds.iterdir()):
                return
        except OSError:
            pass
        time.sleep(0.05)


def _station(sqlite_registry: Callable[..., Registry]) -> tuple[Registry, str]:
    reg = sqlite_registry("640221")
    code = ops.add_station(reg, ops.StationDraft(VILLAGE, "王家庄村邮站", station_type="村邮站", phone="0952-1111111"))
    return reg, code


def test_a_refused_writer_names_the_program_holding_the_database(sqlite_registry: Callable[..., Registry]) -> None:
    reg, code = _station(sqlite_registry)
    path = reg.location.path
    assert path is not None
    with reg.connection():  # this process holds the write lock (as an import would)
        note = read_note(path)
        assert note is not None and note.pid == os.getpid()
        started = time.monotonic()
        proc = cli(path, "station", "edit", code, "--phone", "0952-2222222", timeout_s="1")
        waited = time.monotonic() - started
    assert proc.returncode == 2, proc.stderr
    assert "Traceback" not in proc.stderr
    assert "正被其他程序写入" in proc.stderr and f"进程 {os.getpid()}" in proc.stderr and "已等待 1 秒" in proc.stderr
    assert waited >= 1.0
    assert not note_path(path).exists()  # the holder's transaction ended: its note is gone
    assert ops.station_details(reg, code).phone == "0952-1111111"  # nothing changed
    en = cli(path, "--lang", "en", "station", "edit", code, "--phone", "0952-2222222", timeout_s="0")
    assert en.returncode == 0  # nobody writes now: no wait at all
    reg.close()


def test_a_second_writer_waits_for_the_first_and_then_saves(sqlite_registry: Callable[..., Registry]) -> None:
    reg, code = _station(sqlite_registry)
    path = reg.location.path
    assert path is not None
    holding = threading.Event()
    release = threading.Event()

    def hold() -> None:
        with reg.connection() as conn:
            # the holder writes and commits: a reader's snapshot taken meanwhile is stale, which a plain BEGIN
            # answered with SQLITE_BUSY_SNAPSHOT at once, whatever the busy timeout
            conn.execute(update(Station).where(Station.code == code).values(notes="一直在写"))
            holding.set()
            release.wait(30)

    holder = threading.Thread(target=hold)
    holder.start()
    holding.wait(10)
    proc_box: list[subprocess.Popen[str]] = []
    proc_box.append(subprocess.Popen([sys.executable, "-m", "villagepost", "--db", str(path), "station", "edit", code,
                                      "--phone", "0952-3333333"], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                     text=True))
    _wait_until_open(proc_box[0].pid, path)
    time.sleep(1.5)  # it has opened the registry; now it reads the station and waits for the write lock
    assert proc_box[0].poll() is None
    release.set()
    holder.join()
    _out, err = proc_box[0].communicate(timeout=60)
    assert proc_box[0].returncode == 0, err
    details = ops.station_details(reg, code)
    assert (details.phone, details.notes) == ("0952-3333333", "一直在写")
    reg.close()
