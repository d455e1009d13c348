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


#: Services a station may offer (DOMAIN.md §3), in the order forms and reports list them.
SERVICES = ("代收代投", "揽收寄件", "简易金融", "电商/农产品上行", "政务代办", "冷链", "包装回收", "智能快件箱")
_SERVICE_ALIASES = {
    "邮件/快件代收代投": "代收代投", "邮件代收代投": "代收代投", "快件代收代投": "代收代投", "代收": "代收代投",
    "揽收": "揽收寄件", "寄件": "揽收寄件", "揽投": "代收代投", "金融": "简易金融", "电商": "电商/农产品上行",
    "农产品上行": "电商/农产品上行", "电商农产品上行": "电商/农产品上行", "政邮": "政务代办", "警邮": "政务代办",
    "税邮": "政务代办", "医邮": "政务代办", "包装废弃物回收": "包装回收", "快递包装回收": "包装回收",
    "快件箱": "智能快件箱", "智能柜": "智能快件箱",
}
#: Express brands as people write them; other names are kept as written.
BRANDS = ("中国邮政", "EMS", "顺丰", "京东", "中通", "圆通", "申通", "韵达", "极兔", "德邦", "菜鸟")
_BRAND_ALIASES = {"邮政": "中国邮政", "中邮": "中国邮政", "邮政快递": "中国邮政", "ems": "EMS",
                  "顺丰速运": "顺丰", "京东物流": "京东", "京东快递": "京东", "中通快递": "中通", "圆通速递": "圆通",
                  "申通快递": "申通", "韵达快递": "韵达", "极兔速递": "极兔", "德邦快递": "德邦", "菜鸟驿站": "菜鸟"}
#: Separators between list items in a cell or a form field (not "/": 电商/农产品上行; spaces after NFKC)
LIST_SEPARATORS = "、，,;；\n| "
#: Longest item kept (a whole sentence in a services cell is a mistake, not a service)
MAX_ITEM = 20
#: At most this many services, brands or served villages per station: what a checklist page can hold
#: without dropping one, and far more than any real station offers.
MAX_ITEMS = 30


def split_items(text: str) -> list[str]:
    """The items of a list written in one field: '中通、圆通，韵达' → ['中通', '圆通', '韵达']."""
    out = [unicodedata.normalize("NFKC", text).strip()]
    for sep in LIST_SEPARATORS:
        out = [part.strip() for piece in out for part in unicodedata.normalize("NFKC", piece).split(sep)]
    return [p for p in out if p]


def canonical_items(items: list[str], known: tuple[str, ...], aliases: dict[str, str]) -> list[str]:
    """Items mapped to their canonical names, known ones first in vocabulary order, no repeats.

    Why keep unknown items: the lists are open (a new brand, a local service); the editor shows the
    known ones as check boxes and the others as written.
    """
    folded = {k.casefold(): k for k in known}
    wanted: list[str] = []
    for item in items:
        name = aliases.get(item) or aliases.get(item.casefold()) or folded.get(item.casefold()) or item
        if name not in wanted:
            wanted.append(name)
    return [k for k in known if k in wanted] + [w for w in wanted if w not in known]


def canonical_services(items: list[str]) -> list[str]:
    return canonical_items(items, SERVICES, _SERVICE_ALIASES)


def canonical_brands(items: list[str]) -> list[str]:
    return canonical_items(items, BRANDS, _BRAND_ALIASES)


#: How lists are stored in one text column
LIST_JOIN = "、"


def join_items(items: list[str]) -> str | None:
    return LIST_JOIN.join(items) if items else None


def stored_items(text: str | None) -> list[str]:
    return [p for p in (text or "").split(LIST_JOIN) if p]
