"""The audit trail in the window: a 历史 panel (one station's or one village's changes) and the audit view
with filters (scope, account, since, record) and an xlsx export.

Why a list model over fetched rows: the service returns the newest `VIEW_LIMIT` rows of an indexed range
in well under a second even for a county with 10,000 changes; a table of plain rows shows them at once
without an item per cell. The query runs on the worker, so the window never waits.
"""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from villagepost.core.errors import KnownError
from villagepost.core.messages import DEFAULT_LANG
from villagepost.gui.list_model import Column, RowListModel
from villagepost.gui.ops import BackgroundOp, OpContext, TaskManager, show_known_error
from villagepost.services import audit
from villagepost.services.audit import AuditFilter, AuditRow
from villagepost.services.registry import Registry

translate = QCoreApplication.translate


#: starting widths of the columns before 新值 (which takes the rest): a station code must fit whole
_WIDTHS = (150, 80, 170, 90, 130, 80, 120)


def _value(text: str | None) -> str:
    return "—" if text is None else text


def audit_columns() -> list[Column[AuditRow]]:
    return [
        Column(translate("audit", "时间"), lambda r: r.at.replace("T", " ")),
        Column(translate("audit", "用户"), lambda r: r.user),
        Column(translate("audit", "来源"), lambda r: r.source),
        Column(translate("audit", "表"), lambda r: r.table),
        Column(translate("audit", "记录"), lambda r: r.record),
        Column(translate("audit", "字段"), lambda r: r.field),
        Column(translate("audit", "原值"), lambda r: _value(r.old)),
        Column(translate("audit", "新值"), lambda r: _value(r.new), stretch=True),
    ]


class AuditPanel(QWidget):
    """A read-only table of audit rows (newest first) with a line saying how many are shown."""

    def __init__(self, parent: QWidget, taskman: TaskManager, registry: Registry, *,
                 lang: str = DEFAULT_LANG) -> None:
        super().__init__(parent)
        self.taskman = taskman
        self.registry = registry
        self.lang = lang
        self.model: RowListModel[AuditRow] = RowListModel(self)
        self.table = QTableView(self)
        self.table.setObjectName("auditTable")
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setAlternatingRowColors(True)
        self.table.verticalHeader().setVisible(False)
        self.table.setWordWrap(False)
        self.count = QLabel("", self)
        self.count.setObjectName("auditCount")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.count)
        self.pending: BackgroundOp[list[AuditRow]] | None = None

    def load(self, flt: AuditFilter) -> BackgroundOp[list[AuditRow]]:
        """Fetch the rows matching `flt` on the worker and show them."""
        registry = self.registry

        def job(_ctx: OpContext) -> list[AuditRow]:
            return audit.entries(registry, flt, limit=audit.VIEW_LIMIT)

        op = (BackgroundOp(self, self.taskman, job, lang=self.lang)
              .success(self.show_rows)
              .failure(self._failed))
        self.pending = op
        op.run_in_background()
        return op

    def show_rows(self, rows: list[AuditRow]) -> None:
        self.model.set_rows(audit_columns(), rows)
        header = self.table.horizontalHeader()
        for i, column in enumerate(self.model.columns):
            header.setSectionResizeMode(i, QHeaderView.ResizeMode.Stretch if column.stretch
                                        else QHeaderView.ResizeMode.Interactive)
            if not column.stretch:
                header.resizeSection(i, _WIDTHS[i] if i < len(_WIDTHS) else 90)
        if len(rows) >= audit.VIEW_LIMIT:
            text = translate("audit", "显示最近 {n} 条修改（请用筛选条件缩小范围）").format(n=f"{len(rows):,}")
        else:
            text = translate("audit", "共 {n} 条修改").format(n=f"{len(rows):,}")
        self.count.setText(text)

    def _failed(self, exc: BaseException) -> None:
        if isinstance(exc, KnownError):
            self.count.setText(exc.message(self.lang))
            return
        raise exc


class AuditView(QDialog):
    """修改记录: the audit trail with filters, for administrators and supervisors (and a village's 历史)."""

    def __init__(self, parent: QWidget, taskman: TaskManager, registry: Registry, *, scope: str | None = None,
                 lang: str = DEFAULT_LANG) -> None:
        super().__init__(parent)
        self.registry = registry
        self.lang = lang
        self.setWindowTitle(translate("audit", "修改记录"))
        self.resize(1100, 640)
        self.scope = QLineEdit(scope or "", self)
        self.scope.setObjectName("auditScope")
        self.scope.setPlaceholderText(translate("audit", "区划代码，如 640221"))
        self.user = QLineEdit(self)
        self.user.setObjectName("auditUser")
        self.since = QLineEdit(self)
        self.since.setObjectName("auditSince")
        self.since.setPlaceholderText("2026-11-01")
        self.record = QLineEdit(self)
        self.record.setObjectName("auditRecord")
        self.record.setPlaceholderText(translate("audit", "站点编码等"))
        form = QFormLayout()
        form.addRow(translate("audit", "范围"), self.scope)
        form.addRow(translate("audit", "用户"), self.user)
        form.addRow(translate("audit", "起始日期"), self.since)
        form.addRow(translate("audit", "记录"), self.record)
        self.apply_button = QPushButton(translate("audit", "查询"), self)
        self.apply_button.setDefault(True)
        self.apply_button.clicked.connect(self.apply)
        self.export_button = QPushButton(translate("audit", "导出 Excel…"), self)
        self.export_button.clicked.connect(self.export)
        buttons = QHBoxLayout()
        buttons.addWidget(self.apply_button)
        buttons.addWidget(self.export_button)
        buttons.addStretch(1)
        self.panel = AuditPanel(self, taskman, registry, lang=lang)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addLayout(buttons)
        layout.addWidget(self.panel, 1)
        for edit in (self.scope, self.user, self.since, self.record):
            edit.returnPressed.connect(self.apply)
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)

    def current_filter(self) -> AuditFilter:
        """The filter the fields describe (raises KnownError for a date or scope that is not one)."""
        from villagepost.services.divisions import parse_scope

        scope = self.scope.text().strip()
        return AuditFilter(scope=parse_scope(scope) if scope else None, user=self.user.text().strip() or None,
                           since=audit.parse_since(self.since.text()), record=self.record.text().strip() or None)

    def apply(self) -> BackgroundOp[list[AuditRow]] | None:
        try:
            flt = self.current_filter()
        except KnownError as exc:
            show_known_error(self, exc, self.lang)
            return None
        return self.panel.load(flt)

    def export(self) -> None:
        try:
            flt = self.current_filter()
        except KnownError as exc:
            show_known_error(self, exc, self.lang)
            return
        path, _ = QFileDialog.getSaveFileName(self, translate("audit", "导出修改记录"), "修改记录.xlsx",
                                              translate("audit", "Excel 工作簿 (*.xlsx)"))
        if not path:
            return
        registry = self.registry
        (BackgroundOp(self, self.panel.taskman, lambda _ctx: audit.export_xlsx(registry, flt, path), lang=self.lang)
         .success(lambda done: self.panel.count.setText(
             translate("audit", "已导出 {n} 条修改记录到 {path}").format(n=done[1], path=str(done[0]))))
         .run_in_background())
