"""What every command handler gets: the database to open, the language, JSON or text, and output helpers."""

from __future__ import annotations

import json
import sys
import time
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, TextIO

from villagepost.core.messages import tr

if TYPE_CHECKING:  # imported when a command first opens the registry: `divisions show` may never do
    from villagepost.services.registry import Registry


@dataclass
class Context:
    db: str | None
    lang: str
    as_json: bool
    #: the account to log in as (`--user`); None on a registry without accounts
    user: str | None = None
    #: where changes come from, as the audit shows it ("cli: station edit")
    source: str = "cli"
    #: True for the commands that set up a registry (`db init`, `divisions load`): only they may create one
    create: bool = False
    stdout: TextIO = field(default_factory=lambda: sys.stdout)
    stderr: TextIO = field(default_factory=lambda: sys.stderr)
    _registry: Registry | None = None

    def registry(self) -> Registry:
        """Open the database once per command; notices (backup made, risky location) go to stderr."""
        if self._registry is None:
            from villagepost.services.registry import Registry

            login = None if self.user is None else (self.user, password_from_env_or_prompt(self.user, self.lang))
            self._registry = Registry.open(self.db, login=login, source=self.source, create=self.create)
            for key, params in self._registry.notices:
                self.note(tr(key, self.lang, params))
        return self._registry

    def close(self) -> None:
        if self._registry is not None:
            self._registry.close()
            self._registry = None

    def t(self, key: str, **params: Any) -> str:
        return tr(key, self.lang, params)

    def pick(self, zh: str, en: str) -> str:
        """Inline text for one-off labels in command output."""
        return en if self.lang == "en" else zh

    def emit_json(self, doc: Any) -> None:
        """Print exactly one JSON document on stdout."""
        json.dump(doc, self.stdout, ensure_ascii=False, indent=2, default=str)
        self.stdout.write("\n")
        self.stdout.flush()

    def out(self, text: str = "") -> None:
        self.stdout.write(text + "\n")

    def note(self, text: str) -> None:
        self.stderr.write(text + "\n")
        self.stderr.flush()

    def progress(self, label_key: str) -> ProgressPrinter:
        return ProgressPrinter(self.stderr, self.t(label_key))


ENV_PASSWORD = "VILLAGEPOST_PASSWORD"
ENV_NEW_PASSWORD = "VILLAGEPOST_NEW_PASSWORD"


def password_from_env_or_prompt(user: str, lang: str, *, env: str = ENV_PASSWORD, new: bool = False) -> str:
    """The password from `env`, else asked on the terminal (never echoed, never an argument: argv is public)."""
    import getpass
    import os

    given = os.environ.get(env)
    if given is not None:
        return given
    if new:
        prompt = f"New password for {user}: " if lang == "en" else f"“{user}”的新密码："
    else:
        prompt = f"Password for {user}: " if lang == "en" else f"“{user}”的密码："
    try:
        return getpass.getpass(prompt)
    except EOFError:
        return ""


class ProgressPrinter:
    """progress(done, total, text) for the services: a line on stderr at most every 0.25 s (5 s in a log).

    On a terminal the line rewrites itself; in a log or a pipe each update is its own line.
    """

    def __init__(self, stream: TextIO, label: str, interval: float | None = None) -> None:
        self.stream = stream
        self.label = label
        self._last = 0.0
        self._tty = bool(getattr(stream, "isatty", lambda: False)())
        # A terminal line rewrites itself, so it may move often; a log gets a line every few seconds.
        self.interval = interval if interval is not None else (0.25 if self._tty else 5.0)
        self._shown = False
        self._line = ""

    def __call__(self, done: int, total: int, _text: str = "") -> None:
        now = time.monotonic()
        final = total > 0 and done >= total
        if not final and now - self._last < self.interval:
            return
        self._last = now
        line = f"{self.label} {done:,}/{total:,} ({done * 100 // total}%)" if total > 0 else f"{self.label} …"
        if line == self._line:
            return
        self._line = line
        if self._tty:
            self.stream.write("\r" + line + ("\n" if final else ""))
        else:
            self.stream.write(line + "\n")
        self._shown = True
        self.stream.flush()

    def finish(self) -> None:
        if self._tty and self._shown:
            self.stream.write("\n")
            self.stream.flush()
