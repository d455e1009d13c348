"""The pacing texts a clerk reads on the day a target is set, and numbers without false precision.

As a clerk found it: with a target set today the 统计 page said "没有落后于进度线的下级单位" beside a
95-village gap (the line had not moved yet, so nobody could be below it), and "每月需新增 95.00 个".
On 金凤区 (tests/coverage_county.py): 20 建制村, 10 covered on 2024-09-15; townships 满城北街 0/1,
黄河东路 3/4, 良田镇 4/8, 丰登镇 3/7.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pyqtgraph as pg
import pytest
from coverage_county import COUNTY, FENGDENG, HUANGHE, LIANGTIAN, MANCHENG, TODAY, build
from PySide6.QtWidgets import QVBoxLayout, QWidget
from pytestqt.qtbot import QtBot

from villagepost.cli import main
from villagepost.core.pacing import Measure, count_text, rate_text
from villagepost.gui.dashboard import DashboardTab
from villagepost.gui.ops import TaskManager
from villagepost.gui.window_sizing import settle_layout
from villagepost.services import pacing as pac
from villagepost.services import targets as tgt
from villagepost.services.registry import Registry

pytestmark = pytest.mark.gui
D = dt.date


@pytest.mark.parametrize(("value", "count", "rate"), [
    (95.0, "95", "95"), (7.25, "7", "7.2"), (7.26, "7", "7.3"), (0.333, "0", "0.3"), (0.0, "0", "0"),
    (1234.5, "1,234", "1,234.5"),
])
def test_counts_never_carry_decimals_and_rates_at_most_one(value: float, count: str, rate: str) -> None:
    assert (count_text(value), rate_text(value)) == (count, rate)


@pytest.fixture
def set_today(make_registry: Callable[..., Registry]) -> tuple[Registry, tgt.TargetRow]:
    reg = make_registry(COUNTY)
    build(reg)
    row = tgt.set_target(reg, COUNTY, Measure.COVERAGE_RATE, 1.0, D(2024, 12, 31), today=TODAY)
    return reg, row


def test_a_target_set_today_ranks_units_against_the_deadline(set_today: tuple[Registry, tgt.TargetRow],
                                                             qtbot: QtBot, taskman: TaskManager) -> None:
    reg, row = set_today
    report = pac.pacing(reg, COUNTY, today=TODAY)
    lags = report.lagging[row.id]
    assert [(lag.code, lag.lag.shortfall_villages, lag.lag.against_deadline) for lag in lags] == [
        (MANCHENG, 1, True), (FENGDENG, 4, True), (LIANGTIAN, 4, True), (HUANGHE, 1, True)]

    dash = DashboardTab(reg, taskman, today=lambda: TODAY)
    qtbot.addWidget(dash)
    dash.resize(900, 760)
    settle_layout(dash)
    dash.set_scope(COUNTY)
    with qtbot.waitSignal(dash.loaded, timeout=20000):
        dash.show()
    head = dash.pace_tree.branches[row.id]
    lines = [head.child(i).text(0) for i in range(head.childCount())]
    assert lines == ["已完成 10 个（50.0%），目标 20 个，差距 10 个（50.0 个百分点）",
                     "剩余 4 个月，每月需新增 2.5 个",
                     "近 6 个月平均每月新增 0.3 个；按此进度 2027-03-31 全部覆盖",
                     "目标今天设定，下级单位与截止日期比较（双击查看）："]
    assert dash.pace_tree.lagging_codes(row.id) == [MANCHENG, FENGDENG, LIANGTIAN, HUANGHE]


def test_the_cli_says_the_same(set_today: tuple[Registry, tgt.TargetRow], capsys: pytest.CaptureFixture[str]
                               ) -> None:
    reg, _row = set_today
    db = str(reg.location.path) if reg.location.path else reg.location.url.render_as_string(hide_password=False)
    assert main(["--db", db, "pacing", "--scope", COUNTY, "--on", "2024/09/15"]) == 0
    out = capsys.readouterr().out
    assert "  剩余 4 个月，每月需新增 2.5 个\n" in out
    assert ("  目标今天设定，下级单位与截止日期比较：\n"
            "    满城北街街道（640106001）  覆盖率 0.0%，应达 100.0%，差 1 个建制村\n") in out


def drawn_chart(reg: Registry, qtbot: QtBot, taskman: TaskManager, size: tuple[int, int]) -> DashboardTab:
    dash = DashboardTab(reg, taskman, today=lambda: TODAY)
    qtbot.addWidget(dash)
    dash.resize(*size)
    settle_layout(dash)
    dash.set_scope(COUNTY)
    with qtbot.waitSignal(dash.loaded, timeout=20000):
        dash.show()
    return dash


def test_the_day_label_never_covers_a_target_label(make_registry: Callable[..., Registry], qtbot: QtBot,
                                                   taskman: TaskManager) -> None:
    """A 100% target a few weeks after the day shown: its label sits at the top, right beside the date line."""
    reg = make_registry(COUNTY)
    build(reg)
    tgt.set_target(reg, COUNTY, Measure.COVERAGE_RATE, 1.0, D(2024, 10, 15), today=D(2024, 1, 15))
    tgt.set_target(reg, COUNTY, Measure.COVERAGE_RATE, 0.95, D(2024, 9, 30), today=D(2024, 1, 15))
    dash = drawn_chart(reg, qtbot, taskman, (760, 560))  # a 1024-pixel screen's share of the chart
    chart = dash.curve
    labels = [label.toPlainText() for label in chart.labels]
    assert "截至 2024-09-15" in labels and "100%" in labels and "95%" in labels
    assert chart.overlapping_labels() == []


def test_a_past_target_is_a_marker_only(make_registry: Callable[..., Registry], qtbot: QtBot,
                                        taskman: TaskManager) -> None:
    reg = make_registry(COUNTY)
    build(reg)
    tgt.set_target(reg, COUNTY, Measure.COVERAGE_RATE, 0.85, D(2024, 6, 30), today=D(2024, 1, 15))
    dash = drawn_chart(reg, qtbot, taskman, (900, 760))
    assert dash.curve.milestones == [(D(2024, 6, 30), 85.0, True)]
    lines = [item for item in dash.curve._items if isinstance(item, pg.PlotDataItem)]
    assert [item.name() for item in lines] == ["实际覆盖率（月末）", "按近 6 个月速度预测"]  # nothing to the star

    from villagepost.reports.summary_pdf import pacing_chart
    from villagepost.services.summary import summary

    drawing = pacing_chart(summary(reg, COUNTY, on=TODAY).curve, summary(reg, COUNTY, on=TODAY))
    dashed = [shape for shape in drawing.contents if getattr(shape, "strokeDashArray", None) == [4, 2]
              and getattr(shape, "x1", None) != getattr(shape, "x2", None) and shape.y1 != shape.y2]
    assert dashed == []  # the PDF draws no lag line to a past deadline either


def test_bar_labels_stay_with_targets_at_1024_pixels(make_registry: Callable[..., Registry], qtbot: QtBot,
                                                     taskman: TaskManager) -> None:
    """平罗县's 13 townships beside the target names on the right-hand axis: short rates rather than none."""
    from villagepost.gui.coverage_bars import CoverageBarChart
    from villagepost.services.coverage import UnitCoverage

    reg = make_registry(COUNTY)
    target = tgt.set_target(reg, COUNTY, Measure.COVERAGE_RATE, 1.0, D(2025, 12, 31), today=D(2024, 1, 15))
    units = [UnitCoverage(f"6402211{i:02d}", f"第{i}乡", 4, 7, i % 8) for i in range(13)]
    host = QWidget()
    qtbot.addWidget(host)
    chart = CoverageBarChart(host)
    QVBoxLayout(host).addWidget(chart)
    host.resize(560, 420)
    settle_layout(host)
    host.show()
    chart.show_units(units, [target], target, TODAY, "平罗县")
    qtbot.waitUntil(lambda: chart.plot.width() > 0, timeout=2000)
    chart._place_value_labels()
    assert chart.target_ticks == [(100.0, "100% 2025-12-31")]
    shown = [label.toPlainText() for label in chart.value_labels if label.isVisible()]
    assert shown == [f"{u.villages_covered / 7 * 100:.0f}%" for u in units]  # all there, without decimals
