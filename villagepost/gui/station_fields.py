"""The station editor's parts: its field names and captions, the check-box lists of the vocabularies, and the
list of further villages served (picked by name or pinyin). Kept apart from the editor's dialog
(station_editor.py), which arranges them, saves, and records history events.
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QCoreApplication, Qt, QTimer, Signal
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from villagepost.core.history import EventKind
from villagepost.services.station_messages import FIELD_LABELS

translate = QCoreApplication.translate

#: fields edited in a line edit, as the service names them
TEXT_FIELDS = ("name", "operator", "contact", "phone", "lon", "lat", "opened", "floor_area")
LIST_FIELDS = ("services", "brands", "served")
MISSING_COLOR = QColor("#b36b00")
REVERTED_COLOR = QColor("#888888")
INVALID_STYLE = "[invalid=\"true\"] { border: 1px solid #b00020; background: #fff4f4; }"


def field_label(name: str, lang: str) -> str:
    """The field's name as the service's messages say it (so an error names the field the clerk sees)."""
    zh, en = FIELD_LABELS.get(name, (name, name))
    return en[:1].upper() + en[1:] if lang == "en" else zh


def form_label(name: str, lang: str) -> str:
    """A form row's caption: the field's name and the language's colon."""
    return field_label(name, lang) + (":" if lang == "en" else "：")


def kind_text(kind: str) -> str:
    """A history event's kind as the list shows it (its own context: 撤销 there is "undone", not "undo")."""
    return {
        EventKind.PLANNED.value: translate("StationHistory", "筹建"),
        EventKind.OPENED.value: translate("StationHistory", "开通"),
        EventKind.MERGED.value: translate("StationHistory", "合并"),
        EventKind.TYPE_CHANGED.value: translate("StationHistory", "类型变更"),
        EventKind.SUSPENDED.value: translate("StationHistory", "暂停"),
        EventKind.REOPENED.value: translate("StationHistory", "恢复运营"),
        EventKind.CLOSED.value: translate("StationHistory", "关闭"),
        EventKind.UNDONE.value: translate("StationHistory", "撤销"),
    }.get(kind, kind)


def number_text(value: float | None) -> str:
    """A stored coordinate or area as the clerk typed it (no float noise, no trailing zeros)."""
    if value is None:
        return ""
    return f"{value:.6f}".rstrip("0").rstrip(".")


class CheckList(QListWidget):
    """A vocabulary as check boxes (services, brands); stored items outside it are kept, ticked, at the end."""

    def __init__(self, vocabulary: Sequence[str], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.vocabulary = tuple(vocabulary)
        self.set_items(())

    def set_items(self, ticked: Sequence[str]) -> None:
        self.clear()
        for name in [*self.vocabulary, *[t for t in ticked if t not in self.vocabulary]]:
            item = QListWidgetItem(name)
            item.setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Checked if name in ticked else Qt.CheckState.Unchecked)
            self.addItem(item)

    def ticked(self) -> list[str]:
        return [self.item(i).text() for i in range(self.count())
                if self.item(i).checkState() == Qt.CheckState.Checked]

    def tick(self, name: str, on: bool = True) -> None:
        for i in range(self.count()):
            if self.item(i).text() == name:
                self.item(i).setCheckState(Qt.CheckState.Checked if on else Qt.CheckState.Unchecked)


class ServedList(QWidget):
    """The further villages a station serves: picked by name or pinyin among the station's county's villages
    (a clerk does not know 12-digit codes by heart), or added by code; removed from the list."""

    #: the clerk typed a name, pinyin or code to look for (the editor searches on the worker)
    search_requested = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.list = QListWidget(self)
        self.list.setObjectName("servedList")
        self.code_edit = QLineEdit(self)
        self.code_edit.setObjectName("servedCode")
        self.code_edit.setPlaceholderText(self.tr("村名、拼音首字母（如 hpc）或12位代码"))
        self.hits = QListWidget(self)
        self.hits.setObjectName("servedHits")
        self.hits.setMaximumHeight(self.fontMetrics().height() * 6)
        self.hits.hide()
        self.hits.itemActivated.connect(self._hit_chosen)
        self.hits.itemDoubleClicked.connect(self._hit_chosen)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(250)
        self._timer.timeout.connect(lambda: self.search_requested.emit(self.code_edit.text().strip()))
        self.code_edit.textEdited.connect(lambda _t: self._timer.start())
        self.add_button = QPushButton(self.tr("添加"), self)
        self.remove_button = QPushButton(self.tr("移除所选"), self)
        self.add_button.clicked.connect(self.add_typed)
        self.code_edit.returnPressed.connect(self.add_typed)
        self.remove_button.clicked.connect(self.remove_selected)
        row = QHBoxLayout()
        row.addWidget(self.code_edit, 1)
        row.addWidget(self.add_button)
        row.addWidget(self.remove_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.list, 1)
        layout.addLayout(row)
        layout.addWidget(self.hits)

    def show_hits(self, text: str, hits: Sequence[tuple[str, str, str]]) -> None:
        """Villages found for `text` (code, name, path), if the clerk has not typed on since."""
        if text != self.code_edit.text().strip():
            return
        self.hits.clear()
        for code, name, path in hits:
            item = QListWidgetItem(f"{name}  {code}")
            item.setToolTip(path)
            item.setData(Qt.ItemDataRole.UserRole, (code, name))
            self.hits.addItem(item)
        self.hits.setVisible(bool(hits))
        if hits:
            self.hits.setCurrentRow(0)

    def _hit_chosen(self, item: QListWidgetItem) -> None:
        code, name = item.data(Qt.ItemDataRole.UserRole)
        if code not in self.codes():
            self._add(code, name)
        self.code_edit.clear()
        self.hits.clear()
        self.hits.hide()

    def set_villages(self, villages: Sequence[tuple[str, str]]) -> None:
        self.list.clear()
        for code, name in villages:
            self._add(code, name)

    def _add(self, code: str, name: str = "") -> None:
        item = QListWidgetItem(f"{name}  {code}" if name else code)
        item.setData(Qt.ItemDataRole.UserRole, code)
        self.list.addItem(item)

    def add_typed(self) -> None:
        """Enter or 添加: the first village found for a name, else the code as typed."""
        code = "".join(self.code_edit.text().split())
        if not code.isdigit() and self.hits.count():
            self._hit_chosen(self.hits.currentItem() or self.hits.item(0))
            return
        if code and code not in self.codes():
            self._add(code)  # the service checks it on save (exists, is a village, in scope)
        self.code_edit.clear()
        self.hits.hide()

    def remove_selected(self) -> None:
        for item in self.list.selectedItems():
            self.list.takeItem(self.list.row(item))

    def codes(self) -> list[str]:
        return [str(self.list.item(i).data(Qt.ItemDataRole.UserRole)) for i in range(self.list.count())]
