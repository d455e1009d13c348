"""The checklist template editor offscreen on real registries (SQLite and PostgreSQL): editing the default
into the county's own template, refusals shown in Chinese at the item they concern, inherited templates,
resetting, and the Excel round trip through the editor's import and export."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from form_fixtures import ROSTERS, ScriptedPrompts
from openpyxl import load_workbook
from PySide6.QtWidgets import QMessageBox, QTreeWidgetItem, QWidget
from pytestqt.qtbot import QtBot

from villagepost.core.checklists import default_checklist
from villagepost.gui.checklist_editor import DEFAULT, INHERITED, OWN, TEXT_COLUMN, ChecklistEditorDialog, parent_of
from villagepost.gui.ops import TaskManager
from villagepost.services import checklists as svc
from villagepost.services.registry import Registry

pytestmark = pytest.mark.gui

PINGLUO = "640221"
DEFAULT_TEXTS = [i.text for i in default_checklist().items]


@pytest.fixture
def parent(qtbot: QtBot) -> QWidget:
    widget = QWidget()
    qtbot.addWidget(widget)
    return widget


@pytest.fixture
def taskman(parent: QWidget) -> Iterator[TaskManager]:
    manager = TaskManager(parent)
    yield manager
    manager.shutdown()


@pytest.fixture(autouse=True)
def discard_on_teardown(monkeypatch: pytest.MonkeyPatch) -> None:
    """An editor left with edits would ask at teardown; a modal box there would block the run."""
    answer(monkeypatch, QMessageBox.StandardButton.Discard)


@pytest.fixture
def reg(make_registry: Callable[..., Registry]) -> Registry:
    return make_registry(PINGLUO)


def answer(monkeypatch: pytest.MonkeyPatch, button: QMessageBox.StandardButton) -> list[str]:
    """Every QMessageBox.question is answered with `button`; the list collects the questions' texts."""
    asked: list[str] = []

    def question(_parent: QWidget, _title: str, text: str, *_args: object) -> QMessageBox.StandardButton:
        asked.append(text)
        return button

    monkeypatch.setattr(QMessageBox, "question", staticmethod(question))
    return asked


Editors = Callable[..., ChecklistEditorDialog]


@pytest.fixture
def open_editor(qtbot: QtBot, parent: QWidget, taskman: TaskManager) -> Editors:
    """(registry, scope=平罗县, **options) -> a shown editor that has read the template."""

    def make(reg: Registry, scope: str = PINGLUO, **kw: object) -> ChecklistEditorDialog:
        editor = ChecklistEditorDialog(parent, taskman, reg, scope, **kw)  # type: ignore[arg-type]
        qtbot.addWidget(editor)
        with qtbot.waitSignal(editor.loaded, timeout=10000):
            editor.show()
        return editor

    return make


def at(editor: ChecklistEditorDialog, number: int) -> QTreeWidgetItem:
    """The item numbered `number` (it must exist)."""
    item = editor.item_at(number)
    assert item is not None, f"no item {number}"
    return item


def wait_done(qtbot: QtBot, editor: ChecklistEditorDialog) -> None:
    qtbot.waitUntil(lambda: not editor.busy, timeout=10000)


def test_the_default_edited_becomes_the_countys_own_in_the_new_order(
        qtbot: QtBot, open_editor: Editors, reg: Registry) -> None:
    editor = open_editor(reg)
    assert editor.state is not None and editor.state.origin == DEFAULT
    assert editor.heading.text() == "平罗县（640221）的检查表"
    assert "默认检查表" in editor.origin.text()
    assert [g.text(TEXT_COLUMN) for g in editor.groups()] == [
        "站点信息", "标识与公示", "安全制度", "场地与设施", "台账与服务", "绿色环保"]
    assert [t for _, t in editor.rows()] == DEFAULT_TEXTS and not editor.save_button.isEnabled()

    editor.tree.setCurrentItem(at(editor, 2))
    editor.move_current(-1)  # 2 → 1 inside 站点信息
    editor.tree.setCurrentItem(at(editor, 4))  # first of 标识与公示: up moves it into 站点信息's end
    editor.move_current(-1)
    assert parent_of(at(editor, 4)).text(TEXT_COLUMN) == "站点信息"
    editor.tree.setCurrentItem(at(editor, 17))  # 瘦身胶带 → end of 安全制度 (the 3rd category)
    editor.move_to_category(2)
    editor.tree.setCurrentItem(editor.groups()[5])  # 绿色环保 (one item left) before 台账与服务
    editor.move_current(-1)
    editor.tree.setCurrentItem(at(editor, 1))
    editor.delete_current()
    editor.tree.setCurrentItem(at(editor, 3))
    added = editor.add_item("站点内张贴禁寄物品目录")
    assert added is not None
    at(editor, 1).setText(TEXT_COLUMN, "  站点名称、类型、所在村与登记册一致，\t门牌清楚 ")  # as typed in place
    editor.title_edit.setText("平罗县站点检查表")
    editor.title_edit.textEdited.emit("平罗县站点检查表")
    assert editor.dirty and editor.windowTitle() == "检查表模板（未保存）"

    expected = [
        ("站点信息", "站点名称、类型、所在村与登记册一致， 门牌清楚"),
        ("站点信息", DEFAULT_TEXTS[2]),
        ("站点信息", DEFAULT_TEXTS[3]),
        ("站点信息", "站点内张贴禁寄物品目录"),
        ("标识与公示", DEFAULT_TEXTS[4]),
        *[("安全制度", t) for t in DEFAULT_TEXTS[5:9]],
        ("安全制度", DEFAULT_TEXTS[16]),
        *[("场地与设施", t) for t in DEFAULT_TEXTS[9:13]],
        ("绿色环保", DEFAULT_TEXTS[15]),
        *[("台账与服务", t) for t in DEFAULT_TEXTS[13:15]],
    ]
    with qtbot.waitSignal(editor.loaded, timeout=10000):
        editor.save()
    stored = svc.own_checklist(reg, PINGLUO)
    assert stored is not None and stored.title == "平罗县站点检查表"
    assert [(i.category, i.text) for i in stored.items] == expected
    assert editor.state is not None and editor.state.origin == OWN
    assert editor.origin.text() == "本县自己的检查表。"
    assert not editor.dirty and editor.windowTitle() == "检查表模板" and editor.reset_button.isEnabled()
    assert editor.rows() == expected
    assert editor.item_at(18) is None
    assert at(editor, 17).text(0) == "17" and editor.groups()[4].text(0) == "五、"


def test_refusals_show_in_chinese_at_the_item_and_store_nothing(
        qtbot: QtBot, open_editor: Editors, reg: Registry) -> None:
    editor = open_editor(reg)
    editor.tree.setCurrentItem(at(editor, 9))
    editor.add_item(DEFAULT_TEXTS[0].replace("、", "、 "))  # the same text once whitespace is ignored → item 10
    editor.save()
    wait_done(qtbot, editor)
    assert editor.error.text() == f"第 10 行：检查内容“{DEFAULT_TEXTS[0].replace('、', '、 ')}”与第 1 行重复"
    assert editor.error.isVisible() and editor.tree.currentItem() is at(editor, 10)
    assert svc.own_checklist(reg, PINGLUO) is None and editor.dirty

    editor.delete_current()
    at(editor, 3).setText(TEXT_COLUMN, "")
    editor.save()
    wait_done(qtbot, editor)
    assert editor.error.text() == "第 3 行：检查内容为空" and editor.tree.currentItem() is at(editor, 3)

    at(editor, 3).setText(TEXT_COLUMN, DEFAULT_TEXTS[2])
    editor.title_edit.setText("")
    editor.save()
    wait_done(qtbot, editor)
    assert editor.title_error.text() == "检查表标题为空，请填写标题" and editor.title_error.isVisible()
    assert not editor.error.isVisible() and svc.own_checklist(reg, PINGLUO) is None

    # a category renamed to nothing keeps its name (it would silently join the category above)
    group = editor.groups()[1]
    group.setText(TEXT_COLUMN, "  ")
    assert group.text(TEXT_COLUMN) == "标识与公示" and editor.error.text() == "类别名称不能为空，已恢复原来的名称。"


def test_inherited_template_export_import_and_reset(
        qtbot: QtBot, open_editor: Editors, reg: Registry, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    svc.save_checklist(reg, "6402", "石嘴山市站点检查表", [("基本情况", "站点正常营业"), ("", "有服务公示")])
    exported = tmp_path / "模板.xlsx"
    prompts = ScriptedPrompts(exported, exported, ROSTERS / "A01_pingluo_clean.xlsx")
    editor = open_editor(reg, "640221100", prompts=prompts)  # a township edits its county's
    assert editor.scope == PINGLUO and editor.state is not None and editor.state.origin == INHERITED
    assert editor.origin.text() == "沿用石嘴山市（6402）的检查表；保存后成为本县自己的检查表。"
    assert not editor.reset_button.isEnabled()

    editor.export_to_excel()
    wait_done(qtbot, editor)
    assert editor.status.text() == f"已导出到 {exported}（2 项）。" and prompts.asked == [("save", "导出检查表")]
    book = load_workbook(exported)
    sheet = book["检查项目"]
    assert sheet["B1"].value == "石嘴山市站点检查表"
    sheet["B1"] = "平罗县检查表"
    sheet.append([3, "安全", "落实实名收寄"])
    book.save(exported)

    with qtbot.waitSignal(editor.saved, timeout=10000):
        editor.import_from_excel()
    stored = svc.own_checklist(reg, PINGLUO)
    assert stored is not None and stored.title == "平罗县检查表"
    assert [(i.category, i.text) for i in stored.items] == [
        ("基本情况", "站点正常营业"), ("基本情况", "有服务公示"), ("安全", "落实实名收寄")]
    assert editor.state is not None and editor.state.origin == OWN and editor.rows() == [
        (i.category, i.text) for i in stored.items]
    assert editor.status.text() == "已从 模板.xlsx 导入并保存：平罗县检查表，共 3 项。"

    editor.import_from_excel()  # a roster is no checklist: refused, nothing changes
    wait_done(qtbot, editor)
    assert editor.error.text().startswith("没有导入：“A01_pingluo_clean.xlsx”中没有找到检查表")
    assert svc.own_checklist(reg, PINGLUO) == stored

    asked = answer(monkeypatch, QMessageBox.StandardButton.Yes)
    with qtbot.waitSignal(editor.loaded, timeout=10000):
        editor.reset_template()
    assert asked == ["删除平罗县自己的检查表，改用上级或默认检查表？已有的检查记录不受影响。"]
    assert svc.own_checklist(reg, PINGLUO) is None
    assert editor.state.origin == INHERITED and [t for _, t in editor.rows()] == ["站点正常营业", "有服务公示"]


def test_unsaved_edits_are_asked_about_on_closing_and_exporting(
        qtbot: QtBot, open_editor: Editors, reg: Registry, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    prompts = ScriptedPrompts(tmp_path / "导出.xlsx")
    editor = open_editor(reg, prompts=prompts)
    editor.tree.setCurrentItem(at(editor, 1))
    editor.delete_current()
    assert editor.reset_button.text() == "放弃修改" and editor.reset_button.isEnabled()  # nothing own to remove
    with qtbot.waitSignal(editor.loaded, timeout=10000):
        editor.reset_button.click()
    assert [t for _, t in editor.rows()] == DEFAULT_TEXTS and not editor.dirty
    editor.tree.setCurrentItem(at(editor, 17))
    editor.delete_current()
    asked = answer(monkeypatch, QMessageBox.StandardButton.Cancel)
    editor.reject()
    assert editor.isVisible() and asked == ["检查表的修改还没有保存。要保存吗？"]
    editor.export_to_excel()
    assert prompts.asked == [] and svc.own_checklist(reg, PINGLUO) is None  # cancelled: nothing asked or written

    answer(monkeypatch, QMessageBox.StandardButton.Save)
    with qtbot.waitSignal(editor.loaded, timeout=10000):
        editor.export_to_excel()  # saves first, then exports what was saved
    stored = svc.own_checklist(reg, PINGLUO)
    assert stored is not None and [i.text for i in stored.items] == DEFAULT_TEXTS[:16]
    assert load_workbook(tmp_path / "导出.xlsx")["检查项目"].max_row == 4 + 16

    at(editor, 1).setText(TEXT_COLUMN, "改过的第一项")
    answer(monkeypatch, QMessageBox.StandardButton.Discard)
    editor.reject()
    assert not editor.isVisible()
    assert [i.text for i in svc.own_checklist(reg, PINGLUO).items] == DEFAULT_TEXTS[:16]  # type: ignore[union-attr]
