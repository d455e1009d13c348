"""The station block never drops an item: 30 services and 30 brands of 40 characters each (twice today's
per-item cap, as older data may hold), a name of 100 and an operator of 100 make a block taller than a page,
and it continues on a second one; 3,000 services (what a registry filled before the caps may hold) continue
over twelve pages — every stored item printed, inside the page, nothing run off a page's foot."""

from __future__ import annotations

import datetime as dt
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from pdf_reading import page_texts, render

from villagepost.core.checklists import default_checklist
from villagepost.core.stations import MAX_ITEM, MAX_ITEMS
from villagepost.reports.checklist_pdf import FOOTER_Y, PAGE_H, Sheet, StationFacts, layout, write_checklists
from villagepost.reports.lines import text_width

PATH = ("宁夏回族自治区", "石嘴山市", "平罗县", "城关镇", "和平村委会")


def _items(kind: str, count: int = MAX_ITEMS, length: int = 2 * MAX_ITEM) -> tuple[str, ...]:
    """`count` distinct items of `length` characters each."""
    filler = "代收代投揽收寄件农产品上行便民缴费"
    return tuple((f"{kind}{i + 1:04d}号" + filler * 5)[:length] for i in range(count))


SERVICES = _items("服务")
BRANDS = _items("品牌")
#: far beyond today's caps: a block about ten pages tall
MANY_SERVICES = _items("服务", 3000, 9)
NAME = ("和平村" + "寄递物流综合服务站" * 12)[:100]


def _tall_sheet(services: tuple[str, ...] = SERVICES) -> Sheet:
    station = StationFacts("640221100201-01", NAME, "村邮站+快递超市", "operating", PATH, "运" * 100, "罗德",
                           "15675671692", "2022-09-09", "邮快合作", 106.438139, 38.905924, services, BRANDS)
    return Sheet(default_checklist(), "平罗县", "宁夏回族自治区 石嘴山市 平罗县", station, None)


def squash(text: str) -> str:
    return "".join(text.split())


def _visible_texts(path: Path) -> list[str]:
    """The text of each page as poppler reads it: only what lies on the page (pypdf also returns text drawn
    off the page's edge, which no printer prints — the way items used to be lost)."""
    exe = shutil.which("pdftotext")
    assert exe is not None, "poppler-utils (pdftotext) is needed"
    text = subprocess.run([exe, str(path), "-"], check=True, capture_output=True, text=True).stdout
    return text.split("\f")[:-1]


def _word_boxes(path: Path) -> list[list[tuple[float, float]]]:
    """(top, bottom) of every word on each page, in points from the page's top edge (poppler's pdftotext)."""
    exe = shutil.which("pdftotext")
    assert exe is not None, "poppler-utils (pdftotext) is needed"
    html = subprocess.run([exe, "-bbox", str(path), "-"], check=True, capture_output=True, text=True).stdout
    pages = []
    for page in html.split("<page ")[1:]:
        pages.append([(float(top), float(bottom))
                      for top, bottom in re.findall(r'<word xMin="[^"]+" yMin="([^"]+)" xMax="[^"]+" yMax="([^"]+)"',
                                                    page)])
    return pages


@pytest.mark.parametrize(("services", "block_pages"), [(SERVICES, 2), (MANY_SERVICES, 12)],
                         ids=["30-items-of-40", "3000-services"])
def test_every_stored_item_is_printed_and_the_block_continues_on_further_pages(
        tmp_path: Path, services: tuple[str, ...], block_pages: int) -> None:
    lay = layout(_tall_sheet(services))
    assert len(lay.block_pages) == block_pages
    rows = [row for page in lay.block_pages for row in page]
    for label, items in (("服务项目", services), ("快递品牌", BRANDS)):
        lines = [line for lab, value, _, _ in rows if lab in (label, f"{label}(续)") for line in value.lines]
        assert "".join(lines) == "、".join(items)  # cut between lines, nothing lost or doubled
    if block_pages > 1:
        assert all(page[0][0] == "服务项目(续)" for page in lay.block_pages[1:-1])

    out = tmp_path / "tall.pdf"
    writer = write_checklists(out, [_tall_sheet(services)], printed_on=dt.date(2026, 11, 23))
    texts = _visible_texts(out)
    assert [squash(t) for t in texts] != [] and len(page_texts(out)) == len(texts)
    assert writer.pages == len(texts) == len(lay.pages) >= block_pages + 1
    squashed = [squash(t) for t in texts]
    # every wrapped line of the block is on the page the layout put it on
    for p, page in enumerate(lay.block_pages):
        for _, value, _, value2 in page:
            for line in [*value.lines, *(value2.lines if value2 is not None else [])]:
                assert squash(line) in squashed[p], (p, line)
    # and every stored item can be read whole from the document (an item cut at a line end reads on)
    body = "".join(squashed)
    for item in (*services, *BRANDS):
        assert item in body or _cut_across_pages(item, squashed), item
    assert all(squash(item.text) in body for item in default_checklist().items)
    assert f"第1页共{len(texts)}页" in squashed[0] and f"第{len(texts)}页共{len(texts)}页" in squashed[-1]
    # nothing is drawn below the footer's line or off the page
    boxes = _word_boxes(out)
    assert len(boxes) == len(texts)
    for p, words in enumerate(boxes):
        assert words and min(t for t, _ in words) >= 0 and max(b for _, b in words) <= PAGE_H - FOOTER_Y + 3, p
    for png in render(out, tmp_path, first=1, last=2, dpi=50):
        assert png.stat().st_size > 0


def _cut_across_pages(item: str, pages: list[str]) -> bool:
    """The item's head ends one page's block and its tail starts the next's."""
    return any(item[:k] in pages[p] and item[k:] in pages[p + 1]
               for p in range(len(pages) - 1) for k in range(1, len(item)))


def test_a_short_block_stays_on_the_first_page() -> None:
    short = _tall_sheet()
    station = short.station
    assert station is not None
    lay = layout(Sheet(short.checklist, short.county, short.region,
                       StationFacts(station.code, "和平村村邮站", *[getattr(station, f) for f in (
                           "station_type", "status", "village_path", "operator", "contact", "phone", "opened",
                           "coop", "lon", "lat")], services=SERVICES[:3], brands=BRANDS[:2]), None))
    assert len(lay.block_pages) == 1 and len(lay.pages) == 2
    assert text_width("服务项目(续)", 9.0) < 21 * 2.834645669  # the continued label fits its column
