"""Running two worker processes against one registry, started at the same instant."""

from __future__ import annotations

import multiprocessing as mp
from collections.abc import Callable, Sequence
from typing import Any

import pytest

WORKERS_TIMEOUT = 600.0


def run_pair(target: Callable[..., None], args_a: Sequence[Any], args_b: Sequence[Any]) -> dict[str, list[str]]:
    """Run `target(*args, barrier, results)` in two fresh processes (spawned: nothing shared with this
    one but the database); returns each worker's outcomes by its name (the second of its args)."""
    ctx = mp.get_context("spawn")
    barrier = ctx.Barrier(2)
    results = ctx.Queue()
    procs = [ctx.Process(target=target, args=(*args, barrier, results)) for args in (args_a, args_b)]
    for p in procs:
        p.start()
    out: dict[str, list[str]] = {}
    try:
        for _ in procs:
            name, outcomes = results.get(timeout=WORKERS_TIMEOUT)
            out[name] = outcomes
    finally:
        for p in procs:
            p.join(30)
            if p.is_alive():
                p.kill()
    assert [p.exitcode for p in procs] == [0, 0]
    return out


@pytest.fixture
def pair() -> Callable[..., dict[str, list[str]]]:
    return run_pair
