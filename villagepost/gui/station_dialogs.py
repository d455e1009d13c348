"""The station editor's small dialogs: a dated event (暂停, 关闭, 恢复运营) and a merger (合并).

Each dialog runs its operation itself (on the worker, through services.station_ops) and stays open with
the service's own Chinese message when it is refused — a wrong date is corrected in place, not retyped.
On success it accepts with the new event's id, which the editor pushes on the undo stack.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QVBoxLayout,
    QWidget,
)

from villagepost.core import clock
from villagepost.core.errors import Cancelled, KnownError
from villagepost.core.messages import DEFAULT_LANG
from villagepost.core.stations import StationStatus, StationType
from villagepost.gui.ops import BackgroundOp, OpContext, TaskManager, default_failure
from villagepost.gui.window_sizing import settle_layout
from villagepost.services import tables
from villagepost.services.registry import Registry
from villagepost.services.station_checks import StationInvalid
from villagepost.services.tables import StationFilter, StationTableRow

translate = QCoreApplication.translate

def event_texts(kind: str) -> tuple[str, str]:
    """What a dated event is called, and what its dialog explains."""
    return {
        "suspend": (translate("StationDialogs", "暂停运营"),
                    translate("StationDialogs", "站点从该日的次日起暂停运营，恢复时请用“恢复运营”。")),
        "close": (translate("StationDialogs", "关闭站点"),
                  translate("StationDialogs", "站点在该日仍然运营，次日起关闭。关闭的站点和它的历史记录都会保留。")),
        "reopen": (translate("StationDialogs", "恢复运营"),
                   translate("StationDialogs", "暂停或关闭的站点从该日起重新运营。")),
    }[kind]


DATE_HINT = "2024-03-15、2024-03 或 2024"


def error_text(exc: KnownError, lang: str) -> str:
    """A refusal as lines: every wrong field of a StationInvalid, else the message."""
    if isinstance(exc, StationInvalid):
        return "\n".join(p.message(lang) for p in exc.problems)
    return exc.message(lang)


class _RunningDialog(QDialog):
    """A dialog whose OK runs a job on the worker; refusals are shown in it, success accepts it."""

    def __init__(self, parent: QWidget, taskman: TaskManager, lang: str) -> None:
        super().__init__(parent)
        self.taskman = taskman
        self.lang = lang
        self.result_id: int | None = None
        self.error = QLabel(self)
        self.error.setObjectName("dialogError")
        self.error.setWordWrap(True)
        self.error.setStyleSheet("color: #b00020;")
        self.error.hide()
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self)
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText(self.tr("确定"))
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(self.tr("取消"))
        self.buttons.accepted.connect(self.submit)
        self.buttons.rejected.connect(self.reject)

    def job(self) -> Callable[[OpContext], int]:
        raise NotImplementedError

    def setVisible(self, visible: bool) -> None:  # noqa: N802 (Qt override)
        if visible:
            settle_layout(self)
        super().setVisible(visible)

    def submit(self) -> None:
        self.error.hide()
        self.buttons.setEnabled(False)
        (BackgroundOp(self, self.taskman, self.job(), lang=self.lang)
         .success(self._done)
         .failure(self._refused)
         .run_in_background())

    def _done(self, event_id: int) -> None:
        self.buttons.setEnabled(True)
        self.result_id = event_id
        self.accept()

    def _refused(self, exc: BaseException) -> None:
        self.buttons.setEnabled(True)
        if isinstance(exc, KnownError) and not isinstance(exc, Cancelled):
            self.error.setText(error_text(exc, self.lang))
            self.error.show()
            return
        default_failure(self, exc, self.lang)


class EventDialog(_RunningDialog):
    """暂停 / 关闭 / 恢复运营: a date (full or partial, default today) and a note."""

    def __init__(self, parent: QWidget, taskman: TaskManager, registry: Registry, code: str, kind: str, *,
                 lang: str = DEFAULT_LANG) -> None:
        super().__init__(parent, taskman, lang)
        self.registry = registry
        self.code = code
        self.kind = kind
        title, explanation = event_texts(kind)
        self.setWindowTitle(f"{title} — {code}")
        self.setObjectName(f"eventDialog_{kind}")
        self.date_edit = QLineEdit(clock.today().isoformat(), self)
        self.date_edit.setObjectName("eventDate")
        self.date_edit.setPlaceholderText(DATE_HINT)
        self.note_edit = QLineEdit(self)
        self.note_edit.setObjectName("eventNote")
        form = QFormLayout()
        form.addRow(self.tr("日期："), self.date_edit)
        form.addRow(self.tr("说明："), self.note_edit)
        layout = QVBoxLayout(self)
        text = QLabel(explanation, self)
        text.setWordWrap(True)
        layout.addWidget(text)
        layout.addLayout(form)
        layout.addWidget(self.error)
        layout.addWidget(self.buttons)
        self.setMinimumWidth(420)

    def job(self) -> Callable[[OpContext], int]:
        from villagepost.services import station_ops

        operation = {"suspend": station_ops.suspend_station, "close": station_ops.close_station,
                     "reopen": station_ops.reopen_station}[self.kind]
        registry, code = self.registry, self.code
        date, note = self.date_edit.text().strip(), self.note_edit.text().strip() or None
        return lambda _ctx: operation(registry, code, date, note=note)


class MergeDialog(_RunningDialog):
    """合并: this station is the successor; tick the stations of the same township that join it."""

    def __init__(self, parent: QWidget, taskman: TaskManager, registry: Registry, code: str, village_code: str, *,
                 lang: str = DEFAULT_LANG) -> None:
        super().__init__(parent, taskman, lang)
        self.registry = registry
        self.code = code
        self.setWindowTitle(self.tr("合并站点 — {code}").format(code=code))
        self.setObjectName("mergeDialog")
        intro = QLabel(self.tr("选中的站点于该日并入本站点（{code}），本站点从该日起作为综合站点运营；"
                               "被合并的站点保留在本站点的历史中。合并可以撤销，历史不会删除。").format(code=code),
                       self)
        intro.setWordWrap(True)
        self.candidates = QListWidget(self)
        self.candidates.setObjectName("mergeCandidates")
        self.type_combo = QComboBox(self)
        self.type_combo.setObjectName("mergeType")
        for stype in StationType:
            if stype.is_combined:
                self.type_combo.addItem(stype.value, stype.value)
        self.date_edit = QLineEdit(clock.today().isoformat(), self)
        self.date_edit.setObjectName("eventDate")
        self.date_edit.setPlaceholderText(DATE_HINT)
        self.note_edit = QLineEdit(self)
        self.note_edit.setObjectName("eventNote")
        form = QFormLayout()
        form.addRow(self.tr("合并日期："), self.date_edit)
        form.addRow(self.tr("合并后类型："), self.type_combo)
        form.addRow(self.tr("说明："), self.note_edit)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(QLabel(self.tr("同一乡镇中可并入的站点："), self))
        layout.addWidget(self.candidates, 1)
        layout.addLayout(form)
        layout.addWidget(self.error)
        layout.addWidget(self.buttons)
        self.resize(560, 480)
        self.loaded = False
        township = village_code[:9]

        def find(_ctx: OpContext) -> list[StationTableRow]:
            f = StationFilter(scope=township)
            ids = [int(i) for i in tables.station_ids(registry, f, "village")]
            rows = tables.station_rows(registry, ids)
            return [rows[i] for i in ids if i in rows and rows[i].code != code
                    and rows[i].status != StationStatus.CLOSED.value]

        BackgroundOp(self, taskman, find, lang=lang).success(self._candidates_arrived).run_in_background()

    def _candidates_arrived(self, rows: list[StationTableRow]) -> None:
        for row in rows:
            item = QListWidgetItem(f"{row.name}（{row.station_type or '—'}）  {row.village}  {row.code}")
            item.setData(Qt.ItemDataRole.UserRole, row.code)
            item.setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Unchecked)
            self.candidates.addItem(item)
        if not rows:
            item = QListWidgetItem(self.tr("本乡镇没有其他可并入的站点"))
            item.setFlags(Qt.ItemFlag.NoItemFlags)
            self.candidates.addItem(item)
        self.loaded = True

    def check(self, code: str) -> bool:
        """Tick the candidate `code` (False when it is not offered)."""
        for i in range(self.candidates.count()):
            item = self.candidates.item(i)
            if item.data(Qt.ItemDataRole.UserRole) == code:
                item.setCheckState(Qt.CheckState.Checked)
                return True
        return False

    def chosen(self) -> list[str]:
        out = []
        for i in range(self.candidates.count()):
            item = self.candidates.item(i)
            if item.checkState() == Qt.CheckState.Checked:
                out.append(str(item.data(Qt.ItemDataRole.UserRole)))
        return out

    def job(self) -> Callable[[OpContext], int]:
        from villagepost.services import station_ops

        registry, code, chosen = self.registry, self.code, self.chosen()
        date, note = self.date_edit.text().strip(), self.note_edit.text().strip() or None
        new_type = self.type_combo.currentData()
        return lambda _ctx: station_ops.merge_stations(registry, code, chosen, date, new_type=new_type, note=note)
