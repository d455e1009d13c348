"""帮助 → 用户手册: the clerks' guide (resources/help/用户手册.md) in a window, and 保存为 PDF.

Qt renders the Markdown itself (QTextDocument.setMarkdown, GitHub dialect: headings, lists, tables,
pictures), so the window needs no browser engine; pictures are found in the guide's folder and shrunk to
the viewer's width. The PDF is the same file `villagepost guide --pdf` writes, made on the background
worker. One viewer per window: asking again brings it to the front.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QCoreApplication, QUrl
from PySide6.QtGui import QDesktopServices, QKeySequence, QTextCursor, QTextDocument, QTextImageFormat
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QLabel,
    QPushButton,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from villagepost.core import guide
from villagepost.core.errors import KnownError
from villagepost.core.messages import DEFAULT_LANG
from villagepost.gui.ops import BackgroundOp, TaskManager
from villagepost.gui.window_sizing import settle_layout

translate = QCoreApplication.translate

#: the widest a picture is shown, in pixels (the screenshots are taken at 1366 px)
MAX_PICTURE_WIDTH = 760
HELP_KEY = QKeySequence.StandardKey.HelpContents  # F1


def fit_pictures(document: QTextDocument, width: int) -> int:
    """Scale every picture of `document` wider than `width` down to it (keeping its proportions);
    returns how many pictures the document holds."""
    pictures = 0
    block = document.begin()
    while block.isValid():
        it = block.begin()
        while not it.atEnd():
            fragment = it.fragment()
            fmt = fragment.charFormat()
            if fmt.isImageFormat():
                pictures += 1
                image_fmt = fmt.toImageFormat()
                resource = document.resource(QTextDocument.ResourceType.ImageResource, QUrl(image_fmt.name()))
                natural = getattr(resource, "width", lambda: 0)()
                if natural > width:
                    scaled = QTextImageFormat(image_fmt)
                    scaled.setWidth(width)
                    scaled.setHeight(resource.height() * width / natural)
                    cursor = QTextCursor(document)
                    cursor.setPosition(fragment.position())
                    cursor.setPosition(fragment.position() + fragment.length(), QTextCursor.MoveMode.KeepAnchor)
                    cursor.setCharFormat(scaled)
            it += 1
        block = block.next()
    return pictures


class HelpViewer(QDialog):
    """The guide, readable beside the main window (not modal)."""

    def __init__(self, parent: QWidget, taskman: TaskManager, *, lang: str = DEFAULT_LANG) -> None:
        super().__init__(parent)
        self.taskman = taskman
        self.lang = lang
        self.setWindowTitle(self.tr("村邮通 — 用户手册"))
        self.browser = QTextBrowser(self)
        self.browser.setOpenExternalLinks(True)
        self.browser.setSearchPaths([str(guide.help_dir())])
        self.browser.setMarkdown(guide.guide_text())
        self.pictures = fit_pictures(self.browser.document(), MAX_PICTURE_WIDTH)
        self.status = QLabel(self)
        self.status.setWordWrap(True)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        self.pdf_button = QPushButton(self.tr("保存为 PDF(&S)…"), self)
        buttons.addButton(self.pdf_button, QDialogButtonBox.ButtonRole.ActionRole)
        self.pdf_button.clicked.connect(self.ask_pdf)
        buttons.rejected.connect(self.close)
        layout = QVBoxLayout(self)
        layout.addWidget(self.browser, 1)
        layout.addWidget(self.status)
        layout.addWidget(buttons)
        self.resize(900, 700)
        self.op: BackgroundOp[object] | None = None

    def ask_pdf(self) -> None:
        name, _ = QFileDialog.getSaveFileName(self, self.tr("保存用户手册"), self.tr("村邮通用户手册.pdf"),
                                              self.tr("PDF 文件 (*.pdf)"))
        if name:
            self.save_pdf(Path(name))

    def save_pdf(self, out: Path) -> None:
        """Write the guide to `out` on the worker; the status line says where, then the viewer opens it."""
        from villagepost.reports.guide_pdf import write_guide_pdf
        from villagepost.services.output_files import checked_output, write_guard

        def job(_ctx: object) -> object:
            target = checked_output(out if out.suffix else out.with_suffix(".pdf"), ".pdf")
            with write_guard(target):
                return write_guide_pdf(guide.guide_text(), guide.help_dir(), target)

        self.pdf_button.setEnabled(False)
        self.status.setText(self.tr("正在生成 PDF…"))
        self.op = (BackgroundOp(self, self.taskman, job, lang=self.lang)
                   .success(self._saved).failure(self._failed))
        self.op.run_in_background()

    def _saved(self, result: object) -> None:
        self.pdf_button.setEnabled(True)
        path = getattr(result, "path", None)
        self.status.setText(self.tr("已保存：{path}").format(path=path))
        self.saved_path = path
        if path is not None and self.open_when_saved:
            QDesktopServices.openUrl(QUrl.fromLocalFile(str(path)))

    def _failed(self, exc: BaseException) -> None:
        self.pdf_button.setEnabled(True)
        self.status.setText(exc.message(self.lang) if isinstance(exc, KnownError) else self.tr("生成 PDF 失败。"))

    def setVisible(self, visible: bool) -> None:  # noqa: N802 (Qt override)
        if visible:
            settle_layout(self)
        super().setVisible(visible)

    #: tests switch this off so no PDF viewer starts
    open_when_saved = True
    saved_path: Path | None = None
