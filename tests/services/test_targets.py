"""Targets: set (insert or update), list by subtree, remove, inherit from the nearest ancestor; refusals."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest

from villagepost.core.actor import Actor
from villagepost.core.errors import KnownError
from villagepost.core.pacing import Measure
from villagepost.services import targets as svc
from villagepost.services.registry import Registry

D = dt.date
COUNTY, LIANGTIAN, FENGDENG = "640106", "640106100", "640106101"
RATE, COUNT = Measure.COVERAGE_RATE, Measure.STATION_COUNT


@pytest.fixture
def reg(make_registry: Callable[..., Registry]) -> Registry:
    return make_registry(COUNTY)


def test_set_list_update_remove(reg: Registry) -> None:
    t85 = svc.set_target(reg, COUNTY, RATE, 0.85, D(2024, 12, 31), note="东昌府区同款", today=D(2024, 1, 15))
    t100 = svc.set_target(reg, "640106000000", RATE, 1.0, D(2025, 12, 31), today=D(2024, 1, 15))
    count = svc.set_target(reg, COUNTY, COUNT, 5, D(2025, 6, 30), station_type="综合服务站", today=D(2024, 2, 1))
    own = svc.set_target(reg, LIANGTIAN, RATE, 0.9, D(2025, 6, 30), today=D(2024, 3, 1))
    assert (t85.scope, t85.scope_name, t85.measure, t85.value, t85.deadline, t85.station_type, t85.created_on,
            t85.note) == (COUNTY, "金凤区", RATE, 0.85, D(2024, 12, 31), None, D(2024, 1, 15), "东昌府区同款")
    assert t100.scope == COUNTY  # the padded form is the county
    assert (count.measure, count.value, count.station_type) == (COUNT, 5.0, "综合服务站")
    assert [t.id for t in svc.list_targets(reg)] == [t85.id, count.id, t100.id, own.id]
    assert [t.id for t in svc.list_targets(reg, LIANGTIAN)] == [own.id]
    assert [t.id for t in svc.list_targets(reg, FENGDENG)] == []
    assert svc.list_targets(reg, COUNTY)[0].to_json() == {
        "id": t85.id, "scope": COUNTY, "scope_name": "金凤区", "measure": "coverage_rate", "value": 0.85,
        "deadline": "2024-12-31", "station_type": None, "created_on": "2024-01-15", "note": "东昌府区同款"}

    # the same scope, measure, type and deadline again: an update that keeps the id and the day it was set
    again = svc.set_target(reg, COUNTY, RATE, 0.9, D(2024, 12, 31), today=D(2024, 5, 1))
    assert (again.id, again.value, again.created_on, again.note) == (t85.id, 0.9, D(2024, 1, 15), "东昌府区同款")
    assert len(svc.list_targets(reg)) == 4
    # another deadline is another target
    other = svc.set_target(reg, COUNTY, RATE, 0.9, D(2024, 11, 30), today=D(2024, 5, 1))
    assert other.id not in {t85.id, t100.id, count.id, own.id}

    svc.remove_target(reg, other.id)
    assert [t.id for t in svc.list_targets(reg)] == [t85.id, count.id, t100.id, own.id]
    with pytest.raises(KnownError) as err:
        svc.remove_target(reg, other.id)
    assert err.value.key == "target.not_found" and err.value.message() == f"目标 #{other.id} 不存在"


def test_targets_for_inherits_from_the_nearest_ancestor(reg: Registry) -> None:
    assert svc.targets_for(reg, FENGDENG) == ([], FENGDENG)
    county = svc.set_target(reg, COUNTY, RATE, 1.0, D(2025, 12, 31), today=D(2024, 1, 15))
    city = svc.set_target(reg, "6401", RATE, 0.8, D(2025, 12, 31), today=D(2024, 1, 15))
    own = svc.set_target(reg, LIANGTIAN, RATE, 0.9, D(2025, 6, 30), today=D(2024, 3, 1))
    rows, owner = svc.targets_for(reg, FENGDENG)
    assert ([r.id for r in rows], owner) == ([county.id], COUNTY)
    rows, owner = svc.targets_for(reg, LIANGTIAN)
    assert ([r.id for r in rows], owner) == ([own.id], LIANGTIAN)
    rows, owner = svc.targets_for(reg, "640106101201")  # a village: its township has none, its county has
    assert ([r.id for r in rows], owner) == ([county.id], COUNTY)
    rows, owner = svc.targets_for(reg, "6401")
    assert ([r.id for r in rows], owner) == ([city.id], "6401")


@pytest.mark.parametrize(("measure", "value", "stype", "key"), [
    (RATE, 0.0, None, "target.rate_range"),
    (RATE, 1.2, None, "target.rate_range"),
    (RATE, -0.5, None, "target.rate_range"),
    (RATE, float("nan"), None, "target.rate_range"),
    (RATE, 0.85, "综合服务站", "target.rate_with_type"),
    (COUNT, 5, None, "target.count_needs_type"),
    (COUNT, 5, "小卖部", "target.type_unknown"),
    (COUNT, 0, "综合服务站", "target.count_invalid"),
    (COUNT, 2.5, "综合服务站", "target.count_invalid"),
])
def test_bad_values_are_refused(reg: Registry, measure: Measure, value: float, stype: str | None, key: str) -> None:
    with pytest.raises(KnownError) as err:
        svc.set_target(reg, COUNTY, measure, value, D(2025, 12, 31), station_type=stype)
    assert err.value.key == key
    assert svc.list_targets(reg) == []


def test_messages_say_what_is_wrong(reg: Registry) -> None:
    with pytest.raises(KnownError) as err:
        svc.set_target(reg, COUNTY, RATE, 1.2, D(2025, 12, 31))
    assert err.value.message() == "覆盖率目标 120% 不在 0 到 100% 之间（须大于 0，最多 100%），例如 85 或 85%"
    with pytest.raises(KnownError) as err:
        svc.set_target(reg, COUNTY, COUNT, 5, D(2025, 12, 31))
    assert err.value.message().startswith("站点数量目标要指定统计的站点类型（村邮站、快递超市、")


def test_scope_refusals(make_registry: Callable[..., Registry]) -> None:
    reg = make_registry(COUNTY, actor=Actor("良田镇", (LIANGTIAN,)))
    with pytest.raises(KnownError) as err:
        svc.set_target(reg, COUNTY, RATE, 0.85, D(2024, 12, 31))
    assert err.value.key == "target.out_of_scope"
    assert err.value.message() == "范围 640106 不在用户“良田镇”可修改的范围（640106100）内"
    mine = svc.set_target(reg, LIANGTIAN, RATE, 0.85, D(2024, 12, 31))
    assert mine.scope == LIANGTIAN
    for scope, key in (("640106100200", "target.village_scope"), ("640199", "div.unknown_code"),
                       ("6401061", "code.bad_length")):
        with pytest.raises(KnownError) as err:
            svc.set_target(reg, scope, RATE, 0.85, D(2024, 12, 31))
        assert err.value.key == key, scope


def test_removing_another_scopes_target_is_refused(make_registry: Callable[..., Registry]) -> None:
    reg = make_registry(COUNTY)
    county = svc.set_target(reg, COUNTY, RATE, 0.85, D(2024, 12, 31))
    township_user = Registry(reg.location, reg.engine, Actor("良田镇", (LIANGTIAN,)), reg.schema)
    with pytest.raises(KnownError) as err:
        svc.remove_target(township_user, county.id)
    assert err.value.key == "target.out_of_scope"
    assert [t.id for t in svc.list_targets(reg)] == [county.id]


def test_a_note_is_kept_unless_given_and_cleared_by_an_empty_text(reg: Registry) -> None:
    first = svc.set_target(reg, COUNTY, RATE, 0.85, D(2024, 12, 31), note="县政府要求")
    assert svc.set_target(reg, COUNTY, RATE, 0.9, D(2024, 12, 31)).note == "县政府要求"
    cleared = svc.set_target(reg, COUNTY, RATE, 0.9, D(2024, 12, 31), note="  ")
    assert (cleared.id, cleared.note) == (first.id, None)
