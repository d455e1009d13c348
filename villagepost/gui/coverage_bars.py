"""Coverage of a scope's units as bars, with the scope's coverage targets as horizontal lines.

Each bar is one unit's rate (covered 建制村 / 建制村, in %). A bar is green when the unit is at or above
the reference target (the next coverage deadline; `DashboardData.reference_target`), orange when it is
below, blue when the scope has no coverage target at all. Target lines are dashed red, named on the
right-hand axis (value and deadline); targets whose deadline has passed are grey, so the eye goes to
what is still to be done.

Clicking a bar — anywhere in its column, so a 0% unit can be clicked too — or its name emits
`unit_clicked(code)`: the dashboard passes it on as a drill-down. Hovering shows the unit's figures.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

import pyqtgraph as pg
from PySide6.QtCore import QCoreApplication, QPointF, Qt, Signal
from PySide6.QtGui import QBrush, QColor, QCursor, QFontMetricsF
from PySide6.QtWidgets import QVBoxLayout, QWidget

from villagepost.gui import chart_style as style
from villagepost.gui.chart_axes import CategoryAxis
from villagepost.gui.dashboard_data import bar_label, bar_state
from villagepost.services.coverage import UnitCoverage
from villagepost.services.targets import TargetRow

translate = QCoreApplication.translate

#: bar width in category units (the rest is the gap between bars)
BAR_WIDTH = 0.7
#: top of the rate axis: a little above 100% so the 100% line and the labels on full bars stay inside
Y_MAX = 112.0
#: the x range holds at least this many bar slots
MIN_SLOTS = 4
_STATE_COLOURS = {"met": style.COLOUR_MET, "below": style.COLOUR_BELOW, "none": style.COLOUR_NEUTRAL}


def pct(rate: float) -> str:
    return f"{rate * 100:.1f}%"


class CoverageBarChart(QWidget):
    """The bar chart; `show_units` draws a list of units against targets."""

    unit_clicked = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.axis = CategoryAxis()
        self.plot = style.locked_plot(self, {"bottom": self.axis})
        self.plot.setObjectName("coverageBars")
        self.plot.setMinimumHeight(300)  # room for the bars when the names below them run top-down
        style.set_axis_label(self.plot, "left", translate("CoverageBarChart", "覆盖率（%）"))
        self.plot.getPlotItem().getAxis("left").setTicks([[(v, f"{v}%") for v in range(0, 101, 20)]])
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.plot)

        self.units: list[UnitCoverage] = []
        self.states: list[str] = []
        self.bars: pg.BarGraphItem | None = None
        self.value_labels: list[pg.TextItem] = []
        self.target_lines: list[pg.InfiniteLine] = []
        #: the right-hand axis' target names: (rate in %, text)
        self.target_ticks: list[tuple[float, str]] = []
        right = self.plot.getPlotItem().getAxis("right")
        right.setPen(style.pen(style.COLOUR_TARGET))
        right.setTextPen(style.pen(style.COLOUR_TARGET))
        right.setTickFont(style.chart_font())
        self._hover: int | None = None
        scene = self.plot.scene()
        scene.sigMouseClicked.connect(self._clicked)
        scene.sigMouseMoved.connect(self._moved)
        self.plot.getPlotItem().vb.sigResized.connect(self._place_value_labels)

    # --- drawing ---------------------------------------------------------------------------------
    def show_units(self, units: Sequence[UnitCoverage], targets: Sequence[TargetRow], reference: TargetRow | None,
                   on: dt.date, title: str) -> None:
        """Bars for `units`; a line per coverage target in `targets` (past ones grey); colours against
        `reference`."""
        item = self.plot.getPlotItem()
        for old in [self.bars, *self.value_labels, *self.target_lines]:
            if old is not None:
                item.removeItem(old)
        self.units = list(units)
        self.states = [bar_state(u.rate, reference) for u in self.units]
        self.value_labels, self.target_lines, self.bars = [], [], None
        style.set_title(self.plot, title)
        self.axis.set_labels([bar_label(u) for u in self.units])
        n = len(self.units)
        if n:
            brushes = [QBrush(_STATE_COLOURS[s]) for s in self.states]
            self.bars = pg.BarGraphItem(x=list(range(n)), height=[u.rate * 100 for u in self.units],
                                        width=BAR_WIDTH, brushes=brushes, pen=style.pen(QColor("white"), 0.5))
            item.addItem(self.bars)
            font = style.chart_font()
            for i, u in enumerate(self.units):
                label = pg.TextItem(pct(u.rate), color=style.COLOUR_AXIS, anchor=(0.5, 1.0))
                label.setFont(font)
                label.setPos(i, u.rate * 100)
                item.addItem(label)
                self.value_labels.append(label)
        self._target_axis(targets, on)
        pad = max(0.0, (MIN_SLOTS - n) / 2)  # one or two bars stay bar-shaped, not walls across the chart
        item.setXRange(-0.6 - pad, max(n, 1) - 0.4 + pad, padding=0)
        item.setYRange(0, Y_MAX, padding=0)
        self._place_value_labels()

    def _target_axis(self, targets: Sequence[TargetRow], on: dt.date) -> None:
        """A dashed line per target across the bars, named on the right-hand axis — outside the bars, so
        a name never hides a bar's top or its rate."""
        item = self.plot.getPlotItem()
        ticks = []
        for row in targets:
            past = row.deadline < on
            colour = style.COLOUR_TARGET_PAST if past else style.COLOUR_TARGET
            line = pg.InfiniteLine(pos=row.value * 100, angle=0, movable=False,
                                   pen=style.pen(colour, 1.5, Qt.PenStyle.DashLine))
            line.setZValue(10)
            item.addItem(line)
            self.target_lines.append(line)
            text = (translate("CoverageBarChart", "{rate} 已过期") if past
                    else translate("CoverageBarChart", "{rate} {day}")).format(
                rate=f"{row.value * 100:g}%", day=row.deadline.isoformat())
            ticks.append((row.value * 100, text))
        # targets of the same value share one tick (two names at one height overprint each other)
        merged: dict[float, list[str]] = {}
        for value, text in ticks:
            merged.setdefault(value, []).append(text)
        ticks = [(value, "；".join(texts)) for value, texts in merged.items()]
        self.target_ticks = ticks
        right = item.getAxis("right")
        right.setTicks([ticks])
        item.showAxis("right", show=bool(ticks))

    def _place_value_labels(self) -> None:
        """Rate labels on the bars: 75.0% when that fits a bar's width, else 75% (the target names on the
        right-hand axis take width, and the labels must not vanish once a target exists); hidden only when
        not even that fits (tooltips carry the figures then)."""
        if not self.value_labels:
            return
        vb = self.plot.getPlotItem().vb
        per_bar = abs(vb.mapViewToScene(QPointF(1, 0)).x() - vb.mapViewToScene(QPointF(0, 0)).x())
        metrics = QFontMetricsF(style.chart_font())
        full = metrics.horizontalAdvance("100.0%") + 4 <= per_bar
        short = metrics.horizontalAdvance("100%") + 2 <= per_bar
        for label, unit in zip(self.value_labels, self.units, strict=True):
            label.setText(pct(unit.rate) if full else f"{unit.rate * 100:.0f}%")
            label.setVisible(short)

    # --- mouse ------------------------------------------------------------------------------------
    def index_at(self, scene_pos: QPointF) -> int | None:
        """The bar whose column (or name under it) is at `scene_pos`, or None."""
        if not self.units:
            return None
        item = self.plot.getPlotItem()
        in_view = item.vb.sceneBoundingRect().contains(scene_pos)
        in_axis = self.axis.sceneBoundingRect().contains(scene_pos)
        if not (in_view or in_axis):
            return None
        x = item.vb.mapSceneToView(scene_pos).x()
        i = round(x)
        if 0 <= i < len(self.units) and abs(x - i) <= (BAR_WIDTH / 2 if in_view else 0.5):
            return i
        return None

    def bar_centre(self, index: int) -> QPointF:
        """The scene position of the middle of bar `index` (or of its column's foot for a 0% bar)."""
        vb = self.plot.getPlotItem().vb
        return vb.mapViewToScene(QPointF(index, max(self.units[index].rate * 100 / 2, 3.0)))

    def _clicked(self, event: object) -> None:
        if getattr(event, "button", lambda: None)() != Qt.MouseButton.LeftButton:
            return
        index = self.index_at(event.scenePos())  # type: ignore[attr-defined]
        if index is not None:
            event.accept()  # type: ignore[attr-defined]
            self.unit_clicked.emit(self.units[index].code)

    def _moved(self, scene_pos: QPointF) -> None:
        index = self.index_at(scene_pos)
        if index == self._hover:
            return
        self._hover = index
        if index is None:
            self.plot.setToolTip("")
            self.plot.unsetCursor()
            return
        self.plot.setCursor(QCursor(Qt.CursorShape.PointingHandCursor))
        self.plot.setToolTip(self.tooltip(index))

    def tooltip(self, index: int) -> str:
        u = self.units[index]
        return translate("CoverageBarChart", "{name}（{code}）\n建制村 {total} 个，已覆盖 {covered} 个，覆盖率 {rate}\n"
                                             "点击查看该单位").format(name=u.name, code=u.code, total=u.villages_total,
                                                                covered=u.villages_covered, rate=pct(u.rate))
