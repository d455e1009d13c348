"""Station operations on both databases: the history they record and the covers derived from it.

Villages of 平罗县 (640221) from the real division codes: 陶乐镇 640221106 has 建制村 200–204 and
类似村委会 500/501; 高仁乡 640221204 has 200–203.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest
from sqlalchemy import select

from villagepost.core.actor import Actor
from villagepost.core.errors import KnownError
from villagepost.services import station_ops as ops
from villagepost.services.registry import Registry
from villagepost.services.station_checks import StationInvalid
from villagepost.storage.models import StationEvent, StationSpan, VillageCover

TODAY = dt.date(2026, 11, 23)
D = dt.date
WANGJIA, DONGYUAN, MATAI = "640221106200", "640221106201", "640221106202"
GAOREN = "640221204201"


def covers(reg: Registry, village: str) -> list[tuple[dt.date, dt.date | None]]:
    with reg.read() as s:
        return [(a, b) for a, b in s.execute(select(VillageCover.start_on, VillageCover.end_on)
                                              .where(VillageCover.village_code == village)
                                              .order_by(VillageCover.start_on))]


def spans(reg: Registry, code: str) -> list[tuple[dt.date, dt.date | None, str, str | None, bool]]:
    with reg.read() as s:
        return [tuple(r) for r in s.execute(  # type: ignore[misc]
            select(StationSpan.start_on, StationSpan.end_on, StationSpan.status, StationSpan.station_type,
                   StationSpan.combined).where(StationSpan.station_code == code).order_by(StationSpan.start_on))]


@pytest.fixture
def reg(make_registry: Callable[..., Registry]) -> Registry:
    return make_registry("640221")


def add(reg: Registry, village: str, name: str, **values: object) -> str:
    return ops.add_station(reg, ops.StationDraft(village, name, **values), today=TODAY)  # type: ignore[arg-type]


def test_add_station_stores_everything_and_derives_its_cover(reg: Registry) -> None:
    code = add(reg, WANGJIA, " 王家庄综合服务站 ", station_type="村邮站＋快递超市", coop="邮快", opened="2024年3月",
               phone="0952 7053794", lon="106°42′30″", lat="38.85", services="电商、揽收，邮件/快件代收代投",
               brands="中通快递、EMS、本地快运", floor_area="35.5", served=[DONGYUAN], operator="王家庄村委会",
               contact="王明")
    assert code == f"{WANGJIA}-01"
    d = ops.station_details(reg, code)
    assert (d.name, d.station_type, d.coop, d.opened, d.phone, d.status) == (
        "王家庄综合服务站", "村邮站+快递超市", "邮快合作", "2024-03", "0952-7053794", "operating")
    assert d.lon == pytest.approx(106 + 42 / 60 + 30 / 3600) and d.lat == 38.85
    assert d.services == ("代收代投", "揽收寄件", "电商/农产品上行")
    assert d.brands == ("EMS", "中通", "本地快运")
    assert d.floor_area == 35.5
    assert d.served == ((DONGYUAN, "东园村委会"),)
    assert [n for _, n in d.village_path] == ["宁夏回族自治区", "石嘴山市", "平罗县", "陶乐镇", "王家庄村委会"]
    assert not d.date_missing
    assert [(h.kind, h.date, h.effective_on, h.new_type) for h in d.history] == [
        ("opened", "2024-03", "2024-03-31", "村邮站+快递超市")]
    # a month-only date counts from the month's last day, for the village it stands in and the one it serves
    assert covers(reg, WANGJIA) == [(D(2024, 3, 31), None)]
    assert covers(reg, DONGYUAN) == [(D(2024, 3, 31), None)]
    second = add(reg, WANGJIA, "王家庄快递超市", station_type="快递超市")
    assert second == f"{WANGJIA}-02"
    assert ops.station_details(reg, second).date_missing
    assert spans(reg, second) == [(TODAY, None, "operating", "快递超市", False)]
    assert covers(reg, WANGJIA) == [(D(2024, 3, 31), None)]  # an express shop alone covers nothing


def test_a_dateless_combined_station_covers_from_the_day_it_was_recorded(reg: Registry) -> None:
    code = add(reg, MATAI, "马太沟服务站", station_type="综合服务站")
    assert covers(reg, MATAI) == [(TODAY, None)]
    assert ops.station_details(reg, code).date_missing
    with reg.read() as s:
        assert s.execute(select(VillageCover.date_missing).where(VillageCover.village_code == MATAI)).scalar() is True


def test_a_planned_station_covers_nothing(reg: Registry) -> None:
    code = add(reg, MATAI, "马太沟服务站（筹建）", station_type="村邮站+快递超市", planned=True)
    d = ops.station_details(reg, code)
    assert (d.status, d.date_missing) == ("planned", False)
    assert covers(reg, MATAI) == []
    with pytest.raises(StationInvalid) as err:
        add(reg, MATAI, "另一个", planned=True, opened="2024-01")
    assert [p.key for p in err.value.problems] == ["station.planned_has_date"]


def test_every_wrong_field_is_reported_at_once_in_chinese_and_english(reg: Registry) -> None:
    add(reg, WANGJIA, "王家庄村邮站", station_type="村邮站")
    with pytest.raises(StationInvalid) as err:
        add(reg, WANGJIA, "王家庄村邮站", station_type="邮局", phone="12345", opened="2030-01", lon="200", lat="38",
            floor_area="-3", coop="合资")
    keys = {p.field: p.key for p in err.value.problems}
    assert keys == {"station_type": "roster.value.station_type", "phone": "roster.value.phone",
                    "opened": "roster.value.date.future", "lon": "roster.value.coord.lon_range",
                    "floor_area": "station.area_range", "coop": "roster.value.coop"}
    zh = err.value.message("zh")
    assert zh.startswith("站点信息有误：") and "联系电话" in zh and "晚于今天" in zh
    assert "phone" in err.value.message("en")
    with pytest.raises(StationInvalid) as err:
        add(reg, WANGJIA, " 王家庄村邮站")  # same name once trimmed
    assert [(p.field, p.key) for p in err.value.problems] == [("name", "station.name_taken")]
    for village, key in (("640221106999", "station.village_unknown"), ("640221106", "station.village_unknown")):
        with pytest.raises(StationInvalid) as err:
            add(reg, village, "某站")
        assert [p.key for p in err.value.problems] == [key]
    with pytest.raises(StationInvalid) as err:
        add(reg, WANGJIA, "某站", served=[WANGJIA])
    assert [p.key for p in err.value.problems] == ["station.served_self"]


def test_a_township_user_may_only_touch_its_township(make_registry: Callable[..., Registry]) -> None:
    reg = make_registry("640221", actor=Actor("陶乐镇", ("640221106",)))
    code = add(reg, WANGJIA, "王家庄村邮站", station_type="村邮站")
    with pytest.raises(StationInvalid) as err:
        add(reg, GAOREN, "高仁村邮站")
    assert [p.key for p in err.value.problems] == ["station.out_of_scope"]
    with pytest.raises(StationInvalid) as err:
        ops.edit_station(reg, code, {"served": [GAOREN]}, today=TODAY)
    assert [p.key for p in err.value.problems] == ["station.served_out_of_scope"]


def test_merger_undo_and_redo(reg: Registry) -> None:
    post = add(reg, WANGJIA, "王家庄村邮站", station_type="村邮站", opened="2023-05")
    shop = add(reg, WANGJIA, "王家庄快递超市", station_type="快递超市", opened="2023-07-01")
    assert covers(reg, WANGJIA) == []
    merger = ops.merge_stations(reg, post, [shop], "2024-03-15", note="两站合一", today=TODAY)
    assert covers(reg, WANGJIA) == [(D(2024, 3, 15), None)]
    head, gone = ops.station_details(reg, post), ops.station_details(reg, shop)
    assert (head.station_type, head.status) == ("村邮站+快递超市", "operating")
    assert (gone.station_type, gone.status, gone.status_since) == ("快递超市", "closed", "2024-03-15")
    assert [(h.kind, h.partners, h.note) for h in head.history] == [
        ("opened", (), None), ("merged", (shop,), "两站合一")]
    assert [h.kind for h in gone.history] == ["opened", "merged"]  # the predecessor stays linked
    assert spans(reg, post) == [(D(2023, 5, 31), D(2024, 3, 15), "operating", "村邮站", False),
                                (D(2024, 3, 15), None, "operating", "村邮站+快递超市", True)]
    # undo: the merger no longer counts on any date; nothing is deleted
    undo = ops.undo_event(reg, merger, today=TODAY)
    assert covers(reg, WANGJIA) == []
    assert ops.station_details(reg, post).station_type == "村邮站"
    assert ops.station_details(reg, shop).status == "operating"
    history = ops.station_details(reg, post).history
    assert [(h.id, h.kind, h.reverts, h.reverted_by) for h in history] == [
        (history[0].id, "opened", None, None), (merger, "merged", None, undo), (undo, "undone", merger, None)]
    with pytest.raises(KnownError) as err:
        ops.undo_event(reg, merger, today=TODAY)
    assert err.value.key == "station.event_reverted"
    # undoing the undo brings the merger back
    ops.undo_event(reg, undo, today=TODAY)
    assert covers(reg, WANGJIA) == [(D(2024, 3, 15), None)]
    with reg.read() as s:
        assert s.execute(select(StationEvent.id).where(StationEvent.kind == "undone")).scalars().all() == [
            undo, undo + 1]


def test_merger_refusals(reg: Registry) -> None:
    post = add(reg, WANGJIA, "王家庄村邮站", station_type="村邮站", opened="2023-05")
    shop = add(reg, WANGJIA, "王家庄快递超市", station_type="快递超市")  # no opening date: counts from today
    with pytest.raises(KnownError) as err:
        ops.merge_stations(reg, post, [shop], "2024-03", today=TODAY)
    assert err.value.key == "station.not_open_yet" and "开通日期" in err.value.message()
    for preds, key in (([], "station.merge_none"), ([post], "station.merge_self"),
                       ([shop, shop], "station.merge_repeat"), (["640221106200-09"], "station.not_found")):
        with pytest.raises(KnownError) as err:
            ops.merge_stations(reg, post, preds, "2026-11-01", today=TODAY)
        assert err.value.key == key
    with pytest.raises(StationInvalid) as err:
        ops.merge_stations(reg, post, [shop], "2026-11-23", new_type="快递超市", today=TODAY)
    assert [p.key for p in err.value.problems] == ["station.merge_type"]
    ops.merge_stations(reg, post, [shop], "2026-11-23", new_type="综合服务站", today=TODAY)
    assert ops.station_details(reg, post).station_type == "综合服务站"


def test_close_suspend_and_reopen(reg: Registry) -> None:
    code = add(reg, WANGJIA, "王家庄综合服务站", station_type="村邮站+快递超市", opened="2023-05-10")
    with pytest.raises(StationInvalid) as err:
        ops.close_station(reg, code, "2023-05-01", today=TODAY)
    assert [p.key for p in err.value.problems] == ["station.before_opening"]
    ops.close_station(reg, code, "2025-01-31", today=TODAY)  # still served on the 31st
    assert covers(reg, WANGJIA) == [(D(2023, 5, 10), D(2025, 2, 1))]
    assert (ops.station_details(reg, code).status, ops.station_details(reg, code).status_since) == (
        "closed", "2025-01-31")
    with pytest.raises(KnownError) as err:
        ops.close_station(reg, code, "2025-03-01", today=TODAY)
    assert err.value.key == "station.not_operating" and "关闭" in err.value.message()
    with pytest.raises(KnownError) as err:
        ops.reopen_station(reg, code, "2024-06-01", today=TODAY)
    assert err.value.key == "station.not_closed"
    ops.reopen_station(reg, code, "2025-06", today=TODAY)
    ops.suspend_station(reg, code, "2026-02-10", today=TODAY)
    assert covers(reg, WANGJIA) == [(D(2023, 5, 10), D(2025, 2, 1)), (D(2025, 6, 30), D(2026, 2, 11))]
    assert ops.station_details(reg, code).status == "suspended"
    with pytest.raises(StationInvalid) as err:
        ops.reopen_station(reg, code, "2027-01-01", today=TODAY)
    assert [p.key for p in err.value.problems] == ["roster.value.date.future"]


def test_edits_type_change_opening_date_and_served_villages(reg: Registry) -> None:
    code = add(reg, WANGJIA, "王家庄村邮站", station_type="村邮站", opened="2023-05", served=[DONGYUAN])
    assert covers(reg, WANGJIA) == [] and covers(reg, DONGYUAN) == []
    assert ops.edit_station(reg, code, {"station_type": "村邮站+快递超市"}, on="2024-06", today=TODAY)
    assert covers(reg, WANGJIA) == [(D(2024, 6, 30), None)] and covers(reg, DONGYUAN) == [(D(2024, 6, 30), None)]
    assert ops.station_details(reg, code).station_type == "村邮站+快递超市"
    # a new opening date corrects the opening: it is still a 村邮站 until the type change
    ops.edit_station(reg, code, {"opened": "2022"}, today=TODAY)
    assert spans(reg, code)[0] == (D(2022, 12, 31), D(2024, 6, 30), "operating", "村邮站", False)
    # served villages replaced as a set: the village no longer served loses its cover
    ops.edit_station(reg, code, {"served": [MATAI]}, today=TODAY)
    assert covers(reg, DONGYUAN) == [] and covers(reg, MATAI) == [(D(2024, 6, 30), None)]
    assert not ops.edit_station(reg, code, {"served": MATAI, "station_type": "村邮站+快递超市"}, today=TODAY)
    # clearing the opening date: 日期缺失, counted from the day it was recorded
    ops.edit_station(reg, code, {"opened": "", "phone": "13912345678"}, today=TODAY)
    d = ops.station_details(reg, code)
    assert (d.opened, d.phone, d.date_missing) == (None, "13912345678", True)
    assert spans(reg, code)[0][0] == TODAY
    with pytest.raises(StationInvalid) as err:
        ops.edit_station(reg, code, {"village_code": GAOREN}, today=TODAY)
    assert [p.key for p in err.value.problems] == ["station.unknown_field"]


def test_the_whole_registry_check_replays_every_history_and_names_what_was_tampered_with(reg: Registry) -> None:
    """`db check` and every backup's verification rebuild each station's spans and each village's cover from
    the events (mergers with their partners, undos included): a sound registry passes; a span or a cover
    changed behind the events' back is named."""
    from sqlalchemy import delete, update

    from villagepost.storage.registry_checks import full_problems

    post = add(reg, WANGJIA, "王家庄村邮站", station_type="村邮站", opened="2023-05")
    shop = add(reg, WANGJIA, "王家庄快递超市", station_type="快递超市", opened="2023-07-01")
    other = add(reg, GAOREN, "高仁综合服务站", station_type="综合服务站", opened="2022-01", served=[MATAI])
    merger = ops.merge_stations(reg, post, [shop], "2024-03-15", today=TODAY)
    undo = ops.undo_event(reg, merger, today=TODAY)
    ops.undo_event(reg, undo, today=TODAY)  # undone, then the undo undone: the merger counts again
    ops.close_station(reg, other, "2025-06-30", today=TODAY)

    def problems() -> list[tuple[str, str]]:
        with reg.connection() as conn:
            return [(p.kind, p.detail) for p in full_problems(conn, sqlite=not reg.is_postgres, today=TODAY)]

    assert problems() == []
    with reg.connection() as conn:
        conn.execute(update(StationSpan).where(StationSpan.station_code == shop, StationSpan.end_on.is_(None))
                     .values(status="operating"))
        conn.execute(delete(VillageCover).where(VillageCover.village_code == MATAI))
    assert problems() == [
        ("spans", f"station {shop}: stored spans differ from a rebuild from its events"),
        ("covers", f"village {MATAI}: stored cover differs from the stations' histories"),
    ]
