"""The print dialogs offscreen on 平罗县 with the stations of the real roster (SQLite and PostgreSQL): the
PDFs they write (read back with pypdf: pages, text), one file per station, the blank form, the summary as
PDF and workbook, refusals kept in the dialog, and cancelling half way (no file left, an older one kept)."""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path

import pytest
from form_fixtures import CHENGGUAN, HEPING, PINGLUO, TODAY, Opened, ScriptedPrompts, pingluo
from openpyxl import load_workbook
from pypdf import PdfReader
from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QApplication, QWidget
from pytestqt.qtbot import QtBot

from villagepost.core.divisions import Level
from villagepost.gui.ops import TaskManager
from villagepost.gui.print_dialogs import (
    PrintChecklistsDialog,
    PrintSummaryDialog,
    _PrintDialog,
    print_checklists_dialog,
    print_summary_dialog,
)
from villagepost.gui.translations import install_translations
from villagepost.services.registry import Registry

pytestmark = pytest.mark.gui

XINMIN = "640221100205-01"




@pytest.fixture
def reg(make_registry: Callable[..., Registry]) -> Registry:
    return pingluo(make_registry)


def pages(path: Path) -> int:
    return len(PdfReader(path).pages)


def text(path: Path) -> str:
    return "".join(page.extract_text() or "" for page in PdfReader(path).pages)


def run(qtbot: QtBot, dialog: _PrintDialog) -> None:
    """Press 打印 and wait until the print has finished (or was refused)."""
    qtbot.waitUntil(dialog.print_button.isEnabled, timeout=10000)
    dialog.print_button.click()
    qtbot.waitUntil(lambda: dialog.op is None, timeout=60000)


def test_selected_stations_in_one_pdf_opened_when_done(qtbot: QtBot, window: QWidget, reg: Registry,
                                                       tmp_path: Path) -> None:
    opened = Opened()
    dialog = print_checklists_dialog(window, reg, station_codes=[XINMIN, HEPING], opener=opened, today=TODAY)
    assert dialog.taskman is window.taskman and dialog.isVisible()
    assert dialog.heading.text() == "打印所选的 2 个站点的检查表"
    assert Path(dialog.path_edit.text()).name == "所选2个站点检查表.pdf"
    out = tmp_path / "选中.pdf"
    dialog.path_edit.setText(str(out))
    with qtbot.waitSignal(dialog.printed, timeout=30000):
        dialog.print_button.click()
    assert pages(out) == 4 and opened == [out]
    body = text(out)
    assert body.index("640221100201-01") < body.index(XINMIN)  # code order, whatever the selection order
    assert dialog.status.text() == f"已打印 2 份检查表，共 4 页：{out}"
    assert dialog.open_button.isEnabled()


def test_a_scope_one_file_per_station_and_the_blank_form(qtbot: QtBot, window: QWidget, reg: Registry,
                                                        tmp_path: Path) -> None:
    opened = Opened()
    folder = tmp_path / "城关镇检查表"
    prompts = ScriptedPrompts(folder, tmp_path / "空白.pdf")
    dialog = PrintChecklistsDialog(window, reg, scope=CHENGGUAN, opener=opened, prompts=prompts, today=TODAY)
    qtbot.addWidget(dialog)
    with qtbot.waitSignal(dialog.ready, timeout=10000):
        dialog.show()
    assert dialog.heading.text() == "打印城关镇（640221100）内运营和暂停中的站点的检查表"
    assert dialog.filled.isChecked() and dialog.one_file.isChecked() and not dialog.blank.isChecked()
    suggested = Path(dialog.path_edit.text())
    assert suggested.name == "城关镇检查表.pdf"
    dialog.split.click()
    assert dialog.path_label.text() == "保存到文件夹：" and Path(dialog.path_edit.text()) == suggested.with_suffix("")
    dialog.one_file.click()
    assert Path(dialog.path_edit.text()) == suggested
    dialog.split.click()
    dialog.browse()
    assert prompts.asked == [("folder", "选择保存检查表的文件夹")] and dialog.path_edit.text() == str(folder)
    run(qtbot, dialog)
    files = sorted(folder.iterdir())
    assert len(files) == 9 and [pages(f) for f in files] == [2] * 9
    assert files[0].name == "640221100201-01_和平村村邮站.pdf" and opened == [folder]
    assert dialog.status.text() == f"已打印 9 份检查表，共 18 页：{folder}"

    dialog.blank.click()
    assert dialog.one_file.isChecked() and not dialog.split.isEnabled()
    dialog.browse()
    run(qtbot, dialog)
    blank = tmp_path / "空白.pdf"
    assert pages(blank) == 2 and "平罗县村级寄递物流综合服务站检查表" in text(blank)
    assert dialog.status.text() == f"已生成空白检查表（2 页）：{blank}" and opened == [folder, blank]


def test_refusals_stay_in_the_dialog(qtbot: QtBot, window: QWidget, reg: Registry, tmp_path: Path) -> None:
    dialog = PrintChecklistsDialog(window, reg, scope="640221100202", opener=Opened(), today=TODAY)  # no station
    qtbot.addWidget(dialog)
    with qtbot.waitSignal(dialog.ready, timeout=10000):
        dialog.show()
    dialog.path_edit.setText(str(tmp_path / "x.pdf"))
    run(qtbot, dialog)
    assert dialog.error.text() == "640221100202 范围内没有运营或暂停中的站点，没有可打印的检查表"
    assert dialog.isVisible() and list(tmp_path.glob("*.pdf")) == []
    dialog.path_edit.setText(str(tmp_path / "x.txt"))
    dialog.filled.setChecked(False)
    dialog.blank.setChecked(True)
    dialog.path_edit.setText(str(tmp_path / "x.txt"))
    run(qtbot, dialog)
    assert dialog.error.text() == f"输出文件名应以 .pdf 结尾：{tmp_path / 'x.txt'}"
    dialog.path_edit.clear()
    dialog.print_button.click()
    assert dialog.error.text() == "请先选择保存位置。" and dialog.op is None


def hold_worker(taskman: TaskManager) -> threading.Event:
    """Keep the worker busy until the returned event is set (so a print is queued, not yet started)."""
    release = threading.Event()
    taskman.run(lambda: release.wait(30), lambda _f: None)
    return release


def cancel_after(dialog: _PrintDialog, reports: int) -> None:
    """Make the running print's progress hook press 取消 after `reports` reports (as the clerk would)."""
    assert dialog.op is not None and dialog.op.context is not None
    context = dialog.op.context
    report = context.progress
    seen = 0

    def progress(done: int, total: int, text: str = "") -> None:
        nonlocal seen
        seen += 1
        report(done, total, text)
        if seen == reports:
            dialog.reject()  # closing while printing cancels the print

    context.progress = progress  # type: ignore[method-assign]


def test_cancel_half_way_leaves_no_file_and_keeps_an_older_one(
        qtbot: QtBot, window: QWidget, reg: Registry, tmp_path: Path) -> None:
    (tmp_path / "out").mkdir()
    out = tmp_path / "out" / "平罗县.pdf"
    out.write_bytes(b"%PDF-1.4 older print\n")
    opened = Opened()
    dialog = PrintChecklistsDialog(window, reg, scope=PINGLUO, opener=opened, today=TODAY)
    qtbot.addWidget(dialog)
    with qtbot.waitSignal(dialog.ready, timeout=10000):
        dialog.show()
    dialog.path_edit.setText(str(out))
    release = hold_worker(window.taskman)
    dialog.start()
    cancel_after(dialog, 5)  # 88 stations: cancelled after the 5th
    release.set()
    qtbot.waitUntil(lambda: dialog.op is None, timeout=60000)
    assert dialog.status.text() == "已取消，没有生成文件。" and dialog.isVisible()
    assert out.read_bytes() == b"%PDF-1.4 older print\n" and sorted(p.name for p in out.parent.iterdir()) == [out.name]
    assert opened == [] and dialog.print_result is None

    run(qtbot, dialog)  # printing again after a cancel works
    assert pages(out) == 176 and dialog.status.text() == f"已打印 88 份检查表，共 176 页：{out}"


def test_summary_as_pdf_and_workbook(qtbot: QtBot, window: QWidget, reg: Registry, tmp_path: Path) -> None:
    opened = Opened()
    dialog = print_summary_dialog(window, reg, PINGLUO, opener=opened, today=TODAY)
    with qtbot.waitSignal(dialog.ready, timeout=10000):
        pass
    assert isinstance(dialog, PrintSummaryDialog)
    assert dialog.heading.text() == "平罗县（640221）建制村覆盖率汇总表"
    assert dialog.unit.placeholderText() == "平罗县交通运输局"
    assert [dialog.level.itemText(i) for i in range(dialog.level.count())] == ["下一级单位", "乡镇", "村"]
    assert Path(dialog.path_edit.text()).name == "平罗县覆盖率汇总表.pdf"
    out = tmp_path / "汇总.pdf"
    dialog.path_edit.setText(str(out))
    dialog.unit.setText("平罗县交通运输局运输服务股")
    run(qtbot, dialog)
    assert pages(out) == 2 and opened == [out]
    body = text(out)
    assert "平罗县交通运输局运输服务股" in body and "城关镇" in body and "红崖子乡" in body
    assert dialog.status.text() == f"已生成覆盖率汇总表（2 页）：{out}"

    dialog.xlsx.click()
    assert dialog.path_edit.text() == str(tmp_path / "汇总.xlsx")
    dialog.level.setCurrentIndex(dialog.level.findData(int(Level.VILLAGE)))
    run(qtbot, dialog)
    book = load_workbook(tmp_path / "汇总.xlsx")
    sheet = book["覆盖率汇总"]
    codes = [row[0] for row in sheet.iter_rows(min_row=4, values_only=True)]
    assert len(codes) == 145 and codes[-1] == PINGLUO  # the county's 144 建制村, then 合计
    assert all(len(c) == 12 and c.startswith(PINGLUO) for c in codes[:-1])
    assert opened == [out, tmp_path / "汇总.xlsx"]


def test_summary_cancelled_before_it_runs_leaves_no_file(
        qtbot: QtBot, window: QWidget, reg: Registry, tmp_path: Path) -> None:
    dialog = PrintSummaryDialog(window, reg, PINGLUO, opener=Opened(), today=TODAY)
    qtbot.addWidget(dialog)
    with qtbot.waitSignal(dialog.ready, timeout=10000):
        dialog.show()
    (tmp_path / "out").mkdir()
    out = tmp_path / "out" / "汇总.xlsx"
    dialog.xlsx.click()
    dialog.path_edit.setText(str(out))
    release = hold_worker(window.taskman)
    dialog.start()
    dialog.reject()  # the clerk closes the dialog while the summary waits for the worker
    assert dialog.isVisible()  # it stays until the job has stopped
    release.set()
    qtbot.waitUntil(lambda: dialog.op is None, timeout=30000)
    assert dialog.status.text() == "已取消，没有生成文件。" and list(out.parent.iterdir()) == []


def test_an_english_print_dialog(qtbot: QtBot, qapp: QApplication, window: QWidget, reg: Registry) -> None:
    translators = install_translations(qapp, "en")
    try:
        dialog = PrintChecklistsDialog(window, reg, station_codes=[HEPING], lang="en", opener=Opened(), today=TODAY)
        qtbot.addWidget(dialog)
        assert dialog.windowTitle() == "Print station checklists"
        assert dialog.heading.text() == "Print the checklists of the 1 selected stations"
        assert (dialog.browse_button.text(), dialog.print_button.text()) == ("Browse…", "Print")  # the base's texts
        assert Path(dialog.path_edit.text()).name == f"{HEPING}检查表.pdf"
    finally:
        for translator in translators:
            QCoreApplication.removeTranslator(translator)
