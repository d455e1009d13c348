"""The 统计 tab: where a scope stands on a day — headline, coverage of its units as bars against the targets,
the pacing curve with milestones and projection, the targets' pace with the lagging units, station counts.

How it fits the window (the lead wires it): `set_registry(reg)` when a database is opened,
`set_scope(code)` when the tree's selection changes ('' or None = the whole registry), and
`drill_down(code)` out when the user clicks a bar (or double-clicks a lagging unit) — the window then
selects that unit in the tree, which scopes every tab, this one included.

Why it reads this way:
* all database work is one job on the window's serial worker (`ops.TaskManager`): the three service
  calls run together, so the figures on screen are of one moment; the GUI thread only draws;
* a hidden tab only remembers its scope and reads when shown (clicking through the tree costs nothing
  here), and requests made while a read is running are coalesced into one read of the latest scope
  and day — a clerk clicking fast through twenty townships gets one or two reads, not twenty;
* charts are exported as PNG through a file dialog (`ask_save_path`, replaceable in tests).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QCoreApplication, QDate, Qt, QTimer, Signal
from PySide6.QtGui import QFont, QFontMetrics, QShowEvent
from PySide6.QtWidgets import (
    QFileDialog,
    QFrame,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from villagepost.core import clock
from villagepost.core.divisions import Level
from villagepost.core.errors import KnownError
from villagepost.core.messages import DEFAULT_LANG
from villagepost.gui import dashboard_messages as _messages  # noqa: F401  (registers the texts)
from villagepost.gui.dashboard_data import DashboardData, load_dashboard
from villagepost.gui.dashboard_panels import Headline, PaceTree, StationCountsTable, unit_text
from villagepost.gui.day_edit import DayEdit
from villagepost.gui.ops import BackgroundOp, TaskManager, default_failure, show_known_error
from villagepost.services.registry import Registry
from villagepost.services.targets import TargetRow

if TYPE_CHECKING:  # the charts (pyqtgraph, numpy) load when the tab is first shown: see _build_body
    from villagepost.gui.coverage_bars import CoverageBarChart
    from villagepost.gui.pacing_chart import PacingChart

translate = QCoreApplication.translate

#: pause after the date changes before reading (one read per pause, not per arrow click)
DATE_DELAY_MS = 250


def children_caption(level: int | None) -> str:
    """'各乡镇（街道）' for the units a chart of a county shows."""
    if not level:
        return ""
    return {
        Level.PROVINCE: translate("DashboardTab", "各省（自治区、直辖市）"),
        Level.CITY: translate("DashboardTab", "各市（州、盟）"),
        Level.COUNTY: translate("DashboardTab", "各县（市、区）"),
        Level.TOWNSHIP: translate("DashboardTab", "各乡镇（街道）"),
        Level.VILLAGE: translate("DashboardTab", "各村"),
    }[Level(level)]


def _qdate(day: dt.date) -> QDate:
    return QDate(day.year, day.month, day.day)


def _pydate(day: QDate) -> dt.date:
    return dt.date(day.year(), day.month(), day.day())


class DashboardTab(QWidget):
    """The dashboard of one scope; see the module docstring."""

    #: a unit's code, when the user asks to go to it (a bar, a lagging unit)
    drill_down = Signal(str)
    #: emitted when a read has been drawn (tests and the status bar wait for it)
    loaded = Signal()
    #: emitted after the targets were changed through the targets dialog
    targets_changed = Signal()

    # the body, made by _build_body when first needed
    headline: Headline
    bars: CoverageBarChart
    bars_box: QGroupBox
    bars_legend: QLabel
    bars_export: QPushButton
    curve: PacingChart
    curve_box: QGroupBox
    curve_legend: QLabel
    curve_export: QPushButton
    pace_tree: PaceTree
    pace_box: QGroupBox
    counts: StationCountsTable

    def __init__(self, registry: Registry | None, taskman: TaskManager, *, lang: str = DEFAULT_LANG,
                 today: Callable[[], dt.date] = clock.today, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("dashboardTab")
        self.registry = registry
        self.taskman = taskman
        self.lang = lang
        self.scope: str = ""
        self.data: DashboardData | None = None
        self._stale = True
        self._running = False
        self._queued = False
        self._last_dir = Path.home()
        #: file dialog for exports: suggested file name -> chosen path, or None when cancelled
        self.ask_save_path: Callable[[str], Path | None] = self._ask_save_path

        # -- top bar: title, day, actions ----------------------------------------------------------
        self.title = QLabel(self)
        self.title.setObjectName("dashboardTitle")
        font = QFont(self.title.font())
        font.setPointSizeF(font.pointSizeF() * 1.35)
        font.setBold(True)
        self.title.setFont(font)
        self._fix_line(self.title)
        self.date_edit = DayEdit(self, lang=lang)
        self.date_edit.setObjectName("dashboardDate")
        self.date_edit.setDate(_qdate(today()))
        self.date_edit.setMaximumDate(_qdate(today()))
        self.date_edit.setToolTip(self.tr("统计截至哪一天（默认今天）：覆盖率、曲线的最后一点、目标进度都按这一天计算"))
        self._date_timer = QTimer(self)
        self._date_timer.setSingleShot(True)
        self._date_timer.setInterval(DATE_DELAY_MS)
        self._date_timer.timeout.connect(self.reload)
        self.date_edit.dateChanged.connect(lambda _d: self._date_timer.start())
        self.targets_button = QPushButton(self.tr("编辑目标…"), self)
        self.targets_button.setObjectName("dashboardTargets")
        self.targets_button.clicked.connect(self.open_targets_dialog)
        self.refresh_button = QPushButton(self.tr("刷新"), self)
        self.refresh_button.clicked.connect(self.reload)
        top = QHBoxLayout()
        top.addWidget(self.title, 1)
        top.addWidget(QLabel(self.tr("截至"), self))
        top.addWidget(self.date_edit)
        top.addWidget(self.targets_button)
        top.addWidget(self.refresh_button)

        self.status = QLabel(self)
        self.status.setObjectName("dashboardStatus")
        self._fix_line(self.status)

        self.scroll_area = QScrollArea(self)
        self.scroll_area.setWidgetResizable(True)
        self.scroll_area.setFrameShape(QFrame.Shape.NoFrame)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.addLayout(top)
        layout.addWidget(self.status)
        layout.addWidget(self.scroll_area, 1)
        self._body_built = False
        self._update_actions()

    def _build_body(self) -> None:
        """The headline, the two charts, the targets' pace and the counts — built when the tab is first
        shown (or drawn), not with the window: pyqtgraph and numpy take about a second to import, which
        the window's first paint does not wait for."""
        if self._body_built:
            return
        self._body_built = True
        from villagepost.gui.coverage_bars import CoverageBarChart
        from villagepost.gui.pacing_chart import PacingChart

        lang = self.lang
        # -- body -------------------------------------------------------------------------------
        body = QWidget(self)
        column = QVBoxLayout(body)
        column.setContentsMargins(0, 0, 6, 0)
        self.headline = Headline(body)
        column.addWidget(self.headline)

        self.bars = CoverageBarChart(body)
        self.bars.unit_clicked.connect(self.drill_down)
        self.bars_box, self.bars_legend, self.bars_export = self._chart_box(body, self.bars, "bars")
        column.addWidget(self.bars_box)

        self.curve = PacingChart(body)
        self.curve_box, self.curve_legend, self.curve_export = self._chart_box(body, self.curve, "curve")
        column.addWidget(self.curve_box)

        self.pace_tree = PaceTree(body)
        self.pace_tree.unit_activated.connect(self.drill_down)
        self.pace_tree.lang = lang
        self.pace_box = QGroupBox(self.tr("目标与进度"), body)
        QVBoxLayout(self.pace_box).addWidget(self.pace_tree)
        column.addWidget(self.pace_box)
        self.counts = StationCountsTable(body)
        counts_box = QGroupBox(self.tr("站点数（按类型、状态）"), body)
        QVBoxLayout(counts_box).addWidget(self.counts)
        column.addWidget(counts_box)
        column.addStretch(1)  # a village shows less: the rest stays at the top, not spread out
        self.scroll_area.setWidget(body)
        if self.scroll_area.isVisible():
            body.show()
        self._update_actions()

    @staticmethod
    def _fix_line(label: QLabel) -> None:
        """One line of fixed height whose width follows the window: a new text (a long unit name, an
        error, an export path) never changes the window's size constraints — which would make the
        platform renegotiate the window's size (on the offscreen platform: a Qt warning)."""
        label.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Fixed)
        label.setFixedHeight(QFontMetrics(label.font()).height() + 4)
        label.setWordWrap(False)

    def _chart_box(self, parent: QWidget, chart: QWidget, name: str) -> tuple[QGroupBox, QLabel, QPushButton]:
        """A frame holding a chart (its title is inside the plot, so exported images carry it), a line
        saying how to read it, and its export button."""
        box = QGroupBox(parent)
        box.setObjectName(f"{name}Box")
        legend = QLabel(box)
        legend.setObjectName(f"{name}Legend")
        legend.setWordWrap(True)
        export = QPushButton(self.tr("导出图片…"), box)
        export.setObjectName(f"{name}Export")
        export.setToolTip(self.tr("把这张图保存为 PNG 图片（可插入汇报材料）"))
        export.clicked.connect(lambda: self.export_chart(name))
        row = QHBoxLayout()
        row.addWidget(legend, 1)
        row.addWidget(export, 0, Qt.AlignmentFlag.AlignTop)
        layout = QVBoxLayout(box)
        layout.addLayout(row)
        layout.addWidget(chart, 1)
        return box, legend, export

    # --- what the window calls ---------------------------------------------------------------------
    def set_registry(self, registry: Registry) -> None:
        """Another database was opened: show its whole registry when next visible."""
        self.registry = registry
        self.scope = ""
        self.data = None
        self.mark_stale()

    def set_scope(self, code: str | None) -> None:
        """Show unit `code` ('' or None: the whole registry); read now only if visible."""
        scope = code or ""
        if scope == self.scope and not self._stale and self.data is not None:
            return
        self.scope = scope
        self.mark_stale()

    def set_date(self, day: dt.date) -> None:
        """Show the figures as of `day` (the 截至 field)."""
        self.date_edit.setMaximumDate(max(self.date_edit.maximumDate(), _qdate(day)))
        self.date_edit.setDate(_qdate(day))
        self._date_timer.stop()
        self.mark_stale()

    @property
    def on(self) -> dt.date:
        return _pydate(self.date_edit.date())

    def mark_stale(self) -> None:
        """The data changed (an import, an edit): re-read when next shown (now, if visible)."""
        self._stale = True
        if self.isVisible():
            self.reload()

    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802 (Qt override)
        self._build_body()
        super().showEvent(event)
        if self._stale:
            self.reload()

    # --- reading ---------------------------------------------------------------------------------
    def reload(self) -> None:
        """Read the scope on the day shown (on the worker); a request during a read waits for it."""
        self._date_timer.stop()
        if self.registry is None:
            return
        self._stale = False
        if self._running:
            self._queued = True
            return
        self._running = True
        registry, scope, on = self.registry, self.scope, self.on
        self.status.setStyleSheet("")
        self.status.setText(self.tr("正在统计…"))
        (BackgroundOp(self, self.taskman, lambda _ctx: load_dashboard(registry, scope, on), lang=self.lang)
         .success(lambda data: self._read((registry, scope, on), data))
         .failure(lambda exc: self._failed((registry, scope, on), exc))
         .run_in_background())

    def _current(self) -> tuple[Registry | None, str, dt.date]:
        return self.registry, self.scope, self.on

    def _read(self, request: tuple[Registry, str, dt.date], data: DashboardData) -> None:
        self._running = False
        if self._queued or request != self._current():
            self._queued = False
            self.reload()
            return
        self.show_data(data)
        self.loaded.emit()

    def _failed(self, request: tuple[Registry, str, dt.date], exc: BaseException) -> None:
        self._running = False
        if self._queued or request != self._current():
            self._queued = False
            self.reload()
            return
        if isinstance(exc, KnownError):
            self.status.setStyleSheet("color: #b00020;")
            self.status.setText(exc.message(self.lang))
            self.status.setToolTip(exc.message(self.lang))
            self.loaded.emit()
            return
        self.status.setText("")
        default_failure(self, exc, self.lang)

    # --- drawing ---------------------------------------------------------------------------------
    def show_data(self, data: DashboardData) -> None:
        self._build_body()
        self.data = data
        r = data.coverage
        day = data.on.isoformat()
        name = unit_text(r.name, r.scope)
        self.title.setText(self.tr("{unit} 统计").format(unit=name))
        self.status.setStyleSheet("")
        self.status.setText("")
        self.headline.show_data(data)

        caption = children_caption(r.children_level)
        reference = data.reference_target()
        units = data.bar_units()
        self.bars_box.setVisible(not data.is_village)
        self.bars.show_units(units, [row for row, _p in data.coverage_paces()], reference, data.on,
                             self.tr("{unit} {children}建制村覆盖率  {day}").format(unit=r.name, children=caption,
                                                                              day=day))
        legend = [self._bar_legend(reference)]
        empty = data.units_without_villages()
        if empty:
            legend.append(self.tr("另有 {n} 个单位没有建制村（如只有居委会的街道），未画出：{names}。").format(
                n=len(empty), names="、".join(u.name for u in empty[:6]) + ("等" if len(empty) > 6 else "")))
        if units:
            legend.append(self.tr("点击柱子查看该单位。"))
        self.bars_legend.setText("".join(legend))

        self.curve_box.setVisible(data.pacing is not None)
        if data.pacing is not None:
            self.curve.show_report(data.pacing, self.tr("{unit} 建制村覆盖率进度  截至 {day}").format(
                unit=r.name, day=day))
            self.curve_legend.setText(self._curve_legend(data))
        self.pace_box.setVisible(data.pacing is not None)
        self.pace_tree.show_report(data.pacing)
        # room for a few targets with their lagging units; one line when there is nothing to list
        self.pace_tree.setMinimumHeight(260 if data.pacing is not None and data.pacing.paces else 80)
        self.counts.show_counts(data)
        self._update_actions()

    def _bar_legend(self, reference: TargetRow | None) -> str:
        if reference is None:
            return self.tr("还没有覆盖率目标：柱子为蓝色。设定目标后，达到目标的为绿色，未达到的为橙色。")
        return self.tr("绿色：已达到目标 {rate}（{day}）；橙色：未达到；虚线：各覆盖率目标（右侧标注）。").format(
            rate=f"{reference.value * 100:g}%", day=reference.deadline.isoformat())

    def _curve_legend(self, data: DashboardData) -> str:
        assert data.pacing is not None
        parts = [self.tr("蓝线：每月末累计覆盖率（最后一点为截至日）；星号：目标；紫色虚线：按近 6 个月平均速度预测。")]
        if data.pacing.inherited_from is not None and data.pacing.paces:
            owner = data.pacing.paces[0][0]
            parts.append(self.tr("本单位没有自己的目标，沿用{owner}的覆盖率目标。").format(
                owner=unit_text(owner.scope_name, owner.scope)))
        if self.curve.note:
            parts.append(self.curve.note + "。")
        return "".join(parts)

    def _update_actions(self) -> None:
        data = self.data
        may_target = data is not None and 0 < data.coverage.level < Level.VILLAGE
        self.targets_button.setEnabled(may_target)
        self.targets_button.setToolTip(self.tr("设定、修改、删除本单位的覆盖率或站点数目标") if may_target else
                                       self.tr("目标定在省、市、县或乡镇：请先在左侧选择这样的单位"))
        if self._body_built:
            self.bars_export.setEnabled(data is not None and bool(data.bar_units()))
            self.curve_export.setEnabled(data is not None and data.pacing is not None)

    # --- exports -----------------------------------------------------------------------------------
    def _ask_save_path(self, suggested: str) -> Path | None:
        path, _filter = QFileDialog.getSaveFileName(self, self.tr("导出图片"), str(self._last_dir / suggested),
                                                    self.tr("PNG 图片 (*.png)"))
        return Path(path) if path else None

    def suggested_name(self, which: str) -> str:
        assert self.data is not None
        r = self.data.coverage
        kind = self.tr("覆盖率") if which == "bars" else self.tr("进度曲线")
        return f"{r.name}_{kind}_{self.data.on.isoformat()}.png"

    def export_chart(self, which: str) -> Path | None:
        """Save chart `which` ('bars' or 'curve') as PNG where the user says; returns the path written."""
        if self.data is None:
            return None
        path = self.ask_save_path(self.suggested_name(which))
        if path is None:
            return None
        if path.suffix.lower() != ".png":
            path = path.with_name(path.name + ".png")
        from villagepost.gui import chart_style

        self._build_body()
        chart = self.bars.plot if which == "bars" else self.curve.plot
        try:
            chart_style.export_png(chart, path)
        except KnownError as exc:
            show_known_error(self, exc, self.lang)
            return None
        self._last_dir = path.parent
        self.status.setStyleSheet("")
        self.status.setText(self.tr("已导出图片：{path}").format(path=str(path)))
        return path

    # --- targets -----------------------------------------------------------------------------------
    def open_targets_dialog(self) -> QWidget | None:
        """The targets editor for the scope shown (window-modal); the dashboard re-reads after changes."""
        if self.registry is None or self.data is None or not self.targets_button.isEnabled():
            return None
        from villagepost.gui.targets_editor import TargetsDialog

        r = self.data.coverage
        dialog = TargetsDialog(self.registry, self.taskman, r.scope, scope_name=r.name, lang=self.lang, parent=self)
        dialog.targets_changed.connect(self._targets_changed)
        dialog.finished.connect(dialog.deleteLater)
        dialog.open()
        return dialog

    def _targets_changed(self) -> None:
        self.targets_changed.emit()
        self.mark_stale()
