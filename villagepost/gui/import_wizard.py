"""The import wizard: choose a roster → check the detected sheet, header and columns (change them) →
validate with the list of errors → import → summary, with the township's error report.

Each step calls services.imports.RosterImport — the CLI's `villagepost import` in steps — on the
TaskManager's worker, so the window never freezes: a progress dialog appears after ~600 ms and its
cancel button stops the job (an import rolls back whole: the registry is as it was). Refusals (a CSV
renamed .xlsx, an encrypted workbook…) are the service's Chinese sentences, shown on the page; the
wizard stays where it is so the clerk can pick another file.

QWizard asks pages synchronously whether they may go on; a page whose step needs the database starts
the job and answers "not yet", and the job's success moves the wizard on.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QCoreApplication,
    QModelIndex,
    QPersistentModelIndex,
    QSize,
    Qt,
    Signal,
)
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QSplitter,
    QTableView,
    QTableWidget,
    QTableWidgetItem,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
    QWizard,
    QWizardPage,
)

from villagepost.core.errors import Cancelled, KnownError
from villagepost.core.messages import DEFAULT_LANG
from villagepost.core.messages import tr as catalogue_text
from villagepost.gui import settings as opts
from villagepost.gui.ops import BackgroundOp, OpContext, TaskManager, default_failure
from villagepost.gui.settings import Settings
from villagepost.gui.window_sizing import settle_layout
from villagepost.rosters.layout import FIELDS
from villagepost.services import imports
from villagepost.services.imports import ImportReport, RosterImport
from villagepost.services.registry import Registry
from villagepost.services.roster_rows import RosterCell, roster_row

translate = QCoreApplication.translate

FILE_PAGE, MAPPING_PAGE, CHECK_PAGE, RESULT_PAGE = range(4)
PREVIEW_ROWS = 20
#: Qt's QWIDGETSIZE_MAX
UNBOUNDED = (1 << 24) - 1
#: fits a 1366×768 laptop; the mapping page needs about this much
MINIMUM_SIZE = (760, 520)
HEADER_BRUSH = QBrush(QColor("#e8eef7"))
ERROR_COLOR = QColor("#b00020")
OK_COLOR = QColor("#1b7a2e")


def field_title(name: str) -> str:
    """A roster field by the standard header the exports write (what clerks know it as)."""
    return {
        "province": translate("ImportWizard", "省"),
        "city": translate("ImportWizard", "地级市"),
        "county": translate("ImportWizard", "县（区）"),
        "township": translate("ImportWizard", "乡镇（街道）"),
        "village": translate("ImportWizard", "行政村"),
        "code": translate("ImportWizard", "区划代码"),
        "station_name": translate("ImportWizard", "站点名称"),
        "station_type": translate("ImportWizard", "站点类型"),
        "coop": translate("ImportWizard", "合作模式"),
        "lon": translate("ImportWizard", "经度"),
        "lat": translate("ImportWizard", "纬度"),
        "opened": translate("ImportWizard", "建成日期"),
        "contact": translate("ImportWizard", "联系人"),
        "phone": translate("ImportWizard", "联系电话"),
        "services": translate("ImportWizard", "服务项目"),
        "brands": translate("ImportWizard", "快递品牌"),
        "floor_area": translate("ImportWizard", "面积（㎡）"),
        "served": translate("ImportWizard", "服务村"),
    }.get(name, name)


def column_letter(index: int) -> str:
    """0 → A, 25 → Z, 26 → AA: columns as Excel names them."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def cell_display(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


class ErrorsModel(QAbstractTableModel):
    """The report's errors (then warnings) as a table; a national roster may have thousands of them."""

    COLUMNS = ("row", "village", "column", "value", "message")

    def __init__(self, parent: QWidget | None = None, lang: str = DEFAULT_LANG) -> None:
        super().__init__(parent)
        self.lang = lang
        self.issues: list[tuple[Any, bool]] = []
        self.villages: dict[int, str] = {}

    def set_report(self, report: ImportReport | None) -> None:
        self.beginResetModel()
        self.issues = [] if report is None else [(e, True) for e in report.errors] + [
            (w, False) for w in report.warnings]
        self.villages = {} if report is None else dict(report.row_villages)
        self.endResetModel()

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(self.issues)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(self.COLUMNS)

    def headerData(self, section: int, orientation: Qt.Orientation,  # noqa: N802 (Qt override)
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role != Qt.ItemDataRole.DisplayRole or orientation != Qt.Orientation.Horizontal:
            return None
        return (self.tr("行"), self.tr("村"), self.tr("列"), self.tr("单元格内容"), self.tr("问题"))[section]

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        issue, is_error = self.issues[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            column = self.COLUMNS[index.column()]
            if column == "row":
                return str(issue.row)
            if column == "village":
                return self.villages.get(issue.row, "")
            if column == "column":
                return issue.column
            if column == "value":
                return issue.value
            return issue.message(self.lang) if is_error else self.tr("提醒：") + issue.message(self.lang)
        if role == Qt.ItemDataRole.ForegroundRole and is_error and index.column() == 4:
            return QBrush(ERROR_COLOR)
        if role == Qt.ItemDataRole.ToolTipRole and index.column() == 4:
            return issue.message(self.lang)
        return None

    def row_at(self, index: QModelIndex) -> int | None:
        return self.issues[index.row()][0].row if index.isValid() else None


class RowDialog(QDialog):
    """One roster row as written, its cells beside their headers, with what is wrong in it."""

    #: read-only cells look like labels; the cells a problem names are marked in red
    PLAIN_STYLE = "QLineEdit { background: palette(window); border: 1px solid palette(mid); }"
    BAD_STYLE = "QLineEdit { background: #fde7ea; color: #b00020; border: 2px solid #b00020; font-weight: bold; }"

    def __init__(self, parent: QWidget, row: int, cells: list[RosterCell], problems: list[str],
                 bad_fields: frozenset[str] = frozenset()) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("第 {row} 行").format(row=row))
        self.setObjectName("rosterRowDialog")
        layout = QVBoxLayout(self)
        if not cells:
            layout.addWidget(QLabel(self.tr("第 {row} 行不是数据行（空行、合计行或表头）。").format(row=row), self))
        form = QFormLayout()
        self.values: dict[str, QLineEdit] = {}
        for cell in cells:
            value = QLineEdit(cell.value, self)
            value.setReadOnly(True)
            value.setObjectName(f"cell_{cell.field}")
            value.setProperty("bad", cell.field in bad_fields)
            value.setStyleSheet(self.BAD_STYLE if cell.field in bad_fields else self.PLAIN_STYLE)
            self.values[cell.field] = value
            form.addRow(f"{cell.header.strip() or field_title(cell.field)}：", value)
        layout.addLayout(form)
        for text in problems:
            label = QLabel(text, self)
            label.setWordWrap(True)
            label.setStyleSheet("color: #b00020;")
            layout.addWidget(label)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        buttons.button(QDialogButtonBox.StandardButton.Close).setText(self.tr("关闭"))
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.setMinimumWidth(460)

    def setVisible(self, visible: bool) -> None:  # noqa: N802 (Qt override)
        if visible:
            settle_layout(self)
        super().setVisible(visible)


def _shown(value: object) -> str:
    if isinstance(value, (list, tuple)):  # served villages: codes
        return "、".join(map(str, value)) or "（空）"
    return "（空）" if value is None or value == "" else str(value)


class _Page(QWizardPage):
    def __init__(self, wizard: ImportWizard) -> None:
        super().__init__(wizard)
        self.w = wizard
        self.message = QLabel(self)
        self.message.setWordWrap(True)
        self.message.setObjectName("pageMessage")
        self.message.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)

    def say(self, text: str, *, error: bool = False, ok: bool = False, partial: bool = False) -> None:
        color = "#b00020" if error else "#1b7a2e" if ok else "#b36b00" if partial else "palette(text)"
        self.message.setStyleSheet(f"color: {color};")
        self.message.setText(text)
        self.message.setVisible(bool(text))


class FilePage(_Page):
    """Choose the roster file."""

    def __init__(self, wizard: ImportWizard) -> None:
        super().__init__(wizard)
        self.setTitle(self.tr("选择花名册"))
        self.setSubTitle(self.tr("选择乡镇报来的花名册：Excel（.xlsx/.xls/.xlsb）、WPS、ODS 或 CSV 都可以。"
                                 "表格可以是任何样式：程序会找出表头、各列的含义和数据行，下一步可以核对和修改。"))
        self.path_edit = QLineEdit(self)
        self.path_edit.setObjectName("importPath")
        self.path_edit.setPlaceholderText(self.tr("花名册文件路径"))
        self.path_edit.textChanged.connect(self._path_changed)
        browse = QPushButton(self.tr("浏览…"), self)
        browse.clicked.connect(self.browse)
        row = QHBoxLayout()
        row.addWidget(self.path_edit, 1)
        row.addWidget(browse)
        layout = QVBoxLayout(self)
        layout.addLayout(row)
        layout.addWidget(self.message)
        layout.addStretch(1)
        self.say("")

    def browse(self) -> None:
        start = self.w.settings.get(opts.LAST_DIRECTORY)
        path, _ = QFileDialog.getOpenFileName(self, self.tr("选择花名册"), start,
                                              self.tr("花名册 (*.xlsx *.xlsm *.xltx *.xls *.xlsb *.et *.ods "
                                                      "*.csv *.txt);;所有文件 (*)"))
        if path:
            self.w.settings.set(opts.LAST_DIRECTORY, str(Path(path).parent))
            self.path_edit.setText(path)

    def _path_changed(self) -> None:
        self.say("")
        self.completeChanged.emit()

    def isComplete(self) -> bool:  # noqa: N802 (Qt override)
        text = self.path_edit.text().strip()
        return bool(text) and Path(text).is_file() and not self.w.running

    def validatePage(self) -> bool:  # noqa: N802 (Qt override)
        path = Path(self.path_edit.text().strip())
        if self.w.job is not None and self.w.job.path == path and self.w.roster_layout is not None:
            return True
        self.w.detect(RosterImport(self.w.registry, path), on_done=self.w.next, on_refused=self._refused)
        return False

    def _refused(self, text: str) -> None:
        self.say(text, error=True)


class MappingPage(_Page):
    """The detected sheet, header rows and columns, with a preview; every column choice can be changed."""

    def __init__(self, wizard: ImportWizard) -> None:
        super().__init__(wizard)
        self.setTitle(self.tr("核对表头和各列"))
        self.setSubTitle(self.tr("下面是识别出的工作表、表头行和每个字段对应的列。识别有误时请在右侧改正；预览中蓝色为表头行。"))
        self.sheet_combo = QComboBox(self)
        self.sheet_combo.setObjectName("sheetCombo")
        self.sheet_combo.activated.connect(self._sheet_chosen)
        self.header_label = QLabel(self)
        self.header_label.setObjectName("headerRows")
        top = QHBoxLayout()
        top.addWidget(QLabel(self.tr("工作表："), self))
        top.addWidget(self.sheet_combo)
        top.addSpacing(16)
        top.addWidget(self.header_label, 1)
        self.combos: dict[str, QComboBox] = {}
        grid = QGridLayout()
        grid.setHorizontalSpacing(8)
        for i, name in enumerate(FIELDS):
            combo = QComboBox(self)
            combo.setObjectName(f"map_{name}")
            combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
            combo.setMinimumContentsLength(10)
            combo.activated.connect(self._mapping_edited)
            self.combos[name] = combo
            grid.addWidget(QLabel(field_title(name) + "：", self), i // 2, (i % 2) * 2)
            grid.addWidget(combo, i // 2, (i % 2) * 2 + 1)
        self.preview = QTableWidget(self)
        self.preview.setObjectName("previewTable")
        self.preview.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.preview.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        self.preview.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 6)
        side = QVBoxLayout()
        side.addLayout(grid)
        side.addStretch(1)
        body = QHBoxLayout()
        body.addWidget(self.preview, 3)
        body.addLayout(side, 2)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addLayout(body, 1)
        layout.addWidget(self.message)
        self._edited = False

    def initializePage(self) -> None:  # noqa: N802 (Qt override)
        self.show_layout()

    def show_layout(self) -> None:
        layout = self.w.roster_layout
        if layout is None:
            return
        self.sheet_combo.clear()
        self.sheet_combo.addItems(layout.sheet_names)
        self.sheet_combo.setCurrentText(layout.sheet)
        rows = "、".join(str(r) for r in layout.header_rows)
        self.header_label.setText(self.tr("表头在第 {rows} 行，数据从第 {first} 行开始").format(
            rows=rows, first=layout.first_data_row))
        cells = layout.header_cells
        for name, combo in self.combos.items():
            combo.clear()
            combo.addItem(self.tr("（不导入）"), -1)
            for index, header in enumerate(cells):
                text = " ".join(str(header).split())
                if text:
                    combo.addItem(f"{column_letter(index)} {text}", index)
            ref = layout.columns.get(name)
            combo.setCurrentIndex(max(combo.findData(ref.index), 0) if ref is not None else 0)
        self._fill_preview()
        self._edited = False
        self.say("")

    def _fill_preview(self) -> None:
        layout, preview = self.w.roster_layout, self.w.preview
        assert layout is not None
        width = max([len(values) for _row, values in preview] + [len(layout.header_cells)])
        mapped = {ref.index: name for name, ref in layout.columns.items()}
        self.preview.clear()
        self.preview.setColumnCount(width)
        self.preview.setRowCount(len(preview))
        self.preview.setHorizontalHeaderLabels([
            f"{column_letter(i)}\n{field_title(mapped[i])}" if i in mapped else column_letter(i)
            for i in range(width)])
        self.preview.setVerticalHeaderLabels([str(row) for row, _values in preview])
        for r, (row, values) in enumerate(preview):
            for c, value in enumerate(values):
                item = QTableWidgetItem(cell_display(value))
                if row in layout.header_rows:
                    item.setBackground(HEADER_BRUSH)
                self.preview.setItem(r, c, item)
        char = self.fontMetrics().horizontalAdvance("村")
        for c in range(width):
            self.preview.setColumnWidth(c, 6 * char)

    def mapping(self) -> dict[str, int]:
        return {name: int(combo.currentData()) for name, combo in self.combos.items() if combo.currentData() >= 0}

    def _mapping_edited(self) -> None:
        self._edited = True
        chosen = [c for c in self.mapping().values()]
        if len(chosen) != len(set(chosen)):
            self.say(self.tr("两个字段不能对应同一列，请改正。"), error=True)
        else:
            self.say(self.tr("已修改对应关系；点“下一步”时按新的对应关系检查。"))
        self.completeChanged.emit()

    def isComplete(self) -> bool:  # noqa: N802 (Qt override)
        chosen = list(self.mapping().values())
        return len(chosen) == len(set(chosen)) and not self.w.running

    def _sheet_chosen(self, _index: int) -> None:
        sheet = self.sheet_combo.currentText()
        assert self.w.job is not None
        if sheet == (self.w.roster_layout.sheet if self.w.roster_layout else None):
            return
        self.w.detect(RosterImport(self.w.registry, self.w.job.path, sheet=sheet), on_done=self.show_layout,
                      on_refused=lambda text: self.say(text, error=True))

    def validatePage(self) -> bool:  # noqa: N802 (Qt override)
        if not self._edited:
            return True
        job = self.w.job
        assert job is not None
        job.use_mapping(self.mapping())

        def done() -> None:
            self.show_layout()
            self.w.next()

        self.w.detect(job, on_done=done, on_refused=lambda text: self.say(text, error=True))
        return False


class CheckPage(_Page):
    """Validation (a dry run: nothing is saved) with every bad row listed."""

    def __init__(self, wizard: ImportWizard) -> None:
        super().__init__(wizard)
        self.setTitle(self.tr("检查"))
        self.setSubTitle(self.tr("逐行检查花名册，尚未写入登记册。双击一条问题可查看该行。有问题的行不会导入，其他行照常导入。"
                                 "点“导入”才写入登记册。"))
        # The import happens when this page is left: its button says so, and there is no way back.
        self.setCommitPage(True)
        self.setButtonText(QWizard.WizardButton.CommitButton, self.tr("导入"))
        self.errors = ErrorsModel(self, wizard.lang)
        self.table = QTableView(self)
        self.table.setObjectName("errorTable")
        self.table.setModel(self.errors)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setWordWrap(False)
        self.table.verticalHeader().hide()
        self.table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        self.table.horizontalHeader().setStretchLastSection(True)
        char = self.fontMetrics().horizontalAdvance("村")
        for i, chars in enumerate((3, 7, 6, 8)):
            self.table.setColumnWidth(i, chars * char + 12)
        self.changes_label = QLabel(self)
        self.changes_label.setObjectName("changesLabel")
        self.changes = QTreeWidget(self)
        self.changes.setObjectName("changesTree")
        self.changes.setColumnCount(3)
        self.changes.setHeaderLabels([self.tr("将更新的站点 / 字段"), self.tr("原值"), self.tr("新值")])
        self.changes.setColumnWidth(0, 34 * char)
        self.changes.setColumnWidth(1, 14 * char)
        self.table.doubleClicked.connect(self.show_row)
        self.strict = QCheckBox(self.tr("有任何问题时整个文件都不导入"), self)
        self.strict.setObjectName("strictImport")
        self.report_button = QPushButton(self.tr("保存错误报告…"), self)
        self.report_button.setObjectName("saveReportButton")
        self.report_button.clicked.connect(lambda: self.w.save_report(self.w.check_report))
        bottom = QHBoxLayout()
        bottom.addWidget(self.strict)
        bottom.addStretch(1)
        bottom.addWidget(self.report_button)
        changes_box = QWidget(self)
        changes_layout = QVBoxLayout(changes_box)
        changes_layout.setContentsMargins(0, 0, 0, 0)
        changes_layout.addWidget(self.changes_label)
        changes_layout.addWidget(self.changes, 1)
        split = QSplitter(Qt.Orientation.Vertical, self)
        split.addWidget(self.table)
        split.addWidget(changes_box)
        split.setStretchFactor(0, 3)
        split.setStretchFactor(1, 2)
        layout = QVBoxLayout(self)
        layout.addWidget(self.message)
        layout.addWidget(split, 1)
        layout.addLayout(bottom)
        self.row_dialog: RowDialog | None = None

    def show_changes(self, report: ImportReport | None) -> None:
        """Each stored station the import will change, expandable to its fields (old → new)."""
        self.changes.clear()
        updates = report.updates if report is not None else []
        if not updates:
            self.changes_label.setText(self.tr("导入不会修改已登记的站点。") if report is not None else "")
            return
        self.changes_label.setText(
            self.tr("导入将修改已登记的站点 {n} 个（展开查看修改的内容）：").format(n=len(updates)))
        for update in updates:
            top = QTreeWidgetItem([self.tr("第{row}行 {village} {name}（{code}）").format(
                row=update.row, village=update.village, name=update.name, code=update.station),
                "", self.tr("{n} 项").format(n=len(update.changes))])
            for change in update.changes:
                top.addChild(QTreeWidgetItem([change.column, _shown(change.old), _shown(change.new)]))
            self.changes.addTopLevelItem(top)

    def initializePage(self) -> None:  # noqa: N802 (Qt override)
        self.errors.set_report(None)
        self.show_changes(None)
        self.report_button.setEnabled(False)
        self.say(self.tr("正在检查…"))
        self.w.validate(self._checked, lambda text: self.say(text, error=True))

    def _checked(self, report: ImportReport) -> None:
        self.errors.set_report(report)
        self.show_changes(report)
        bad = report.status in ("rejected", "no_data")
        self.say(report.message(self.w.lang), error=bad, ok=report.status == "ok", partial=report.status == "partial")
        self.report_button.setEnabled(bool(report.errors) and report.sheet is not None)
        self.completeChanged.emit()

    def isComplete(self) -> bool:  # noqa: N802 (Qt override)
        report = self.w.check_report
        return report is not None and report.status not in ("rejected", "no_data") and not self.w.running

    def show_row(self, index: QModelIndex) -> None:
        row = self.errors.row_at(index)
        job = self.w.job
        if row is None or job is None:
            return
        report = self.w.check_report
        problems = [e.message(self.w.lang) for e in (report.errors if report else []) if e.row == row]
        bad = frozenset(e.field for e in (report.errors if report else []) if e.row == row)

        def read(ctx: OpContext) -> list[RosterCell]:
            return roster_row(job, row, cancelled=ctx.cancelled)

        def shown(cells: list[RosterCell]) -> None:
            dialog = RowDialog(self, row, cells, problems, bad)
            dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
            self.row_dialog = dialog
            dialog.destroyed.connect(self._row_dialog_gone)
            dialog.open()

        (BackgroundOp(self, self.w.taskman, read, lang=self.w.lang)
         .with_progress(self.tr("正在读取第 {row} 行…").format(row=row))
         .success(shown)
         .run_in_background())

    def _row_dialog_gone(self) -> None:
        self.row_dialog = None


class ResultPage(_Page):
    """The import itself, then what it did."""

    def __init__(self, wizard: ImportWizard) -> None:
        super().__init__(wizard)
        self.setTitle(self.tr("导入"))
        self.setFinalPage(True)
        self.counts = QLabel(self)
        self.counts.setObjectName("importCounts")
        self.counts.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.report_button = QPushButton(self.tr("保存错误报告（发回乡镇改正）…"), self)
        self.report_button.setObjectName("saveResultReportButton")
        self.report_button.clicked.connect(lambda: self.w.save_report(self.w.result_report))
        layout = QVBoxLayout(self)
        layout.addWidget(self.message)
        layout.addWidget(self.counts)
        layout.addWidget(self.report_button, 0, Qt.AlignmentFlag.AlignLeft)
        layout.addStretch(1)

    def initializePage(self) -> None:  # noqa: N802 (Qt override)
        self.counts.clear()
        self.report_button.hide()
        self.say(self.tr("正在导入…"))
        self.w.commit(self._imported, self._not_imported, strict=self.w.check_page.strict.isChecked())

    def _imported(self, report: ImportReport) -> None:
        self.say(report.message(self.w.lang), ok=report.status == "ok", error=report.status == "rejected",
                 partial=report.status == "partial")
        n = report.counts()
        self.counts.setText(self.tr(
            "读取 {rows_read} 行；导入 {villages_imported} 个村，其中站点 {stations_imported} 个"
            "（新增 {stations_created}、更新 {stations_updated}、未变 {stations_unchanged}）；"
            "未导入 {rows_rejected} 行。"
        ).format(**n))
        self.report_button.setVisible(bool(report.errors) and report.sheet is not None)
        self.completeChanged.emit()

    def _not_imported(self, text: str) -> None:
        self.say(text, error=True)
        self.completeChanged.emit()

    def isComplete(self) -> bool:  # noqa: N802 (Qt override)
        return not self.w.running


class ImportWizard(QWizard):
    """The roster import in four pages over one RosterImport job."""

    #: a commit finished (argument: the ImportReport), whether all rows, some or none were imported
    imported = Signal(object)
    #: an error report was written (argument: its path)
    report_saved = Signal(str)

    def __init__(self, parent: QWidget, taskman: TaskManager, registry: Registry, settings: Settings, *,
                 lang: str = DEFAULT_LANG) -> None:
        super().__init__(parent)
        self.taskman = taskman
        self.registry = registry
        self.settings = settings
        self.lang = lang
        self.job: RosterImport | None = None
        self.roster_layout: Any = None
        self.preview: list[tuple[int, list[object]]] = []
        self.check_report: ImportReport | None = None
        self.result_report: ImportReport | None = None
        self.running = False
        self.op: BackgroundOp[Any] | None = None
        self.setObjectName("importWizard")
        self.setWindowTitle(self.tr("导入花名册"))
        self.setWizardStyle(QWizard.WizardStyle.ClassicStyle)
        self.setOption(QWizard.WizardOption.NoBackButtonOnLastPage, True)
        self.setOption(QWizard.WizardOption.NoCancelButtonOnLastPage, True)
        self.setButtonText(QWizard.WizardButton.BackButton, self.tr("< 上一步"))
        self.setButtonText(QWizard.WizardButton.NextButton, self.tr("下一步 >"))
        self.setButtonText(QWizard.WizardButton.FinishButton, self.tr("完成"))
        self.setButtonText(QWizard.WizardButton.CancelButton, self.tr("取消"))
        self.file_page = FilePage(self)
        self.mapping_page = MappingPage(self)
        self.check_page = CheckPage(self)
        self.result_page = ResultPage(self)
        for page_id, page in ((FILE_PAGE, self.file_page), (MAPPING_PAGE, self.mapping_page),
                              (CHECK_PAGE, self.check_page), (RESULT_PAGE, self.result_page)):
            self.setPage(page_id, page)
        self.resize(980, 640)

    def setVisible(self, visible: bool) -> None:  # noqa: N802 (Qt override)
        if visible:
            settle_layout(self)
            # QWizard re-derives its minimum and maximum size on every page change unless they differ from
            # the values it set last (then they are the program's): fix both once, one pixel off its own,
            # so changing pages never renegotiates the window's size.
            self.setMinimumSize(self.minimumSize().expandedTo(QSize(*MINIMUM_SIZE)) + QSize(1, 1))
            self.setMaximumSize(UNBOUNDED - 1, UNBOUNDED - 1)
        super().setVisible(visible)

    # --- jobs -----------------------------------------------------------------------------------
    def _run(self, job: Callable[[OpContext], Any], label: str, on_success: Callable[[Any], None],
             on_refused: Callable[[str], None], *, cancellable: bool = True) -> None:
        self.running = True
        self._refresh_buttons()

        def succeeded(result: Any) -> None:
            self.running = False
            self._refresh_buttons()
            on_success(result)

        def failed(exc: BaseException) -> None:
            self.running = False
            self._refresh_buttons()
            if isinstance(exc, Cancelled):
                on_refused(self.tr("已取消，登记册保持原样。"))
            elif isinstance(exc, KnownError):
                on_refused(exc.message(self.lang))
            else:
                on_refused(self.tr("出现程序错误，详情见错误报告。"))
                default_failure(self, exc, self.lang)

        self.op = (BackgroundOp(self, self.taskman, job, lang=self.lang)
                   .with_progress(label, cancellable=cancellable, describe=lambda key: catalogue_text(key, self.lang))
                   .success(succeeded)
                   .failure(failed))
        self.op.run_in_background()

    def _refresh_buttons(self) -> None:
        page = self.currentPage()
        if page is not None:
            page.completeChanged.emit()
        self.button(QWizard.WizardButton.BackButton).setEnabled(not self.running and self.currentId() > FILE_PAGE)

    def detect(self, job: RosterImport, *, on_done: Callable[[], None], on_refused: Callable[[str], None]) -> None:
        """Find the sheet, header and columns of `job` (the chosen file, sheet or mapping) on the worker."""

        def run(_ctx: OpContext) -> tuple[Any, list[tuple[int, list[object]]]]:
            return job.detect()

        def detected(result: tuple[Any, list[tuple[int, list[object]]]]) -> None:
            self.job = job
            self.roster_layout, self.preview = result
            self.check_report = None
            on_done()

        self._run(run, self.tr("正在识别花名册…"), detected, on_refused, cancellable=False)

    def validate(self, on_done: Callable[[ImportReport], None], on_refused: Callable[[str], None]) -> None:
        job = self.job
        assert job is not None

        def run(ctx: OpContext) -> ImportReport:
            return job.validate(progress=ctx.progress, cancelled=ctx.cancelled)

        def checked(report: ImportReport) -> None:
            self.check_report = report
            on_done(report)

        self._run(run, self.tr("正在检查花名册…"), checked, on_refused)

    def commit(self, on_done: Callable[[ImportReport], None], on_refused: Callable[[str], None], *,
               strict: bool) -> None:
        job = self.job
        assert job is not None

        def run(ctx: OpContext) -> ImportReport:
            return job.commit(progress=ctx.progress, cancelled=ctx.cancelled, strict=strict)

        def done(report: ImportReport) -> None:
            self.result_report = report
            on_done(report)
            self.imported.emit(report)

        self._run(run, self.tr("正在导入花名册…"), done, on_refused)

    def save_report(self, report: ImportReport | None, out: str | None = None) -> None:
        """Write the township's error report (the roster with bad cells marked) to `out`, or ask where."""
        job = self.job
        if report is None or job is None:
            return
        if out is None:
            start = str(job.path.with_name(f"{job.path.stem}-错误报告.xlsx"))
            out, _ = QFileDialog.getSaveFileName(self, self.tr("保存错误报告"), start, self.tr("Excel 工作簿 (*.xlsx)"))
            if not out:
                return
        target = Path(out)

        def run(_ctx: OpContext) -> Path | None:
            return imports.write_report(report, job.path, target)

        def saved(path: Path | None) -> None:
            if path is not None:
                self.report_saved.emit(str(path))
                self.currentPage().setSubTitle(self.tr("错误报告已保存：{path}").format(path=path))

        (BackgroundOp(self, self.taskman, run, lang=self.lang)
         .with_progress(self.tr("正在保存错误报告…"), cancellable=False)
         .success(saved)
         .run_in_background())

    def reject(self) -> None:
        if self.running and self.op is not None and self.op.context is not None:
            self.op.context.cancel()  # the job rolls back; the wizard closes when asked again
            return
        super().reject()
