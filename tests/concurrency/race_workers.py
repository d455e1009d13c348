"""Worker processes for the concurrency tests: each opens the registry itself and performs N rounds in
lockstep with its peer (a multiprocessing Barrier), so the 50 races cost two interpreter start-ups, not 100.

Every outcome is reported as a string: "ok" (or "ok:<value>"), the `KnownError` key of a refusal (what a
clerk sees, exit 2 in the CLI), or "crash:<repr>" for anything else (an internal error, exit 1 in the CLI).
"""

from __future__ import annotations

import traceback
from collections.abc import Callable
from multiprocessing.synchronize import Barrier
from pathlib import Path
from typing import Any

from villagepost.core.actor import Actor
from villagepost.core.errors import KnownError
from villagepost.services import station_ops as ops
from villagepost.services.imports import import_roster
from villagepost.services.registry import Registry

BARRIER_TIMEOUT = 120.0


def db_of(reg: Registry) -> str:
    """What another process opens for this registry (file path, or the URL with its password)."""
    return str(reg.location.path) if reg.location.path else reg.location.url.render_as_string(hide_password=False)


def _outcome(action: Callable[[], Any]) -> str:
    try:
        value = action()
    except KnownError as exc:
        return exc.key
    except Exception as exc:  # what the CLI would report as an internal error (exit 1)
        return f"crash:{exc!r} {traceback.format_exc()[-600:]}"
    return "ok" if value is None or isinstance(value, bool) else f"ok:{value}"


def merge_rounds(db: str, name: str, rounds: list[tuple[str, str]], on: str, barrier: Barrier,  # noqa: PLR0917
                 results: Any) -> None:
    """Each round: wait for the peer, then merge `predecessor` into `successor` on `on`."""
    out: list[str] = []
    with Registry.open(db, actor=Actor(name=name)) as reg:
        for successor, predecessor in rounds:
            barrier.wait(BARRIER_TIMEOUT)
            out.append(_outcome(lambda s=successor, p=predecessor: ops.merge_stations(reg, s, [p], on)))
    results.put((name, out))


def add_rounds(db: str, name: str, village: str, count: int, barrier: Barrier, results: Any) -> None:  # noqa: PLR0917
    """Each round: wait for the peer, then add a station named `<name>-<i>` to `village`."""
    out: list[str] = []
    with Registry.open(db, actor=Actor(name=name)) as reg:
        for i in range(count):
            barrier.wait(BARRIER_TIMEOUT)
            out.append(_outcome(lambda i=i: ops.add_station(
                reg, ops.StationDraft(village, f"{name}站{i:02d}", station_type="村邮站"))))
    results.put((name, out))


def edit_rounds(db: str, name: str, code: str, count: int, barrier: Barrier, results: Any) -> None:  # noqa: PLR0917
    """Each round: both read the station's version, then both save a different phone from that version."""
    out: list[str] = []
    with Registry.open(db, actor=Actor(name=name)) as reg:
        for i in range(count):
            barrier.wait(BARRIER_TIMEOUT)
            version = ops.station_details(reg, code).version
            barrier.wait(BARRIER_TIMEOUT)
            phone = f"0952-{7000000 + i * 10 + (1 if name.endswith('a') else 2)}"
            out.append(_outcome(lambda v=version, p=phone: ops.edit_station(reg, code, {"phone": p},
                                                                            expect_version=v)))
    results.put((name, out))


def import_once(db: str, name: str, path: str, barrier: Barrier, results: Any) -> None:
    """Wait for the peer, then import the roster at `path`; reports the import's status and counts."""
    with Registry.open(db, actor=Actor(name=name)) as reg:
        barrier.wait(BARRIER_TIMEOUT)
        try:
            report = import_roster(reg, Path(path))
            outcome = f"{report.status}:{report.stations_created}:{report.stations_unchanged}"
        except KnownError as exc:
            outcome = exc.key
        except Exception as exc:
            outcome = f"crash:{exc!r} {traceback.format_exc()[-600:]}"
    results.put((name, [outcome]))
