"""文件 menu actions over the export and backup services: registry export, township template, backup.

Each asks for a path (a callable the tests replace), runs the service on the serial worker with progress
after ~600 ms, and says where the file went; known problems (file open in Excel, a server registry
without file backups) arrive as message boxes from `ops.default_failure`.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QFileDialog, QMessageBox, QWidget

from villagepost.core import clock
from villagepost.core.errors import KnownError
from villagepost.core.messages import DEFAULT_LANG, register
from villagepost.gui.ops import BackgroundOp, OpContext, TaskManager, show_known_error
from villagepost.services import maintenance
from villagepost.services.registry import Registry

if TYPE_CHECKING:  # openpyxl loads with the first export, not with the window (start to first paint)
    from villagepost.services import exports

translate = QCoreApplication.translate

register({
    "gui.template_needs_township": ("请先在左侧选中一个乡镇（街道）：填报模板按乡镇导出。",
                                    "Select a township on the left first: fill-in templates are per township."),
})

#: (parent, caption, suggested file name, filter) -> chosen path or None
AskPath = Callable[[QWidget, str, str, str], Path | None]


def ask_save_path(parent: QWidget, caption: str, suggested: str, filters: str) -> Path | None:
    name, _ = QFileDialog.getSaveFileName(parent, caption, suggested, filters)
    return Path(name) if name else None


def _done(parent: QWidget, text: str, tell: bool) -> None:
    if tell:
        QMessageBox.information(parent, translate("file_actions", "村邮通"), text)


def _exported(parent: QWidget, path: Path | str, tell: bool) -> None:
    _done(parent, translate("file_actions", "已导出到：{path}").format(path=str(path)), tell)


def export_registry(parent: QWidget, taskman: TaskManager, reg: Registry, scope: str | None, *,
                    ask: AskPath = ask_save_path, lang: str = DEFAULT_LANG, tell: bool = True
                    ) -> BackgroundOp[exports.ExportResult] | None:
    """Export the registry (the selected scope, or everything) as a roster workbook."""
    stamp = clock.today().strftime("%Y%m%d")
    out = ask(parent, translate("file_actions", "导出登记表"), f"登记表-{scope or '全部'}-{stamp}.xlsx",
              translate("file_actions", "Excel 工作簿 (*.xlsx)"))
    if out is None:
        return None

    def job(ctx: OpContext) -> exports.ExportResult:
        from villagepost.services import exports

        return exports.export_registry(reg, out, scope, progress=ctx.progress)

    op = (BackgroundOp(parent, taskman, job, lang=lang)
          .with_progress(translate("file_actions", "正在导出登记表…"), cancellable=False)
          .success(lambda r: _exported(parent, r.path, tell)))
    op.run_in_background()
    return op


def export_template(parent: QWidget, taskman: TaskManager, reg: Registry, township: str | None, *,
                    ask: AskPath = ask_save_path, lang: str = DEFAULT_LANG, tell: bool = True
                    ) -> BackgroundOp[exports.ExportResult] | None:
    """Write the fill-in roster of the selected township (the service refuses other levels, in Chinese)."""
    if not township or len(township) != 9:
        show_known_error(parent, KnownError("gui.template_needs_township"), lang)
        return None
    out = ask(parent, translate("file_actions", "导出乡镇填报模板"), f"填报模板-{township}.xlsx",
              translate("file_actions", "Excel 工作簿 (*.xlsx)"))
    if out is None:
        return None
    def job(_ctx: OpContext) -> exports.ExportResult:
        from villagepost.services import exports

        return exports.export_template(reg, out, township)

    op = (BackgroundOp(parent, taskman, job, lang=lang)
          .with_progress(translate("file_actions", "正在导出填报模板…"), cancellable=False)
          .success(lambda r: _exported(parent, r.path, tell)))
    op.run_in_background()
    return op


def backup(parent: QWidget, taskman: TaskManager, reg: Registry, *, ask: AskPath = ask_save_path,
           lang: str = DEFAULT_LANG, tell: bool = True) -> BackgroundOp[Path] | None:
    """A consistent copy of the registry while it stays open."""
    stamp = clock.local_now().strftime("%Y%m%d-%H%M")
    out = ask(parent, translate("file_actions", "备份数据库"), f"村邮通备份-{stamp}.sqlite",
              translate("file_actions", "SQLite 数据库 (*.sqlite)"))
    if out is None:
        return None
    op = (BackgroundOp(parent, taskman, lambda _ctx: maintenance.backup(reg, out), lang=lang)
          .with_progress(translate("file_actions", "正在备份…"), cancellable=False)
          .success(lambda path: _done(parent, translate("file_actions", "已备份到：{path}").format(path=str(path)),
                                      tell)))
    op.run_in_background()
    return op
