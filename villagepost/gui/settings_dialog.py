"""选项 (settings): the database to open, the user name, the language, and the registry's 类似村委会 option.

After a login the user name is the account's, shown read-only: the audit must name the account, so the
free name (this PC's preference, used when the registry has no accounts) is neither shown nor changed.

Two kinds of setting live here, and the dialog says which is which:
- this PC's preferences (typed options over QSettings, gui/settings.py): database location, user name,
  language — they follow the clerk, not the data;
- the registry's own setting (services.coverage.set_include_village_like): whether 类似村委会 (500–599)
  count as 建制村. It changes every coverage figure of the registry, so it travels with the database and
  the service refuses it to an actor without the whole registry in scope.

The dialog only collects values; `apply` reports what changed so the window can act (open the database,
rename the actor, warn that the language changes at the next start).
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtWidgets import (
    QButtonGroup,
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from villagepost.core.errors import KnownError
from villagepost.core.messages import DEFAULT_LANG
from villagepost.core.messages import tr as catalogue_text
from villagepost.gui import settings as opts
from villagepost.gui.ops import BackgroundOp, TaskManager
from villagepost.gui.settings import Settings
from villagepost.gui.window_sizing import settle_layout
from villagepost.services import coverage, locations
from villagepost.services.registry import Registry

translate = QCoreApplication.translate

LANGUAGES = (("zh", "中文"), ("en", "English"))


@dataclass(frozen=True)
class SettingsChange:
    """What `apply` changed, for the window to act on."""

    database: str | None = None
    user_name: str | None = None
    language: str | None = None
    include_village_like: bool | None = None


class SettingsDialog(QDialog):
    """The 选项 dialog; `accepted` means the values were checked and `apply()` may store them."""

    def __init__(self, parent: QWidget, taskman: TaskManager, registry: Registry, settings: Settings, *,
                 lang: str = DEFAULT_LANG) -> None:
        super().__init__(parent)
        self.taskman = taskman
        self.registry = registry
        self.settings = settings
        self.lang = lang
        self.registry_village_like: bool | None = None
        #: logged in to an account: the account is who acts, and the free user name is not offered
        self.logged_in = registry.actor.account
        self.setObjectName("settingsDialog")
        self.setWindowTitle(self.tr("选项"))

        # --- this PC --------------------------------------------------------------------------------
        local = QGroupBox(self.tr("本机设置"), self)
        self.file_radio = QRadioButton(self.tr("本机数据库文件（SQLite）"), local)
        self.server_radio = QRadioButton(self.tr("省级服务器（PostgreSQL）"), local)
        self.kind = QButtonGroup(self)
        self.kind.addButton(self.file_radio)
        self.kind.addButton(self.server_radio)
        self.file_edit = QLineEdit(local)
        self.file_edit.setObjectName("databaseFile")
        self.file_edit.setPlaceholderText(self.tr("留空：使用默认位置 {path}").format(path=locations.default_db_path()))
        browse = QPushButton(self.tr("浏览…"), local)
        browse.clicked.connect(self._browse)
        self.url_edit = QLineEdit(local)
        self.url_edit.setObjectName("databaseUrl")
        self.url_edit.setPlaceholderText("postgresql://用户名:密码@服务器/villagepost")
        file_row = QHBoxLayout()
        file_row.addWidget(self.file_edit, 1)
        file_row.addWidget(browse)
        self.user_edit = QLineEdit(local)
        self.user_edit.setObjectName("userName")
        self.user_edit.setMaxLength(50)  # the column that records who acted holds 50 characters
        self.language = QComboBox(local)
        self.language.setObjectName("language")
        for code, name in LANGUAGES:
            self.language.addItem(name, code)
        form = QFormLayout(local)
        form.addRow(self.file_radio)
        form.addRow(file_row)
        form.addRow(self.server_radio)
        form.addRow(self.url_edit)
        self.current_db = QLabel(self.tr("当前打开：{db}").format(db=registry.label), local)
        self.current_db.setWordWrap(True)
        self.current_db.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        form.addRow(self.current_db)
        self.user_label = QLabel(self.tr("用户名："), local)
        form.addRow(self.user_label, self.user_edit)
        form.addRow(self.tr("界面语言："), self.language)
        note = QLabel(self.tr("命令行的 --db、环境变量 VILLAGEPOST_DB 优先于这里的数据库；"
                              "语言在下次启动时生效。"), local)
        note.setWordWrap(True)
        form.addRow(note)
        self.file_radio.toggled.connect(self._kind_changed)

        # --- this registry --------------------------------------------------------------------------
        shared = QGroupBox(self.tr("登记册设置（保存在数据库中，所有使用者相同）"), self)
        self.village_like = QCheckBox(
            self.tr("建制村总数计入类似村委会（代码 500–599：农场、林场生活区等）"), shared)
        self.village_like.setObjectName("includeVillageLike")
        self.village_like.setEnabled(False)  # until the registry's value has been read
        shared_layout = QVBoxLayout(shared)
        shared_layout.addWidget(self.village_like)
        explain = QLabel(self.tr("村级寄递物流覆盖率按建制村（村委会，代码 200–399）计算；"
                                 "县里决定是否把类似村委会也算进去。改变后所有覆盖率数字都会随之改变。"), shared)
        explain.setWordWrap(True)
        shared_layout.addWidget(explain)

        self.error = QLabel(self)
        self.error.setObjectName("settingsError")
        self.error.setWordWrap(True)
        self.error.setStyleSheet("color: #b00020;")
        self.error.hide()
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self)
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText(self.tr("确定"))
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(self.tr("取消"))
        buttons.accepted.connect(self._ok)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(local)
        layout.addWidget(shared)
        layout.addWidget(self.error)
        layout.addWidget(buttons)
        self.setMinimumWidth(560)
        self._load()

    def setVisible(self, visible: bool) -> None:  # noqa: N802 (Qt override)
        if visible:
            settle_layout(self)
        super().setVisible(visible)

    # --- values ---------------------------------------------------------------------------------
    def _load(self) -> None:
        stored = self.settings.get(opts.DATABASE)
        is_server = stored.startswith(("postgresql://", "postgresql+psycopg://", "postgres://"))
        self.server_radio.setChecked(is_server)
        self.file_radio.setChecked(not is_server)
        (self.url_edit if is_server else self.file_edit).setText(stored)
        self._kind_changed()
        self.user_edit.setText(self.settings.get(opts.USER_NAME))
        if self.logged_in:
            # the audit names the account that logged in; a typed name here would only mislead
            self.user_label.setText(self.tr("登录账号："))
            self.user_edit.setText(self.registry.actor.name)
            self.user_edit.setReadOnly(True)
            self.user_edit.setFrame(False)  # reads as a fact, not as a field to fill in
            self.user_edit.setToolTip(self.tr("已用账号登录：修改记录都记在这个账号名下。换账号请重新登录。"))
        self.language.setCurrentIndex(max(self.language.findData(self.settings.get(opts.LANGUAGE)), 0))
        registry = self.registry
        (BackgroundOp(self, self.taskman, lambda _ctx: coverage.include_village_like(registry), lang=self.lang)
         .success(self._village_like_read)
         .run_in_background())

    def _village_like_read(self, on: bool) -> None:
        self.registry_village_like = on
        self.village_like.setChecked(on)
        self.village_like.setEnabled(True)

    def _kind_changed(self) -> None:
        self.file_edit.setEnabled(self.file_radio.isChecked())
        self.url_edit.setEnabled(self.server_radio.isChecked())

    def _browse(self) -> None:
        start = self.file_edit.text() or self.settings.get(opts.LAST_DIRECTORY)
        path, _ = QFileDialog.getSaveFileName(
            self, self.tr("选择或新建数据库文件"), start,
            self.tr("村邮通数据库 (*.sqlite *.sqlite3 *.db);;所有文件 (*)"),
            options=QFileDialog.Option.DontConfirmOverwrite)
        if path:
            self.file_edit.setText(path)

    def database(self) -> str:
        return (self.url_edit if self.server_radio.isChecked() else self.file_edit).text().strip()

    def _ok(self) -> None:
        """Refuse what cannot work before storing anything: an empty user name, an unreadable location."""
        self.error.hide()
        if not self.logged_in and not self.user_edit.text().strip():
            self._refuse(self.tr("请填写用户名：每条修改都会记下是谁做的。"))
            return
        database = self.database()
        if self.server_radio.isChecked() and not database:
            self._refuse(self.tr("请填写服务器地址，例如 postgresql://用户名:密码@服务器/villagepost"))
            return
        if database:
            try:
                is_file = locations.is_file_database(database)
            except KnownError as exc:
                self._refuse(exc.message(self.lang))
                return
            if self.server_radio.isChecked() and is_file:
                self._refuse(catalogue_text("db.bad_url", self.lang, {"db": database}))
                return
        self.accept()

    def _refuse(self, text: str) -> None:
        self.error.setText(text)
        self.error.show()

    def apply(self) -> SettingsChange:
        """Store this PC's values; return what changed (the registry setting is written by the window)."""
        database = self.database()
        user = self.settings.get(opts.USER_NAME) if self.logged_in else self.user_edit.text().strip()
        language = str(self.language.currentData())
        change = SettingsChange(
            database=database if database != self.settings.get(opts.DATABASE) else None,
            user_name=user if user != self.settings.get(opts.USER_NAME) else None,
            language=language if language != self.settings.get(opts.LANGUAGE) else None,
            include_village_like=(self.village_like.isChecked()
                                  if self.registry_village_like is not None
                                  and self.village_like.isChecked() != self.registry_village_like else None),
        )
        self.settings.set(opts.DATABASE, database)
        self.settings.set(opts.USER_NAME, user)
        self.settings.set(opts.LANGUAGE, language)
        self.settings.sync()
        return change


def write_village_like(registry: Registry, on: bool) -> None:
    """The registry setting, through its service (which checks the actor may change the whole registry)."""
    coverage.set_include_village_like(registry, on)

