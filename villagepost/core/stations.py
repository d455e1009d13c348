"""The station vocabulary: types, cooperation modes, statuses (DOMAIN.md §3).

One place for the canonical values and the spellings rosters use for them, so the importer, the editor,
the templates' dropdowns and the reports all agree.
"""

from __future__ import annotations

import unicodedata
from enum import StrEnum


class StationType(StrEnum):
    VILLAGE_POST = "村邮站"
    EXPRESS_SHOP = "快递超市"
    COMBINED = "村邮站+快递超市"
    SERVICE_STATION = "综合服务站"  # 村级寄递物流综合服务站
    TOWNSHIP_STATION = "乡镇综合服务站"
    COUNTY_CENTRE = "县级共配中心"
    LOCKER = "智能快件箱点"

    @property
    def is_combined(self) -> bool:
        """Counts toward coverage: a combined 村邮站＋快递超市 or a 村级寄递物流综合服务站."""
        return self in (StationType.COMBINED, StationType.SERVICE_STATION)


#: the types a village roster may carry (the other types stand at township or county level)
ROSTER_TYPES = (StationType.VILLAGE_POST, StationType.EXPRESS_SHOP, StationType.COMBINED,
                StationType.SERVICE_STATION)


class CoopMode(StrEnum):
    POST_EXPRESS = "邮快合作"
    EXPRESS_EXPRESS = "快快合作"
    EXPRESS_SHOP = "快商合作"
    TRANSPORT_EXPRESS = "交快合作"
    SUPPLY_EXPRESS = "快供合作"
    ECOMMERCE_EXPRESS = "快电合作"


class StationStatus(StrEnum):
    PLANNED = "planned"
    OPERATING = "operating"
    SUSPENDED = "suspended"
    CLOSED = "closed"


STATUS_ZH = {
    StationStatus.PLANNED: "筹建",
    StationStatus.OPERATING: "运营",
    StationStatus.SUSPENDED: "暂停",
    StationStatus.CLOSED: "关闭",
}


def name_key(name: str) -> str:
    """How station names are compared for identity: NFKC, outer whitespace trimmed (stored name stays verbatim)."""
    return unicodedata.normalize("NFKC", name).strip()
