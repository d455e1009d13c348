"""The example data in the window: after the first load, 导入第一份花名册 or 先看看示例数据.

The demo registry (services/demo.py) is built on the worker and the window switches to it, its title and
status bar saying 演示数据 all the while; 文件 → 删除演示数据 switches back to the clerk's own registry and
deletes the demo file. The clerk's registry is never written by any of this.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QCoreApplication, Qt, QTimer
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel, QMenu, QVBoxLayout, QWidget

from villagepost.gui.ops import BackgroundOp
from villagepost.gui.window_sizing import settle_layout
from villagepost.services import demo

if TYPE_CHECKING:
    from villagepost.gui.main_window import MainWindow

translate = QCoreApplication.translate

DEMO_TITLE_MARK = "【演示数据】"


class NextStepDialog(QDialog):
    """导入第一份花名册 / 先看看示例数据 / 以后再说 (window-modal, not blocking); `choice` says which."""

    IMPORT, DEMO = "import", "demo"

    def __init__(self, parent: QWidget) -> None:
        super().__init__(parent)
        self.choice: str | None = None
        self.setWindowTitle(self.tr("村邮通 — 下一步"))
        self.text = QLabel(self.tr("<p><b>区划代码已载入。下一步做什么？</b></p>"
                                   "<p>· 导入第一份花名册：选择乡镇报来的 Excel 花名册；</p>"
                                   "<p>· 先看看示例数据：打开一个标明“演示”的示例县（平罗县，88 个站点），可以随意查看"
                                   "和修改，不影响您自己的登记册，看完可在“文件 → 删除演示数据”里删除。</p>"), self)
        self.text.setWordWrap(True)
        buttons = QDialogButtonBox(self)
        self.import_button = buttons.addButton(self.tr("导入第一份花名册…"), QDialogButtonBox.ButtonRole.AcceptRole)
        self.demo_button = buttons.addButton(self.tr("先看看示例数据"), QDialogButtonBox.ButtonRole.ActionRole)
        self.later_button = buttons.addButton(self.tr("以后再说"), QDialogButtonBox.ButtonRole.RejectRole)
        self.import_button.clicked.connect(lambda: self._choose(self.IMPORT))
        self.demo_button.clicked.connect(lambda: self._choose(self.DEMO))
        self.later_button.clicked.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.text)
        layout.addWidget(buttons)
        self.setMinimumWidth(520)

    def _choose(self, choice: str) -> None:
        self.choice = choice
        self.accept()

    def setVisible(self, visible: bool) -> None:  # noqa: N802 (Qt override)
        if visible:
            settle_layout(self)
        super().setVisible(visible)


def offer_next_step(window: MainWindow) -> NextStepDialog:
    """Ask what to do after the codes are in: import the first roster, or look at the example data."""
    dialog = NextStepDialog(window)
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)

    def chosen() -> None:
        if dialog.choice == NextStepDialog.IMPORT:
            window.open_import_wizard()
        elif dialog.choice == NextStepDialog.DEMO:
            open_demo(window)

    dialog.accepted.connect(lambda: QTimer.singleShot(0, chosen))
    dialog.open()
    window.next_step_dialog = dialog  # type: ignore[attr-defined]
    return dialog


def open_demo(window: MainWindow, path: Path | None = None) -> None:
    """Build the demo registry on the worker (progress after ~600 ms), then switch the window to it."""
    own = window.registry.location.path
    target = path or demo.demo_path()

    def job(ctx: object) -> Path:
        return demo.build(target, progress=getattr(ctx, "progress", None), cancelled=getattr(ctx, "cancelled", None))

    def built(result: Path) -> None:
        window.open_database(str(result))
        mark_when_open(window, result, own)

    (BackgroundOp(window, window.taskman, job, lang=window.lang)
     .with_progress(translate("DemoOffer", "正在准备示例数据…"))
     .success(built)
     .run_in_background())


def mark_when_open(window: MainWindow, path: Path, own: Path | None) -> None:
    """Once the window shows the demo registry: 演示数据 in the title and the status bar, and the
    文件 menu's 删除演示数据 (back to `own`, then the file is deleted)."""

    def check() -> None:
        if window.registry.location.path != path:
            QTimer.singleShot(50, check)
            return
        window.setWindowTitle(translate("MainWindow", "村邮通 VillagePost") + DEMO_TITLE_MARK)
        label = QLabel(translate("DemoOffer", "演示数据：示例县，可随意修改；文件 → 删除演示数据"), window)
        label.setObjectName("demoBanner")
        label.setStyleSheet("QLabel { background: #fff3c4; color: #6b4e00; padding: 1px 6px; }")
        window.statusBar().addPermanentWidget(label)
        action = QAction(translate("DemoOffer", "删除演示数据(&D)"), window)
        action.setObjectName("removeDemoAction")
        file_menu = window.menuBar().actions()[0].menu()
        if isinstance(file_menu, QMenu):
            file_menu.addAction(action)

        def remove() -> None:
            action.setEnabled(False)
            if own is not None:
                window.open_database(str(own))
            done_when_switched(window, path, own, label, action)

        action.triggered.connect(remove)
        window.demo_banner = label  # type: ignore[attr-defined]
        window.remove_demo_action = action  # type: ignore[attr-defined]

    check()


def done_when_switched(window: MainWindow, path: Path, own: Path | None, label: QLabel, action: QAction) -> None:
    """When the window has left the demo registry: unmark it and delete the demo file."""
    if window.registry.location.path == path:
        QTimer.singleShot(50, lambda: done_when_switched(window, path, own, label, action))
        return
    window.setWindowTitle(translate("MainWindow", "村邮通 VillagePost"))
    window.statusBar().removeWidget(label)
    label.deleteLater()
    action.deleteLater()

    def removed(_path: Path) -> None:
        window.statusBar().showMessage(translate("DemoOffer", "演示数据已删除。"), 8000)

    # on the worker: it runs after the demo registry's close, which the window queued there when it switched
    (BackgroundOp(window, window.taskman, lambda _ctx: demo.remove(path), lang=window.lang)
     .success(removed)
     .run_in_background())
