"""The checklist template editor: a county's own inspection checklist — title, categories and items in
printed order — edited, saved, reset to what it inherits, and exchanged with Excel.

Why a tree of categories: the printed form groups items under 一、二、… headings in the order the items come
(core.checklists.Checklist.groups), so the clerk edits exactly that shape; flattening the tree gives the
(category, text) rows services.checklists.save_checklist stores, and a template read back shows the same
tree. The editor shows whose template applies now — the county's own, one inherited from its city or
province, or the default shipped with the program — because a clerk who edits an inherited one creates
the county's own on saving, and 恢复 removes it again. Every read and write runs on the background worker;
refusals (an empty item, a duplicate, a title too long) are the service's own Chinese messages, shown under
the tree with the offending item selected.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import QCoreApplication, Qt, Signal
from PySide6.QtGui import QFont, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)
from shiboken6 import Shiboken

from villagepost.core.checklists import Checklist, chinese_number
from villagepost.core.divisions import CODE_LENGTHS, Level
from villagepost.core.errors import Cancelled, KnownError
from villagepost.core.messages import DEFAULT_LANG
from villagepost.gui.file_prompts import FilePrompts, default_folder, xlsx_filter
from villagepost.gui.form_parts import ErrorLabel, SettledDialog, alive
from villagepost.gui.ops import BackgroundOp, OpContext, TaskManager, default_failure
from villagepost.services import checklists as svc
from villagepost.services.divisions import parse_scope, require_unit
from villagepost.services.registry import Registry

translate = QCoreApplication.translate

NUMBER_COLUMN, TEXT_COLUMN = 0, 1
KIND_ROLE = Qt.ItemDataRole.UserRole
#: a category's name before the current edit (a blank name is refused and the old one restored)
NAME_ROLE = Qt.ItemDataRole.UserRole + 1
CATEGORY, ITEM = "category", "item"

OWN, INHERITED, DEFAULT = "own", "inherited", "default"


@dataclasses.dataclass(frozen=True)
class TemplateState:
    """What the editor shows for a scope: the template that applies and where it comes from."""

    scope: str
    name: str
    level: Level
    checklist: Checklist
    origin: str  # OWN | INHERITED | DEFAULT
    origin_code: str = ""
    origin_name: str = ""


def template_scope(code: str) -> str:
    """The code whose template a unit edits: itself at county level and above, else its county."""
    county = CODE_LENGTHS[Level.COUNTY]
    return code if len(code) <= county else code[:county]


def read_state(reg: Registry, scope: str) -> TemplateState:
    """The template that applies to `scope` and whose it is (runs on the worker)."""
    code = template_scope(parse_scope(scope))
    unit, _ = require_unit(reg, code)
    applies = svc.checklist_for(reg, code)
    if applies.scope is None:
        return TemplateState(code, unit.name, Level(unit.level), applies, DEFAULT)
    if applies.scope == code:
        return TemplateState(code, unit.name, Level(unit.level), applies, OWN)
    origin, _ = require_unit(reg, applies.scope)
    return TemplateState(code, unit.name, Level(unit.level), applies, INHERITED, origin.code, origin.name)


def origin_text(state: TemplateState) -> str:
    """“本县自己的检查表” / “沿用石嘴山市（6402）的检查表” / “使用程序自带的默认检查表”."""
    own = {Level.PROVINCE: translate("ChecklistEditor", "本省"), Level.CITY: translate("ChecklistEditor", "本市")}
    if state.origin == OWN:
        return translate("ChecklistEditor", "{unit}自己的检查表。").format(
            unit=own.get(state.level, translate("ChecklistEditor", "本县")))
    if state.origin == INHERITED:
        return translate("ChecklistEditor", "沿用{name}（{code}）的检查表；保存后成为{unit}自己的检查表。").format(
            name=state.origin_name, code=state.origin_code,
            unit=own.get(state.level, translate("ChecklistEditor", "本县")))
    return translate("ChecklistEditor", "使用程序自带的默认检查表；保存后成为{unit}自己的检查表。").format(
        unit=own.get(state.level, translate("ChecklistEditor", "本县")))


def children(group: QTreeWidgetItem) -> list[QTreeWidgetItem]:
    """The items of a category, top to bottom."""
    return [c for c in (group.child(i) for i in range(group.childCount())) if c is not None]


def parent_of(item: QTreeWidgetItem) -> QTreeWidgetItem:
    """The category of an item (items always sit under one)."""
    parent = item.parent()
    assert parent is not None, "an item outside every category"
    return parent


class ChecklistEditorDialog(SettledDialog):
    """Edit the checklist template of a county (or city, province); `loaded` once it shows the registry's."""

    #: emitted after the template was read (at start, after saving, resetting and importing)
    loaded = Signal()
    #: emitted with the stored Checklist after a save or an import
    saved = Signal(object)

    def __init__(self, parent: QWidget, taskman: TaskManager, registry: Registry, scope: str, *,
                 lang: str = DEFAULT_LANG, prompts: FilePrompts | None = None) -> None:
        super().__init__(parent)
        self.taskman = taskman
        self.registry = registry
        self.scope = template_scope(scope)
        self.lang = lang
        self.prompts = prompts if prompts is not None else FilePrompts()
        self.state: TemplateState | None = None
        self.dirty = False
        self.busy = False
        self._filling = False
        self._close_after_save = False
        self.setWindowTitle(self.tr("检查表模板"))
        self.setObjectName("checklistEditor")

        self.heading = QLabel(self)
        self.heading.setObjectName("editorHeading")
        font = self.heading.font()
        font.setPointSizeF(font.pointSizeF() * 1.15)
        font.setBold(True)
        self.heading.setFont(font)
        self.origin = QLabel(self.tr("正在读取检查表…"), self)
        self.origin.setObjectName("templateOrigin")
        self.origin.setWordWrap(True)

        self.title_edit = QLineEdit(self)
        self.title_edit.setObjectName("templateTitle")
        self.title_edit.textEdited.connect(lambda _t: self._mark_dirty())
        self.title_error = ErrorLabel(self, "titleError")

        self.tree = QTreeWidget(self)
        self.tree.setObjectName("templateTree")
        self.tree.setColumnCount(2)
        self.tree.setHeaderLabels([self.tr("序号"), self.tr("类别 / 检查内容（双击修改）")])
        self.tree.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.tree.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)  # only the text column edits
        self.tree.setWordWrap(True)
        self.tree.setUniformRowHeights(False)
        header = self.tree.header()
        header.setStretchLastSection(True)
        header.setSectionResizeMode(NUMBER_COLUMN, QHeaderView.ResizeMode.Fixed)
        header.resizeSection(NUMBER_COLUMN, self.fontMetrics().horizontalAdvance("二十一、") + 28)
        self.tree.itemDoubleClicked.connect(lambda item, _col: self.edit_current(item))
        self.tree.itemChanged.connect(self._item_changed)
        self.tree.currentItemChanged.connect(lambda *_: self._update_buttons())
        self.error = ErrorLabel(self, "editorError")
        self.status = QLabel(self)
        self.status.setObjectName("editorStatus")
        self.status.setWordWrap(True)

        self.add_category_button = self._button(self.tr("添加类别"), self.add_category)
        self.add_item_button = self._button(self.tr("添加项目"), self.add_item)
        self.add_item_button.setShortcut(QKeySequence("Ctrl+N"))
        self.edit_button = self._button(self.tr("修改文字"), self.edit_current)
        self.edit_button.setShortcut(QKeySequence("F2"))
        self.delete_button = self._button(self.tr("删除"), self.delete_current)
        self.delete_button.setShortcut(QKeySequence.StandardKey.Delete)
        self.up_button = self._button(self.tr("上移"), lambda: self.move_current(-1))
        self.up_button.setShortcut(QKeySequence("Ctrl+Up"))
        self.down_button = self._button(self.tr("下移"), lambda: self.move_current(1))
        self.down_button.setShortcut(QKeySequence("Ctrl+Down"))
        self.move_target = QComboBox(self)
        self.move_target.setObjectName("moveTarget")
        self.move_target.setMinimumContentsLength(8)
        self.move_target.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.move_button = self._button(self.tr("移到该类别"), self._move_to_chosen)

        side = QVBoxLayout()
        for widget in (self.add_category_button, self.add_item_button, self.edit_button, self.delete_button):
            side.addWidget(widget)
        side.addSpacing(10)
        side.addWidget(self.up_button)
        side.addWidget(self.down_button)
        side.addSpacing(10)
        side.addWidget(QLabel(self.tr("移到类别："), self))
        side.addWidget(self.move_target)
        side.addWidget(self.move_button)
        side.addStretch(1)

        self.import_button = self._button(self.tr("从 Excel 导入…"), self.import_from_excel)
        self.export_button = self._button(self.tr("导出到 Excel…"), self.export_to_excel)
        self.reset_button = self._button(self.tr("恢复为上级或默认检查表"), self.reset_template)
        self.save_button = self._button(self.tr("保存"), self.save)
        self.save_button.setShortcut(QKeySequence.StandardKey.Save)
        self.save_button.setDefault(True)
        self.close_button = self._button(self.tr("关闭"), self.close)

        title_row = QGridLayout()
        title_row.addWidget(QLabel(self.tr("标题："), self), 0, 0)
        title_row.addWidget(self.title_edit, 0, 1)
        title_row.addWidget(self.title_error, 1, 1)
        middle = QHBoxLayout()
        middle.addWidget(self.tree, 1)
        middle.addLayout(side)
        bottom = QHBoxLayout()
        bottom.addWidget(self.import_button)
        bottom.addWidget(self.export_button)
        bottom.addWidget(self.reset_button)
        bottom.addStretch(1)
        bottom.addWidget(self.save_button)
        bottom.addWidget(self.close_button)

        layout = QVBoxLayout(self)
        layout.addWidget(self.heading)
        layout.addWidget(self.origin)
        layout.addLayout(title_row)
        layout.addLayout(middle, 1)
        layout.addWidget(self.error)
        layout.addWidget(self.status)
        layout.addLayout(bottom)
        self.resize(880, 620)
        self._update_buttons()
        self.reload()

    def _button(self, text: str, slot: Callable[[], Any]) -> QPushButton:
        button = QPushButton(text, self)
        button.setAutoDefault(False)
        button.clicked.connect(lambda _checked=False: slot())
        return button

    # --- reading and showing -----------------------------------------------------------------------
    def reload(self) -> None:
        """Read the template that applies to the scope (discarding unsaved edits)."""
        registry, scope = self.registry, self.scope
        self._run(lambda _ctx: read_state(registry, scope), self._show_state)

    def _show_state(self, state: TemplateState) -> None:
        self.state = state
        self.heading.setText(self.tr("{name}（{code}）的检查表").format(name=state.name, code=state.scope))
        self.origin.setText(origin_text(state))
        self.show_checklist(state.checklist)
        self.loaded.emit()

    def show_checklist(self, checklist: Checklist) -> None:
        """Fill the title and the tree with `checklist` (not yet saved: the caller says whether it is)."""
        self._filling = True
        self.tree.clear()
        self.title_edit.setText(checklist.title)
        for category, items in checklist.groups():
            group = self._new_category(category)
            self.tree.addTopLevelItem(group)
            for _number, item in items:
                group.addChild(self._new_item(item.text))
            group.setExpanded(True)
        self._filling = False
        self._renumber()
        self._set_dirty(False)
        self.error.clear_text()
        self.title_error.clear_text()
        groups = self.groups()
        if groups:
            self.tree.setCurrentItem(groups[0])

    def _new_category(self, name: str) -> QTreeWidgetItem:
        group = QTreeWidgetItem()
        group.setData(0, KIND_ROLE, CATEGORY)
        group.setData(0, NAME_ROLE, name)
        group.setText(TEXT_COLUMN, name)
        font = QFont(self.tree.font())
        font.setBold(True)
        for column in (NUMBER_COLUMN, TEXT_COLUMN):
            group.setFont(column, font)
        group.setFlags(group.flags() | Qt.ItemFlag.ItemIsEditable)
        return group

    def _new_item(self, text: str) -> QTreeWidgetItem:
        item = QTreeWidgetItem()
        item.setData(0, KIND_ROLE, ITEM)
        item.setText(TEXT_COLUMN, text)
        item.setToolTip(TEXT_COLUMN, text)
        item.setFlags(item.flags() | Qt.ItemFlag.ItemIsEditable)
        return item

    def _renumber(self) -> None:
        """一、二、… for categories, 1… across all items (the printed numbering); refresh the move targets."""
        self._filling = True
        number = 0
        for g, group in enumerate(self.groups(), 1):
            group.setText(NUMBER_COLUMN, f"{chinese_number(g)}、")
            for item in children(group):
                number += 1
                item.setText(NUMBER_COLUMN, str(number))
        self._filling = False
        current = self.move_target.currentIndex()
        self.move_target.clear()
        for g, group in enumerate(self.groups()):
            self.move_target.addItem(f"{chinese_number(g + 1)}、{group.text(TEXT_COLUMN)}", g)
        if 0 <= current < self.move_target.count():
            self.move_target.setCurrentIndex(current)
        self._update_buttons()

    # --- what the tree holds -------------------------------------------------------------------------
    def groups(self) -> list[QTreeWidgetItem]:
        """The category items, top to bottom."""
        return [g for g in (self.tree.topLevelItem(i) for i in range(self.tree.topLevelItemCount())) if g is not None]

    def rows(self) -> list[tuple[str, str]]:
        """(category, text) of every item in tree order: what saving stores."""
        return [(group.text(TEXT_COLUMN), item.text(TEXT_COLUMN))
                for group in self.groups() for item in children(group)]

    def item_at(self, number: int) -> QTreeWidgetItem | None:
        """The item numbered `number` (1-based, as shown and as the service's messages count)."""
        items = [item for group in self.groups() for item in children(group)]
        return items[number - 1] if 1 <= number <= len(items) else None

    def _current_group(self) -> QTreeWidgetItem | None:
        current = self.tree.currentItem()
        if current is None:
            return None
        return current if current.data(0, KIND_ROLE) == CATEGORY else current.parent()

    # --- editing --------------------------------------------------------------------------------------
    def add_category(self, name: str | None = None) -> QTreeWidgetItem:
        """A new category after the current one, its name open for typing."""
        group = self._new_category(name or self.tr("新类别"))
        current = self._current_group()
        index = self.tree.indexOfTopLevelItem(current) + 1 if current is not None else self.tree.topLevelItemCount()
        self.tree.insertTopLevelItem(index, group)
        group.setExpanded(True)
        self._changed(group)
        if name is None:
            self.tree.editItem(group, TEXT_COLUMN)
        return group

    def add_item(self, text: str | None = None) -> QTreeWidgetItem | None:
        """A new item after the current one (or at the end of the current category), open for typing."""
        group = self._current_group()
        if group is None:
            existing = self.groups()
            group = existing[-1] if existing else self.add_category(self.tr("新类别"))
        current = self.tree.currentItem()
        index = group.indexOfChild(current) + 1 if current is not None and current.parent() is group \
            else group.childCount()
        item = self._new_item(text or "")
        group.insertChild(index, item)
        group.setExpanded(True)
        self._changed(item)
        if text is None:
            self.tree.editItem(item, TEXT_COLUMN)
        return item

    def edit_current(self, item: QTreeWidgetItem | None = None) -> None:
        target = item or self.tree.currentItem()
        if target is not None and not self.busy:
            self.tree.editItem(target, TEXT_COLUMN)

    def delete_current(self) -> None:
        """Delete the current item, or the current category with its items (asked first when it has some)."""
        current = self.tree.currentItem()
        if current is None or self.busy:
            return
        if current.data(0, KIND_ROLE) == CATEGORY:
            if current.childCount() and QMessageBox.question(
                    self, self.tr("删除类别"),
                    self.tr("删除类别“{name}”及其下的 {count} 个检查项目？").format(
                        name=current.text(TEXT_COLUMN), count=current.childCount())) \
                    != QMessageBox.StandardButton.Yes:
                return
            index = self.tree.indexOfTopLevelItem(current)
            self.tree.takeTopLevelItem(index)
            rest = self.groups()
            neighbour = rest[min(index, len(rest) - 1)] if rest else None
        else:
            parent = parent_of(current)
            index = parent.indexOfChild(current)
            taken = parent.takeChild(index)
            if taken is not None:
                Shiboken.delete(taken)  # a taken child belongs to nobody: C++'s `delete parent->takeChild(i)`
            siblings = children(parent)
            neighbour = siblings[min(index, len(siblings) - 1)] if siblings else parent
        self._changed(neighbour)

    def move_current(self, step: int) -> None:
        """Move the current item up (-1) or down (1); past the end of its category it enters the next one
        (the previous one going up). A category moves past its neighbouring category with all its items."""
        current = self.tree.currentItem()
        if current is None or self.busy:
            return
        if current.data(0, KIND_ROLE) == CATEGORY:
            index = self.tree.indexOfTopLevelItem(current)
            target = index + step
            if not 0 <= target < self.tree.topLevelItemCount():
                return
            expanded = current.isExpanded()
            self.tree.takeTopLevelItem(index)
            self.tree.insertTopLevelItem(target, current)
            current.setExpanded(expanded)
            self._changed(current)
            return
        parent = parent_of(current)
        index = parent.indexOfChild(current)
        target = index + step
        if 0 <= target < parent.childCount():
            parent.takeChild(index)
            parent.insertChild(target, current)
        else:
            groups = self.groups()
            g = groups.index(parent) + step
            if not 0 <= g < len(groups):
                return
            other = groups[g]
            parent.takeChild(index)
            other.insertChild(other.childCount() if step < 0 else 0, current)
            other.setExpanded(True)
        self._changed(current)

    def move_to_category(self, group_index: int) -> None:
        """Move the current item to the end of the category at `group_index`."""
        current = self.tree.currentItem()
        if current is None or current.data(0, KIND_ROLE) != ITEM or self.busy:
            return
        target = self.tree.topLevelItem(group_index)
        if target is None or target is current.parent():
            return
        parent = parent_of(current)
        parent.takeChild(parent.indexOfChild(current))
        target.addChild(current)
        target.setExpanded(True)
        self._changed(current)

    def _move_to_chosen(self) -> None:
        data = self.move_target.currentData()
        if data is not None:
            self.move_to_category(int(data))

    def _item_changed(self, item: QTreeWidgetItem, column: int) -> None:
        if self._filling or column != TEXT_COLUMN:
            return
        text = " ".join(item.text(TEXT_COLUMN).split())
        if item.data(0, KIND_ROLE) == CATEGORY:
            if not text:  # a blank category would silently join the one above: keep the old name
                self._filling = True
                item.setText(TEXT_COLUMN, str(item.data(0, NAME_ROLE)))
                self._filling = False
                self.error.show_text(self.tr("类别名称不能为空，已恢复原来的名称。"))
                return
            item.setData(0, NAME_ROLE, text)
        else:
            item.setToolTip(TEXT_COLUMN, text)
        self._changed(item)

    def _changed(self, select: QTreeWidgetItem | None) -> None:
        self._renumber()
        if select is not None:
            self.tree.setCurrentItem(select)
        self._mark_dirty()

    def _mark_dirty(self) -> None:
        if not self._filling:
            self._set_dirty(True)

    def _set_dirty(self, dirty: bool) -> None:
        self.dirty = dirty
        self.setWindowTitle(self.tr("检查表模板") + (self.tr("（未保存）") if dirty else ""))
        self._update_buttons()

    def _update_buttons(self) -> None:
        current = self.tree.currentItem()
        is_item = current is not None and current.data(0, KIND_ROLE) == ITEM
        ready = self.state is not None and not self.busy
        for widget in (self.add_category_button, self.add_item_button, self.import_button, self.export_button,
                       self.title_edit, self.tree):
            widget.setEnabled(ready)
        for widget in (self.edit_button, self.delete_button, self.up_button, self.down_button):
            widget.setEnabled(ready and current is not None)
        self.move_target.setEnabled(ready and is_item)
        self.move_button.setEnabled(ready and is_item)
        self.save_button.setEnabled(ready and self.dirty)
        own = self.state is not None and self.state.origin == OWN
        self.reset_button.setEnabled(ready and (self.dirty or own))
        # Without an own template there is nothing to remove: the button then only discards the edits.
        self.reset_button.setText(self.tr("恢复为上级或默认检查表") if own or self.state is None
                                  else self.tr("放弃修改"))

    # --- saving, resetting, Excel ---------------------------------------------------------------------
    def save(self) -> None:
        """Store the title and items as the scope's own template (refusals are shown, nothing stored)."""
        if self.busy or self.state is None:
            return
        registry, scope, title, rows = self.registry, self.scope, self.title_edit.text(), self.rows()
        self._run(lambda _ctx: svc.save_checklist(registry, scope, title, rows), self._saved, self._refused)

    def _saved(self, checklist: Checklist) -> None:
        self.status.setText(self.tr("已保存：{title}，共 {count} 项。").format(title=checklist.title,
                                                                          count=len(checklist.items)))
        self.saved.emit(checklist)
        if self._close_after_save:
            self._set_dirty(False)
            self.accept()
            return
        self.reload()

    def _refused(self, exc: BaseException) -> None:
        self._close_after_save = False
        if not isinstance(exc, KnownError) or isinstance(exc, Cancelled):
            default_failure(self, exc, self.lang)
            return
        text = exc.message(self.lang)
        if exc.key.startswith("checklist.title") or exc.key == "checklist.no_title":
            self.title_error.show_text(text)
            self.title_edit.setFocus()
            return
        self.error.show_text(text)
        row = exc.params.get("row")
        if row is not None and str(row).isdigit():
            item = self.item_at(int(row))
            if item is not None:
                self.tree.setCurrentItem(item)
                self.tree.scrollToItem(item)

    def reset_template(self) -> None:
        """Discard unsaved edits; with a stored own template, remove it (the scope inherits again)."""
        if self.busy or self.state is None:
            return
        if self.state.origin != OWN:
            self.reload()
            return
        answer = QMessageBox.question(
            self, self.tr("恢复检查表"),
            self.tr("删除{name}自己的检查表，改用上级或默认检查表？已有的检查记录不受影响。").format(name=self.state.name))
        if answer != QMessageBox.StandardButton.Yes:
            return
        registry, scope = self.registry, self.scope
        self._run(lambda _ctx: (svc.reset_checklist(registry, scope), read_state(registry, scope))[1],
                  self._after_reset)

    def _after_reset(self, state: TemplateState) -> None:
        self.status.setText(self.tr("已删除自己的检查表，现在：{origin}").format(origin=origin_text(state)))
        self._show_state(state)

    def import_from_excel(self, path: Path | None = None) -> None:
        """Read an edited template workbook and store it as the scope's template (asks for the file)."""
        if self.busy or self.state is None:
            return
        if self.dirty and QMessageBox.question(
                self, self.tr("从 Excel 导入"), self.tr("导入的检查表将替换当前未保存的修改。继续吗？")) \
                != QMessageBox.StandardButton.Yes:
            return
        chosen = path or self.prompts.open_file(self, self.tr("选择检查表工作簿"), xlsx_filter())
        if chosen is None:
            return
        registry, scope = self.registry, self.scope

        def job(_ctx: OpContext) -> tuple[svc.ChecklistFile, TemplateState]:
            return svc.import_checklist(registry, chosen, scope), read_state(registry, scope)

        self._run(job, self._imported, self._import_refused)

    def _imported(self, result: tuple[svc.ChecklistFile, TemplateState]) -> None:
        done, state = result
        self._show_state(state)
        self.status.setText(self.tr("已从 {file} 导入并保存：{title}，共 {count} 项。").format(
            file=Path(done.path).name, title=done.checklist.title, count=len(done.checklist.items)))
        self.saved.emit(done.checklist)

    def _import_refused(self, exc: BaseException) -> None:
        if isinstance(exc, KnownError) and not isinstance(exc, Cancelled):
            self.error.show_text(self.tr("没有导入：{reason}").format(reason=exc.message(self.lang)))
            return
        default_failure(self, exc, self.lang)

    def export_to_excel(self, path: Path | None = None) -> None:
        """Write the template as an editable workbook; unsaved edits are saved first (asked)."""
        if self.busy or self.state is None:
            return
        save_first = False
        if self.dirty:
            answer = QMessageBox.question(
                self, self.tr("导出到 Excel"), self.tr("检查表有未保存的修改，导出前需要先保存。现在保存吗？"),
                QMessageBox.StandardButton.Save | QMessageBox.StandardButton.Cancel, QMessageBox.StandardButton.Save)
            if answer != QMessageBox.StandardButton.Save:
                return
            save_first = True
        suggested = default_folder() / f"{self.state.name}检查表.xlsx"
        chosen = path or self.prompts.save_file(self, self.tr("导出检查表"), suggested, xlsx_filter())
        if chosen is None:
            return
        registry, scope, title, rows = self.registry, self.scope, self.title_edit.text(), self.rows()

        def job(_ctx: OpContext) -> svc.ChecklistFile:
            if save_first:
                svc.save_checklist(registry, scope, title, rows)
            return svc.export_checklist(registry, chosen, scope)

        self._run(job, lambda done: self._exported(done, save_first), self._refused)

    def _exported(self, done: svc.ChecklistFile, saved_first: bool) -> None:
        self.status.setText(self.tr("已导出到 {path}（{count} 项）。").format(path=done.path,
                                                                         count=len(done.checklist.items)))
        if saved_first:
            self.saved.emit(done.checklist)
            self.reload()

    # --- running and closing --------------------------------------------------------------------------
    def _run(self, job: Callable[[OpContext], Any], success: Callable[[Any], None],
             failure: Callable[[BaseException], None] | None = None) -> None:
        self.busy = True
        self.error.clear_text()
        self.title_error.clear_text()
        self._update_buttons()

        def finish(callback: Callable[[Any], None]) -> Callable[[Any], None]:
            def run(value: Any) -> None:
                if not alive(self):
                    return
                self.busy = False
                self._update_buttons()
                callback(value)
            return run

        fail = failure or (lambda exc: default_failure(self, exc, self.lang))
        (BackgroundOp(self, self.taskman, job, lang=self.lang)
         .success(finish(success))
         .failure(finish(fail))
         .run_in_background())

    def reject(self) -> None:
        """关闭, Esc and the title bar's close (QDialog's closeEvent calls reject) ask about unsaved edits."""
        if self._may_close():
            super().reject()

    def _may_close(self) -> bool:
        """Unsaved edits: 保存 (closes once stored), 不保存, or 取消 (stay)."""
        if self.busy:
            return False
        if not self.dirty:
            return True
        answer = QMessageBox.question(
            self, self.tr("检查表模板"), self.tr("检查表的修改还没有保存。要保存吗？"),
            QMessageBox.StandardButton.Save | QMessageBox.StandardButton.Discard | QMessageBox.StandardButton.Cancel)
        if answer == QMessageBox.StandardButton.Discard:
            self._set_dirty(False)
            return True
        if answer == QMessageBox.StandardButton.Save:
            self._close_after_save = True
            self.save()
        return False
