"""The window's settings: a small typed registry of options over QSettings (after Picard's picard/config.py).

Why a registry instead of `QSettings().value("...")` calls scattered around: every key, its type and its
default sit in one place, so a typo cannot silently create a second setting, and a later version can
migrate keys by reading `settings/version`. IniFormat keeps the file readable and in the user's config
folder on Windows too (no registry entries for support to dig out).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from PySide6.QtCore import QByteArray, QSettings

from villagepost.core.actor import default_actor

ORGANISATION = "VillagePost"
APPLICATION = "VillagePost"
#: Bumped when keys are renamed or their meaning changes; `Settings.upgrade` migrates older files.
SETTINGS_VERSION = 1

T = TypeVar("T")


@dataclass(frozen=True)
class Option(Generic[T]):
    """One setting: its key, its Python type, how to compute its default, and (optionally) which values are
    valid — a hand-edited file with `language=fr` falls back to the default instead of confusing the app."""

    key: str
    kind: type[T]
    default: Callable[[], T]
    valid: Callable[[T], bool] | None = None


USER_NAME: Option[str] = Option("user/name", str, lambda: default_actor().name)
WINDOW_GEOMETRY: Option[QByteArray] = Option("window/geometry", QByteArray, QByteArray)
WINDOW_STATE: Option[QByteArray] = Option("window/state", QByteArray, QByteArray)
SPLITTER_STATE: Option[QByteArray] = Option("window/splitter", QByteArray, QByteArray)
LAST_DIRECTORY: Option[str] = Option("files/last_directory", str, str)
#: the registry the window opens when neither --db nor VILLAGEPOST_DB names one ("" = the per-user default)
DATABASE: Option[str] = Option("database/location", str, str)
#: the language of the window's messages; the command line's --lang en or VILLAGEPOST_LANG wins
LANGUAGE: Option[str] = Option("ui/language", str, lambda: "zh", valid=lambda v: v in ("zh", "en"))
CURRENT_TAB: Option[int] = Option("window/tab", int, int, valid=lambda v: 0 <= v < 16)
VILLAGES_HEADER: Option[QByteArray] = Option("window/villages_header", QByteArray, QByteArray)
STATIONS_HEADER: Option[QByteArray] = Option("window/stations_header", QByteArray, QByteArray)
#: where printed checklists, summaries and inspection records went last (apart from the rosters' folder)
PRINT_DIRECTORY: Option[str] = Option("files/print_directory", str, str)
#: the unit selected in the tree when the window closed: the window opens on it again ("" = none)
LAST_SCOPE: Option[str] = Option("window/scope", str, str)

OPTIONS: tuple[Option[Any], ...] = (USER_NAME, WINDOW_GEOMETRY, WINDOW_STATE, SPLITTER_STATE, LAST_DIRECTORY,
                                    DATABASE, LANGUAGE, CURRENT_TAB, VILLAGES_HEADER, STATIONS_HEADER,
                                    PRINT_DIRECTORY, LAST_SCOPE)


def open_qsettings() -> QSettings:
    """The settings file: IniFormat, user scope, organisation and application "VillagePost"."""
    return QSettings(QSettings.Format.IniFormat, QSettings.Scope.UserScope, ORGANISATION, APPLICATION)


class Settings:
    """Typed access to the options above."""

    def __init__(self, qsettings: QSettings | None = None) -> None:
        self.q = qsettings if qsettings is not None else open_qsettings()
        self.upgrade()

    def get(self, option: Option[T]) -> T:
        value = self.q.value(option.key)
        if value is None or value == "":
            return option.default()
        if option.kind is QByteArray:
            return value if isinstance(value, QByteArray) else option.default()  # type: ignore[return-value]
        try:
            typed = option.kind(value)  # type: ignore[call-arg]
        except (TypeError, ValueError):
            return option.default()
        if option.valid is not None and not option.valid(typed):
            return option.default()
        return typed

    def set(self, option: Option[T], value: T) -> None:
        self.q.setValue(option.key, value)

    def sync(self) -> None:
        self.q.sync()

    def upgrade(self) -> None:
        """Bring an older settings file to SETTINGS_VERSION (version 1 is the first: nothing to move yet)."""
        version = self.q.value("settings/version")
        if version is None:
            self.q.setValue("settings/version", SETTINGS_VERSION)
