"""The 统计 tab on 金凤区 (tests/coverage_county.py, worked out by hand) with the four targets of the pacing
tests: what it draws equals the services' numbers, clicks drill down, the date recomputes, charts export.

Today is 2024-09-15: 20 建制村, 10 covered (1 of them 日期缺失); townships 满城北街 0/1, 黄河东路 3/4,
良田镇 4/8, 丰登镇 3/7 and four 街道 without 建制村. Targets (set 2024-01-15): T1 85% by 2024-12-31, T2 100% by
2025-12-31, T3 50% by 2024-06-30 (past), T4 5 综合服务站 by 2025-06-30.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path

import pytest
from coverage_county import COUNTY, FENGDENG, HUANGHE, LIANGTIAN, MANCHENG, TODAY, build, set_targets
from PySide6.QtCore import QCoreApplication, QDate, QPointF, Qt
from PySide6.QtGui import QImage
from PySide6.QtWidgets import QApplication, QMessageBox
from pytestqt.qtbot import QtBot

from villagepost.core.messages import tr
from villagepost.gui import chart_style, dashboard_data
from villagepost.gui.coverage_bars import CoverageBarChart
from villagepost.gui.dashboard import DashboardTab
from villagepost.gui.dashboard_panels import CODE_ROLE
from villagepost.gui.ops import TaskManager
from villagepost.gui.targets_editor import TargetsDialog
from villagepost.gui.translations import install_translations
from villagepost.gui.window_sizing import settle_layout
from villagepost.services import coverage as cov
from villagepost.services import pacing as pac
from villagepost.services import targets as tgt
from villagepost.services.registry import Registry

pytestmark = pytest.mark.gui

D = dt.date
TOWNSHIP_NAMES = ["满城北街街道", "黄河东路街道", "良田镇", "丰登镇"]


@pytest.fixture
def county(make_registry: Callable[..., Registry]) -> tuple[Registry, list[tgt.TargetRow]]:
    reg = make_registry(COUNTY)
    build(reg)
    return reg, set_targets(reg)


@pytest.fixture
def make_dash(qtbot: QtBot, taskman: TaskManager) -> Callable[..., DashboardTab]:
    """registry, scope -> a shown dashboard on TODAY whose first read has been drawn."""

    def make(reg: Registry, scope: str, *, today: dt.date = TODAY) -> DashboardTab:
        dash = DashboardTab(reg, taskman, today=lambda: today)
        qtbot.addWidget(dash)
        dash.resize(900, 760)
        settle_layout(dash)  # as a top-level window here (the main window settles its own layout)
        dash.set_scope(scope)
        with qtbot.waitSignal(dash.loaded, timeout=20000):
            dash.show()
        return dash

    return make


def rescope(qtbot: QtBot, dash: DashboardTab, scope: str) -> None:
    with qtbot.waitSignal(dash.loaded, timeout=20000):
        dash.set_scope(scope)


def heights(dash: DashboardTab) -> list[float]:
    assert dash.bars.bars is not None
    return [float(h) for h in dash.bars.bars.opts["height"]]


def brush_colours(dash: DashboardTab) -> list[str]:
    assert dash.bars.bars is not None
    return [b.color().name() for b in dash.bars.bars.opts["brushes"]]


def pace_lines(dash: DashboardTab, target_id: int) -> list[str]:
    head = dash.pace_tree.branches[target_id]
    return [head.child(i).text(0) for i in range(head.childCount())]


def test_the_county_on_the_day_equals_the_services(
    county: tuple[Registry, list[tgt.TargetRow]], make_dash: Callable[..., DashboardTab]
) -> None:
    reg, (t1, t2, t3, t4) = county
    dash = make_dash(reg, COUNTY)
    assert dash.title.text() == "金凤区（640106） 统计"
    h = dash.headline
    assert (h.total.value.text(), h.covered.value.text(), h.rate.value.text(), h.missing.value.text()) == (
        "20", "10", "50.0%", "1")

    # bars: one per township with 建制村, height = the service's rate in %
    report = cov.coverage(reg, COUNTY, on=TODAY)
    with_villages = [u for u in report.children if u.villages_total]
    assert dash.bars.axis.labels == [u.name for u in with_villages] == TOWNSHIP_NAMES
    assert heights(dash) == [u.rate * 100 for u in with_villages] == [0.0, 75.0, 50.0, pytest.approx(300 / 7)]
    assert [u.code for u in dash.bars.units] == [MANCHENG, HUANGHE, LIANGTIAN, FENGDENG]
    # coloured against T1 (85% by 2024-12-31, the next deadline): every township is below it
    assert dash.data is not None and dash.data.reference_target() == t1
    assert dash.bars.states == ["below"] * 4
    assert brush_colours(dash) == [chart_style.COLOUR_BELOW.name()] * 4
    # a line per coverage target, named on the right: the past one marked
    assert dash.bars.target_ticks == [(50.0, "50% 已过期"), (85.0, "85% 2024-12-31"), (100.0, "100% 2025-12-31")]
    assert [line.value() for line in dash.bars.target_lines] == [50.0, 85.0, 100.0]
    assert "另有 4 个单位没有建制村" in dash.bars_legend.text()
    assert "长城中路街道、北京中路街道、上海西路街道、贺兰山中路街道" in dash.bars_legend.text()

    # the curve is the pacing report's: month ends from 2022-12 and the day itself
    pacing = pac.pacing(reg, COUNTY, today=TODAY)
    assert dash.curve.actual == [(p.month_end, p.rate * 100) for p in pacing.curve]
    assert len(dash.curve.actual) == 22
    assert dash.curve.actual[0] == (D(2022, 12, 31), 5.0) and dash.curve.actual[-1] == (TODAY, 50.0)
    assert dash.curve.milestones == [(D(2024, 6, 30), 50.0, True), (D(2024, 12, 31), 85.0, False),
                                     (D(2025, 12, 31), 100.0, False)]
    # projection at 1/3 village a month: all 20 by 2027-03-31 (the CLI's figure)
    assert dash.curve.projection == [(TODAY, 50.0), (D(2027, 3, 31), 100.0)]
    assert dash.curve.note == "按此进度 2027-03-31 全部覆盖"

    # the pace list says what `villagepost pacing` says
    assert list(dash.pace_tree.branches) == [t3.id, t1.id, t4.id, t2.id]
    assert dash.pace_tree.branches[t1.id].text(0) == f"#{t1.id}  2024-12-31 前覆盖率达到 85.0%"
    assert pace_lines(dash, t1.id)[:3] == [
        "已完成 10 个（50.0%），目标 17 个，差距 7 个（35.0 个百分点）",
        "剩余 4 个月，每月需新增 1.8 个",
        "近 6 个月平均每月新增 0.3 个；按此进度 2027-03-31 全部覆盖",
    ]
    assert pace_lines(dash, t3.id)[1] == "截止日已过：截止日 8 个，未达成"
    assert pace_lines(dash, t4.id) == ["已有 4 个综合服务站，目标 5 个，差距 1 个", "剩余 10 个月，每月需新增 0.1 个",
                                       "近 6 个月平均每月新增 0 个；按当前进度无法实现"]
    assert dash.pace_tree.lagging_codes(t1.id) == [MANCHENG, FENGDENG, LIANGTIAN]
    assert dash.pace_tree.lagging_codes(t3.id) == [MANCHENG, FENGDENG]
    assert dash.pace_tree.lagging_codes(t4.id) == []

    # stations by type and status on the day (E2 and K2 merged or not, F reopened)
    table = dash.counts
    rows = [[table.text_at(r, c) for c in range(table.columnCount())] for r in range(table.rowCount())]
    assert [table.horizontalHeaderItem(c).text() for c in range(table.columnCount())] == [
        "站点类型", "运营", "暂停", "关闭", "筹建", "合计"]
    assert rows == [["村邮站", "1", "0", "0", "0", "1"], ["快递超市", "2", "0", "1", "0", "3"],
                    ["村邮站+快递超市", "6", "0", "0", "0", "6"], ["综合服务站", "4", "0", "0", "0", "4"],
                    ["合计", "13", "0", "1", "0", "14"]]
    service = dashboard_data.count_grid(cov.station_counts(reg, COUNTY, on=TODAY))
    assert service.total == 14 and dash.counts.grid == service


def test_a_township_is_coloured_against_the_inherited_target(
    county: tuple[Registry, list[tgt.TargetRow]], make_dash: Callable[..., DashboardTab], qtbot: QtBot
) -> None:
    reg, (t1, _t2, _t3, t4) = county
    dash = make_dash(reg, FENGDENG)
    assert dash.bars.axis.labels == ["西新村", "新联村", "新丰村", "联丰村", "永丰村", "润丰村", "和丰村"]
    assert heights(dash) == [100.0, 100.0, 100.0, 0.0, 0.0, 0.0, 0.0]
    assert dash.bars.states == ["met"] * 3 + ["below"] * 4
    assert brush_colours(dash) == [chart_style.COLOUR_MET.name()] * 3 + [chart_style.COLOUR_BELOW.name()] * 4
    assert "沿用金凤区（640106）的覆盖率目标" in dash.curve_legend.text()
    assert t4.id not in dash.pace_tree.branches  # a county's station count is not the township's
    assert pace_lines(dash, t1.id)[0] == "已完成 3 个（42.9%），目标 6 个，差距 3 个（42.1 个百分点）"
    assert dash.targets_button.isEnabled()

    rescope(qtbot, dash, "640106101201")  # a village: the headline and its stations, no charts
    h = dash.headline
    assert (h.total.value.text(), h.covered.value.text(), h.rate.value.text()) == ("1", "1", "100.0%")
    assert "该村 2024-09-15 已覆盖" in h.note.text()
    assert dash.bars_box.isHidden() and dash.curve_box.isHidden() and dash.pace_box.isHidden()
    assert not dash.targets_button.isEnabled()
    assert dash.counts.grid is not None and dash.counts.grid.total == 2  # E1 (combined) and E2 (closed by the merger)


def test_without_targets_the_bars_are_neutral_and_the_curve_has_no_projection(
    make_registry: Callable[..., Registry], make_dash: Callable[..., DashboardTab]
) -> None:
    reg = make_registry(COUNTY)
    build(reg)
    dash = make_dash(reg, COUNTY)
    assert dash.bars.states == ["none"] * 4 and dash.bars.target_ticks == []
    assert brush_colours(dash) == [chart_style.COLOUR_NEUTRAL.name()] * 4
    assert dash.curve.milestones == [] and dash.curve.projection == []
    assert dash.pace_tree.topLevelItem(0).text(0) == "没有目标：点“编辑目标…”设定后即可对照进度。"


def test_clicking_a_bar_or_its_name_drills_down(
    county: tuple[Registry, list[tgt.TargetRow]], make_dash: Callable[..., DashboardTab], qtbot: QtBot
) -> None:
    reg, _ = county
    dash = make_dash(reg, COUNTY)
    plot = dash.bars.plot
    qtbot.waitUntil(lambda: dash.bars.axis.drawn != [])

    def click(scene_pos: object) -> None:
        qtbot.mouseClick(plot.viewport(), Qt.MouseButton.LeftButton, pos=plot.mapFromScene(scene_pos))

    with qtbot.waitSignal(dash.drill_down, timeout=3000) as blocker:
        click(dash.bars.bar_centre(2))
    assert blocker.args == [LIANGTIAN]
    with qtbot.waitSignal(dash.drill_down, timeout=3000) as blocker:
        click(dash.bars.bar_centre(0))  # 满城北街 at 0%: its column is clickable
    assert blocker.args == [MANCHENG]
    index, rect, name = dash.bars.axis.drawn[3]
    assert (index, name) == (3, "丰登镇")
    with qtbot.waitSignal(dash.drill_down, timeout=3000) as blocker:
        click(dash.bars.axis.mapToScene(rect.center()))
    assert blocker.args == [FENGDENG]
    vb = plot.getPlotItem().vb
    with qtbot.assertNotEmitted(dash.drill_down, wait=200):  # between two bars
        click(vb.mapViewToScene(QPointF(1.5, 30)))
    assert "良田镇（640106100）\n建制村 8 个，已覆盖 4 个，覆盖率 50.0%" in dash.bars.tooltip(2)


def test_double_clicking_a_lagging_unit_drills_down(
    county: tuple[Registry, list[tgt.TargetRow]], make_dash: Callable[..., DashboardTab], qtbot: QtBot
) -> None:
    reg, (t1, *_rest) = county
    dash = make_dash(reg, COUNTY)
    head = dash.pace_tree.branches[t1.id]
    group = head.child(head.childCount() - 1)
    item = group.child(1)
    assert (item.data(0, CODE_ROLE), item.text(0), item.text(1), item.text(2), item.text(3)) == (
        FENGDENG, "丰登镇（640106101）", "42.9%", "67.8%", "2")
    tree = dash.pace_tree
    tree.scrollToItem(item)
    centre = tree.visualItemRect(item).center()
    with qtbot.waitSignal(dash.drill_down, timeout=3000) as blocker:
        qtbot.mouseClick(tree.viewport(), Qt.MouseButton.LeftButton, pos=centre)  # the press a double click has
        qtbot.mouseDClick(tree.viewport(), Qt.MouseButton.LeftButton, pos=centre)
    assert blocker.args == [FENGDENG]
    tree.setCurrentItem(group.child(2))
    with qtbot.waitSignal(dash.drill_down, timeout=3000) as blocker:
        qtbot.keyClick(tree, Qt.Key.Key_Return)  # Enter on the keyboard does the same
    assert blocker.args == [LIANGTIAN]
    tree.setCurrentItem(head.child(0))  # a pace line is not a unit
    with qtbot.assertNotEmitted(dash.drill_down, wait=200):
        qtbot.keyClick(tree, Qt.Key.Key_Return)


def test_the_date_recomputes_everything(
    county: tuple[Registry, list[tgt.TargetRow]], make_dash: Callable[..., DashboardTab], qtbot: QtBot
) -> None:
    reg, _ = county
    dash = make_dash(reg, COUNTY)
    assert dash.date_edit.date() == QDate(2024, 9, 15) and dash.date_edit.maximumDate() == QDate(2024, 9, 15)
    with qtbot.waitSignal(dash.loaded, timeout=20000):
        dash.date_edit.setDate(QDate(2023, 12, 31))  # as a user picks it: after the pause, one read
    assert dash.on == D(2023, 12, 31)
    h = dash.headline
    assert (h.covered.value.text(), h.rate.value.text(), h.missing.value.text()) == ("7", "35.0%", "0")
    assert heights(dash) == [0.0, 50.0, 37.5, pytest.approx(200 / 7)]
    assert dash.curve.actual[-1] == (D(2023, 12, 31), 35.0)
    # on 2023-12-31 every target is ahead; T3 (2024-06-30) is the next deadline: 黄河东路 at 50% meets it
    assert dash.bars.states == ["below", "met", "below", "below"]
    assert dash.bars.target_ticks == [(50.0, "50% 2024-06-30"), (85.0, "85% 2024-12-31"), (100.0, "100% 2025-12-31")]


def test_exports_write_pngs_where_the_dialog_says(
    county: tuple[Registry, list[tgt.TargetRow]], make_dash: Callable[..., DashboardTab], tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch
) -> None:
    reg, _ = county
    dash = make_dash(reg, COUNTY)
    asked: list[str] = []

    def ask(suggested: str) -> Path | None:
        asked.append(suggested)
        return next(answers)

    out = tmp_path / "图片"
    out.mkdir()
    answers = iter([out / "bars.png", out / "曲线", None, out / "missing" / "x.png"])
    dash.ask_save_path = ask
    dash.bars_export.click()
    dash.curve_export.click()
    assert asked == ["金凤区_覆盖率_2024-09-15.png", "金凤区_进度曲线_2024-09-15.png"]
    for path in (out / "bars.png", out / "曲线.png"):  # ".png" added when the name has none
        image = QImage(str(path))
        assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
        assert image.width() == chart_style.EXPORT_WIDTH and image.height() > 200
        # not blank: the bars' orange and the curve's blue are in the picture
    bars = QImage(str(out / "bars.png"))
    colours = {bars.pixelColor(x, y).name() for x in range(0, bars.width(), 7) for y in range(0, bars.height(), 7)}
    assert chart_style.COLOUR_BELOW.name() in colours
    assert dash.status.text() == f"已导出图片：{out / '曲线.png'}"

    assert dash.export_chart("bars") is None  # the dialog was cancelled: nothing written
    assert sorted(p.name for p in out.iterdir()) == ["bars.png", "曲线.png"]

    shown: list[str] = []
    monkeypatch.setattr(QMessageBox, "warning", lambda _parent, _title, text: shown.append(text))
    assert dash.export_chart("bars") is None  # a folder that does not exist
    assert shown == [tr("dashboard.export_failed", params={"path": str(out / "missing" / "x.png")})]
    assert shown[0].startswith("无法写入图片")


def test_a_hidden_tab_reads_when_shown_and_fast_clicks_make_one_read(
    county: tuple[Registry, list[tgt.TargetRow]], taskman: TaskManager, qtbot: QtBot,
    monkeypatch: pytest.MonkeyPatch
) -> None:
    reg, _ = county
    reads: list[str] = []
    real = dashboard_data.load_dashboard

    def counting(registry: Registry, scope: str, on: dt.date) -> dashboard_data.DashboardData:
        reads.append(scope)
        return real(registry, scope, on)

    monkeypatch.setattr("villagepost.gui.dashboard.load_dashboard", counting)
    dash = DashboardTab(reg, taskman, today=lambda: TODAY)
    qtbot.addWidget(dash)
    settle_layout(dash)
    dash.set_scope(LIANGTIAN)
    dash.set_scope(COUNTY)
    qtbot.wait(100)
    assert reads == [] and not taskman.busy  # hidden: it only remembers
    with qtbot.waitSignal(dash.loaded, timeout=20000):
        dash.show()
    assert reads == [COUNTY]
    with qtbot.waitSignal(dash.loaded, timeout=20000):
        for scope in (MANCHENG, HUANGHE, LIANGTIAN, FENGDENG):
            dash.set_scope(scope)
    qtbot.waitUntil(lambda: not taskman.busy)
    assert reads == [COUNTY, MANCHENG, FENGDENG]  # the first click reads; the rest wait and become one read
    assert dash.data is not None and dash.data.scope == FENGDENG


def test_a_refusal_is_shown_in_the_tab(make_registry: Callable[..., Registry], taskman: TaskManager,
                                       qtbot: QtBot) -> None:
    reg = make_registry()  # nothing loaded
    dash = DashboardTab(reg, taskman, today=lambda: TODAY)
    qtbot.addWidget(dash)
    settle_layout(dash)
    with qtbot.waitSignal(dash.loaded, timeout=20000):
        dash.show()
    assert dash.status.text() == tr("div.empty_registry")
    assert dash.data is None and not dash.targets_button.isEnabled()


def test_the_targets_dialog_opens_for_the_scope_and_changes_redraw_the_tab(
    county: tuple[Registry, list[tgt.TargetRow]], make_dash: Callable[..., DashboardTab], qtbot: QtBot
) -> None:
    reg, _ = county
    dash = make_dash(reg, FENGDENG)
    dialog = dash.open_targets_dialog()
    assert isinstance(dialog, TargetsDialog)
    qtbot.waitUntil(lambda: not dialog.busy)
    assert (dialog.scope, dialog.windowTitle()) == (FENGDENG, "目标 — 丰登镇（640106101）")
    dialog.value.setValue(60)
    dialog.deadline.setDate(QDate(2024, 10, 31))
    with qtbot.waitSignal(dash.loaded, timeout=20000):
        dialog.add_button.click()
    assert dash.bars.target_ticks == [(60.0, "60% 2024-10-31")]  # its own target replaces the inherited ones
    assert dash.bars.states == ["met"] * 3 + ["below"] * 4
    assert dash.data is not None and dash.data.pacing is not None and dash.data.pacing.inherited_from is None
    dialog.close()


def test_an_english_dashboard(county: tuple[Registry, list[tgt.TargetRow]], taskman: TaskManager, qtbot: QtBot,
                              qapp: QApplication) -> None:
    reg, (t1, *_rest) = county
    translators = install_translations(qapp, "en")
    try:
        dash = DashboardTab(reg, taskman, lang="en", today=lambda: TODAY)
        qtbot.addWidget(dash)
        settle_layout(dash)
        dash.set_scope(COUNTY)
        with qtbot.waitSignal(dash.loaded, timeout=20000):
            dash.show()
        assert dash.title.text() == "金凤区（640106）: overview"
        assert dash.targets_button.text() == "Edit targets…" and dash.bars_export.text() == "Export image…"
        assert dash.pace_tree.branches[t1.id].text(0) == f"#{t1.id}  coverage 85.0% by 2024-12-31"
        assert pace_lines(dash, t1.id)[:2] == ["achieved 10 (50.0%), goal 17, gap 7 (35.0 points)",
                                               "4 months left: 1.8 a month needed"]
        table = dash.counts
        assert [table.horizontalHeaderItem(c).text() for c in range(table.columnCount())] == [
            "Station type", "Operating", "Suspended", "Closed", "Planned", "Total"]
        assert dash.bars.target_ticks[0] == (50.0, "50% past")
    finally:
        for translator in translators:
            QCoreApplication.removeTranslator(translator)


def test_dates_after_today_cannot_be_picked(county: tuple[Registry, list[tgt.TargetRow]],
                                            make_dash: Callable[..., DashboardTab]) -> None:
    reg, _ = county
    dash = make_dash(reg, COUNTY, today=D(2025, 1, 1))
    assert dash.date_edit.date() == QDate(2025, 1, 1)
    dash.date_edit.setDate(QDate(2025, 6, 1))
    assert dash.date_edit.date() == QDate(2025, 1, 1)


def test_provinces_are_named_by_their_short_names() -> None:
    def unit(name: str, level: int) -> cov.UnitCoverage:
        return cov.UnitCoverage("00", name, level, 1, 0)

    names = ["北京市", "内蒙古自治区", "黑龙江省", "广西壮族自治区", "西藏自治区", "宁夏回族自治区", "新疆维吾尔自治区"]
    assert [dashboard_data.bar_label(unit(n, 1)) for n in names] == [
        "北京", "内蒙古", "黑龙江", "广西", "西藏", "宁夏", "新疆"]
    assert dashboard_data.bar_label(unit("平罗县", 3)) == "平罗县"  # below a province: the official name
    assert dashboard_data.bar_label(unit("丰登镇", 4)) == "丰登镇"


def test_names_go_top_down_when_they_do_not_fit(county: tuple[Registry, list[tgt.TargetRow]], qtbot: QtBot) -> None:
    reg, (t1, *_rest) = county
    units = [u for u in cov.coverage(reg, COUNTY, on=TODAY).children if u.villages_total]
    chart = CoverageBarChart()
    qtbot.addWidget(chart)
    chart.resize(800, 320)
    settle_layout(chart)
    chart.show_units(units, [t1], t1, TODAY, "金凤区")
    chart.show()
    qtbot.waitUntil(lambda: chart.axis.drawn != [])
    assert chart.axis.layout_mode == "horizontal"
    assert all(label.isVisible() for label in chart.value_labels)
    chart.resize(300, 320)
    qtbot.waitUntil(lambda: chart.axis.layout_mode == "vertical")
    assert [name for _i, _r, name in chart.axis.drawn] == TOWNSHIP_NAMES
    widths = [rect.width() for _i, rect, _n in chart.axis.drawn]
    heights_ = [rect.height() for _i, rect, _n in chart.axis.drawn]
    assert min(heights_) > 4 * max(widths)  # columns of characters, not lines
    assert not any(label.isVisible() for label in chart.value_labels)  # "42.9%" no longer fits a bar
