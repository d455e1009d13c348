"""The small things that confused a clerk, each checked on 平罗县 with roster A01 (tests/rosters/data)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from PySide6.QtCore import QCoreApplication, QLocale, Qt
from PySide6.QtWidgets import QApplication, QCalendarWidget, QFileDialog, QLabel
from pytestqt.qtbot import QtBot

from tests.gui.test_station_editor import HEPING, QIANJIN, open_editor
from tests.rosters.roster_fixtures import DATA
from villagepost.core.divisions import VillageClass
from villagepost.gui import settings as opts
from villagepost.gui.file_prompts import FilePrompts
from villagepost.gui.main_window import MainWindow
from villagepost.gui.print_dialogs import PrintChecklistsDialog
from villagepost.gui.settings import Settings
from villagepost.gui.stations_tab import STATUS, StationSource, station_columns
from villagepost.gui.translations import install_translations
from villagepost.gui.villages_tab import COVERED, VillageSource
from villagepost.services import imports, station_ops, tables
from villagepost.services.registry import Registry
from villagepost.services.tables import StationFilter, VillageFilter

pytestmark = pytest.mark.gui

ROSTER = DATA / "A01_pingluo_clean.xlsx"


@pytest.fixture
def pingluo(sqlite_registry: Callable[..., Registry]) -> Registry:
    reg = sqlite_registry("640221")
    assert imports.import_roster(reg, ROSTER).status == "ok"
    return reg


@pytest.fixture
def window(make_window: Callable[..., MainWindow], pingluo: Registry) -> MainWindow:
    return make_window(pingluo)


def test_options_has_a_shortcut_on_windows_and_linux(window: MainWindow) -> None:
    assert window.settings_action.shortcut().toString() == "Ctrl+,"


def test_a_disabled_new_inspection_says_why(window: MainWindow, qtbot: QtBot) -> None:
    window.go_to("640221")
    window.tabs.setCurrentWidget(window.inspections)
    panel = window.inspections
    qtbot.waitUntil(lambda: not panel.busy, timeout=5000)
    panel.table.clearSelection()
    panel._update_buttons()
    assert not panel.new_button.isEnabled()
    assert panel.new_hint.isVisible() and panel.new_hint.text() == "先在站点表中选择一个站点"


def test_residents_committees_show_not_counted(pingluo: Registry) -> None:
    source = VillageSource(pingluo)
    ids = tables.village_ids(pingluo, VillageFilter(scope="640221", village_class=VillageClass.RESIDENTS.value))
    assert len(ids) > 0
    rows = tables.village_rows(pingluo, [int(i) for i in ids[:3]])
    assert {source.display(row, COVERED) for row in rows.values()} == {"不计入"}
    village = tables.village_ids(pingluo, VillageFilter(scope="640221100201"))
    row = tables.village_rows(pingluo, [int(village[0])])[int(village[0])]
    assert source.display(row, COVERED) == "未覆盖"  # 和平村委会: a 建制村 with a 村邮站 only


def test_a_merged_away_station_says_where_it_went(window: MainWindow, pingluo: Registry, qtbot: QtBot) -> None:
    event = station_ops.merge_stations(pingluo, HEPING, [QIANJIN], "2024-06-30")
    source = StationSource(pingluo)
    sid = tables.station_id(pingluo, QIANJIN)
    assert sid is not None
    row = tables.station_rows(pingluo, [sid])[sid]
    assert source.display(row, STATUS) == f"已合并（并入 {HEPING}）"
    editor = open_editor(qtbot, window, QIANJIN)
    assert f"状态：已合并（并入 {HEPING}）（自 " in editor.subtitle.text()
    station_ops.undo_event(pingluo, event)
    row = tables.station_rows(pingluo, [sid])[sid]
    assert source.display(row, STATUS) == "运营"


def test_one_word_for_the_operator(window: MainWindow, qtbot: QtBot, capsys: pytest.CaptureFixture[str],
                                   pingluo: Registry) -> None:
    from villagepost.cli import main

    assert [c.title for c in station_columns() if c.key == "operator"] == ["运营主体"]
    editor = open_editor(qtbot, window, HEPING)
    labels = {label.text() for label in editor.findChildren(QLabel)}
    assert "运营主体：" in labels and not any("经营者" in text for text in labels)
    station_ops.edit_station(pingluo, HEPING, {"operator": "平罗县邮政分公司"})
    db = str(pingluo.location.path)
    assert main(["--db", db, "station", "show", HEPING]) == 0
    assert "运营主体：平罗县邮政分公司" in capsys.readouterr().out


def test_the_window_opens_on_the_last_scope(make_window: Callable[..., MainWindow], pingluo: Registry,
                                            qtbot: QtBot, tmp_path: Path) -> None:
    first = MainWindow(pingluo, settings=Settings())
    qtbot.addWidget(first)
    with qtbot.waitSignal(first.tree_ready, timeout=5000):
        first.show()
    assert first.go_to("640221100201")
    first.taskman.shutdown()
    first.settings.set(opts.LAST_SCOPE, "")  # what close() writes is checked below
    first._save_state()
    assert Settings().get(opts.LAST_SCOPE) == "640221100201"
    reopened = Registry.open(str(pingluo.location.path))
    second = MainWindow(reopened, settings=Settings())
    qtbot.addWidget(second)
    with qtbot.waitSignal(second.tree_ready, timeout=5000):
        second.show()
    qtbot.waitUntil(lambda: second.selected_code() == "640221100201", timeout=5000)
    second.close()


def test_the_tree_keeps_its_expansion_and_selection_after_an_import(window: MainWindow, qtbot: QtBot) -> None:
    assert window.go_to("640221100201")
    expanded_before = window.expanded_codes()
    assert "640221100" in expanded_before
    report = imports.import_roster(window.registry, ROSTER)
    window._imported(report)
    qtbot.waitUntil(lambda: not window.taskman.busy, timeout=5000)
    assert window.selected_code() == "640221100201"
    assert window.expanded_codes() == expanded_before


def test_village_names_are_not_cut_at_1024_pixels(window: MainWindow, qtbot: QtBot) -> None:
    window.resize(1000, 560)
    assert window.go_to("640221100201")
    qtbot.waitUntil(lambda: not window.taskman.busy, timeout=5000)
    tree = window.tree
    index = tree.currentIndex()
    needed = tree.fontMetrics().horizontalAdvance(str(index.data())) + tree.indentation() * 5
    assert tree.columnWidth(0) >= needed


def test_print_dialogs_remember_their_own_folder(window: MainWindow, tmp_path: Path, qtbot: QtBot) -> None:
    settings = Settings()
    settings.set(opts.LAST_DIRECTORY, str(tmp_path))  # the rosters' folder
    prints = tmp_path / "printouts"
    prints.mkdir()
    settings.set(opts.PRINT_DIRECTORY, str(prints))
    assert FilePrompts.for_printing().default_folder() == prints
    dialog = PrintChecklistsDialog(window, window.registry, station_codes=[HEPING])
    qtbot.addWidget(dialog)
    qtbot.waitUntil(lambda: dialog.station_name != "", timeout=5000)
    assert Path(dialog.path_edit.text()) == prints / f"{HEPING}_和平村村邮站检查表.pdf"


def test_standard_dialogs_and_the_calendar_speak_the_windows_language(qtbot: QtBot, qapp: QApplication) -> None:
    translators = install_translations(qapp, "zh")
    try:
        dialog = QFileDialog()
        dialog.setOption(QFileDialog.Option.DontUseNativeDialog)
        qtbot.addWidget(dialog)
        texts = {label.text() for label in dialog.findChildren(QLabel)}
        assert {"查找范围(&L)：", "文件名称(&N)：", "文件类型(&T)："} <= texts  # none left in English
        assert QCoreApplication.translate("MainWindow", "选项") == "选项"  # other texts untouched
        assert QLocale().name() == "zh_CN"
        calendar = QCalendarWidget()
        qtbot.addWidget(calendar)
        assert calendar.locale().name() == "zh_CN"
    finally:
        for t in translators:
            qapp.removeTranslator(t)
        QLocale.setDefault(QLocale("C"))


def test_the_overview_shows_stations_and_coverage_and_names_each_class(window: MainWindow, pingluo: Registry,
                                                                        qtbot: QtBot) -> None:
    from villagepost.services.coverage import coverage

    assert window.go_to("640221")
    details = window.details
    qtbot.waitUntil(details.figures_box.isVisible, timeout=10000)
    report = coverage(pingluo, "640221")
    stations = tables.station_count(pingluo, StationFilter(scope="640221"))
    shown = {key: label.text() for key, label in details.figure_labels.items()}
    assert shown == {"stations": f"{stations:,}", "operating": f"{stations:,}",
                     "villages": f"{report.villages_total:,}", "covered": f"{report.villages_covered:,}",
                     "rate": f"{report.rate * 100:.1f}%"}
    assert stations > 0 and report.villages_covered > 0
    captions = {label.text() for label in details.counts_box.findChildren(QLabel)}
    assert "村级单位（各类合计，分类见下）" in captions and "村级单位（村委会、居委会）" not in captions
    classes = {label.text() for label in details.classes_box.findChildren(QLabel)}
    assert {"村委会（建制村）", "居委会（社区）", "类似居委会", "类似村委会（农场、林场生活区等）"} <= classes


def test_a_served_village_is_picked_by_name_or_pinyin(window: MainWindow, pingluo: Registry, qtbot: QtBot) -> None:
    editor = open_editor(qtbot, window, HEPING)
    served = editor.served
    editor.pages.setCurrentIndex(1)  # 服务、品牌与服务村
    served.code_edit.setText("xjc")  # 新建村委会's initials, as the search box takes them
    served.code_edit.textEdited.emit("xjc")
    qtbot.waitUntil(served.hits.isVisible, timeout=5000)
    found = [served.hits.item(i).data(Qt.ItemDataRole.UserRole) for i in range(served.hits.count())]
    assert ("640221100202", "新建村委会") in found
    assert all(code.startswith("640221") for code, _name in found)  # the station's county only
    served.hits.setCurrentRow([code for code, _n in found].index("640221100202"))
    served.code_edit.returnPressed.emit()
    assert served.codes() == ["640221100202"] and not served.hits.isVisible()
    editor.save()
    qtbot.waitUntil(lambda: not editor.busy and editor.error.isVisible(), timeout=5000)
    assert station_ops.station_details(pingluo, HEPING).served == (("640221100202", "新建村委会"),)
