"""The search box above the tree: Chinese names or pinyin initials (`yjx` → 永吉县), hits listed below it;
stations by name or code follow the units (choosing one opens its village and selects it in 站点).

Why a list under the box rather than a QCompleter popup: a completer filters its own model by prefix,
which fights a server-side search by initials; and a popup grabs focus in ways that break keyboard use
and offscreen tests. The box only asks; the window runs the search on the worker (services.divisions.find)
and hands the hits back with `show_hits`, dropping answers to queries the clerk has since replaced.
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QLineEdit, QListWidget, QListWidgetItem, QVBoxLayout, QWidget

from villagepost.services.divisions import UnitHit
from villagepost.services.tables import StationHit

#: Pause after typing before searching (a search per keystroke would queue needless database work).
TYPING_DELAY_MS = 300
HIT_CODE_ROLE = Qt.ItemDataRole.UserRole + 1
HIT_STATION_ROLE = Qt.ItemDataRole.UserRole + 2



class _QueryEdit(QLineEdit):
    """Down arrow moves into the hits; Escape clears."""

    def __init__(self, box: SearchBox) -> None:
        super().__init__(box)
        self._box = box

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 (Qt override)
        if event.key() == Qt.Key.Key_Down and self._box.hits.isVisible() and self._box.hits.count():
            self._box.hits.setFocus()
            self._box.hits.setCurrentRow(0)
            return
        if event.key() == Qt.Key.Key_Escape and self.text():
            self.clear()
            self._box.clear_hits()
            return
        super().keyPressEvent(event)


class SearchBox(QWidget):
    """Emits `search_requested(text, go)`; `go` means: navigate to the best hit when it arrives."""

    search_requested = Signal(str, bool)
    hit_chosen = Signal(str)
    #: a station hit was chosen (argument: its StationHit)
    station_chosen = Signal(object)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.edit = _QueryEdit(self)
        self.edit.setObjectName("searchEdit")
        self.edit.setPlaceholderText(self.tr("查找：名称或拼音首字母，如 永吉 或 yjx"))
        self.edit.setClearButtonEnabled(True)
        self.hits = QListWidget(self)
        self.hits.setObjectName("searchHits")
        self.hits.setUniformItemSizes(True)
        self.hits.hide()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        layout.addWidget(self.edit)
        layout.addWidget(self.hits)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(TYPING_DELAY_MS)
        self._timer.timeout.connect(lambda: self._request(go=False))
        self.edit.textEdited.connect(self._typed)
        self.edit.returnPressed.connect(lambda: self._request(go=True))
        self.hits.itemActivated.connect(self._activated)
        self.hits.itemClicked.connect(self._activated)
        #: the text whose answer is awaited; answers to other texts are stale
        self.pending: str | None = None

    def _typed(self, text: str) -> None:
        if text.strip():
            self._timer.start()
        else:
            self._timer.stop()
            self.clear_hits()

    def _request(self, *, go: bool) -> None:
        self._timer.stop()
        text = self.edit.text().strip()
        if not text:
            return
        self.pending = text
        self.search_requested.emit(text, go)

    def search(self, text: str, *, go: bool = True) -> None:
        """Type `text` and press Enter (`go`), or just pause typing (list the hits only)."""
        self.edit.setText(text)
        self._request(go=go)

    def is_current(self, text: str) -> bool:
        return text == self.pending

    def show_hits(self, text: str, hits: list[UnitHit], stations: Sequence[StationHit] = ()) -> None:
        """Fill the list with the answer to `text` (ignored when the clerk has typed something else since)."""
        if not self.is_current(text):
            return
        self.hits.clear()
        if not hits and not stations:
            item = QListWidgetItem(self.tr("没有找到“{text}”").format(text=text))
            item.setFlags(Qt.ItemFlag.NoItemFlags)
            self.hits.addItem(item)
        for hit in hits:
            retired = self.tr("（已撤销）") if hit.retired else ""
            item = QListWidgetItem(f"{hit.name}{retired}  {hit.code}")
            item.setToolTip(hit.path_text)
            item.setData(HIT_CODE_ROLE, hit.code)
            self.hits.addItem(item)
        for station in stations:
            item = QListWidgetItem(self.tr("站点 {name}  {village}").format(name=station.name, village=station.village))
            item.setToolTip(station.code)
            item.setData(HIT_STATION_ROLE, station)
            self.hits.addItem(item)
        rows = min(max(self.hits.count(), 1), 6)
        self.hits.setFixedHeight(self.hits.sizeHintForRow(0) * rows + 2 * self.hits.frameWidth() + 2)
        self.hits.show()

    def clear_hits(self) -> None:
        self.pending = None
        self.hits.clear()
        self.hits.hide()

    def _activated(self, item: QListWidgetItem) -> None:
        station = item.data(HIT_STATION_ROLE)
        if station is not None:
            self.station_chosen.emit(station)
            return
        code = item.data(HIT_CODE_ROLE)
        if code:
            self.hit_chosen.emit(str(code))
