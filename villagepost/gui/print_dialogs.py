"""Printing from the window: the checklists of the selected stations or of a scope, and the coverage summary
of a scope, each as a small dialog the main window opens with one call.

Why dialogs that run the print themselves: a province's checklists are thousands of pages, so the print
runs on the background worker (services.printing with its progress and cancel hooks) while the dialog
shows what it is doing; 取消 stops it and leaves no half-written file (an older file of the same name is
kept). When it is done the dialog says what was written and opens it in the system's viewer — the opener
is injectable, so tests check the path instead of launching a PDF reader. A refusal (no station to print,
a file open in another program, a wrong suffix) stays in the dialog in Chinese, so the clerk can correct
the path or the choice and print again.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QCoreApplication, QDate, QObject, Qt, Signal
from PySide6.QtWidgets import (
    QAbstractButton,
    QButtonGroup,
    QCheckBox,
    QComboBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from villagepost.core import clock
from villagepost.core.divisions import Level
from villagepost.core.errors import Cancelled, KnownError
from villagepost.core.messages import DEFAULT_LANG, tr
from villagepost.gui import settings as opts
from villagepost.gui.day_edit import DayEdit
from villagepost.gui.file_prompts import (
    FilePrompts,
    Opener,
    default_folder,
    open_in_system_viewer,
    pdf_filter,
    safe_file_name,
    xlsx_filter,
)
from villagepost.gui.form_parts import ErrorLabel, SettledDialog, alive
from villagepost.gui.ops import BackgroundOp, OpContext, TaskManager, default_failure
from villagepost.services import as_recorded
from villagepost.services.divisions import parse_scope, require_unit
from villagepost.services.registry import Registry
from villagepost.services.station_ops import station_details

if TYPE_CHECKING:
    from villagepost.services.printing import PrintResult

translate = QCoreApplication.translate
#: the printing service's note on characters the font lacks (a name, so lupdate does not take it for a text)
MISSING_CHARACTERS = "print.missing_chars"


@dataclasses.dataclass(frozen=True)
class ScopeName:
    """A scope as the dialogs name it."""

    code: str
    name: str
    level: Level

    @property
    def label(self) -> str:
        return f"{self.name}（{self.code}）"


def read_scope_name(reg: Registry, scope: str) -> ScopeName:
    unit, _ = require_unit(reg, parse_scope(scope))
    return ScopeName(unit.code, unit.name, Level(unit.level))


def find_taskman(parent: QWidget) -> TaskManager | None:
    """The window's worker: the main window keeps it as `taskman` (prints queue behind its other jobs)."""
    widget: QObject | None = parent
    while widget is not None:
        found = getattr(widget, "taskman", None)
        if isinstance(found, TaskManager):
            return found
        widget = widget.parent()
    return None


class _PrintDialog(SettledDialog):
    """What both print dialogs share: the output path, 完成后打开, the run on the worker with progress and
    cancel, and the result or refusal shown in the dialog."""

    #: emitted with the PrintResult when a print has finished
    printed = Signal(object)
    #: emitted when the dialog has read the scope's name and can print (a selection of stations needs no read)
    ready = Signal()

    def __init__(self, parent: QWidget, registry: Registry, taskman: TaskManager | None, *, lang: str,
                 opener: Opener | None, prompts: FilePrompts | None, today: dt.date | None) -> None:
        super().__init__(parent)
        self.registry = registry
        own = taskman or find_taskman(parent)
        if own is None:  # a dialog opened outside the window (tests, tools) brings its own worker
            own = TaskManager(self)
            self.finished.connect(lambda _r: own.shutdown())
        self.taskman = own
        self.lang = lang
        self.opener = opener if opener is not None else open_in_system_viewer
        self.prompts = prompts if prompts is not None else FilePrompts.for_printing()
        self.today = today or clock.today()
        self.op: BackgroundOp[Any] | None = None
        self.print_result: PrintResult | None = None
        self.opened_path: Path | None = None

        self.heading = QLabel(self)
        self.heading.setObjectName("printHeading")
        self.heading.setWordWrap(True)
        font = self.heading.font()
        font.setBold(True)
        self.heading.setFont(font)
        #: where suggested output goes: the last folder used, then the folder of what the clerk chose or typed
        self.folder = default_folder(opts.PRINT_DIRECTORY)
        self.path_edit = QLineEdit(self)
        self.path_edit.setObjectName("outputPath")
        self.path_edit.editingFinished.connect(self._path_typed)
        self.path_edit.setMinimumWidth(self.fontMetrics().horizontalAdvance("0") * 48)
        self.browse_button = QPushButton(self.tr("浏览…"), self)
        self.browse_button.setAutoDefault(False)
        self.browse_button.clicked.connect(self.browse)
        self.path_row = QHBoxLayout()
        self.path_row.addWidget(self.path_edit, 1)
        self.path_row.addWidget(self.browse_button)
        self.open_after = QCheckBox(self.tr("完成后打开"), self)
        self.open_after.setObjectName("openAfter")
        self.open_after.setChecked(True)
        self.status = QLabel(self)
        self.status.setObjectName("printStatus")
        self.status.setWordWrap(True)
        self.status.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.error = ErrorLabel(self, "printError")

        self.print_button = QPushButton(self.tr("打印"), self)
        self.print_button.setObjectName("startPrint")
        self.print_button.setDefault(True)
        self.print_button.clicked.connect(self.start)
        self.open_button = QPushButton(self.tr("打开"), self)
        self.open_button.setObjectName("openResult")
        self.open_button.setAutoDefault(False)
        self.open_button.setEnabled(False)
        self.open_button.clicked.connect(self.open_result)
        self.close_button = QPushButton(self.tr("关闭"), self)
        self.close_button.setAutoDefault(False)
        self.close_button.clicked.connect(self.reject)
        self.buttons = QHBoxLayout()
        self.buttons.addWidget(self.open_button)
        self.buttons.addStretch(1)
        self.buttons.addWidget(self.print_button)
        self.buttons.addWidget(self.close_button)

    def finish_layout(self, form: QFormLayout) -> None:
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.ExpandingFieldsGrow)  # a date stays date-sized
        layout = QVBoxLayout(self)
        layout.addWidget(self.heading)
        layout.addLayout(form)
        layout.addWidget(self.open_after)
        layout.addWidget(self.error)
        layout.addWidget(self.status)
        layout.addStretch(1)
        layout.addLayout(self.buttons)
        # Room for two lines of result from the start: the message appearing never resizes the dialog.
        self.status.setMinimumHeight(self.status.fontMetrics().lineSpacing() * 2 + 4)

    def _path_typed(self) -> None:
        out = self.output()
        if out is not None:
            self.folder = out.parent

    def set_output(self, path: Path) -> None:
        """Use `path` (chosen in a file dialog) as the output; its folder becomes the suggestions' folder."""
        self.path_edit.setText(str(path))
        self.folder = path.parent

    # --- to be provided by each dialog -----------------------------------------------------------------
    def job(self, out: Path) -> Callable[[OpContext], PrintResult]:
        raise NotImplementedError

    def done_text(self, result: PrintResult) -> str:
        raise NotImplementedError

    def browse(self) -> None:
        raise NotImplementedError

    def output_is_folder(self) -> bool:
        return False

    def input_problem(self) -> str | None:
        """Why the form cannot print yet (a typed date that is not a day), else None."""
        return None

    # --- running ---------------------------------------------------------------------------------------
    def output(self) -> Path | None:
        text = self.path_edit.text().strip()
        return Path(text).expanduser() if text else None

    def start(self) -> OpContext | None:
        """Print on the worker (progress after ~600 ms, cancellable); None when nothing can start yet."""
        if self.op is not None:
            return None
        out = self.output()
        if out is None:
            self.error.show_text(self.tr("请先选择保存位置。"))
            return None
        problem = self.input_problem()
        if problem is not None:
            self.error.show_text(problem)
            return None
        self.error.clear_text()
        self.status.setText(self.tr("正在打印…"))
        self.print_result = None
        self.open_button.setEnabled(False)
        self._set_busy(True)
        self.op = (BackgroundOp(self, self.taskman, self.job(out), lang=self.lang)
                   .with_progress(self.windowTitle(), describe=lambda _key: self.tr("已完成"))
                   .success(self._printed)
                   .failure(self._failed))
        return self.op.run_in_background()

    def _printed(self, result: PrintResult) -> None:
        if not alive(self):
            return
        self.op = None
        self._set_busy(False)
        self.print_result = result
        text = self.done_text(result)
        if result.missing:
            text += "\n" + tr(MISSING_CHARACTERS, self.lang,
                              {"chars": "、".join(f"{c}（U+{ord(c):04X}）" for c in result.missing)})
        self.status.setText(text)
        self.open_button.setEnabled(True)
        self.printed.emit(result)
        if self.open_after.isChecked():
            self.open_result()

    def _failed(self, exc: BaseException) -> None:
        if not alive(self):
            return
        self.op = None
        self._set_busy(False)
        if isinstance(exc, Cancelled):
            self.status.setText(self.tr("已取消。已完成的文件保留在文件夹中，其余没有生成。") if self.output_is_folder()
                                else self.tr("已取消，没有生成文件。"))
            return
        self.status.clear()
        if isinstance(exc, KnownError):
            self.error.show_text(exc.message(self.lang))
            return
        default_failure(self, exc, self.lang)

    def result_path(self) -> Path | None:
        """What 打开 opens: the PDF or workbook, or the folder of a split print."""
        if self.print_result is None:
            return None
        return self.output() if self.output_is_folder() else Path(self.print_result.paths[0])

    def open_result(self) -> None:
        path = self.result_path()
        if path is not None:
            self.opened_path = path
            self.opener(path)

    def _set_busy(self, busy: bool) -> None:
        for widget in self.findChildren(QWidget):
            if widget is not self.close_button and isinstance(widget, (QLineEdit, QPushButton, QCheckBox,
                                                                       QRadioButton, QComboBox, DayEdit)):
                widget.setEnabled(not busy)
        if not busy:
            self.open_button.setEnabled(self.print_result is not None)
            self.update_choices()

    def update_choices(self) -> None:
        """Enable what the current choices allow (overridden where choices depend on each other)."""

    def reject(self) -> None:
        """Closing while printing cancels the print first (it never runs on without the dialog)."""
        if self.op is not None and self.op.context is not None:
            self.op.context.cancel()
            return
        super().reject()


class PrintChecklistsDialog(_PrintDialog):
    """Checklists of chosen stations or of a scope's operating and suspended stations, or a blank form."""

    def __init__(self, parent: QWidget, registry: Registry, *, station_codes: Sequence[str] | None = None,
                 scope: str | None = None, taskman: TaskManager | None = None, lang: str = DEFAULT_LANG,
                 opener: Opener | None = None, prompts: FilePrompts | None = None,
                 today: dt.date | None = None) -> None:
        super().__init__(parent, registry, taskman, lang=lang, opener=opener, prompts=prompts, today=today)
        if not station_codes and not scope:
            raise ValueError("print_checklists_dialog needs station codes or a scope")
        self.station_codes = [c.strip() for c in station_codes or []]
        self.station_name = ""
        self._suggested = ""
        self.scope = scope
        self.scope_name: ScopeName | None = None
        self.setObjectName("printChecklists")
        self.setWindowTitle(self.tr("打印站点检查表"))

        self.filled = QRadioButton(self.tr("站点检查表（预先填好站点信息）"), self)
        self.filled.setObjectName("filledForms")
        self.blank = QRadioButton(self.tr("空白检查表（一份，现场手填）"), self)
        self.blank.setObjectName("blankForm")
        self.one_file = QRadioButton(self.tr("合成一个 PDF 文件"), self)
        self.one_file.setObjectName("oneFile")
        self.split = QRadioButton(self.tr("每个站点一个 PDF 文件（保存到一个文件夹）"), self)
        self.split.setObjectName("splitFiles")
        # Groups first: radio buttons of one parent outside a group are exclusive all together.
        for first, second in ((self.filled, self.blank), (self.one_file, self.split)):
            group = QButtonGroup(self)
            group.addButton(first)
            group.addButton(second)
            first.setChecked(True)
            group.buttonToggled.connect(self._choice_toggled)

        what = QVBoxLayout()
        what.addWidget(self.filled)
        what.addWidget(self.blank)
        how = QVBoxLayout()
        how.addWidget(self.one_file)
        how.addWidget(self.split)
        form = QFormLayout()
        form.addRow(self.tr("内容："), what)
        form.addRow(self.tr("文件："), how)
        self.path_label = QLabel(self.tr("保存为："), self)
        form.addRow(self.path_label, self.path_row)
        self.finish_layout(form)
        self.resize(620, 340)

        if self.station_codes:
            self.heading.setText(self.tr("打印所选的 {n} 个站点的检查表").format(n=len(self.station_codes)))
            self._suggest()
            if len(self.station_codes) == 1:  # the file is named after the station's name as well as its code
                registry_, code_ = registry, self.station_codes[0]
                (BackgroundOp(self, self.taskman, lambda _ctx: station_details(registry_, code_).name, lang=lang)
                 .success(self._station_named)
                 .failure(lambda _exc: None)  # only the suggested file name misses the station's name
                 .run_in_background())
        else:
            self.heading.setText(self.tr("正在读取…"))
            self.print_button.setEnabled(False)
            registry_, scope_ = registry, scope or ""
            (BackgroundOp(self, self.taskman, lambda _ctx: read_scope_name(registry_, scope_), lang=lang)
             .success(self._scope_read)
             .failure(self._failed)
             .run_in_background())

    def _scope_read(self, scope: ScopeName) -> None:
        if not alive(self):
            return
        self.scope_name = scope
        self.heading.setText(self.tr("打印{scope}内运营和暂停中的站点的检查表").format(scope=scope.label))
        self._suggest()
        self.print_button.setEnabled(True)
        self.ready.emit()

    def _station_named(self, name: str) -> None:
        if not alive(self):
            return
        untouched = self.path_edit.text() == self._suggested
        self.station_name = name
        if untouched and self.op is None:  # never over a path the clerk chose or typed, nor while printing
            self._suggest()

    def _base_name(self) -> str:
        if self.scope_name is not None:
            return safe_file_name(self.scope_name.name)
        if len(self.station_codes) == 1:
            code = self.station_codes[0]
            return f"{code}_{safe_file_name(self.station_name)}" if self.station_name else code
        return self.tr("所选{n}个站点").format(n=len(self.station_codes))

    def _suggest(self) -> None:
        """A path in the chosen folder named after what is printed, following the choices."""
        if self.blank.isChecked():
            name = f"{self._base_name()}空白检查表.pdf"
        elif self.split.isChecked():
            name = f"{self._base_name()}检查表"
        else:
            name = f"{self._base_name()}检查表.pdf"
        self._suggested = str(self.folder / name)
        self.path_edit.setText(self._suggested)

    def _choice_toggled(self, _button: QAbstractButton, checked: bool) -> None:
        if checked:  # once per choice: the button turned off reports too
            self.update_choices()
            self._suggest()

    def update_choices(self) -> None:
        blank = self.blank.isChecked()
        if blank and self.split.isChecked():
            self.one_file.setChecked(True)
        self.split.setEnabled(not blank and self.op is None)
        self.path_label.setText(self.tr("保存到文件夹：") if self.output_is_folder() else self.tr("保存为："))

    def output_is_folder(self) -> bool:
        return self.split.isChecked() and not self.blank.isChecked()

    def browse(self) -> None:
        current = self.output() or self.folder
        if self.output_is_folder():
            chosen = self.prompts.folder(self, self.tr("选择保存检查表的文件夹"), current)
        else:
            chosen = self.prompts.save_file(self, self.tr("保存检查表"), current, pdf_filter())
        if chosen is not None:
            self.set_output(chosen)

    def job(self, out: Path) -> Callable[[OpContext], PrintResult]:
        registry, today, blank = self.registry, self.today, self.blank.isChecked()
        codes = list(self.station_codes) or None
        scope = self.scope if not codes else None
        split = out if self.output_is_folder() else None
        first = codes[0] if codes else None

        def run(ctx: OpContext) -> PrintResult:
            from villagepost.services import printing  # reportlab loads with the first print, not the window

            if blank:
                return printing.print_checklists(registry, out, scope=scope or (first or "")[:12] or None, blank=True,
                                                 today=today, progress=ctx.progress, cancelled=ctx.cancelled)
            return printing.print_checklists(registry, None if split else out, scope=scope, stations=codes,
                                             split_dir=split, today=today, progress=ctx.progress,
                                             cancelled=ctx.cancelled)

        return run

    def done_text(self, result: PrintResult) -> str:
        where = str(self.output()) if self.output_is_folder() else result.paths[0]
        if self.blank.isChecked():
            return self.tr("已生成空白检查表（{pages} 页）：{where}").format(pages=result.pages, where=where)
        return self.tr("已打印 {sheets} 份检查表，共 {pages} 页：{where}").format(
            sheets=result.sheets, pages=result.pages, where=where)


#: the levels a summary can list, as the combo box names them
LEVEL_CHOICES = (Level.CITY, Level.COUNTY, Level.TOWNSHIP, Level.VILLAGE)


class PrintSummaryDialog(_PrintDialog):
    """The coverage summary of a scope on a date, as PDF (for the meeting) or XLSX (to pass the numbers on)."""

    def __init__(self, parent: QWidget, registry: Registry, scope: str, *, taskman: TaskManager | None = None,
                 lang: str = DEFAULT_LANG, opener: Opener | None = None, prompts: FilePrompts | None = None,
                 today: dt.date | None = None) -> None:
        super().__init__(parent, registry, taskman, lang=lang, opener=opener, prompts=prompts, today=today)
        self.scope = scope
        self.scope_name: ScopeName | None = None
        self.setObjectName("printSummary")
        self.setWindowTitle(self.tr("打印覆盖率汇总表"))

        self.date_edit = DayEdit(self, lang=self.lang)
        self.date_edit.setObjectName("summaryDate")
        today_q = QDate(self.today.year, self.today.month, self.today.day)
        self.date_edit.setMaximumDate(today_q)
        self.date_edit.setDate(today_q)
        self.level = QComboBox(self)
        self.level.setObjectName("summaryLevel")
        self.level.addItem(self.tr("下一级单位"), None)
        self.unit = QLineEdit(self)
        self.unit.setObjectName("summaryUnit")
        self.as_recorded = QLineEdit(self)
        self.as_recorded.setObjectName("summaryAsRecorded")
        self.as_recorded.setPlaceholderText(self.tr("留空：按现在的记录；例如 2026-10-31 18:00:00 重现当时打印的表"))
        self.as_recorded.setToolTip(self.tr(
            "按该时刻登记册中已记录的内容重算（之后的更正、补录不计）。只写日期表示当天结束时；"
            "统计日期未改动时取该时刻当天。汇总表上印有“数据登记截至”的时刻，照抄即可重现。"))
        self.pdf = QRadioButton(self.tr("PDF（打印、开会用）"), self)
        self.pdf.setObjectName("summaryPdf")
        self.xlsx = QRadioButton(self.tr("Excel 工作簿（.xlsx，转报数据用）"), self)
        self.xlsx.setObjectName("summaryXlsx")
        kinds = QButtonGroup(self)
        kinds.addButton(self.pdf)
        kinds.addButton(self.xlsx)
        self.pdf.setChecked(True)
        self.pdf.toggled.connect(lambda _on: self._kind_changed())
        kind_row = QHBoxLayout()
        kind_row.addWidget(self.pdf)
        kind_row.addWidget(self.xlsx)
        kind_row.addStretch(1)

        form = QFormLayout()
        form.addRow(self.tr("统计日期："), self.date_edit)
        form.addRow(self.tr("列出："), self.level)
        form.addRow(self.tr("制表单位："), self.unit)
        form.addRow(self.tr("按登记时刻："), self.as_recorded)
        form.addRow(self.tr("格式："), kind_row)
        form.addRow(self.tr("保存为："), self.path_row)
        self.finish_layout(form)
        self.resize(620, 360)

        self.heading.setText(self.tr("正在读取…"))
        self.print_button.setEnabled(False)
        registry_ = registry
        (BackgroundOp(self, self.taskman, lambda _ctx: read_scope_name(registry_, scope), lang=lang)
         .success(self._scope_read)
         .failure(self._failed)
         .run_in_background())

    def _scope_read(self, scope: ScopeName) -> None:
        if not alive(self):
            return
        self.scope_name = scope
        self.heading.setText(self.tr("{scope}建制村覆盖率汇总表").format(scope=scope.label))
        from villagepost.services.printing import default_unit

        self.unit.setPlaceholderText(default_unit(scope.name, scope.level))
        for level in LEVEL_CHOICES:
            if level > scope.level:
                self.level.addItem(level.zh, int(level))
        self.path_edit.setText(str(self.folder / f"{safe_file_name(scope.name)}覆盖率汇总表.pdf"))
        self.print_button.setEnabled(True)
        self.ready.emit()

    def suffix(self) -> str:
        return ".pdf" if self.pdf.isChecked() else ".xlsx"

    def _kind_changed(self) -> None:
        out = self.output()
        if out is not None and out.suffix.lower() in (".pdf", ".xlsx"):
            self.path_edit.setText(str(out.with_suffix(self.suffix())))

    def browse(self) -> None:
        current = self.output() or self.folder
        chosen = self.prompts.save_file(self, self.tr("保存覆盖率汇总表"), current,
                                        pdf_filter() if self.pdf.isChecked() else xlsx_filter())
        if chosen is not None:
            self.set_output(chosen)

    def input_problem(self) -> str | None:
        problem = self.date_edit.problem()
        return None if problem is None else self.tr("统计日期：{problem}").format(problem=problem)

    def job(self, out: Path) -> Callable[[OpContext], PrintResult]:
        registry, scope, today = self.registry, self.scope, self.today
        day = self.date_edit.date()
        on = dt.date(day.year(), day.month(), day.day())
        level_value = self.level.currentData()
        level = Level(int(level_value)) if level_value is not None else None
        unit = self.unit.text()
        recorded_text = self.as_recorded.text().strip()
        date_untouched = on == today

        def run(ctx: OpContext) -> PrintResult:
            from villagepost.services import printing  # reportlab loads with the first print, not the window

            instant = as_recorded.parse_instant(recorded_text) if recorded_text else None
            day = as_recorded.local_day(instant) if instant is not None and date_untouched else on
            return printing.print_summary(registry, scope, out, on=day, level=level, unit=unit, today=today,
                                          progress=ctx.progress, cancelled=ctx.cancelled, as_recorded_on=instant)

        return run

    def done_text(self, result: PrintResult) -> str:
        if result.pages:
            return self.tr("已生成覆盖率汇总表（{pages} 页）：{where}").format(pages=result.pages,
                                                                        where=result.paths[0])
        return self.tr("已生成覆盖率汇总表：{where}").format(where=result.paths[0])


def print_checklists_dialog(parent: QWidget, reg: Registry, *, station_codes: Sequence[str] | None = None,
                            scope: str | None = None, **options: Any) -> PrintChecklistsDialog:
    """Open (window-modal, not blocking) the checklist print dialog for `station_codes` or `scope`.

    `options`: taskman (default: the window's), lang, opener, prompts, today.
    """
    dialog = PrintChecklistsDialog(parent, reg, station_codes=station_codes, scope=scope, **options)
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    dialog.open()
    return dialog


def print_summary_dialog(parent: QWidget, reg: Registry, scope: str, **options: Any) -> PrintSummaryDialog:
    """Open (window-modal, not blocking) the coverage summary dialog for `scope`; `options` as above."""
    dialog = PrintSummaryDialog(parent, reg, scope, **options)
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    dialog.open()
    return dialog
