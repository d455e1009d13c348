"""What the dashboard's charts share: the CJK font, colours and pens, a plain white plot, PNG export.

Why a font of our own for pyqtgraph: axis ticks, target labels and titles are painted by pyqtgraph with
the QFont it is given, not through widgets that inherit the application font. Giving them the bundled
CJK family first (gui/fonts.py) means 丰登镇 renders on a PC whose system fonts have no hanzi — and
also in tests and exports, where the application font may never have been installed.

Why plots are locked (no pan, zoom or context menu): a clerk drags a bar to click it, not to scroll the
chart away; an accidentally panned chart looks like wrong numbers. The view ranges are set from the data.
"""

from __future__ import annotations

from pathlib import Path

import pyqtgraph as pg
from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QColor, QFont, QGuiApplication, QImage, QPainter, QPen
from PySide6.QtWidgets import QWidget

from villagepost.core.errors import KnownError
from villagepost.gui import dashboard_messages as _messages  # noqa: F401  (registers the texts)
from villagepost.gui import fonts

#: bar colours: at or above the nearest target, below it, and no target to compare with
COLOUR_MET = QColor("#2e7d32")
COLOUR_BELOW = QColor("#e07b00")
COLOUR_NEUTRAL = QColor("#3f6fb5")
#: target lines and milestones (upcoming / already past)
COLOUR_TARGET = QColor("#c62828")
COLOUR_TARGET_PAST = QColor("#9e9e9e")
COLOUR_ACTUAL = QColor("#1f4e9c")
COLOUR_PROJECTION = QColor("#6a1b9a")
COLOUR_TODAY = QColor("#757575")
COLOUR_AXIS = QColor("#424242")
COLOUR_GRID_ALPHA = 0.15

#: width of an exported PNG in pixels (sharp enough for a Word report or a slide)
EXPORT_WIDTH = 1600

_families: list[str] | None = None


def chart_families() -> list[str]:
    """Font families for chart text: the bundled CJK family first, then the application's own."""
    global _families
    if _families is None:
        registered = fonts.register_bundled_font()
        primary = [fonts.FONT_FAMILY] if fonts.FONT_FAMILY in registered else registered[:1]
        app_families = [f for f in QGuiApplication.font().families() if f and f not in primary]
        _families = primary + app_families
    return _families


def chart_font(point_size: float | None = None, *, bold: bool = False) -> QFont:
    """A QFont for chart text (ticks, labels, titles) that renders hanzi."""
    font = QFont(QGuiApplication.font())
    families = chart_families()
    if families:
        font.setFamilies(families)
    if point_size is not None:
        font.setPointSizeF(point_size)
    font.setBold(bold)
    return font


def pen(colour: QColor, width: float = 1.0, style: Qt.PenStyle = Qt.PenStyle.SolidLine) -> QPen:
    p = QPen(colour)
    p.setWidthF(width)
    p.setStyle(style)
    p.setCosmetic(True)  # the width is in pixels whatever the view's scale
    return p


def locked_plot(parent: QWidget | None, axis_items: dict[str, pg.AxisItem]) -> pg.PlotWidget:
    """A white PlotWidget with the given axes, chart fonts, no mouse pan/zoom, no menu, no 'A' button."""
    widget = pg.PlotWidget(parent=parent, background="w", axisItems=axis_items)
    item = widget.getPlotItem()
    item.setMenuEnabled(False)
    item.hideButtons()
    item.setMouseEnabled(x=False, y=False)
    item.vb.setMouseEnabled(x=False, y=False)
    item.showGrid(x=False, y=True, alpha=COLOUR_GRID_ALPHA)
    item.setContentsMargins(4, 4, 16, 4)  # the right-hand axis' last characters stay inside the image
    tick_font = chart_font()
    for name in ("left", "bottom"):
        axis = item.getAxis(name)
        axis.setPen(pen(COLOUR_AXIS))
        axis.setTextPen(pen(COLOUR_AXIS))
        axis.setTickFont(tick_font)
        axis.label.setFont(chart_font())
    return widget


def set_title(widget: pg.PlotWidget, text: str) -> None:
    """The plot's title (kept in exported images, so a PNG pasted into a report says what it shows)."""
    item = widget.getPlotItem()
    item.setTitle(text, color=COLOUR_AXIS.name(), size=f"{chart_font().pointSizeF() * 1.15:.1f}pt")
    item.titleLabel.item.setFont(chart_font(bold=True))


def set_axis_label(widget: pg.PlotWidget, name: str, text: str) -> None:
    axis = widget.getPlotItem().getAxis(name)
    axis.setLabel(text, color=COLOUR_AXIS.name())
    axis.label.setFont(chart_font())


def export_png(widget: pg.PlotWidget, path: Path, width: int = EXPORT_WIDTH) -> Path:
    """Write the chart as a PNG `width` pixels wide (height in the on-screen proportion); returns the path.

    The plot item's part of the scene is rendered into a QImage whose device pixel ratio makes it
    `width` pixels wide: the PNG looks like the screen, only sharper. pyqtgraph's ImageExporter
    scales the painter instead, which leaves its legends and text labels (items that ignore
    transformations) at screen size in a big image. A file that cannot be written is a KnownError
    (read-only folder, full disk): the user
    picks another place.
    """
    source = widget.getPlotItem().sceneBoundingRect()
    if source.width() < 1 or source.height() < 1:
        raise KnownError("dashboard.export_empty")
    # Drawn at the on-screen size onto an image with a higher pixel ratio: every item, including those
    # pyqtgraph keeps unscaled (legends, text labels), grows by the same factor.
    ratio = width / source.width()
    image = QImage(round(source.width() * ratio), round(source.height() * ratio), QImage.Format.Format_ARGB32)
    image.setDevicePixelRatio(ratio)
    image.fill(QColor("white"))
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setRenderHint(QPainter.RenderHint.TextAntialiasing)
    widget.scene().render(painter, QRectF(0, 0, source.width(), source.height()), source)
    painter.end()
    if not image.save(str(path), "PNG"):  # type: ignore[call-overload]  # the stubs say bytes; PySide takes str
        raise KnownError("dashboard.export_failed", path=str(path))
    return path
