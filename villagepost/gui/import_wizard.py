"""The import wizard: choose a roster → check the detected sheet, header and columns (change them) →
validate with the list of errors → import → summary, with the township's error report.

Each step calls services.imports.RosterImport — the CLI's `villagepost import` in steps — on the
TaskManager's worker, so the window never freezes: a progress dialog appears after ~600 ms and its
cancel button stops the job (an import rolls back whole: the registry is as it was). Refusals (a CSV
renamed .xlsx, an encrypted workbook…) are the service's Chinese sentences, shown on the page; the
wizard stays where it is so the clerk can pick another file.

QWizard asks pages synchronously whether they may go on; a page whose step needs the database starts
the job and answers "not yet", and the job's success moves the wizard on.

The wizard (this module) holds the job and runs its steps; each page is a module of its own
(import_file_page, import_mapping_page, import_check_page, import_result_page, on import_page's base),
and import_errors holds the table of row errors and the dialog marking a row's bad cells.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import QSize, Signal
from PySide6.QtWidgets import QFileDialog, QWidget, QWizard

from villagepost.core.errors import Cancelled, KnownError
from villagepost.core.messages import DEFAULT_LANG
from villagepost.core.messages import tr as catalogue_text
from villagepost.core.values import column_letter
from villagepost.gui.import_check_page import CheckPage
from villagepost.gui.import_errors import ErrorsModel, RowDialog, cell_display, field_title
from villagepost.gui.import_file_page import FilePage
from villagepost.gui.import_mapping_page import MappingPage
from villagepost.gui.import_result_page import ResultPage
from villagepost.gui.ops import BackgroundOp, OpContext, TaskManager, default_failure
from villagepost.gui.settings import Settings
from villagepost.gui.window_sizing import settle_layout
from villagepost.services import imports
from villagepost.services.imports import ImportReport, RosterImport
from villagepost.services.registry import Registry

FILE_PAGE, MAPPING_PAGE, CHECK_PAGE, RESULT_PAGE = range(4)
PREVIEW_ROWS = 20
#: Qt's QWIDGETSIZE_MAX
UNBOUNDED = (1 << 24) - 1
#: fits a 1366×768 laptop; the mapping page needs about this much
MINIMUM_SIZE = (760, 520)

__all__ = [
    "CHECK_PAGE", "FILE_PAGE", "MAPPING_PAGE", "RESULT_PAGE", "CheckPage", "ErrorsModel", "FilePage",
    "ImportWizard", "MappingPage", "ResultPage", "RowDialog", "cell_display", "column_letter", "field_title",
]


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
