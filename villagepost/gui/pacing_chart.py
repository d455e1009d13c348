"""The pacing curve: covered 建制村 (in %) at each month end, the targets as milestones, and the projection.

All values are the pacing report's (`services.pacing.pacing`, the CLI's `villagepost pacing`):

* the actual curve is `report.curve` — month ends, then the day shown as the last point;
* each coverage target is a star at (deadline, value) — red while ahead, grey once the deadline has
  passed — labelled with its value;
* the projection is a dashed line from today's figure at the trailing rate (the average monthly
  increase over the last six complete months, `Pace.trailing_per_month`) to 100% on
  `Pace.projected_full`. When that lies far beyond the last deadline the line is cut at the chart's
  edge and its end date is written there; when the trailing rate is zero or falling there is no line,
  and the chart says 按当前进度无法实现 instead;
* a dotted vertical line marks the day shown (截至), its label at the foot of the line, where no target
  label (beside its star, at the target's height) can sit; a note without a projection line goes to
  the bottom left, away from it.
* a target whose deadline has passed is a grey star only: no line leads to or from it.

Station-count targets are not drawn here (their unit is stations, not a share of 建制村); the pace list
next to the charts gives their figures.
"""

from __future__ import annotations

import datetime as dt

import pyqtgraph as pg
from PySide6.QtCore import QCoreApplication, QPointF, Qt
from PySide6.QtGui import QBrush
from PySide6.QtWidgets import QVBoxLayout, QWidget

from villagepost.core.coverage import add_months
from villagepost.core.pacing import Measure, rate_text
from villagepost.gui import chart_style as style
from villagepost.gui.chart_axes import MonthAxis
from villagepost.services.pacing import PacingReport

translate = QCoreApplication.translate

#: top of the rate axis (room for the milestone labels above 100%)
Y_MAX = 112.0
#: the projection is drawn at most this many months past the last deadline (or the day shown)
PROJECTION_MONTHS = 36
#: room left and right of the data, days
_MARGIN_DAYS = 20


def _x(day: dt.date) -> float:
    return float(day.toordinal())


class PacingChart(QWidget):
    """The curve chart; `show_report` draws one pacing report."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.axis = MonthAxis()
        self.plot = style.locked_plot(self, {"bottom": self.axis})
        self.plot.setObjectName("pacingCurve")
        self.plot.setMinimumHeight(260)
        style.set_axis_label(self.plot, "left", translate("PacingChart", "覆盖率（%）"))
        self.plot.getPlotItem().getAxis("left").setTicks([[(v, f"{v}%") for v in range(0, 101, 20)]])
        self.legend = self.plot.getPlotItem().addLegend(
            offset=(8, 8), labelTextSize=f"{style.chart_font().pointSizeF():.1f}pt", labelTextColor=style.COLOUR_AXIS)
        self.legend.setBrush(QBrush(style.QColor(255, 255, 255, 220)))
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.plot)
        self._items: list[pg.GraphicsObject] = []
        self.labels: list[pg.TextItem] = []
        #: what was drawn, in data coordinates (x = date ordinal, y = %): for tests and tooltips
        self.actual: list[tuple[dt.date, float]] = []
        self.milestones: list[tuple[dt.date, float, bool]] = []
        self.projection: list[tuple[dt.date, float]] = []
        self.note = ""
        self.report: PacingReport | None = None
        self.plot.scene().sigMouseMoved.connect(self._moved)

    def clear(self) -> None:
        item = self.plot.getPlotItem()
        for old in self._items:
            item.removeItem(old)
        self._items = []
        self.labels = []
        self.legend.clear()
        self.actual, self.milestones, self.projection, self.note = [], [], [], ""
        self.report = None

    def _add(self, graphics: pg.GraphicsObject) -> None:
        self.plot.getPlotItem().addItem(graphics)
        self._items.append(graphics)

    def _text(self, text: str, colour: style.QColor, anchor: tuple[float, float],
              pos: tuple[float, float]) -> pg.TextItem:
        label = pg.TextItem(text, color=colour, anchor=anchor)
        label.setFont(style.chart_font())
        label.setPos(*pos)
        self._add(label)
        self.labels.append(label)
        return label

    def overlapping_labels(self) -> list[tuple[str, str]]:
        """Pairs of labels whose drawn text overlaps (tests, and the screenshot check)."""
        drawn = [(label.toPlainText(), label.mapRectToScene(label.boundingRect())) for label in self.labels]
        return [(a, b) for i, (a, ra) in enumerate(drawn) for b, rb in drawn[i + 1:] if ra.intersects(rb)]

    def _legend_fonts(self) -> None:
        for _sample, label in self.legend.items:
            label.item.setFont(style.chart_font())

    def show_report(self, report: PacingReport, title: str) -> None:
        self.clear()
        self.report = report
        style.set_title(self.plot, title)
        today = report.today
        total = report.villages_total
        self.actual = [(p.month_end, p.rate * 100) for p in report.curve]
        xs = [_x(d) for d, _ in self.actual]
        ys = [v for _, v in self.actual]
        actual = pg.PlotDataItem(xs, ys, pen=style.pen(style.COLOUR_ACTUAL, 2.2), symbol="o", symbolSize=5,
                                 symbolBrush=style.COLOUR_ACTUAL, symbolPen=style.pen(style.COLOUR_ACTUAL),
                                 name=translate("PacingChart", "实际覆盖率（月末）"))
        self._add(actual)

        coverage = [(row, p) for row, p in report.paces if row.measure is Measure.COVERAGE_RATE]
        self.milestones = [(row.deadline, row.value * 100, row.deadline < today) for row, _p in coverage]
        if self.milestones:
            upcoming = [(_x(d), v) for d, v, past in self.milestones if not past]
            past = [(_x(d), v) for d, v, was in self.milestones if was]
            for points, colour, name in ((upcoming, style.COLOUR_TARGET, translate("PacingChart", "目标")),
                                         (past, style.COLOUR_TARGET_PAST, translate("PacingChart", "已过期的目标"))):
                if not points:
                    continue
                stars = pg.ScatterPlotItem([x for x, _ in points], [y for _, y in points], symbol="star", size=16,
                                           brush=QBrush(colour), pen=style.pen(colour), name=name)
                self._add(stars)
            left_of: tuple[dt.date, float] | None = None
            for day, value, was in sorted(self.milestones):
                colour = style.COLOUR_TARGET_PAST if was else style.COLOUR_TARGET
                # left of the star; right of it when the star before is close (its label would be covered)
                near = left_of is not None and (day - left_of[0]).days < 75 and abs(value - left_of[1]) < 10
                self._text(f"{value:g}%", colour, (-0.25, 0.5) if near else (1.25, 0.5), (_x(day), value))
                left_of = None if near else (day, value)

        last_deadline = max([d for d, _v, _p in self.milestones] + [today])
        horizon = add_months(last_deadline, 1)
        if coverage and total:
            pace = coverage[0][1]  # the trailing rate and projected_full are the scope's, the same for every target
            start = pace.achieved / total * 100
            if pace.projected_full is None:
                self.note = translate("PacingChart", "按当前进度无法实现（近 {n} 个月平均每月新增 {rate} 个）").format(
                    n=pace.trailing_months, rate=rate_text(pace.trailing_per_month))
            elif pace.projected_full > today:
                limit = add_months(last_deadline, PROJECTION_MONTHS)
                end = min(pace.projected_full, limit)
                share = (end - today).days / (pace.projected_full - today).days
                value = start + (100 - start) * share
                self.projection = [(today, start), (end, value)]
                horizon = max(horizon, add_months(end, 1))
                line = pg.PlotDataItem([_x(today), _x(end)], [start, value],
                                       pen=style.pen(style.COLOUR_PROJECTION, 2, Qt.PenStyle.DashLine),
                                       name=translate("PacingChart", "按近 6 个月速度预测"))
                self._add(line)
                self.note = translate("PacingChart", "按此进度 {day} 全部覆盖").format(
                    day=pace.projected_full.isoformat())

        # the day's name at the top, right of the line (the legend sits top left, milestones further right)
        today_line = pg.InfiniteLine(pos=_x(today), angle=90, movable=False,
                                     pen=style.pen(style.COLOUR_TODAY, 1, Qt.PenStyle.DotLine))
        self._add(today_line)
        self._text(translate("PacingChart", "截至 {day}").format(day=today.isoformat()), style.COLOUR_TODAY,
                   (-0.03, 1.0), (_x(today), 1.0))
        self._legend_fonts()

        first = report.curve[0].month_end if report.curve else today
        item = self.plot.getPlotItem()
        right_edge = _x(horizon) + _MARGIN_DAYS
        item.setXRange(_x(first) - _MARGIN_DAYS, right_edge, padding=0)
        if self.note and self.projection:  # bottom right: below a rising projection, where the chart is empty
            self._text(self.note, style.COLOUR_PROJECTION, (1.0, 1.0), (right_edge, 2.0))
        elif self.note:  # no projection: bottom left, away from the 截至 label near the right
            self._text(self.note, style.COLOUR_PROJECTION, (0.0, 1.0), (_x(first) - _MARGIN_DAYS, 2.0))
        item.setYRange(0, Y_MAX, padding=0)

    def _moved(self, scene_pos: QPointF) -> None:
        """Hovering near a month's point shows its figures."""
        if self.report is None or not self.report.curve:
            return
        vb = self.plot.getPlotItem().vb
        if not vb.sceneBoundingRect().contains(scene_pos):
            self.plot.setToolTip("")
            return
        x = vb.mapSceneToView(scene_pos).x()
        point = min(self.report.curve, key=lambda p: abs(_x(p.month_end) - x))
        if abs(_x(point.month_end) - x) > 16:
            self.plot.setToolTip("")
            return
        self.plot.setToolTip(translate("PacingChart", "{day}：已覆盖 {covered} / {total} 个建制村（{rate}）").format(
            day=point.month_end.isoformat(), covered=point.covered, total=point.total, rate=f"{point.rate * 100:.1f}%"))
