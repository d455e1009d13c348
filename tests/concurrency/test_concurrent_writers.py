"""Two real processes writing one registry at the same instant, on SQLite and on PostgreSQL.

The races the issue reported: two clerks merging the same predecessor into different successors (both
merges succeeded once on PostgreSQL, and 20 of 21 attempts ended in an internal error); two station
adds in one village; two imports of one county; two edits of one station. Each race starts both
workers at a Barrier; a worker reports "ok", the key of a clear refusal, or "crash:…" (what the CLI
would show as an internal error, exit 1). None may crash, and the registry must hold exactly one
outcome of each race.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path

import pytest
import race_workers as workers
from race_workers import db_of
from sqlalchemy import func, select

from villagepost.core.history import EventKind, effective_events
from villagepost.services import station_ops as ops
from villagepost.services.registry import Registry
from villagepost.storage import history_store
from villagepost.storage.models import Division, Station, StationEvent

pytestmark = pytest.mark.slow

COUNTY = "640221"
DATA = Path(__file__).resolve().parents[1] / "rosters" / "data"
ROUNDS = 50
TODAY = dt.date(2026, 11, 23)
Pair = Callable[..., dict[str, list[str]]]


@pytest.fixture
def reg(make_registry: Callable[..., Registry]) -> Registry:
    return make_registry(COUNTY)


def villages(reg: Registry, count: int) -> list[str]:
    with reg.read() as s:
        return list(s.execute(select(Division.code).where(Division.code.like(f"{COUNTY}%"), Division.level == 5)
                              .order_by(Division.code).limit(count)).scalars())


def add(reg: Registry, village: str, name: str, stype: str) -> str:
    return ops.add_station(reg, ops.StationDraft(village, name, station_type=stype, opened="2020-01-01"))


def crashes(outcomes: dict[str, list[str]]) -> list[str]:
    return [o for out in outcomes.values() for o in out if o.startswith("crash:")]


def test_fifty_merge_races_one_merge_each_no_internal_error(reg: Registry, pair: Pair) -> None:
    rounds_a: list[tuple[str, str]] = []
    rounds_b: list[tuple[str, str]] = []
    predecessors = []
    for village in villages(reg, ROUNDS):
        shop = add(reg, village, "快递超市", "快递超市")
        rounds_a.append((add(reg, village, "甲村邮站", "村邮站"), shop))
        rounds_b.append((add(reg, village, "乙村邮站", "村邮站"), shop))
        predecessors.append(shop)
    assert len(predecessors) == ROUNDS
    db = db_of(reg)

    out = pair(workers.merge_rounds, (db, "clerk_a", rounds_a, "2026-11-01"),
               (db, "clerk_b", rounds_b, "2026-11-01"))

    assert crashes(out) == []
    per_round = [sorted(x) for x in zip(out["clerk_a"], out["clerk_b"], strict=True)]
    assert all(r[0].startswith("ok:") and r[1] == "station.not_operating" for r in per_round), per_round
    with reg.connection() as conn:
        events = history_store.load_events(conn, predecessors)
        for shop in predecessors:
            merges = [e for e in effective_events(events[shop]) if e.kind is EventKind.MERGED]
            assert len(merges) == 1, (shop, merges)  # never merged into two successors
        total = conn.execute(select(func.count()).select_from(StationEvent)
                             .where(StationEvent.kind == EventKind.MERGED.value)).scalar_one()
    assert total == ROUNDS


def test_concurrent_adds_in_one_village_all_get_their_own_code(reg: Registry, pair: Pair) -> None:
    (village,) = villages(reg, 1)
    db = db_of(reg)

    out = pair(workers.add_rounds, (db, "clerk_a", village, 15), (db, "clerk_b", village, 15))

    assert crashes(out) == []
    codes = [o.removeprefix("ok:") for x in out.values() for o in x]
    assert all(o.startswith("ok:") for x in out.values() for o in x), out
    assert sorted(codes) == [f"{village}-{n:02d}" for n in range(1, 31)]
    with reg.read() as s:
        assert s.execute(select(func.count()).select_from(Station).where(Station.village_code == village)
                         ).scalar_one() == 30


def test_concurrent_edits_from_one_version_one_saves_the_other_is_refused(reg: Registry, pair: Pair) -> None:
    (village,) = villages(reg, 1)
    code = add(reg, village, "村邮站", "村邮站")
    start = ops.station_details(reg, code).version
    db = db_of(reg)

    out = pair(workers.edit_rounds, (db, "clerk_a", code, 10), (db, "clerk_b", code, 10))

    assert crashes(out) == []
    for a, b in zip(out["clerk_a"], out["clerk_b"], strict=True):
        assert sorted([a, b]) == ["ok", "station.stale"]
    assert ops.station_details(reg, code).version == start + 10


def test_two_imports_of_one_county_at_once_take_turns(make_registry: Callable[..., Registry], pair: Pair) -> None:
    reg = make_registry(COUNTY)
    db = db_of(reg)
    roster = str(DATA / "A01_pingluo_clean.xlsx")

    out = pair(workers.import_once, (db, "clerk_a", roster), (db, "clerk_b", roster))

    assert crashes(out) == []
    (a,), (b,) = out["clerk_a"], out["clerk_b"]
    first, second = sorted([a, b], key=lambda o: -int(o.split(":")[1]))
    status, created, unchanged = first.split(":")
    assert status == "ok" and int(created) > 0 and unchanged == "0"
    # the second import saw every station of the first: nothing created twice, no code taken twice
    assert second == f"ok:0:{created}"
    with reg.read() as s:
        assert s.execute(select(func.count()).select_from(Station)).scalar_one() == int(created)


def test_imports_of_two_counties_at_once_both_succeed(make_registry: Callable[..., Registry], pair: Pair) -> None:
    reg = make_registry(COUNTY, "640323")
    db = db_of(reg)

    out = pair(workers.import_once, (db, "pingluo", str(DATA / "A01_pingluo_clean.xlsx")),
               (db, "yanchi", str(DATA / "A02_yanchi_clean.xlsx")))

    assert crashes(out) == []
    created = {name: int(o[0].split(":")[1]) for name, o in out.items()}
    assert all(o[0].startswith("ok:") for o in out.values()) and min(created.values()) > 0
    with reg.read() as s:
        for name, county in (("pingluo", COUNTY), ("yanchi", "640323")):
            assert s.execute(select(func.count()).select_from(Station)
                             .where(Station.village_code.like(f"{county}%"))).scalar_one() == created[name]
