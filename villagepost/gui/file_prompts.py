"""The files the forms ask for and the viewer they open: file dialogs that remember the last folder, and the
system's PDF/Excel program.

Why one replaceable object: the template editor, the inspection panel and the print dialogs all ask the
clerk for a path and open what they wrote. Tests hand in a `FilePrompts` with fixed answers and an opener
that records the path, so no modal file dialog blocks an offscreen run and no PDF viewer is launched.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QStandardPaths, QUrl
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import QFileDialog, QWidget

from villagepost.gui import settings as opts

#: opens a written file in the program the system uses for it
Opener = Callable[[Path], None]

#: lupdate finds `translate("context", "text")` calls; a wrapper function would hide them.
translate = QCoreApplication.translate


def pdf_filter() -> str:
    return translate("FilePrompts", "PDF 文件 (*.pdf)")


def xlsx_filter() -> str:
    return translate("FilePrompts", "Excel 工作簿 (*.xlsx)")


def safe_file_name(text: str) -> str:
    """A scope or station name as part of a suggested file name (no characters Windows refuses)."""
    return "".join("_" if c in '\\/:*?"<>|' else c for c in text).strip() or "打印"


def open_in_system_viewer(path: Path) -> None:
    """Open `path` with the system's program for its type (a PDF reader, Excel or WPS)."""
    QDesktopServices.openUrl(QUrl.fromLocalFile(str(path)))


def default_folder(option: opts.Option[str] = opts.LAST_DIRECTORY) -> Path:
    """Where output goes until the clerk chose a folder: the last one used (for rosters, or for printing:
    `option`), else Documents, else home."""
    last = opts.Settings().get(option)
    if last and Path(last).is_dir():
        return Path(last)
    documents = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation)
    if documents and Path(documents).is_dir():
        return Path(documents)
    return Path.home()


def remember_folder(path: Path, option: opts.Option[str] = opts.LAST_DIRECTORY) -> None:
    """The folder of a chosen file (or a chosen folder) becomes the next default."""
    folder = path if path.is_dir() else path.parent
    opts.Settings().set(option, str(folder))


class FilePrompts:
    """The file dialogs the forms use; each returns the chosen path, or None when the clerk cancelled.

    `option` is the remembered folder: the rosters' (import, export, templates) or the printouts'
    (`FilePrompts.for_printing()`), so printing a checklist does not move the folder the next roster is
    looked for in, nor the reverse.
    """

    #: the remembered folder (a class default too: test doubles need not call __init__)
    option: opts.Option[str] = opts.LAST_DIRECTORY

    def __init__(self, option: opts.Option[str] = opts.LAST_DIRECTORY) -> None:
        self.option = option

    @classmethod
    def for_printing(cls) -> FilePrompts:
        return cls(opts.PRINT_DIRECTORY)

    def default_folder(self) -> Path:
        return default_folder(self.option)

    def save_file(self, parent: QWidget, title: str, suggested: Path, filters: str) -> Path | None:
        path, _ = QFileDialog.getSaveFileName(parent, title, str(suggested), filters)
        if not path:
            return None
        remember_folder(Path(path), self.option)
        return Path(path)

    def open_file(self, parent: QWidget, title: str, filters: str) -> Path | None:
        path, _ = QFileDialog.getOpenFileName(parent, title, str(default_folder(self.option)), filters)
        if not path:
            return None
        remember_folder(Path(path), self.option)
        return Path(path)

    def folder(self, parent: QWidget, title: str, suggested: Path) -> Path | None:
        path = QFileDialog.getExistingDirectory(parent, title, str(suggested))
        if not path:
            return None
        remember_folder(Path(path), self.option)
        return Path(path)
