"""The errors a user can act on, as opposed to bugs.

Every `KnownError` carries a catalogue key and its parameters, so the CLI prints it in the user's
language and exits 2, and the window shows it in a message box instead of the crash dialog.
"""

from __future__ import annotations

from typing import Any

from villagepost.core.messages import DEFAULT_LANG, tr


class KnownError(Exception):
    """A refusal or failure the user can fix (bad input, locked database...). Exit code 2 in the CLI."""

    exit_code = 2

    def __init__(self, key: str, **params: Any) -> None:
        self.key = key
        self.params = params
        super().__init__(tr(key, "en", params))

    def message(self, lang: str = DEFAULT_LANG) -> str:
        """The message in `lang` ("zh" or "en")."""
        return tr(self.key, lang, self.params)

    def extra(self, lang: str = DEFAULT_LANG) -> dict[str, Any]:
        """Structured extras for `--json` output and the window (e.g. every wrong field); none by default."""
        return {}

    def __reduce__(self) -> tuple[Any, ...]:
        """Pickle by state, not by constructor: a roster reader's child sends its refusal to the parent,
        and the subclasses' constructors take other arguments than the message pickle would pass them."""
        return _rebuilt, (type(self), self.args, self.__dict__)


def _rebuilt(cls: type[KnownError], args: tuple[Any, ...], state: dict[str, Any]) -> KnownError:
    error = cls.__new__(cls)
    Exception.__init__(error, *args)
    error.__dict__.update(state)
    return error


class Cancelled(KnownError):
    """The user cancelled a long operation; whatever it was doing has been rolled back."""

    def __init__(self) -> None:
        super().__init__("app.cancelled")


class DatabaseError(KnownError):
    """The database cannot be opened or written for a reason outside the program (locked, read-only...)."""


class SchemaTooNew(DatabaseError):
    """The database was written by a newer VillagePost; we must not touch it."""


class DamagedDatabase(DatabaseError):
    """A registry SQLite reports damaged, or whose checks fail: never written to; the message names the
    newest good backup to restore (or says there is none)."""

    def __init__(self, db: str, reason: str, backup: str = "", backup_created: str = "") -> None:
        super().__init__("db.corrupt", db=db, reason=reason, backup=backup, backup_created=backup_created)
        self.args = (self.message("en"),)

    def message(self, lang: str = DEFAULT_LANG) -> str:
        key = "db.corrupt" if self.params.get("backup") else "db.corrupt_no_backup"
        return tr(key, lang, self.params)
