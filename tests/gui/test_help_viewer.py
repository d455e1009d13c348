"""帮助 → 用户手册: the guide in the window with its pictures, F1, one viewer, 保存为 PDF on the worker."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from PySide6.QtCore import QUrl
from PySide6.QtGui import QKeySequence, QTextDocument
from pytestqt.qtbot import QtBot

from villagepost.gui.help_viewer import MAX_PICTURE_WIDTH, HelpViewer
from villagepost.gui.main_window import MainWindow
from villagepost.services.registry import Registry

pytestmark = pytest.mark.gui


def _pictures(viewer: HelpViewer) -> list[tuple[str, float, int]]:
    """(name, shown width, loaded image width) of every picture in the viewer's document."""
    doc = viewer.browser.document()
    found = []
    block = doc.begin()
    while block.isValid():
        it = block.begin()
        while not it.atEnd():
            fmt = it.fragment().charFormat()
            if fmt.isImageFormat():
                image = fmt.toImageFormat()
                loaded = doc.resource(QTextDocument.ResourceType.ImageResource, QUrl(image.name()))
                found.append((image.name(), image.width(), loaded.width() if loaded is not None else 0))
            it += 1
        block = block.next()
    return found


def test_f1_opens_the_guide_with_every_picture_fitted(
        sqlite_registry: Callable[..., Registry], make_window: Callable[..., MainWindow], qtbot: QtBot) -> None:
    window = make_window(sqlite_registry("640221"))
    assert window.guide_action.shortcut() == QKeySequence(QKeySequence.StandardKey.HelpContents)
    assert window.guide_action.text() == "用户手册(&U)"
    window.guide_action.trigger()
    viewer = window._guide
    assert isinstance(viewer, HelpViewer) and viewer.isVisible()
    assert viewer.windowTitle() == "村邮通 — 用户手册"
    text = viewer.browser.toPlainText()
    assert "二、第一次启动" in text and "五、提示信息和处理办法" in text
    pictures = _pictures(viewer)
    assert viewer.pictures == len(pictures) == 9
    assert all(loaded > 0 for _name, _shown, loaded in pictures), pictures  # every file found
    # wider ones are shrunk to the viewer's width; narrower ones keep their own (width 0: natural)
    assert all(shown == MAX_PICTURE_WIDTH if loaded > MAX_PICTURE_WIDTH else shown == 0
               for _name, shown, loaded in pictures), pictures
    assert window.open_guide() is viewer  # asking again brings the same viewer forward


def test_save_as_pdf_runs_on_the_worker(sqlite_registry: Callable[..., Registry],
                                        make_window: Callable[..., MainWindow], qtbot: QtBot,
                                        tmp_path: Path) -> None:
    window = make_window(sqlite_registry("640221"))
    viewer = window.open_guide()
    assert isinstance(viewer, HelpViewer)
    viewer.open_when_saved = False
    out = tmp_path / "手册"
    viewer.save_pdf(out)
    assert not viewer.pdf_button.isEnabled()
    qtbot.waitUntil(lambda: viewer.saved_path is not None, timeout=60000)
    assert viewer.saved_path == out.with_suffix(".pdf")
    assert out.with_suffix(".pdf").read_bytes()[:5] == b"%PDF-"
    assert viewer.status.text() == f"已保存：{out.with_suffix('.pdf')}" and viewer.pdf_button.isEnabled()
    viewer.grab().save(str(tmp_path / "viewer.png"))
