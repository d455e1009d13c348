"""Loading and querying the official codes, on SQLite and PostgreSQL alike."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select, update

from villagepost.core.divisions import Level
from villagepost.core.errors import Cancelled, KnownError
from villagepost.services import divisions as svc
from villagepost.services.registry import Registry
from villagepost.storage.models import SETTING_EDITION, Division

MakeRegistry = Callable[..., Registry]


def test_jilin_counts(make_registry: MakeRegistry) -> None:
    reg = make_registry("22")
    info = svc.show(reg, "22")
    assert info.name == "吉林省"
    assert info.village_classes == {"村委会": 9321, "居委会": 2271, "类似居委会": 15, "类似村委会": 253}
    assert info.counts == {"city": 9, "county": 69, "township": 1075, "village": 11860}
    assert reg.setting(SETTING_EDITION) == "2023"


def test_county_path_and_counts(make_registry: MakeRegistry) -> None:
    reg = make_registry("220221")
    info = svc.show(reg, "220221")
    assert info.path_text == "吉林省 / 吉林市 / 永吉县"
    assert [p["code"] for p in info.path] == ["22", "2202", "220221"]
    assert info.counts == {"township": 9, "village": 139}
    assert info.village_classes == {"村委会": 124, "居委会": 15, "类似居委会": 0, "类似村委会": 0}
    # Only the county and its ancestors were loaded, not its neighbours.
    with reg.read() as s:
        assert s.execute(select(func.count()).select_from(Division)).scalar_one() == 3 + 9 + 139


def test_village_level_unit_shows_its_class(make_registry: MakeRegistry) -> None:
    reg = make_registry("64")
    info = svc.show(reg, "640221100200")
    assert info.level == "village"
    assert info.village_class == "村委会"
    assert info.path_text.startswith("宁夏回族自治区 / 石嘴山市 / 平罗县 / ")


def test_load_is_idempotent(make_registry: MakeRegistry) -> None:
    reg = make_registry("64")
    again = svc.load(reg, ["64"])
    assert (again.inserted, again.updated, again.retired) == (0, 0, 0)
    assert again.unchanged == again.total == 1 + 5 + 22 + 259 + 2912


def test_scope_forms_and_nested_scopes(make_registry: MakeRegistry) -> None:
    reg = make_registry()
    result = svc.load(reg, ["640221000000", "640221100", "６４０２２１"])
    assert result.scopes == ["640221"]
    assert result.inserted == 1 + 1 + 1 + 13 + 182  # province, city, county, townships, village-level units
    assert svc.show(reg, "640221").village_classes["村委会"] == 144


def test_retired_and_renamed_units_survive_a_reload(make_registry: MakeRegistry) -> None:
    reg = make_registry("640221")
    with reg.write() as s:
        s.add(Division(code="640221100299", name="已撤并村委会", level=5, parent_code="640221100",
                       village_class="村委会", edition=2019, retired=False, pinyin="", initials=""))
        s.execute(update(Division).where(Division.code == "640221100200").values(name="旧名村委会"))
    result = svc.load(reg, ["640221"])
    assert result.retired == 1
    assert result.updated == 1
    with reg.read() as s:
        gone = s.get(Division, "640221100299")
        assert gone is not None and gone.retired is True
        assert s.get(Division, "640221100200").name != "旧名村委会"  # type: ignore[union-attr]
    # A retired unit is no longer counted.
    assert svc.show(reg, "640221").village_classes["村委会"] == 144


def test_unknown_scope_is_refused_and_nothing_written(make_registry: MakeRegistry) -> None:
    reg = make_registry()
    with pytest.raises(KnownError) as err:
        svc.load(reg, ["649999"])
    assert err.value.key == "div.unknown_scope"
    assert svc.is_empty(reg)


def test_cancel_rolls_back(make_registry: MakeRegistry) -> None:
    reg = make_registry()
    calls = {"n": 0}

    def cancelled() -> bool:
        calls["n"] += 1
        return calls["n"] > 1

    with pytest.raises(Cancelled):
        svc.load(reg, ["64"], cancelled=cancelled)
    assert svc.is_empty(reg)


def test_progress_reaches_the_total(make_registry: MakeRegistry) -> None:
    reg = make_registry()
    seen: list[tuple[int, int]] = []
    svc.load(reg, ["64"], progress=lambda done, total, text: seen.append((done, total)))
    assert seen[-1] == (3199, 3199)
    assert [d for d, _ in seen] == sorted(d for d, _ in seen)


def test_find_by_initials_pinyin_name_and_code(make_registry: MakeRegistry) -> None:
    reg = make_registry("22")
    first = svc.find(reg, "yjx")[0]
    assert (first.code, first.name, first.path_text) == ("220221", "永吉县", "吉林省 / 吉林市 / 永吉县")
    assert svc.find(reg, "YJX")[0].code == "220221"
    assert svc.find(reg, "yongjixian")[0].code == "220221"
    assert svc.find(reg, "永吉县")[0].code == "220221"
    hits = svc.find(reg, "永吉")
    assert hits[0].code == "220221"  # exact-prefix county before the 永吉街道 township
    assert {h.code for h in hits} >= {"220221", "220102008"}
    assert svc.find(reg, "2202", limit=1)[0].code == "2202"
    assert svc.find(reg, "jls", level=Level.PROVINCE)[0].name == "吉林省"
    assert svc.find(reg, "100%_") == []


def test_children_are_in_code_order(make_registry: MakeRegistry) -> None:
    reg = make_registry("22")
    provinces = svc.children(reg, None)
    assert [(n.code, n.name) for n in provinces] == [("22", "吉林省")]
    cities = svc.children(reg, "22")
    assert [n.code for n in cities] == ["2201", "2202", "2203", "2204", "2205", "2206", "2207", "2208", "2224"]
    villages = svc.children(reg, "220221100")
    assert villages and all(not n.has_children for n in villages)


def test_unknown_code_and_empty_registry_messages(make_registry: MakeRegistry) -> None:
    reg = make_registry()
    with pytest.raises(KnownError) as err:
        svc.show(reg, "22")
    assert err.value.key == "div.empty_registry"
    svc.load(reg, ["640221"])
    with pytest.raises(KnownError) as err:
        svc.show(reg, "220221")
    assert err.value.key == "div.unknown_code"
    assert "220221" in err.value.message("zh")


def test_a_fresh_load_stores_the_counts_a_recount_computes(tmp_path: Path) -> None:
    """The loader counts 建制村 while inserting; recounting afterwards finds nothing to change."""
    from sqlalchemy import select

    from villagepost.services import divisions as div_svc
    from villagepost.services.registry import Registry
    from villagepost.storage.division_counts import recount_villages
    from villagepost.storage.models import Division

    with Registry.open(tmp_path / "counts.sqlite") as reg:
        div_svc.load(reg, ["64", "15"])
        with reg.connection() as conn:
            counts = dict(conn.execute(select(Division.code, Division.villages)).all())
            like = dict(conn.execute(select(Division.code, Division.villages_like)).all())
            assert recount_villages(conn, ["64", "15"]) == 0
    assert counts["64"] == sum(n for code, n in counts.items() if len(code) == 12 and code.startswith("64")) > 2000
    assert counts["640221"] == 144  # 平罗县's 村委会, every one of them on the example roster A01
    assert like["15"] > 0 and like["15"] == sum(n for code, n in like.items() if len(code) == 12 and code[:2] == "15")


def test_the_count_check_names_exactly_the_units_whose_stored_counts_are_wrong(tmp_path: Path) -> None:
    """Stored counts spoiled at every level (and villages retired without a recount): the check names those
    units with the counts a plain count of the village rows gives, and a recount makes them whole again."""
    from sqlalchemy import select, update

    from villagepost.core.divisions import VillageClass, village_class
    from villagepost.services import divisions as div_svc
    from villagepost.services.registry import Registry
    from villagepost.storage.division_counts import count_differences, recount_villages
    from villagepost.storage.models import Division
    from villagepost.storage.queries import prefix_filter

    def plain_count(conn: Any) -> dict[str, tuple[int, int]]:
        rows = conn.execute(select(Division.code, Division.level, Division.retired)).all()
        counts = {code: [0, 0] for code, _, _ in rows}
        for code, level, retired in rows:
            cls = village_class(code) if level == 5 and not retired else None
            slot = {VillageClass.VILLAGE: 0, VillageClass.VILLAGE_LIKE: 1}.get(cls) if cls else None
            if slot is not None:
                for unit in {code, code[:2], code[:4], code[:6], code[:9]} & counts.keys():
                    counts[unit][slot] += 1
        return {code: (v, like) for code, (v, like) in counts.items()}

    with Registry.open(tmp_path / "counts.sqlite") as reg:
        div_svc.load(reg, ["64", "15"])
        with reg.connection() as conn:
            village = conn.execute(select(Division.code).where(Division.level == 5, Division.code.like("640221%"),
                                                               Division.villages == 1)).scalars().first()
            residents = conn.execute(select(Division.code).where(Division.level == 5,
                                                                 Division.villages == 0,
                                                                 Division.villages_like == 0)).scalars().first()
            like = conn.execute(select(Division.code).where(Division.level == 5, Division.villages_like == 1)
                                ).scalars().first()
            town = conn.execute(select(Division.code).where(Division.level == 4, Division.code.like("640221%"),
                                                            Division.code != village[:9], Division.villages > 0)
                                ).scalars().first()
            assert village and residents and like and town
            conn.execute(update(Division).where(Division.code == "640221").values(villages=Division.villages + 1))
            conn.execute(update(Division).where(Division.code == village).values(villages=0))
            conn.execute(update(Division).where(Division.code == residents).values(villages=1))
            conn.execute(update(Division).where(Division.code == like).values(villages_like=7))
            conn.execute(update(Division).where(Division.code == "15").values(villages_like=0))
            conn.execute(update(Division).where(prefix_filter(Division.code, town)).values(retired=True))
            truth = plain_count(conn)
            stored = {code: (v, lk) for code, v, lk in conn.execute(
                select(Division.code, Division.villages, Division.villages_like))}
            expected = sorted(code for code in truth if truth[code] != stored[code])
            found = count_differences(conn)
            assert sorted(d["b_code"] for d in found) == expected
            assert {d["b_code"]: (d["villages"], d["villages_like"]) for d in found} == {c: truth[c] for c in expected}
            assert {"640221", village, residents, like, "15", town, "6402", "64"} <= set(expected)
            in_15 = [c for c in expected if c[:2] == "15"]
            assert sorted(d["b_code"] for d in count_differences(conn, ["15"])) == in_15
            assert recount_villages(conn, ["64", "15"]) == len(expected)
            assert count_differences(conn) == []
