"""The station editor: every field of a station, its history, merge/suspend/close/reopen, undo and redo.

It is a thin layer over services.station_ops (the CLI's `station add|edit|merge|close|reopen` call the same
functions): values are sent as typed — text, ticked list items, codes — and the service parses and checks
them with the roster import's rules. A refusal is a `StationInvalid` listing every wrong field; the
editor marks those fields and shows the service's own Chinese sentences, so the window and the CLI never
disagree about what is wrong.

Only changed fields are sent. A new type is a dated event (类型变更日期, default today), so coverage
before that day keeps the old type. Every saved change is pushed on the window's undo stack
(gui/station_commands.py): Ctrl+Z writes the old values back, or records an ``undone`` event for a
dated change — history is never deleted. Each station has its own stack: an editor's 撤销 reverts only
its own station's changes (a new station's form has nothing to undo), and after a save the keyboard
focus goes back where the clerk was typing, never to 撤销 (where Enter would undo the save).
Database work runs on the worker; the dialog never blocks.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from PySide6.QtCore import QCoreApplication, QEvent, Qt, Signal
from PySide6.QtGui import QAction, QBrush, QCloseEvent, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDialog,
    QFormLayout,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QTabWidget,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)
from shiboken6 import isValid

from villagepost.core import clock
from villagepost.core.divisions import Level
from villagepost.core.errors import Cancelled, KnownError
from villagepost.core.history import EventKind
from villagepost.core.messages import DEFAULT_LANG
from villagepost.core.stations import BRANDS, SERVICES, CoopMode, StationStatus, StationType
from villagepost.gui.ops import BackgroundOp, OpContext, TaskManager, default_failure, waiting_for_writers
from villagepost.gui.station_commands import EditCommand, EventCommand, StationUndo
from villagepost.gui.station_dialogs import DATE_HINT, EventDialog, MergeDialog, error_text, event_texts
from villagepost.gui.station_fields import (
    INVALID_STYLE,
    MISSING_COLOR,
    REVERTED_COLOR,
    TEXT_FIELDS,
    CheckList,
    ServedList,
    field_label,
    form_label,
    kind_text,
    number_text,
)
from villagepost.gui.stations_tab import status_text
from villagepost.gui.window_sizing import settle_layout
from villagepost.services import divisions, station_ops
from villagepost.services.registry import Registry
from villagepost.services.station_checks import PlaceWarning, StationInvalid, place_warnings
from villagepost.services.station_ops import HistoryEntry, StationDetails, StationDraft

translate = QCoreApplication.translate

class StationEditor(QDialog):
    """Edit station `code`, or (code None) add a station in `village_code`."""

    #: a station was saved or added (argument: its code)
    saved = Signal(str)
    #: details were (re)loaded and shown
    details_shown = Signal(object)

    def __init__(self, parent: QWidget, taskman: TaskManager, registry: Registry, undo: StationUndo, *,
                 code: str | None = None, village_code: str | None = None, village_name: str = "",
                 lang: str = DEFAULT_LANG) -> None:
        super().__init__(parent)
        if code is None and village_code is None:
            raise ValueError("a station code or a village code is needed")
        self.taskman = taskman
        self.registry = registry
        self.undo_runner = undo
        self.lang = lang
        self.code = code
        self.village_code = village_code or ""
        self.details: StationDetails | None = None
        self.busy = False
        self._leaving = False
        self._own_change = False
        self._shown: dict[str, Any] = {}
        self.setObjectName("stationEditor")
        self.setStyleSheet(INVALID_STYLE)
        self._build(village_name)
        undo.station_changed.connect(self._station_changed)
        if code is not None:
            self.reload()
        else:
            self.setWindowTitle(self.tr("新增站点 — {village}").format(village=village_name or self.village_code))
            self._show_new()

    # --- construction ---------------------------------------------------------------------------
    def _build(self, village_name: str) -> None:
        self.title = QLabel(self)
        self.title.setObjectName("editorTitle")
        font = self.title.font()
        font.setPointSizeF(font.pointSizeF() * 1.3)
        font.setBold(True)
        self.title.setFont(font)
        self.subtitle = QLabel(self)
        self.subtitle.setObjectName("editorSubtitle")
        self.subtitle.setWordWrap(True)
        self.error = QLabel(self)
        self.error.setObjectName("editorError")
        self.error.setWordWrap(True)
        self.error.setStyleSheet("color: #b00020;")
        self.error.hide()

        lang = self.lang
        self.edits: dict[str, QLineEdit] = {}
        for name in TEXT_FIELDS:
            edit = QLineEdit(self)
            edit.setObjectName(f"field_{name}")
            self.edits[name] = edit
        self.edits["opened"].setPlaceholderText(self.tr("{hint}；不知道可留空（日期缺失）").format(hint=DATE_HINT))
        self.edits["lon"].setPlaceholderText(self.tr("如 106.438139 或 106°26′17″"))
        self.edits["lat"].setPlaceholderText(self.tr("如 38.905924"))
        self.edits["phone"].setPlaceholderText(self.tr("手机11位或固话 0952-7053794"))
        self.type_combo = QComboBox(self)
        self.type_combo.setObjectName("field_station_type")
        self.type_combo.addItem(self.tr("（未填）"), None)
        for stype in StationType:
            self.type_combo.addItem(stype.value, stype.value)
        self.type_combo.currentIndexChanged.connect(self._type_changed)
        self.type_date = QLineEdit(clock.today().isoformat(), self)
        self.type_date.setObjectName("field_on")
        self.type_date.setPlaceholderText(DATE_HINT)
        self.type_date_label = QLabel(self.tr("类型变更日期："), self)
        self.coop_combo = QComboBox(self)
        self.coop_combo.setObjectName("field_coop")
        self.coop_combo.addItem(self.tr("（未填）"), None)
        for mode in CoopMode:
            self.coop_combo.addItem(mode.value, mode.value)
        self.notes = QPlainTextEdit(self)
        self.notes.setObjectName("field_notes")
        self.notes.setFixedHeight(self.fontMetrics().height() * 3 + 12)
        self.planned = QCheckBox(self.tr("筹建中（尚未开通，没有开通日期）"), self)
        self.planned.setObjectName("field_planned")

        basic = QWidget(self)
        form = QFormLayout(basic)
        form.addRow(form_label("name", lang), self.edits["name"])
        form.addRow(form_label("station_type", lang), self.type_combo)
        form.addRow(self.type_date_label, self.type_date)
        form.addRow(form_label("coop", lang), self.coop_combo)
        form.addRow(form_label("operator", lang), self.edits["operator"])
        form.addRow(form_label("contact", lang), self.edits["contact"])
        form.addRow(form_label("phone", lang), self.edits["phone"])
        coords = QHBoxLayout()
        coords.addWidget(self.edits["lon"])
        coords.addWidget(QLabel(form_label("lat", lang), basic))
        coords.addWidget(self.edits["lat"])
        form.addRow(form_label("lon", lang), coords)
        form.addRow(form_label("opened", lang), self.edits["opened"])
        form.addRow("", self.planned)
        form.addRow(form_label("floor_area", lang), self.edits["floor_area"])
        form.addRow(form_label("notes", lang), self.notes)
        self.type_date_label.hide()
        self.type_date.hide()

        self.services = CheckList(SERVICES, self)
        self.services.setObjectName("field_services")
        self.brands = CheckList(BRANDS, self)
        self.brands.setObjectName("field_brands")
        self.served = ServedList(self)
        self.served.setObjectName("field_served")
        self.served.search_requested.connect(self._find_served)
        lists = QWidget(self)
        grid = QGridLayout(lists)
        for col, (name, widget) in enumerate((("services", self.services), ("brands", self.brands))):
            box = QGroupBox(field_label(name, lang), lists)
            QVBoxLayout(box).addWidget(widget)
            grid.addWidget(box, 0, col)
        served_box = QGroupBox(self.tr("{label}（站点所在村以外）").format(label=field_label("served", lang)), lists)
        QVBoxLayout(served_box).addWidget(self.served)
        grid.addWidget(served_box, 0, 2)

        self.history = QTreeWidget(self)
        self.history.setObjectName("historyList")
        self.history.setHeaderLabels([self.tr("编号"), self.tr("日期"), self.tr("事件"), self.tr("类型"),
                                      self.tr("说明"), self.tr("记录人"), self.tr("登记日期")])
        self.history.setRootIsDecorated(False)
        self.history.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.history.header().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        char = self.fontMetrics().horizontalAdvance("村")
        for i, chars in enumerate((3, 6, 4, 9, 15, 4, 6)):
            self.history.header().resizeSection(i, chars * char + 12)
        self.undo_event_button = QPushButton(self.tr("撤销所选记录"), self)
        self.undo_event_button.setObjectName("undoEventButton")
        self.undo_event_button.setToolTip(self.tr("记录一条“撤销”，所选记录保留在历史中；可以再撤销。"))
        self.undo_event_button.clicked.connect(self.undo_selected_event)
        history_tab = QWidget(self)
        history_layout = QVBoxLayout(history_tab)
        history_layout.addWidget(self.history, 1)
        history_layout.addWidget(self.undo_event_button, 0, Qt.AlignmentFlag.AlignLeft)

        self.pages = QTabWidget(self)
        self.pages.addTab(basic, self.tr("基本信息"))
        self.pages.addTab(lists, self.tr("服务、品牌与服务村"))
        self.history_index = self.pages.addTab(history_tab, self.tr("历史记录"))
        from villagepost.gui.audit_view import AuditPanel

        # 修改记录: who changed which field from what to what (the audit), beside the dated history
        self.audit_panel = AuditPanel(self, self.taskman, self.registry, lang=self.lang)
        self.audit_index = self.pages.addTab(self.audit_panel, self.tr("修改记录"))

        self.save_button = QPushButton(self.tr("保存"), self)
        self.save_button.setObjectName("saveButton")
        self.save_button.setDefault(True)
        self.save_button.clicked.connect(self.save)
        self.merge_button = QPushButton(self.tr("合并…"), self)
        self.merge_button.clicked.connect(self.open_merge)
        self.suspend_button = QPushButton(event_texts("suspend")[0] + "…", self)
        self.suspend_button.clicked.connect(lambda: self.open_event("suspend"))
        self.close_station_button = QPushButton(event_texts("close")[0] + "…", self)
        self.close_station_button.clicked.connect(lambda: self.open_event("close"))
        self.reopen_button = QPushButton(event_texts("reopen")[0] + "…", self)
        self.reopen_button.clicked.connect(lambda: self.open_event("reopen"))
        self.undo_button = QPushButton(self.tr("撤销"), self)
        self.undo_button.setObjectName("undoButton")
        self.undo_button.clicked.connect(self.undo)
        self.redo_button = QPushButton(self.tr("重做"), self)
        self.redo_button.setObjectName("redoButton")
        self.redo_button.clicked.connect(self.redo)
        self.done_button = QPushButton(self.tr("关闭窗口"), self)
        self.done_button.clicked.connect(self.close)
        for button in (self.merge_button, self.suspend_button, self.close_station_button, self.reopen_button,
                       self.undo_button, self.redo_button, self.done_button):
            button.setAutoDefault(False)  # Enter saves (the default button); it never undoes or closes
        self.undo_runner.changed.connect(self._update_buttons)

        self.save_action = QAction(self)
        self.save_action.setShortcut(QKeySequence.StandardKey.Save)
        self.save_action.triggered.connect(self.save)
        self.undo_action = QAction(self)
        self.undo_action.setShortcut(QKeySequence.StandardKey.Undo)
        self.undo_action.triggered.connect(self.undo)
        self.redo_action = QAction(self)
        self.redo_action.setShortcut(QKeySequence.StandardKey.Redo)
        self.redo_action.triggered.connect(self.redo)
        self.addActions([self.save_action, self.undo_action, self.redo_action])

        buttons = QHBoxLayout()
        for button in (self.save_button, self.merge_button, self.suspend_button, self.close_station_button,
                       self.reopen_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        for button in (self.undo_button, self.redo_button, self.done_button):
            buttons.addWidget(button)

        layout = QVBoxLayout(self)
        layout.addWidget(self.title)
        layout.addWidget(self.subtitle)
        layout.addWidget(self.error)
        layout.addWidget(self.pages, 1)
        layout.addLayout(buttons)
        self.resize(min(900, max(720, self.sizeHint().width())), 600)
        self._update_buttons()
        for name, edit in self.edits.items():
            edit.textEdited.connect(lambda _t, n=name: self._field_fixed(n))
        self.type_date.textEdited.connect(lambda _t: self._field_fixed("on"))
        self.type_combo.activated.connect(lambda _i: self._field_fixed("station_type"))
        self.coop_combo.activated.connect(lambda _i: self._field_fixed("coop"))
        self.notes.textChanged.connect(lambda: self._field_fixed("notes"))
        for name, checks in (("services", self.services), ("brands", self.brands)):
            checks.itemChanged.connect(lambda _i, n=name: self._field_fixed(n))
        self.served.list.model().rowsRemoved.connect(lambda *_a: self._field_fixed("served"))
        self.served.list.model().rowsInserted.connect(lambda *_a: self._field_fixed("served"))

    def field_widget(self, name: str) -> QWidget | None:
        """The widget that edits field `name` (as the service names fields), for marking errors."""
        widgets: dict[str, QWidget] = {**self.edits, "station_type": self.type_combo, "on": self.type_date,
                                       "coop": self.coop_combo, "notes": self.notes, "services": self.services,
                                       "brands": self.brands, "served": self.served.list}
        return widgets.get(name)

    # --- loading --------------------------------------------------------------------------------
    def reload(self) -> None:
        if self.code is None:
            return
        registry, code = self.registry, self.code
        (BackgroundOp(self, self.taskman, lambda _ctx: station_ops.station_details(registry, code), lang=self.lang)
         .success(self.show_details)
         .run_in_background())

    def _find_served(self, text: str) -> None:
        """Villages of the station's county matching a name, pinyin or code (the search box's rules)."""
        if not text or self.taskman.closing:
            self.served.show_hits(text, [])
            return
        registry, county = self.registry, self.village_code[:6]

        def job(_ctx: OpContext) -> list[tuple[str, str, str]]:
            hits = divisions.find(registry, text, limit=12, level=Level.VILLAGE, within=county)
            return [(h.code, h.name, h.path_text) for h in hits if not h.retired]

        (BackgroundOp(self, self.taskman, job, lang=self.lang)
         .success(lambda hits: self.served.show_hits(text, hits))
         .failure(lambda _exc: self.served.show_hits(text, []))
         .run_in_background())

    def _station_changed(self, code: str) -> None:
        if self._own_change:
            return  # our own save: its answer is already shown, with its message
        if self.code is not None and (code == self.code or self._involves(code)):
            self.reload()

    def _involves(self, code: str) -> bool:
        return self.details is not None and any(code in h.partners or h.station == code
                                                for h in self.details.history)

    def _show_new(self) -> None:
        self.title.setText(self.tr("新增站点"))
        self.subtitle.setText(self.tr("所在村：{village}").format(village=self.village_code))
        self.pages.setTabVisible(self.history_index, False)
        self.pages.setTabVisible(self.audit_index, False)
        for button in (self.merge_button, self.suspend_button, self.close_station_button, self.reopen_button):
            button.hide()
        self._shown = self._values()

    def show_details(self, details: StationDetails) -> None:
        self.details = details
        self.code = details.code
        self.village_code = details.village_code
        self.setWindowTitle(self.tr("站点 {name}（{code}）").format(name=details.name, code=details.code))
        self.title.setText(f"{details.name}  {details.code}")
        path = " / ".join(name for _c, name in details.village_path)
        status = status_text(details.status)
        absorbed = [h for h in details.history if h.kind == EventKind.MERGED.value and h.station != details.code
                    and h.reverted_by is None]
        if details.status == StationStatus.CLOSED.value and absorbed:
            status = self.tr("已合并（并入 {code}）").format(code=absorbed[-1].station)
        if details.status_since:
            status = self.tr("{status}（自 {date}）").format(status=status, date=details.status_since)
        missing = self.tr("　建成日期缺失，覆盖从登记之日 {date} 算起").format(date=details.recorded_on) \
            if details.date_missing else ""
        self.subtitle.setText(self.tr("{path}　状态：{status}{missing}").format(path=path, status=status,
                                                                             missing=missing))
        self.planned.hide()
        for name in TEXT_FIELDS:
            value = getattr(details, name)
            self.edits[name].setText(number_text(value) if name in ("lon", "lat", "floor_area") else value or "")
        self._set_combo(self.type_combo, details.station_type)
        self._set_combo(self.coop_combo, details.coop)
        self.notes.setPlainText(details.notes or "")
        self.services.set_items(details.services)
        self.brands.set_items(details.brands)
        self.served.set_villages(details.served)
        self.type_date.setText(clock.today().isoformat())
        self._shown = self._values()
        self._type_changed()
        self._show_history(details.history)
        self.pages.setTabVisible(self.audit_index, True)
        from villagepost.services.audit import AuditFilter

        self.audit_panel.load(AuditFilter(record=details.code))
        closed = details.status == StationStatus.CLOSED.value
        operating = details.status == StationStatus.OPERATING.value
        self.suspend_button.setEnabled(operating)
        self.close_station_button.setEnabled(not closed)
        self.reopen_button.setEnabled(details.status in (StationStatus.SUSPENDED.value, StationStatus.CLOSED.value))
        self.merge_button.setEnabled(not closed)
        self._update_buttons()
        self.details_shown.emit(details)

    @staticmethod
    def _set_combo(combo: QComboBox, value: str | None) -> None:
        index = combo.findData(value)
        if index < 0 and value is not None:  # a value outside the vocabulary: show it as stored
            combo.addItem(value, value)
            index = combo.count() - 1
        combo.setCurrentIndex(max(index, 0))

    def _show_history(self, entries: Sequence[HistoryEntry]) -> None:
        self.history.clear()
        for e in entries:
            note = []
            if e.kind == EventKind.MERGED.value:
                if e.station == self.code:
                    note.append(self.tr("并入：{codes}").format(codes="、".join(e.partners)))
                else:
                    note.append(self.tr("并入站点 {code}").format(code=e.station))
            if e.reverts is not None:
                note.append(self.tr("撤销 #{id}").format(id=e.reverts))
            if e.reverted_by is not None:
                note.append(self.tr("已被 #{id} 撤销").format(id=e.reverted_by))
            if e.note:
                note.append(e.note)
            date = e.date or (self.tr("日期缺失") if e.date_missing else e.effective_on)
            item = QTreeWidgetItem([str(e.id), date, kind_text(e.kind), e.new_type or "", "；".join(note),
                                    e.actor, e.recorded_on])
            item.setData(0, Qt.ItemDataRole.UserRole, e.id)
            if e.date_missing:
                item.setForeground(1, QBrush(MISSING_COLOR))
            if e.reverted_by is not None:
                for col in range(7):
                    item.setForeground(col, QBrush(REVERTED_COLOR))
            self.history.addTopLevelItem(item)

    # --- values ---------------------------------------------------------------------------------
    def _values(self) -> dict[str, Any]:
        out: dict[str, Any] = {name: self.edits[name].text().strip() for name in TEXT_FIELDS}
        out["station_type"] = self.type_combo.currentData()
        out["coop"] = self.coop_combo.currentData()
        out["notes"] = self.notes.toPlainText().strip()
        out["services"] = self.services.ticked()
        out["brands"] = self.brands.ticked()
        out["served"] = self.served.codes()
        return out

    @staticmethod
    def _sendable(value: Any) -> Any:
        """What the service gets for a field: None for an empty one (clears it), else the value as typed."""
        if value in ("", []):
            return None
        return value

    def changes(self) -> dict[str, Any]:
        """The fields that differ from what was loaded, as the service takes them."""
        now = self._values()
        return {k: self._sendable(v) for k, v in now.items() if v != self._shown.get(k)}

    def is_dirty(self) -> bool:
        return bool(self.changes())

    def _type_changed(self) -> None:
        changed = self.details is not None and self.type_combo.currentData() != self._shown.get("station_type")
        self.type_date.setVisible(changed)
        self.type_date_label.setVisible(changed)

    # --- saving ---------------------------------------------------------------------------------
    def save(self) -> None:
        if self.busy:
            return
        self._clear_marks()
        if self.code is None:
            self._add()
            return
        changes = self.changes()
        if not changes:
            self._info(self.tr("没有修改。"))
            return
        before = {k: self._sendable(self._shown[k]) for k in changes if k != "station_type"}
        after = {k: v for k, v in changes.items() if k != "station_type"}
        registry, code = self.registry, self.code
        on = self.type_date.text().strip() if "station_type" in changes else None
        send = dict(changes)
        # the version the shown values came from: if someone else saved the station since, the service
        # refuses this save and names the fields that differ (yours / stored)
        started_from = self.details.version if self.details is not None else None

        def job(_ctx: OpContext) -> tuple[bool, StationDetails, int | None, list[PlaceWarning]]:
            known = {h.id for h in station_ops.station_details(registry, code).history}
            changed = station_ops.edit_station(registry, code, send, on=on, expect_version=started_from)
            details = station_ops.station_details(registry, code)
            new_type_events = [h.id for h in details.history
                               if h.kind == EventKind.TYPE_CHANGED.value and h.id not in known]
            moved = {"lon", "lat"} & set(send)
            return changed, details, max(new_type_events, default=None), _place_warnings(registry, code) \
                if moved else []

        def saved(result: tuple[bool, StationDetails, int | None, list[PlaceWarning]]) -> None:
            changed, details, type_event, warnings = result
            self.show_details(details)
            if changed:
                if "station_type" in changes and type_event is None:
                    after.update({"station_type": changes["station_type"]})  # the service recorded no event
                text = self.tr("修改站点 {name}").format(name=details.name)
                self._push(EditCommand(self.undo_runner, details.code, text, before=before, after=after,
                                       type_event=type_event))
                self.saved.emit(details.code)
                self._info(self.tr("已保存。"), warnings)
            else:
                self._info(self.tr("没有修改。"))

        self._run(job, saved)

    def _add(self) -> None:
        values = self._values()
        draft = StationDraft(
            village_code=self.village_code, name=values["name"], station_type=values["station_type"],
            coop=values["coop"], operator=self._sendable(values["operator"]),
            contact=self._sendable(values["contact"]), phone=self._sendable(values["phone"]),
            lon=self._sendable(values["lon"]), lat=self._sendable(values["lat"]),
            opened=self._sendable(values["opened"]), services=self._sendable(values["services"]),
            brands=self._sendable(values["brands"]), floor_area=self._sendable(values["floor_area"]),
            served=self._sendable(values["served"]), notes=self._sendable(values["notes"]),
            planned=self.planned.isChecked())
        registry = self.registry

        def job(_ctx: OpContext) -> tuple[StationDetails, list[PlaceWarning]]:
            code = station_ops.add_station(registry, draft)
            return station_ops.station_details(registry, code), _place_warnings(registry, code)

        def added(result: tuple[StationDetails, list[PlaceWarning]]) -> None:
            details, warnings = result
            self.pages.setTabVisible(self.history_index, True)
            for button in (self.merge_button, self.suspend_button, self.close_station_button, self.reopen_button):
                button.show()
            self.show_details(details)
            # Not on the undo stack: a station, once recorded, is closed rather than deleted.
            self._own_change = True
            try:
                self.undo_runner.station_changed.emit(details.code)
            finally:
                self._own_change = False
            self.saved.emit(details.code)
            self._info(self.tr("已新增站点 {code}。").format(code=details.code), warnings)

        self._run(job, added)

    def _push(self, command: EditCommand) -> None:
        """Record our saved edit on the undo stack without reloading what the save has just shown."""
        self._own_change = True
        try:
            self.undo_runner.push(command)
        finally:
            self._own_change = False

    def _run(self, job: Any, on_success: Any) -> None:
        self.busy = True
        # Disabling the focused save button moves the focus on (to 撤销, where Enter would undo): put it
        # back where the clerk was, or on the first field.
        focus = self.focusWidget()
        if focus is None or isinstance(focus, QPushButton):
            focus = self.edits["name"]
        self.save_button.setEnabled(False)

        def done(result: Any) -> None:
            self.busy = False
            self.save_button.setEnabled(True)
            on_success(result)
            if isValid(focus) and focus.isVisible():
                focus.setFocus()

        (BackgroundOp(self, self.taskman, waiting_for_writers(job, self.lang), lang=self.lang)
         .with_progress(self.tr("正在保存…"), describe=lambda text: text)
         .success(done)
         .failure(self._refused)
         .run_in_background())

    def _refused(self, exc: BaseException) -> None:
        self.busy = False
        self.save_button.setEnabled(True)
        if isValid(self.edits["name"]) and isinstance(self.focusWidget(), QPushButton | type(None)):
            self.edits["name"].setFocus()
        if isinstance(exc, StationInvalid):
            for problem in exc.problems:
                widget = self.field_widget(problem.field)
                if widget is not None:
                    widget.setProperty("invalid", True)
                    widget.setToolTip(problem.message(self.lang))
                    widget.style().unpolish(widget)
                    widget.style().polish(widget)
        if isinstance(exc, KnownError) and not isinstance(exc, Cancelled):
            self.error.setText(error_text(exc, self.lang))
            self.error.setStyleSheet("color: #b00020;")
            self.error.show()
            return
        default_failure(self, exc, self.lang)

    def _field_fixed(self, name: str) -> None:
        """The clerk changed a field the last refusal marked: unmark it; the red banner goes with the last mark."""
        widget = self.field_widget(name)
        if widget is None or not widget.property("invalid"):
            return
        self._unmark(widget)
        if not self.marked_fields():
            self.error.hide()

    @staticmethod
    def _unmark(widget: QWidget) -> None:
        widget.setProperty("invalid", False)
        widget.setToolTip("")
        widget.style().unpolish(widget)
        widget.style().polish(widget)

    def _info(self, text: str, warnings: Sequence[PlaceWarning] = ()) -> None:
        """A saved-state line; a position warning (saved, but far from the county's other stations) in amber."""
        if warnings:
            self.error.setStyleSheet("color: #8a5a00;")
            self.error.setText("\n".join([text, *(w.message(self.lang) for w in warnings)]))
        else:
            self.error.setStyleSheet("color: #1b7a2e;")
            self.error.setText(text)
        self.error.show()

    def marked_fields(self) -> list[str]:
        """Fields marked wrong by the last refusal (tests, and the screenshot check)."""
        names = [*TEXT_FIELDS, "station_type", "on", "coop", "notes", "services", "brands", "served"]
        out = []
        for name in names:
            widget = self.field_widget(name)
            if widget is not None and widget.property("invalid"):
                out.append(name)
        return out

    def _clear_marks(self) -> None:
        self.error.hide()
        for name in [*TEXT_FIELDS, "station_type", "on", "coop", "notes", "services", "brands", "served"]:
            widget = self.field_widget(name)
            if widget is not None and widget.property("invalid"):
                self._unmark(widget)

    # --- history actions ------------------------------------------------------------------------
    def open_event(self, kind: str) -> EventDialog | None:
        if self.code is None:
            return None
        dialog = EventDialog(self, self.taskman, self.registry, self.code, kind, lang=self.lang)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        title = event_texts(kind)[0]
        code = self.code
        dialog.accepted.connect(lambda: self._event_recorded(code, title, dialog.result_id))
        dialog.open()
        return dialog

    def open_merge(self) -> MergeDialog | None:
        if self.code is None:
            return None
        dialog = MergeDialog(self, self.taskman, self.registry, self.code, self.village_code, lang=self.lang)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        code = self.code
        dialog.accepted.connect(lambda: self._event_recorded(code, self.tr("合并站点"), dialog.result_id))
        dialog.open()
        return dialog

    def _event_recorded(self, code: str, title: str, event_id: int | None) -> None:
        if event_id is None:
            return
        self._clear_marks()
        text = self.tr("{action} {name}").format(action=title, name=self._station_name(code))
        self._info(self.tr("已记录：{what}。").format(what=text))
        self.undo_runner.push(EventCommand(self.undo_runner, code, text, event_id))

    def _station_name(self, code: str) -> str:
        return self.details.name if self.details is not None and self.details.code == code else code

    def selected_event(self) -> int | None:
        item = self.history.currentItem()
        return None if item is None else int(item.data(0, Qt.ItemDataRole.UserRole))

    def undo_selected_event(self) -> None:
        event_id = self.selected_event()
        if event_id is None or self.code is None:
            self._info(self.tr("请先在历史记录中选择一条。"))
            return
        registry, code = self.registry, self.code
        item = self.history.currentItem()
        kind = item.text(2) if item is not None else ""
        what = self.tr("{kind} {name}").format(kind=kind, name=self._station_name(code))

        def job(_ctx: OpContext) -> int:
            return station_ops.undo_event(registry, event_id)

        def undone(undo_id: int) -> None:
            # Named by what it voided: the 编辑 menu then reads "撤销：作废记录 #89（暂停 …站）".
            text = self.tr("作废记录 #{id}（{what}）").format(id=event_id, what=what)
            self._info(self.tr("已作废记录 #{id}（{what}），它保留在历史中。").format(id=event_id, what=what))
            self.undo_runner.push(EventCommand(self.undo_runner, code, text, undo_id))  # reloads us

        self._run(job, undone)

    # --- buttons and closing --------------------------------------------------------------------
    def undo(self) -> None:
        """Undo this station's last change (never another station's)."""
        if self.code is not None:
            self.undo_runner.undo(self.code)

    def redo(self) -> None:
        if self.code is not None:
            self.undo_runner.redo(self.code)

    def _update_buttons(self, *_args: object) -> None:
        runner = self.undo_runner
        if not isValid(runner) or not isValid(self.undo_button):  # emitted while the window is destroyed
            return
        code = self.code
        self.undo_button.setEnabled(code is not None and runner.can_undo(code))
        self.redo_button.setEnabled(code is not None and runner.can_redo(code))
        undo_text, redo_text = (runner.undo_text(code), runner.redo_text(code)) if code else ("", "")
        self.undo_button.setToolTip(self.tr("撤销：{what}").format(what=undo_text) if undo_text
                                    else self.tr("本站点没有可撤销的修改"))
        self.redo_button.setToolTip(self.tr("重做：{what}").format(what=redo_text) if redo_text
                                    else self.tr("本站点没有可重做的修改"))

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802 (Qt override)
        # The main window's 撤销/重做 act on the station whose editor the clerk used last.
        if event.type() == QEvent.Type.ActivationChange and self.isActiveWindow():
            self.undo_runner.activate(self.code)
        super().changeEvent(event)

    def confirm_leave(self) -> bool:
        """Unsaved changes: ask whether to save them (saving happens in the background), drop them, or stay."""
        if self.details is None and self.code is not None:
            return True
        if not self.is_dirty():
            return True
        answer = QMessageBox.question(
            self, self.tr("村邮通"), self.tr("站点的修改还没有保存。要保存吗？"),
            QMessageBox.StandardButton.Save | QMessageBox.StandardButton.Discard | QMessageBox.StandardButton.Cancel,
            QMessageBox.StandardButton.Save)
        if answer == QMessageBox.StandardButton.Save:
            self.save()
            return False  # stays open: a refusal must be seen; it says 已保存 when done
        return answer == QMessageBox.StandardButton.Discard

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802 (Qt override)
        if not self._leaving and not self.confirm_leave():
            event.ignore()
            return
        self._leaving = True  # QDialog.closeEvent calls reject(): do not ask twice
        super().closeEvent(event)

    def reject(self) -> None:
        if self._leaving or self.confirm_leave():
            self._leaving = True
            super().reject()

    def setVisible(self, visible: bool) -> None:  # noqa: N802 (Qt override)
        if visible:
            settle_layout(self)
            self._leaving = False
        super().setVisible(visible)


def _place_warnings(registry: Registry, code: str) -> list[PlaceWarning]:
    """The service's position warning for a just-saved station (read in the save's worker thread)."""
    with registry.reading() as conn:
        return place_warnings(conn, code)
