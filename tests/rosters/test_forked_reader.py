"""The forked reader (rosters.forked) gives every example roster exactly the serial path's outcome.

Big sheets only take that path in production (PARALLEL_ROWS rows, a single-threaded process); here it is
forced for every calamine-read example, so each rule is checked on both paths.
"""

from __future__ import annotations

import datetime as dt
import io
import pickle
import queue
import threading
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from roster_fixtures import DATA, EXPECTED
from sqlalchemy import select

from villagepost.rosters import forked
from villagepost.rosters.parse import CompactRow, RowParser
from villagepost.rosters.reader import RosterWorkbook
from villagepost.services.imports import import_roster
from villagepost.services.registry import Registry
from villagepost.storage.models import Station

TODAY = dt.date(2026, 11, 23)


def _outcome(reg: Registry, name: str) -> tuple[dict[str, Any], list[tuple[Any, ...]]]:
    try:
        report = import_roster(reg, DATA / name, today=TODAY)
        doc = report.to_json("en")
        doc.pop("seconds")
        with reg.read() as s:
            stations = [tuple(getattr(st, c.key) for c in Station.__table__.columns
                              if c.key not in ("id", "created_at", "updated_at"))
                        for st in s.scalars(select(Station).order_by(Station.code))]
    finally:
        reg.close()
    return doc, stations


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_forked_reader_matches_the_serial_path(name: str, sqlite_registry: Callable[..., Registry],
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    serial = _outcome(sqlite_registry("64", name="serial.sqlite"), name)
    used: list[str] = []
    real = forked.parsed_rows

    def spy(book: RosterWorkbook, parser: RowParser, *args: Any) -> Iterator[CompactRow]:
        used.append(book.layout.engine)
        return real(book, parser, *args)

    monkeypatch.setattr(forked, "can_fork", lambda book: book.layout.engine in forked.FORKABLE)
    monkeypatch.setattr(forked, "parsed_rows", spy)
    assert _outcome(sqlite_registry("64", name="forked.sqlite"), name) == serial
    if serial[0]["status"] in ("ok", "partial"):
        # every readable example is read by calamine (or is text), so it took the fork
        assert used == ["text" if name == "D01_csv_renamed.xlsx" else "calamine"]


def test_a_cancel_stops_the_forked_reader(sqlite_registry: Callable[..., Registry],
                                          monkeypatch: pytest.MonkeyPatch) -> None:
    from villagepost.core.errors import Cancelled

    monkeypatch.setattr(forked, "can_fork", lambda book: True)
    name = next(n for n in sorted(EXPECTED) if EXPECTED[n]["outcome"] == "import")
    with pytest.raises(Cancelled):
        reg = sqlite_registry("64")
        try:
            import_roster(reg, DATA / name, today=TODAY, cancelled=lambda: True)
        finally:
            reg.close()


def test_the_pipe_drain_queues_whole_messages_and_none_at_a_cut_or_the_end() -> None:
    """A message cut short (the child killed mid-write) ends the stream like a closed pipe, never half a batch."""
    whole = pickle.dumps(("rows", [(1,)]))
    stream = forked._HEADER.pack(len(whole)) + whole + forked._HEADER.pack(len(whole)) + whole[:5]
    messages: queue.Queue[bytes | None] = queue.Queue()
    forked._drain(io.BytesIO(stream), messages, threading.Event())
    assert [messages.get_nowait() for _ in range(2)] == [whole, None]
    assert messages.empty()


def _dies_after_one_batch(book: Any, parser: Any, send: Callable[[str, object], None]) -> None:
    """A reading child that sends its first batch and then dies as under kill -9 (no "end", no finalisers)."""
    import os

    real = _REAL_SEND_ROWS

    def once(kind: str, payload: object) -> None:
        send(kind, payload)
        if kind == "rows":
            os._exit(9)

    real(book, parser, once)


_REAL_SEND_ROWS = forked.send_rows


def test_a_reading_child_that_dies_mid_roster_means_reading_it_again_here(
        sqlite_registry: Callable[..., Registry], monkeypatch: pytest.MonkeyPatch) -> None:
    """The child forked after the sheet's load dies after its first batch: the transaction rolls back, the
    roster is read again in this process, and the outcome is the serial path's, to the byte."""
    name = "E01_ningxia_province_all.xlsx"
    serial = _outcome(sqlite_registry("64", name="serial.sqlite"), name)
    monkeypatch.setattr(forked, "can_fork", lambda book: True)
    monkeypatch.setattr(forked, "send_rows", _dies_after_one_batch)
    assert _outcome(sqlite_registry("64", name="forked.sqlite"), name) == serial
