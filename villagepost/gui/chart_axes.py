"""Axes for the dashboard: unit names under bars, months under a time curve.

pyqtgraph's stock axes number things; ours name them. Two problems they solve:

* **Names under bars.** A county's townships are 3–7 hanzi each and a province can have 30 units: written
  side by side they overlap. `CategoryAxis` writes each name horizontally when every name fits its
  bar's width, otherwise top-down one character per line (the way Chinese is written in narrow
  columns anyway, and readable without tilting the head), longest names shortened with "…", and
  when even a column of characters is wider than a bar it labels every second (third, …) bar. The axis
  grows to the height the names need.
* **Months.** `MonthAxis` takes day ordinals (date.toordinal()) and puts ticks on the first of a
  month, every 1, 2, 3, 6 or 12 months (or years) so labels never collide, written 2024-03 (or 2024年
  for yearly ticks) — locale-independent, unlike DateAxisItem's English month names.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Sequence
from typing import Any

import pyqtgraph as pg
from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QFontMetricsF, QPainter

#: longest name written top-down before it is shortened with "…"
MAX_VERTICAL_CHARS = 6
#: space between horizontal names, pixels
_GAP = 6
#: month steps the time axis may use, smallest first
MONTH_STEPS = (1, 2, 3, 6, 12, 24, 60)


def vertical_text(name: str, limit: int = MAX_VERTICAL_CHARS) -> str:
    """'满城北街街道' → one character per line; longer than `limit` → first limit−1 characters and '…'."""
    chars = list(name)
    if len(chars) > limit:
        chars = [*chars[: limit - 1], "…"]
    return "\n".join(chars)


class CategoryAxis(pg.AxisItem):
    """A bottom axis naming category i at x = i (the bars of a BarGraphItem drawn at 0, 1, 2, …)."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__("bottom", **kwargs)
        self.setStyle(tickLength=0)  # the names stand under their bars; tick marks would cross them
        self.labels: list[str] = []
        #: how the names were last written: "horizontal" or "vertical", and every how-many-th was named
        self.layout_mode = "horizontal"
        self.label_step = 1
        #: the rectangles and texts last drawn (for tests and for clicks on a name)
        self.drawn: list[tuple[int, QRectF, str]] = []

    def set_labels(self, labels: Sequence[str]) -> None:
        self.labels = list(labels)
        self.picture = None
        self.update()

    # --- ticks: one per category, no text of pyqtgraph's own ------------------------------------
    def tickValues(self, min_val: float, max_val: float, size: float) -> list[tuple[float, list[float]]]:  # noqa: N802
        first, last = max(0, math.ceil(min_val)), min(len(self.labels) - 1, math.floor(max_val))
        return [(1.0, [float(i) for i in range(first, last + 1)])]

    def tickStrings(self, values: list[float], scale: float, spacing: float) -> list[str]:  # noqa: N802
        return ["" for _ in values]

    # --- names ------------------------------------------------------------------------------------
    def _x_pixels(self, index: float) -> float | None:
        view = self.linkedView()
        if view is None:
            return None
        return self.mapFromScene(view.mapViewToScene(QPointF(index, 0))).x()

    def generateDrawSpecs(self, p: QPainter) -> Any:  # noqa: N802
        specs = super().generateDrawSpecs(p)
        if specs is None or not self.labels:
            self.drawn = []
            return specs
        axis_spec, tick_specs, _empty_texts = specs
        x0, x1 = self._x_pixels(0), self._x_pixels(1)
        if x0 is None or x1 is None:
            return specs
        per_bar = abs(x1 - x0)
        metrics = QFontMetricsF(self.style["tickFont"] or p.font())
        top = self.boundingRect().top() + max(0, self.style["tickLength"]) + self.style["tickTextOffset"][1]
        widest = max(metrics.horizontalAdvance(name) for name in self.labels)
        texts: list[tuple[QRectF, Any, str]] = []
        drawn: list[tuple[int, QRectF, str]] = []
        flags = Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop | Qt.TextFlag.TextDontClip
        if widest + _GAP <= per_bar:
            self.layout_mode, self.label_step = "horizontal", 1
            height = metrics.height()
            for i, name in enumerate(self.labels):
                x = self._x_pixels(i)
                assert x is not None
                rect = QRectF(x - per_bar / 2, top, per_bar, height)
                texts.append((rect, flags, name))
                drawn.append((i, rect, name))
        else:
            self.layout_mode = "vertical"
            column = max(metrics.horizontalAdvance(ch) for name in self.labels for ch in name) + 2
            self.label_step = max(1, math.ceil(column / max(per_bar, 1e-6)))
            longest = min(MAX_VERTICAL_CHARS, max(len(name) for name in self.labels))
            height = longest * metrics.lineSpacing()
            for i, name in enumerate(self.labels):
                if i % self.label_step:
                    continue
                x = self._x_pixels(i)
                assert x is not None
                text = vertical_text(name)
                rect = QRectF(x - column / 2, top, column, height)
                texts.append((rect, flags, text))
                drawn.append((i, rect, name))
        self.drawn = drawn
        needed = math.ceil(top - self.boundingRect().top() + height + 4)
        if self.fixedHeight is None or abs(self.fixedHeight - needed) > 1:
            self.setHeight(needed)  # the layout gives the axis its height on the next pass
        return axis_spec, tick_specs, texts


def _first_of_month(ordinal: float) -> dt.date:
    day = dt.date.fromordinal(max(1, math.floor(ordinal)))
    return day.replace(day=1)


def _add_months(day: dt.date, months: int) -> dt.date:
    index = day.year * 12 + day.month - 1 + months
    return dt.date(index // 12, index % 12 + 1, 1)


class MonthAxis(pg.AxisItem):
    """A bottom axis over day ordinals with ticks on the first of every `step` months (see module doc)."""

    #: minimum pixels between two month ticks (the label "2024-03" and some air)
    MIN_SPACING = 64

    def __init__(self, **kwargs: Any) -> None:
        super().__init__("bottom", **kwargs)
        self.step_months = 1

    def tickValues(self, min_val: float, max_val: float, size: float) -> list[tuple[float, list[float]]]:  # noqa: N802
        if max_val <= min_val or size <= 0:
            return []
        px_per_month = size / ((max_val - min_val) / 30.44)
        spacing = self.MIN_SPACING * max(1.0, self._font_scale())
        self.step_months = next((s for s in MONTH_STEPS if s * px_per_month >= spacing), MONTH_STEPS[-1])
        day = _first_of_month(min_val)
        if day.toordinal() < min_val:
            day = _add_months(day, 1)
        values: list[float] = []
        while day.toordinal() <= max_val:
            index = day.year * 12 + day.month - 1
            if index % self.step_months == 0:
                values.append(float(day.toordinal()))
            day = _add_months(day, 1)
        return [(self.step_months * 30.44, values)]

    def _font_scale(self) -> float:
        font = self.style["tickFont"]
        if font is None:
            return 1.0
        return QFontMetricsF(font).horizontalAdvance("2024-03") / 50

    def tickStrings(self, values: list[float], scale: float, spacing: float) -> list[str]:  # noqa: N802
        out = []
        for value in values:
            day = dt.date.fromordinal(int(value))
            out.append(f"{day.year}年" if self.step_months >= 12 else f"{day.year}-{day.month:02d}")
        return out
