"""The summary dialog's 按登记时刻 field: a summary printed earlier, reprinted after a correction, shows the
same figures; while it replays, the window's other reads see the registry as it is."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path

import pytest
from form_fixtures import PINGLUO, TODAY, Opened, pingluo
from openpyxl import load_workbook
from PySide6.QtWidgets import QWidget
from pytestqt.qtbot import QtBot

from villagepost.gui.print_dialogs import print_summary_dialog
from villagepost.services import station_ops
from villagepost.services.registry import Registry

pytestmark = pytest.mark.gui

HEPING_SHOP = "640221100201"




def _print(qtbot: QtBot, window: QWidget, reg: Registry, out: Path, *, recorded: str = "", today: dt.date = TODAY
           ) -> list[list[object]]:
    dialog = print_summary_dialog(window, reg, PINGLUO, opener=Opened(), today=today)
    with qtbot.waitSignal(dialog.ready, timeout=10000):
        pass
    dialog.xlsx.click()
    dialog.path_edit.setText(str(out))
    dialog.as_recorded.setText(recorded)
    qtbot.waitUntil(dialog.print_button.isEnabled, timeout=10000)
    dialog.print_button.click()
    qtbot.waitUntil(lambda: dialog.op is None, timeout=60000)
    assert dialog.status.text().startswith("已生成"), dialog.status.text()
    rows = [[c.value for c in row] for row in load_workbook(out)["覆盖率汇总"].iter_rows()]
    dialog.close()
    return rows


def test_reprinting_as_recorded_gives_the_first_figures(qtbot: QtBot, window: QWidget, set_clock: Callable[[str], None],
                                                       make_registry: Callable[..., Registry], tmp_path: Path) -> None:
    set_clock("2026-11-20T09:00:00")
    reg = pingluo(make_registry)
    first = _print(qtbot, window, reg, tmp_path / "first.xlsx", today=dt.date(2026, 11, 20))
    set_clock(TODAY.isoformat())
    code = station_ops.add_station(reg, station_ops.StationDraft(
        "640221100200", "补录综合服务站", station_type="村邮站+快递超市", opened="2025-01-01"))
    assert code
    now = _print(qtbot, window, reg, tmp_path / "now.xlsx")
    again = _print(qtbot, window, reg, tmp_path / "again.xlsx", recorded="2026-11-20 09:00:00")
    assert now[3:] != first[3:]  # the backdated station covers 合作村 today
    assert again[3:] == first[3:]
    # the date the figures are for defaults to the recording instant's day; the sheet names the instant
    assert any("统计日期：2026-11-20" in str(v) and "数据登记截至：2026-11-20 09:00:00" in str(v)
               for row in again[:3] for v in row)
