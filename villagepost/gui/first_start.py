"""The first-start dialog: choose what to load into an empty registry, then load it on the worker.

Why this exists: a registry is useless without the official division codes, and a clerk should not need
the command line to get them. Most counties want only their own county (a few hundred units, a second);
a city or province office wants more; the whole country takes about half a minute. The choices come from
the codes bundled with the program, so nothing touches the database until 载入 is pressed, and the load
runs as one transaction on the background worker: cancelling leaves the registry exactly as it was.
"""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, QModelIndex, QStringListModel, Qt
from PySide6.QtWidgets import (
    QButtonGroup,
    QComboBox,
    QCompleter,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from villagepost.core.errors import Cancelled, KnownError
from villagepost.core.messages import DEFAULT_LANG
from villagepost.gui.ops import BackgroundOp, OpContext, TaskManager, default_failure
from villagepost.gui.window_sizing import settle_layout
from villagepost.services import divisions
from villagepost.services.divisions import LoadResult
from villagepost.services.registry import Registry
from villagepost.services.scope_choices import Choice, ScopeChoices, read_scope_choices

COUNTY, CITY, PROVINCE, NATION = "county", "city", "province", "nation"


#: lupdate finds `translate("context", "text")` calls; a wrapper function would hide them.
translate = QCoreApplication.translate


def describe_load_step(key: str) -> str:
    """The loader's progress keys as the progress dialog shows them."""
    return {
        "div.reading": translate("FirstStartDialog", "正在读取随程序附带的区划代码…"),
        "div.writing": translate("FirstStartDialog", "正在写入登记册"),
        "div.done": translate("FirstStartDialog", "正在完成…"),
    }.get(key, key)


class FirstStartDialog(QDialog):
    """Pick 全国, a province, a city or a county; `result_scope` and `load_result` are set when accepted."""

    def __init__(self, registry: Registry, taskman: TaskManager, parent: QWidget, *,
                 lang: str = DEFAULT_LANG, choices: ScopeChoices | None = None, first_start: bool = True) -> None:
        super().__init__(parent)
        self.registry = registry
        self.taskman = taskman
        self.lang = lang
        self.choices = choices or read_scope_choices()
        self.result_scope: str | None = None
        self.load_result: LoadResult | None = None
        self.op: BackgroundOp[LoadResult] | None = None
        self.setWindowTitle(self.tr("村邮通 — 载入区划代码"))
        self.setMinimumWidth(560)

        intro = QLabel(self)
        intro.setWordWrap(True)
        heading = self.tr("欢迎使用村邮通！") if first_start else self.tr("载入区划代码")
        intro.setText(
            f"<p style='font-size:large'><b>{heading}</b></p>"
            + self.tr("<p>登记站点之前，需要先载入国家统计局 {year} 年统计用区划代码（已随程序附带，无需联网）。"
                  "一般只需载入本县；市、省主管部门可载入整个市、省或全国。</p>"
                  "<p>请选择要载入的范围：</p>").format(year=self.choices.edition)
        )

        self.kind_group = QButtonGroup(self)
        self.radios: dict[str, QRadioButton] = {}
        radio_texts = (
            (COUNTY, self.tr("一个县（区、县级市）— 推荐，约 1 秒")),
            (CITY, self.tr("一个市（州、盟）")),
            (PROVINCE, self.tr("一个省（自治区、直辖市）— 需要几秒钟")),
            (NATION, self.tr("全国 — 约 66 万个单位，需要半分钟左右")),
        )
        for kind, text in radio_texts:
            radio = QRadioButton(text, self)
            radio.setObjectName(f"scope_{kind}")
            self.kind_group.addButton(radio)
            self.radios[kind] = radio
        self.radios[COUNTY].setChecked(True)

        self.province = QComboBox(self)
        self.city = QComboBox(self)
        self.county = QComboBox(self)
        for combo, placeholder in ((self.province, self.tr("请选择省份")), (self.city, self.tr("请选择市")),
                                   (self.county, self.tr("请选择县"))):
            combo.setPlaceholderText(placeholder)
            combo.setMinimumContentsLength(14)
            combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self._fill(self.province, self.choices.provinces)

        # Typing is quicker than three lists: pinyin initials (plx → 平罗县), full pinyin, a name or a code.
        self.search = QLineEdit(self)
        self.search.setObjectName("scopeSearch")
        self.search.setPlaceholderText(self.tr("输入拼音首字母、名称或代码查找，如 plx → 平罗县"))
        self.search.setClearButtonEnabled(True)
        self.search_model = QStringListModel(self)
        self.search_codes: list[str] = []
        self.completer = QCompleter(self.search_model, self)
        self.completer.setCompletionMode(QCompleter.CompletionMode.UnfilteredPopupCompletion)
        self.completer.setMaxVisibleItems(12)
        self.search.setCompleter(self.completer)
        self.search.textEdited.connect(self._search_edited)
        self.completer.activated[QModelIndex].connect(  # type: ignore[index]
            lambda index: self.pick_hit(index.row()))
        self.search.returnPressed.connect(self._search_entered)

        form = QFormLayout()
        form.addRow(self.tr("查找："), self.search)
        form.addRow(self.tr("省："), self.province)
        form.addRow(self.tr("市："), self.city)
        form.addRow(self.tr("县："), self.county)

        self.summary = QLabel(self)
        self.summary.setObjectName("scopeSummary")
        self.summary.setWordWrap(True)
        self.status = QLabel(self)
        self.status.setObjectName("loadStatus")
        self.status.setWordWrap(True)
        # Room for two lines from the start, so a message appearing does not resize the dialog.
        for label in (self.summary, self.status):
            label.setMinimumHeight(label.fontMetrics().lineSpacing() * 2 + 4)
            label.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)

        buttons = QDialogButtonBox(self)
        self.load_button = QPushButton(self.tr("载入"), self)
        self.load_button.setDefault(True)
        buttons.addButton(self.load_button, QDialogButtonBox.ButtonRole.AcceptRole)
        self.later_button = buttons.addButton(self.tr("以后再说"), QDialogButtonBox.ButtonRole.RejectRole)
        self.load_button.clicked.connect(self.start_load)
        self.later_button.clicked.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        for radio in self.radios.values():
            layout.addWidget(radio)
        layout.addSpacing(6)
        layout.addLayout(form)
        layout.addWidget(self.summary)
        layout.addWidget(self.status)
        layout.addStretch(1)
        layout.addWidget(buttons)

        self.kind_group.buttonToggled.connect(lambda *_: self._update())
        self.province.currentIndexChanged.connect(self._province_changed)
        self.city.currentIndexChanged.connect(self._city_changed)
        self.county.currentIndexChanged.connect(lambda *_: self._update())
        self._update()

    # --- choosing ------------------------------------------------------------------------------
    def setVisible(self, visible: bool) -> None:  # noqa: N802 (Qt override)
        if visible:
            settle_layout(self)
        super().setVisible(visible)

    @staticmethod
    def _fill(combo: QComboBox, items: list[Choice]) -> None:
        combo.blockSignals(True)
        combo.clear()
        for choice in items:
            combo.addItem(f"{choice.name}  {choice.code}", choice.code)
        combo.setCurrentIndex(-1)
        combo.blockSignals(False)

    def _current(self, combo: QComboBox) -> Choice | None:
        code = combo.currentData()
        return self.choices.find(code) if code else None

    def _province_changed(self) -> None:
        province = self._current(self.province)
        self._fill(self.city, province.children if province else [])
        self._fill(self.county, [])
        self._update()

    def _city_changed(self) -> None:
        city = self._current(self.city)
        self._fill(self.county, city.children if city else [])
        self._update()

    def _search_edited(self, text: str) -> None:
        hits = self.choices.search(text, limit=20)
        self.search_codes = [choice.code for choice, _path in hits]
        self.search_model.setStringList(
            [f"{choice.name}    {path}    {choice.code}" if path else f"{choice.name}    {choice.code}"
             for choice, path in hits])
        if hits:
            self.completer.complete()

    def _search_entered(self) -> None:
        """Enter in the search line picks the first hit (the popup's highlighted one picks itself)."""
        popup = self.completer.popup()
        if self.search_codes and (popup is None or not popup.isVisible()):
            self.pick_hit(0)

    def pick_hit(self, row: int) -> None:
        """Choose search hit `row` as if clicked through the lists; the line then shows its name."""
        if not 0 <= row < len(self.search_codes):
            return
        code = self.search_codes[row]
        self.select_scope(code)
        choice = self.choices.find(code)
        if choice is not None:
            self.search.setText(choice.name)
        self.load_button.setFocus()

    def kind(self) -> str:
        return next(k for k, r in self.radios.items() if r.isChecked())

    def chosen_scope(self) -> str | None:
        """The code to load ("" for the whole country), or None while the choice is incomplete."""
        kind = self.kind()
        if kind == NATION:
            return ""
        combo = {PROVINCE: self.province, CITY: self.city, COUNTY: self.county}[kind]
        code = combo.currentData()
        return str(code) if code else None

    def select_scope(self, code: str) -> None:
        """Choose `code` ("" = whole country) as if the clerk had clicked through the boxes."""
        if not code:
            self.radios[NATION].setChecked(True)
            return
        kind = {2: PROVINCE, 4: CITY, 6: COUNTY}[len(code)]
        self.radios[kind].setChecked(True)
        for combo, length in ((self.province, 2), (self.city, 4), (self.county, 6)):
            if length > len(code):
                break
            index = combo.findData(code[:length])
            if index < 0:
                raise ValueError(f"{code[:length]} is not among the bundled codes")
            combo.setCurrentIndex(index)

    def _update(self) -> None:
        kind = self.kind()
        depth = {NATION: 0, PROVINCE: 1, CITY: 2, COUNTY: 3}[kind]
        self.province.setEnabled(depth >= 1)
        self.city.setEnabled(depth >= 2 and self.province.currentIndex() >= 0)
        self.county.setEnabled(depth >= 3 and self.city.currentIndex() >= 0)
        scope = self.chosen_scope()
        self.load_button.setEnabled(scope is not None and self.op is None)
        if scope is None:
            self.summary.setText(self.tr("请在上面选择要载入的地区。"))
        elif scope == "":
            self.summary.setText(self.tr("将载入：全国所有省、市、县、乡镇和村级单位。"))
        else:
            names = [c.name for c in (self._current(self.province), self._current(self.city),
                                      self._current(self.county))[: {2: 1, 4: 2, 6: 3}[len(scope)]] if c]
            self.summary.setText(self.tr("将载入：{path}（{code}）及其下辖的全部乡镇和村级单位。")
                                 .format(path=" / ".join(names), code=scope))

    # --- loading -------------------------------------------------------------------------------
    def _set_busy(self, busy: bool) -> None:
        for widget in (*self.radios.values(), self.search, self.province, self.city, self.county,
                       self.later_button):
            widget.setEnabled(not busy)
        if not busy:
            self._update()
        else:
            self.load_button.setEnabled(False)

    def start_load(self) -> OpContext | None:
        """Load the chosen scope on the worker (progress dialog after ~600 ms, cancellable)."""
        scope = self.chosen_scope()
        if scope is None or self.op is not None:
            return None
        scopes = [scope] if scope else []
        registry = self.registry

        def job(ctx: OpContext) -> LoadResult:
            return divisions.load(registry, scopes, progress=ctx.progress, cancelled=ctx.cancelled)

        self.status.setText(self.tr("正在载入…"))
        self.op = (BackgroundOp(self, self.taskman, job, lang=self.lang)
                   .with_progress(self.tr("正在载入区划代码…"), describe=describe_load_step)
                   .success(lambda result: self._loaded(scope, result))
                   .failure(self._failed))
        self._set_busy(True)
        return self.op.run_in_background()

    def _loaded(self, scope: str, result: LoadResult) -> None:
        self.op = None
        self.result_scope = scope
        self.load_result = result
        self._set_busy(False)
        self.accept()

    def _failed(self, exc: BaseException) -> None:
        self.op = None
        self._set_busy(False)
        if isinstance(exc, Cancelled):
            self.status.setText(self.tr("已取消，登记册保持原样。可以重新选择后再载入。"))
            return
        self.status.setText(exc.message(self.lang) if isinstance(exc, KnownError) else self.tr("载入失败。"))
        default_failure(self, exc, self.lang)

    def reject(self) -> None:
        """While loading, closing the dialog means cancelling the load first (never leave it running)."""
        if self.op is not None and self.op.context is not None:
            self.op.context.cancel()
            return
        super().reject()
