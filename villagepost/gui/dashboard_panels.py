"""The 统计 tab's panels around the charts: the headline figures, the targets with their pace and lagging
units, and the station counts by type and status.

The texts say what `villagepost pacing` prints, in the same words, so a clerk who reads both sees the
same sentences; the figures are the pacing report's, never recomputed here.
"""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, Qt, Signal
from PySide6.QtGui import QBrush, QColor, QFont
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFrame,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QTableWidget,
    QTableWidgetItem,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from villagepost.core.messages import DEFAULT_LANG
from villagepost.core.pacing import Measure, Pace, count_text, rate_text
from villagepost.core.stations import StationStatus
from villagepost.gui.dashboard_data import STATUS_COLUMNS, CountGrid, DashboardData, count_grid
from villagepost.services.pacing import PacingReport
from villagepost.services.targets import TargetRow

translate = QCoreApplication.translate

#: item data role holding a lagging unit's code in the pace tree
CODE_ROLE = Qt.ItemDataRole.UserRole + 1


def pct(rate: float) -> str:
    return f"{rate * 100:.1f}%"


def unit_text(name: str, code: str) -> str:
    return f"{name}（{code}）" if code else name


# --- headline ----------------------------------------------------------------------------------------


class Figure(QFrame):
    """One big number with its caption under it."""

    def __init__(self, caption: str, name: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName(name)
        self.setFrameShape(QFrame.Shape.StyledPanel)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(10, 4, 10, 4)
        layout.setSpacing(0)
        self.value = QLabel("—", self)
        self.value.setObjectName(f"{name}Value")
        font = QFont(self.value.font())
        font.setPointSizeF(font.pointSizeF() * 1.7)
        font.setBold(True)
        self.value.setFont(font)
        self.value.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.caption = QLabel(caption, self)
        self.caption.setAlignment(Qt.AlignmentFlag.AlignCenter)
        layout.addWidget(self.value)
        layout.addWidget(self.caption)

    def set(self, text: str, colour: str | None = None) -> None:
        self.value.setText(text)
        self.value.setStyleSheet(f"color: {colour};" if colour else "")


class Headline(QWidget):
    """建制村 / 已覆盖 / 覆盖率 / 日期缺失 of the scope, and a sentence on what the figures count."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.total = Figure(self.tr("建制村（个）"), "figureTotal", self)
        self.covered = Figure(self.tr("已覆盖（个）"), "figureCovered", self)
        self.rate = Figure(self.tr("覆盖率"), "figureRate", self)
        self.missing = Figure(self.tr("日期缺失（个）"), "figureDateMissing", self)
        self.missing.setToolTip(self.tr("靠没有开通日期的站点覆盖的建制村：今天算已覆盖，但请补填开通日期，"
                                        "否则历史进度不准确"))
        row = QHBoxLayout()
        row.setContentsMargins(0, 0, 0, 0)
        for figure in (self.total, self.covered, self.rate, self.missing):
            row.addWidget(figure)
        row.addStretch(1)
        self.note = QLabel(self)
        self.note.setObjectName("headlineNote")
        self.note.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(row)
        layout.addWidget(self.note)

    def show_data(self, data: DashboardData) -> None:
        r = data.coverage
        self.total.set(f"{r.villages_total:,}")
        self.covered.set(f"{r.villages_covered:,}")
        self.rate.set(pct(r.rate) if r.villages_total else "—")
        self.missing.set(f"{r.date_missing_villages:,}", "#b00020" if r.date_missing_villages else None)
        notes = [self.tr("建制村：统计用区划代码中的村委会（代码 200–399）{extra}；覆盖：当天有运营中的"
                         "村邮站+快递超市或综合服务站服务该村。").format(
            extra=self.tr("及类似村委会（500–599）") if r.include_village_like else "")]
        if data.is_village and r.villages_total:
            notes.append(self.tr("该村 {day} 已覆盖。") if r.villages_covered else self.tr("该村 {day} 尚未覆盖。"))
            notes[-1] = notes[-1].format(day=data.on.isoformat())
        elif data.is_village:
            notes.append(self.tr("该单位不是建制村（居委会等），不计入覆盖率。"))
        self.note.setText("".join(notes))


# --- targets, pace and lagging units -------------------------------------------------------------------


def pace_lines(row: TargetRow, p: Pace) -> list[str]:
    """The lines `villagepost pacing` prints under a target, in Chinese."""
    coverage = row.measure is Measure.COVERAGE_RATE
    out: list[str] = []
    if coverage:
        text = translate("PaceTree", "已完成 {done} 个（{rate}），目标 {goal} 个，差距 {gap} 个（{points} 个百分点）")
        out.append(text.format(done=count_text(p.achieved), rate=pct(p.achieved_rate or 0), goal=p.goal, gap=p.gap,
                               points=f"{(p.gap_points or 0):.1f}"))
    else:
        out.append(translate("PaceTree", "已有 {done} 个{type}，目标 {goal} 个，差距 {gap} 个").format(
            done=count_text(p.achieved), type=row.station_type or "", goal=p.goal, gap=p.gap))
    if p.deadline_passed:
        out.append((translate("PaceTree", "截止日已过：截止日 {value} 个，已达成") if p.met_on_deadline else
                    translate("PaceTree", "截止日已过：截止日 {value} 个，未达成")).format(
            value=count_text(p.value_on_deadline or 0)))
    elif p.gap:
        out.append(translate("PaceTree", "剩余 {months} 个月，每月需新增 {needed} 个").format(
            months=p.months_left, needed=rate_text(p.needed_per_month or 0)))
    else:
        out.append(translate("PaceTree", "已达到目标"))
    trailing = translate("PaceTree", "近 {n} 个月平均每月新增 {rate} 个").format(
        n=p.trailing_months, rate=rate_text(p.trailing_per_month))
    if p.projected_full is None:
        out.append(trailing + translate("PaceTree", "；按当前进度无法实现"))
    elif coverage:
        out.append(trailing + translate("PaceTree", "；按此进度 {day} 全部覆盖").format(
            day=p.projected_full.isoformat()))
    else:
        out.append(trailing + translate("PaceTree", "；按此进度 {day} 达到目标").format(
            day=p.projected_full.isoformat()))
    return out


class PaceTree(QTreeWidget):
    """One branch per target (own or inherited): its pace lines, then the units below their line.

    Double-clicking (or Enter on) a lagging unit emits `unit_activated(code)`.
    """

    unit_activated = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("paceTree")
        self.setColumnCount(4)
        self.setHeaderLabels([self.tr("目标与落后单位"), self.tr("覆盖率"), self.tr("应达"), self.tr("差（个）")])
        header = self.header()
        header.setStretchLastSection(False)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        char = self.fontMetrics().horizontalAdvance("0")
        for column in (1, 2, 3):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.Fixed)
            header.resizeSection(column, char * 9)
        self.setWordWrap(True)
        self.setUniformRowHeights(False)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.itemActivated.connect(self._activated)
        #: target id -> its branch (tests read it)
        self.branches: dict[int, QTreeWidgetItem] = {}
        #: the language of the targets' descriptions (services.targets.TargetRow.describe)
        self.lang = DEFAULT_LANG

    def _activated(self, item: QTreeWidgetItem, _column: int) -> None:
        code = item.data(0, CODE_ROLE)
        if code:
            self.unit_activated.emit(str(code))

    def _line(self, parent: QTreeWidgetItem, text: str) -> QTreeWidgetItem:
        item = QTreeWidgetItem(parent, [text])
        item.setFirstColumnSpanned(True)
        item.setFlags(Qt.ItemFlag.ItemIsEnabled)
        item.setToolTip(0, text)
        return item

    def show_report(self, report: PacingReport | None) -> None:
        self.clear()
        self.branches = {}
        if report is None:
            return
        if not report.paces:
            self._message(self.tr("没有目标：点“编辑目标…”设定后即可对照进度。"))
            return
        inherited = report.inherited_from is not None
        bold = QFont(self.font())
        bold.setBold(True)
        for row, p in report.paces:
            owner = self.tr("（沿用{owner}）").format(owner=unit_text(row.scope_name, row.scope)) if inherited else ""
            head = QTreeWidgetItem(self, [f"#{row.id}  {row.describe(self.lang)}{owner}"])
            head.setFirstColumnSpanned(True)
            head.setFont(0, bold)
            if row.note:
                head.setToolTip(0, row.note)
            self.branches[row.id] = head
            for line in pace_lines(row, p):
                self._line(head, line)
            lagging = report.lagging.get(row.id)
            if lagging is not None:
                # Set today, the line has not moved yet and no unit can be below it: rank against the deadline.
                fresh = row.created_on >= report.today
                if not lagging:
                    self._line(head, self.tr("目标今天设定：下级单位都已达到目标值") if fresh
                               else self.tr("没有落后于进度线的下级单位"))
                else:
                    group = self._line(head, self.tr("目标今天设定，下级单位与截止日期比较（双击查看）：") if fresh
                                       else self.tr("落后于进度线的下级单位（双击查看）："))
                    for lag in lagging:
                        item = QTreeWidgetItem(group, [unit_text(lag.name, lag.code), pct(lag.lag.rate),
                                                       pct(lag.lag.line), str(lag.lag.shortfall_villages)])
                        item.setData(0, CODE_ROLE, lag.code)
                        for column in (1, 2, 3):
                            item.setTextAlignment(column, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                        item.setForeground(1, QBrush(QColor("#b00020")))
                        item.setToolTip(0, self.tr("覆盖率 {rate}，按进度线今天应达 {line}，还差 {n} 个建制村").format(
                            rate=pct(lag.lag.rate), line=pct(lag.lag.line), n=lag.lag.shortfall_villages))
                    group.setExpanded(True)
            head.setExpanded(True)

    def _message(self, text: str) -> None:
        item = QTreeWidgetItem(self, [text])
        item.setFirstColumnSpanned(True)
        item.setFlags(Qt.ItemFlag.ItemIsEnabled)

    def lagging_codes(self, target_id: int) -> list[str]:
        """The codes listed under a target's lagging units, in the order shown."""
        head = self.branches[target_id]
        out: list[str] = []
        for i in range(head.childCount()):
            group = head.child(i)
            for j in range(group.childCount() if group is not None else 0):
                item = group.child(j) if group is not None else None
                if item is not None:
                    out.append(str(item.data(0, CODE_ROLE)))
        return out


# --- station counts ------------------------------------------------------------------------------------


def status_label(status: StationStatus) -> str:
    """A station status as the window names it (the words of core.stations.STATUS_ZH)."""
    return {
        StationStatus.OPERATING: translate("StationCountsTable", "运营"),
        StationStatus.SUSPENDED: translate("StationCountsTable", "暂停"),
        StationStatus.CLOSED: translate("StationCountsTable", "关闭"),
        StationStatus.PLANNED: translate("StationCountsTable", "筹建"),
    }[status]


class StationCountsTable(QTableWidget):
    """Stations standing in the scope on the day shown: type × status (运营/暂停/关闭/筹建), with totals."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("stationCounts")
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.verticalHeader().setVisible(False)
        self.setAlternatingRowColors(True)
        self.grid: CountGrid | None = None

    def show_counts(self, data: DashboardData) -> None:
        grid = count_grid(data.counts)
        self.grid = grid
        columns = [self.tr("站点类型"), *(status_label(s) for s in STATUS_COLUMNS), self.tr("合计")]
        self.clear()
        self.setColumnCount(len(columns))
        self.setHorizontalHeaderLabels(columns)
        self.setRowCount(len(grid.types) + 1)
        right = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
        for r, stype in enumerate(grid.types):
            self.setItem(r, 0, QTableWidgetItem(stype or self.tr("（未填类型）")))
            for c, status in enumerate(STATUS_COLUMNS, start=1):
                cell = QTableWidgetItem(f"{grid.cell(stype, status):,}")
                cell.setTextAlignment(right)
                self.setItem(r, c, cell)
            total = QTableWidgetItem(f"{grid.row_total(stype):,}")
            total.setTextAlignment(right)
            self.setItem(r, len(columns) - 1, total)
        last = len(grid.types)
        bold = QFont(self.font())
        bold.setBold(True)
        self.setItem(last, 0, QTableWidgetItem(self.tr("合计")))
        for c, status in enumerate(STATUS_COLUMNS, start=1):
            cell = QTableWidgetItem(f"{grid.column_total(status):,}")
            cell.setTextAlignment(right)
            self.setItem(last, c, cell)
        cell = QTableWidgetItem(f"{grid.total:,}")
        cell.setTextAlignment(right)
        self.setItem(last, len(columns) - 1, cell)
        for c in range(len(columns)):
            item = self.item(last, c)
            if item is not None:
                item.setFont(bold)
        header = self.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        for c in range(1, len(columns)):
            header.setSectionResizeMode(c, QHeaderView.ResizeMode.Fixed)
            header.resizeSection(c, self.fontMetrics().horizontalAdvance("000,000") + 12)
        rows = self.verticalHeader()
        rows.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        rows.setDefaultSectionSize(self.fontMetrics().height() + 6)
        height = header.height() + (len(grid.types) + 1) * rows.defaultSectionSize() + 2 * self.frameWidth() + 2
        self.setFixedHeight(height)  # a few rows: all shown, no scroll bar, no empty space

    def text_at(self, row: int, column: int) -> str:
        item = self.item(row, column)
        return "" if item is None else item.text()

