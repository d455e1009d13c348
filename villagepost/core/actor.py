"""Who acts: every write in VillagePost goes through a service that is told who is acting.

Accounts and roles arrive later; today one clerk runs the app, so the default actor is the local user
with the whole registry in scope. A township user will carry `scopes` (township codes); the one place
that checks them is `Actor.may_touch`, which validation calls for every row and every edit.
"""

from __future__ import annotations

import getpass
from dataclasses import dataclass, field


def _login_name() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):  # no passwd entry, no USERNAME: a kiosk or a container
        return "local"


@dataclass(frozen=True, slots=True)
class Actor:
    """A plain value naming who acts and what part of the registry they may change."""

    name: str = field(default_factory=_login_name)
    #: Division code prefixes this actor may change; empty means the whole registry.
    scopes: tuple[str, ...] = ()

    def may_touch(self, code: str) -> bool:
        """True when the unit `code` lies within this actor's scopes."""
        return not self.scopes or any(code.startswith(s) for s in self.scopes)


def default_actor() -> Actor:
    return Actor()
