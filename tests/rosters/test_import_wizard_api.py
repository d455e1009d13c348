"""The steps the window's import wizard takes: detect, override the mapping, validate, commit, cancel."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest
from roster_fixtures import DATA

from villagepost.core.errors import Cancelled
from villagepost.services.imports import RosterImport
from villagepost.services.registry import Registry
from villagepost.services.stations import list_stations

TODAY = dt.date(2026, 11, 23)


def test_detect_override_validate_commit(make_registry: Callable[..., Registry]) -> None:
    reg = make_registry("64")
    job = RosterImport(reg, DATA / "B12_extra_columns.xlsx", today=TODAY)
    layout, preview = job.detect()
    assert layout.sheet == "站点统计" and layout.header_rows == [1]
    assert "村党组织书记" in [ref.header.strip() for ref in layout.unmapped]
    assert preview[0][0] == 1 and len(preview) == 20
    # The clerk decides the contact is the party secretary's column after all.
    secretary = next(ref.index for ref in layout.unmapped if ref.header.strip() == "村党组织书记")
    mapping = {name: ref.index for name, ref in layout.columns.items()}
    mapping["contact"] = secretary
    job.use_mapping(mapping)
    layout2, _ = job.detect()
    assert layout2.columns.header("contact").strip() == "村党组织书记"

    seen: list[tuple[int, int]] = []
    checked = job.validate(progress=lambda d, t, _x: seen.append((d, t)))
    assert (checked.status, checked.dry_run, checked.villages_imported) == ("ok", True, 144)
    assert seen and seen[-1][0] == seen[-1][1]
    assert list_stations(reg, "640221") == []  # validation saves nothing

    done = job.commit()
    assert (done.status, done.stations_created) == ("ok", 88)
    contacts = {s.contact for s in list_stations(reg, "640221")}
    assert len(contacts) > 1 and contacts.isdisjoint({None})


def test_cancel_rolls_back(make_registry: Callable[..., Registry], monkeypatch: pytest.MonkeyPatch) -> None:
    import villagepost.services.station_writer as writer

    monkeypatch.setattr(writer, "BATCH", 50)  # stations reach the database before the cancel
    reg = make_registry("64")
    job = RosterImport(reg, DATA / "E01_ningxia_province_all.xlsx", today=TODAY)
    calls = {"n": 0}

    def cancelled() -> bool:
        calls["n"] += 1
        return calls["n"] > 1

    with pytest.raises(Cancelled):
        job.commit(cancelled=cancelled)
    assert list_stations(reg, "64") == []


def test_a_mapping_without_code_or_village_is_refused(make_registry: Callable[..., Registry]) -> None:
    from villagepost.rosters.safety import RosterFileError

    reg = make_registry("64")
    job = RosterImport(reg, DATA / "A01_pingluo_clean.xlsx", today=TODAY)
    layout, _ = job.detect()
    job.use_mapping({"contact": layout.columns.index("contact")})
    with pytest.raises(RosterFileError):
        job.detect()
