"""The import wizard on the example rosters: detect, change the mapping, validate, see a row, import, report.

Expectations come from tests/rosters/data/expected.json (the shared fixture set's own description of each
file) and from the registry read back through the services.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path

import pytest
from openpyxl import load_workbook
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QWizard
from pytestqt.qtbot import QtBot

from tests.rosters.roster_fixtures import DATA, EXPECTED
from villagepost.gui.import_wizard import CHECK_PAGE, MAPPING_PAGE, RESULT_PAGE, ImportWizard, column_letter
from villagepost.gui.main_window import MainWindow
from villagepost.services.registry import Registry
from villagepost.services.stations import list_stations

pytestmark = pytest.mark.gui


def open_wizard(qtbot: QtBot, window: MainWindow, name: str) -> ImportWizard:
    wizard = window.open_import_wizard()
    wizard.file_page.path_edit.setText(str(DATA / name))
    assert wizard.file_page.isComplete()
    return wizard


def next_page(qtbot: QtBot, wizard: ImportWizard, page: int) -> None:
    wizard.next()
    qtbot.waitUntil(lambda: wizard.currentId() == page, timeout=10000)


def wait_idle(qtbot: QtBot, wizard: ImportWizard) -> None:
    qtbot.waitUntil(lambda: not wizard.running, timeout=30000)


def test_a_clean_roster_goes_through_every_page(
    qtbot: QtBot, make_window: Callable[..., MainWindow], sqlite_registry: Callable[..., Registry]
) -> None:
    reg = sqlite_registry("640221")
    window = make_window(reg)
    wizard = open_wizard(qtbot, window, "A01_pingluo_clean.xlsx")
    expected = EXPECTED["A01_pingluo_clean.xlsx"]
    next_page(qtbot, wizard, MAPPING_PAGE)
    page = wizard.mapping_page
    assert page.sheet_combo.currentText() == expected["sheet"]
    assert page.header_label.text() == "表头在第 1 行，数据从第 2 行开始"
    mapping = page.mapping()
    assert sorted(mapping) == sorted(expected["fields"])
    assert page.combos["code"].currentText() == f"{column_letter(mapping['code'])} 区划代码"
    cell, header = page.preview.item(1, mapping["code"]), page.preview.horizontalHeaderItem(mapping["code"])
    assert cell is not None and header is not None
    assert page.preview.rowCount() == 20 and cell.text() == "640221100200"
    assert header.text() == f"{column_letter(mapping['code'])}\n区划代码"

    next_page(qtbot, wizard, CHECK_PAGE)
    wait_idle(qtbot, wizard)
    check = wizard.check_page
    assert wizard.check_report is not None and wizard.check_report.dry_run
    assert check.errors.rowCount() == 0 and not check.report_button.isEnabled()
    assert check.message.text() == wizard.check_report.message("zh")
    assert list_stations(reg, "640221") == []  # checking saves nothing
    # the button that writes says so, and the page is the point of no return
    assert check.isCommitPage()
    commit = wizard.button(QWizard.WizardButton.CommitButton)
    assert commit.isVisible() and commit.text() == "导入"
    assert not wizard.button(QWizard.WizardButton.NextButton).isVisible()
    assert check.changes.topLevelItemCount() == 0 and check.changes_label.text() == "导入不会修改已登记的站点。"

    with qtbot.waitSignal(wizard.imported, timeout=30000) as imported:
        next_page(qtbot, wizard, RESULT_PAGE)
    report = imported.args[0]
    assert (report.status, report.villages_imported, report.stations_created) == (
        "ok", expected["villages_imported"], expected["stations_imported"])
    assert len(list_stations(reg, "640221")) == 88
    counts = wizard.result_page.counts.text()
    assert counts == "读取 144 行；导入 144 个村，其中站点 88 个（新增 88、更新 0、未变 0）；未导入 0 行。"
    assert wizard.button(QWizard.WizardButton.FinishButton).isEnabled()
    assert window.statusBar().currentMessage() == report.message("zh")
    tab = window.stations_tab  # the tables re-read what the import wrote
    window.tabs.setCurrentWidget(tab)
    qtbot.waitUntil(lambda: tab.model.total == 88, timeout=10000)


def test_row_errors_are_listed_shown_and_reported(
    qtbot: QtBot, make_window: Callable[..., MainWindow], sqlite_registry: Callable[..., Registry], tmp_path: Path
) -> None:
    name = "C09_mixed_errors.xlsx"
    expected = EXPECTED[name]
    reg = sqlite_registry("640521")
    window = make_window(reg)
    wizard = open_wizard(qtbot, window, name)
    next_page(qtbot, wizard, MAPPING_PAGE)
    next_page(qtbot, wizard, CHECK_PAGE)
    wait_idle(qtbot, wizard)
    check = wizard.check_page
    report = wizard.check_report
    assert report is not None and report.status == "partial"
    assert sorted({e.row for e in report.errors}) == sorted({e["row"] for e in expected["errors"]})
    assert check.errors.rowCount() == len(report.errors) + len(report.warnings)
    assert [check.errors.index(i, 0).data() for i in range(len(report.errors))] == [str(e.row) for e in report.errors]
    assert check.errors.index(0, 4).data() == report.errors[0].message("zh")
    assert check.errors.headerData(1, Qt.Orientation.Horizontal) == "村"
    assert check.errors.index(0, 1).data() == report.row_villages[report.errors[0].row] != ""

    # double-click the error of row 31: the row as the township wrote it, with what is wrong
    row = next(i for i, (issue, _err) in enumerate(check.errors.issues) if issue.row == 31)
    check.show_row(check.errors.index(row, 0))
    qtbot.waitUntil(lambda: check.row_dialog is not None, timeout=10000)
    dialog = check.row_dialog
    assert dialog is not None and dialog.windowTitle() == "第 31 行"
    assert {f: e.text() for f, e in dialog.values.items() if f in ("township", "code", "station_name")} == {
        "township": "太阳梁乡", "code": "640521102209", "station_name": "立新村兔喜生活超市"}
    bad = {e.field for e in report.errors if e.row == 31}
    assert bad and all(dialog.values[f].property("bad") for f in bad if f in dialog.values)
    assert all(e.isReadOnly() for e in dialog.values.values())
    assert {f for f, e in dialog.values.items() if e.property("bad")} == bad & set(dialog.values)
    dialog.grab().save(str(tmp_path / "row31.png"))
    dialog.close()

    out = tmp_path / "错误报告.xlsx"
    with qtbot.waitSignal(wizard.report_saved, timeout=10000):
        wizard.save_report(report, str(out))
    book = load_workbook(out)
    assert "错误汇总" in book.sheetnames

    with qtbot.waitSignal(wizard.imported, timeout=30000) as imported:
        next_page(qtbot, wizard, RESULT_PAGE)
    done = imported.args[0]
    assert (done.status, done.villages_imported, done.stations_imported) == (
        "partial", expected["villages_imported"], expected["stations_imported"])
    assert wizard.result_page.report_button.isVisibleTo(wizard.result_page)


def test_strict_imports_nothing_when_a_row_is_wrong(
    qtbot: QtBot, make_window: Callable[..., MainWindow], sqlite_registry: Callable[..., Registry]
) -> None:
    reg = sqlite_registry("640521")
    window = make_window(reg)
    wizard = open_wizard(qtbot, window, "C09_mixed_errors.xlsx")
    next_page(qtbot, wizard, MAPPING_PAGE)
    next_page(qtbot, wizard, CHECK_PAGE)
    wait_idle(qtbot, wizard)
    wizard.check_page.strict.setChecked(True)
    with qtbot.waitSignal(wizard.imported, timeout=30000) as imported:
        next_page(qtbot, wizard, RESULT_PAGE)
    assert imported.args[0].status == "rejected"
    assert list_stations(reg, "640521") == []


def test_a_changed_mapping_is_what_gets_imported(
    qtbot: QtBot, make_window: Callable[..., MainWindow], sqlite_registry: Callable[..., Registry]
) -> None:
    reg = sqlite_registry("640221")
    window = make_window(reg)
    wizard = open_wizard(qtbot, window, "B12_extra_columns.xlsx")
    next_page(qtbot, wizard, MAPPING_PAGE)
    page = wizard.mapping_page
    combo = page.combos["contact"]
    secretary = next(i for i in range(combo.count()) if combo.itemText(i).endswith("村党组织书记"))
    combo.setCurrentIndex(secretary)
    combo.activated.emit(secretary)  # what choosing it with the mouse does
    assert page.message.text() == "已修改对应关系；点“下一步”时按新的对应关系检查。"
    same_as_code = page.combos["code"].currentIndex()
    page.combos["phone"].setCurrentIndex(same_as_code)
    page.combos["phone"].activated.emit(same_as_code)
    assert not page.isComplete() and page.message.text() == "两个字段不能对应同一列，请改正。"
    page.combos["phone"].setCurrentIndex(0)  # （不导入）
    page.combos["phone"].activated.emit(0)
    assert page.isComplete()
    next_page(qtbot, wizard, CHECK_PAGE)
    assert wizard.roster_layout.columns.header("contact").strip() == "村党组织书记"
    wait_idle(qtbot, wizard)
    with qtbot.waitSignal(wizard.imported, timeout=30000):
        next_page(qtbot, wizard, RESULT_PAGE)
    stations = list_stations(reg, "640221")
    assert len(stations) == 88 and all(s.phone is None for s in stations)
    book = load_workbook(DATA / "B12_extra_columns.xlsx", read_only=True)
    sheet = book["站点统计"]
    header = [c for c in next(sheet.iter_rows(min_row=1, max_row=1, values_only=True))]
    col = [str(h).strip() if h else "" for h in header].index("村党组织书记")
    secretaries = {str(r[col]).strip() for r in sheet.iter_rows(min_row=2, values_only=True) if r[5] and r[col]}
    assert {s.contact for s in stations} <= secretaries | {None}
    assert {s.contact for s in stations} & secretaries


def test_a_file_that_is_not_a_workbook_is_refused_on_the_first_page(
    qtbot: QtBot, make_window: Callable[..., MainWindow], sqlite_registry: Callable[..., Registry]
) -> None:
    window = make_window(sqlite_registry("640221"))
    wizard = open_wizard(qtbot, window, "D02_html_export.xls")
    wizard.next()
    qtbot.waitUntil(lambda: not wizard.running and wizard.file_page.message.isVisibleTo(wizard), timeout=10000)
    assert wizard.currentId() == 0
    assert "D02_html_export.xls" in wizard.file_page.message.text()
    assert wizard.roster_layout is None


def test_cancel_during_the_import_rolls_back(
    qtbot: QtBot, make_window: Callable[..., MainWindow], sqlite_registry: Callable[..., Registry]
) -> None:
    reg = sqlite_registry("640221")
    window = make_window(reg)
    wizard = open_wizard(qtbot, window, "A01_pingluo_clean.xlsx")
    next_page(qtbot, wizard, MAPPING_PAGE)
    next_page(qtbot, wizard, CHECK_PAGE)
    wait_idle(qtbot, wizard)
    release = threading.Event()
    window.taskman.run(lambda: release.wait(10), lambda _f: None)  # the import waits behind this job
    wizard.next()
    assert wizard.currentId() == RESULT_PAGE and wizard.running
    wizard.reject()  # the cancel button while importing: cancel, stay open
    release.set()
    wait_idle(qtbot, wizard)
    assert wizard.isVisible()
    assert wizard.result_page.message.text() == "已取消，登记册保持原样。"
    assert list_stations(reg, "640221") == []


def test_the_check_page_shows_what_the_import_will_change(
    qtbot: QtBot, make_window: Callable[..., MainWindow], sqlite_registry: Callable[..., Registry], tmp_path: Path
) -> None:
    from villagepost.services.imports import import_roster

    reg = sqlite_registry("640221")
    assert import_roster(reg, DATA / "A01_pingluo_clean.xlsx").status == "ok"
    book = load_workbook(DATA / "A01_pingluo_clean.xlsx")
    sheet = book.active
    assert sheet is not None
    sheet["L3"], sheet["M3"] = "王新", "13900001111"
    edited = tmp_path / "A01_edited.xlsx"
    book.save(edited)
    window = make_window(reg)
    wizard = window.open_import_wizard()
    wizard.file_page.path_edit.setText(str(edited))
    next_page(qtbot, wizard, MAPPING_PAGE)
    next_page(qtbot, wizard, CHECK_PAGE)
    wait_idle(qtbot, wizard)
    check = wizard.check_page
    assert check.changes_label.text() == "导入将修改已登记的站点 1 个（展开查看修改的内容）："
    top = check.changes.topLevelItem(0)
    assert top.text(0) == "第3行 和平村委会 和平村村邮站（640221100201-01）" and top.childCount() == 2
    assert [(top.child(i).text(0), top.child(i).text(1), top.child(i).text(2)) for i in range(2)] == [
        ("联系人", "罗德", "王新"), ("联系电话", "15675671692", "13900001111")]
    check.changes.expandAll()
    wizard.grab().save(str(tmp_path / "check_page.png"))
    assert {s.code: s.phone for s in list_stations(reg, "640221")}["640221100201-01"] == "15675671692"


def test_the_served_villages_column_is_mapped_checked_and_shown(
    qtbot: QtBot, make_window: Callable[..., MainWindow], sqlite_registry: Callable[..., Registry], tmp_path: Path
) -> None:
    book = load_workbook(DATA / "A01_pingluo_clean.xlsx")
    sheet = book.active
    assert sheet is not None
    sheet["N1"], sheet["N3"], sheet["N7"] = "服务村", "新建村、关渠村委会", "不存在村"
    path = tmp_path / "A01_served.xlsx"
    book.save(path)
    reg = sqlite_registry("640221")
    window = make_window(reg)
    wizard = window.open_import_wizard()
    wizard.file_page.path_edit.setText(str(path))
    next_page(qtbot, wizard, MAPPING_PAGE)
    page = wizard.mapping_page
    assert page.mapping()["served"] == 13 and page.combos["served"].currentText() == "N 服务村"
    page.grab().save(str(tmp_path / "mapping.png"))
    next_page(qtbot, wizard, CHECK_PAGE)
    wait_idle(qtbot, wizard)
    check = wizard.check_page
    assert check.errors.rowCount() == 1
    assert (check.errors.index(0, 0).data(), check.errors.index(0, 1).data()) == ("7", "新民村委会")
    assert check.errors.index(0, 4).data() == (
        "第7行“服务村”：服务村“不存在村”在平罗县找不到（请填本县的村名或12位区划代码）")
    check.grab().save(str(tmp_path / "check.png"))
    with qtbot.waitSignal(wizard.imported, timeout=30000):
        next_page(qtbot, wizard, RESULT_PAGE)
    wizard.close()
    qtbot.waitUntil(lambda: window.import_wizard is None, timeout=10000)

    sheet["N3"], sheet["N7"] = "合作村", None  # a new list for 和平村村邮站: what the check page shows
    book.save(path)
    again = window.open_import_wizard()
    again.file_page.path_edit.setText(str(path))
    next_page(qtbot, again, MAPPING_PAGE)
    next_page(qtbot, again, CHECK_PAGE)
    wait_idle(qtbot, again)
    tree = again.check_page.changes
    assert tree.topLevelItemCount() == 1
    top = tree.topLevelItem(0)
    assert top is not None and top.childCount() == 1
    child = top.child(0)
    assert [child.text(i) for i in range(3)] == ["服务村", "640221100202、640221100203", "640221100200"]
