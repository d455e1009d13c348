"""The figures the 概况 panel shows beside a unit's codes: its stations and its coverage today.

Why a service of its own: the panel showed the unit's size only, and a clerk had to switch to 统计 to
see whether it was covered at all. Both numbers come from the same services the tables and the CLI's
`villagepost coverage` use, so they never disagree.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from villagepost.core import clock
from villagepost.core.stations import StationStatus
from villagepost.services import tables
from villagepost.services.coverage import coverage
from villagepost.services.registry import Registry
from villagepost.services.tables import StationFilter


@dataclass(frozen=True, slots=True)
class UnitFigures:
    """Stations standing in the unit (all, and operating) and its 建制村 coverage on `on`."""

    code: str
    on: dt.date
    stations: int
    operating: int
    villages_total: int
    villages_covered: int
    include_village_like: bool

    @property
    def rate(self) -> float:
        return self.villages_covered / self.villages_total if self.villages_total else 0.0


def unit_figures(reg: Registry, code: str, *, on: dt.date | None = None) -> UnitFigures:
    day = on or clock.today()
    report = coverage(reg, code, on=day)
    stations = tables.station_count(reg, StationFilter(scope=code))
    operating = tables.station_count(reg, StationFilter(scope=code, status=StationStatus.OPERATING.value))
    return UnitFigures(code, day, stations, operating, report.villages_total, report.villages_covered,
                       report.include_village_like)
