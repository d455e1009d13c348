"""Who acts, in which role, over which part of the registry — the one policy every write asks.

A fresh registry has no accounts: the local user acts as an administrator of the whole registry (as
before accounts existed). Once an account exists, the CLI (`--user NAME`) and the window (login dialog)
log in, and the actor carries the account's role and scopes (division codes):

- 管理员 admin: everything in its scopes (no scope = the whole registry), accounts and settings too;
- 县级管理员 county: everything in its county (or counties);
- 乡镇人员 township: writes only its township(s), reads its whole county;
- 督查 supervisor: reads and prints everything in its scopes, writes nothing.

The services ask `may_touch(code)` before every write and `may_read(code)` where a read is scoped. On
PostgreSQL the same policy is enforced again by the server (row-level security, storage.rls).
"""

from __future__ import annotations

import getpass
from dataclasses import dataclass, field, replace
from enum import StrEnum


def _login_name() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):  # no passwd entry, no USERNAME: a kiosk or a container
        return "local"


class Role(StrEnum):
    ADMIN = "admin"
    COUNTY = "county"
    TOWNSHIP = "township"
    SUPERVISOR = "supervisor"


ROLE_ZH: dict[Role, str] = {
    Role.ADMIN: "管理员",
    Role.COUNTY: "县级管理员",
    Role.TOWNSHIP: "乡镇人员",
    Role.SUPERVISOR: "督查",
}

#: the code length a scope of the role must have (None: any level); a township scope is a township
SCOPE_LENGTHS: dict[Role, tuple[int, ...] | None] = {
    Role.ADMIN: None,
    Role.COUNTY: (6,),
    Role.TOWNSHIP: (9,),
    Role.SUPERVISOR: None,
}

#: where a change came from when nobody said (a service called from a script)
DEFAULT_SOURCE = "api"


def read_scopes_of(role: Role, scopes: tuple[str, ...]) -> tuple[str, ...]:
    """The prefixes a role reads: a township's staff read their whole county."""
    if role is Role.TOWNSHIP:
        return tuple(dict.fromkeys(s[:6] for s in scopes))
    return scopes


def _under(code: str, prefixes: tuple[str, ...]) -> bool:
    return any(code.startswith(p) for p in prefixes)


@dataclass(frozen=True, slots=True)
class Actor:
    """A plain value naming who acts, in which role, from where, and what part of the registry is theirs."""

    name: str = field(default_factory=_login_name)
    #: Division codes (prefixes) of this actor; empty means the whole registry.
    scopes: tuple[str, ...] = ()
    role: Role = Role.ADMIN
    #: where the change comes from, as the audit shows it: "window", "cli: station edit", "import: a.xlsx …"
    source: str = DEFAULT_SOURCE
    #: True when logged in to an account (False: the registry has no accounts, the local user acts)
    account: bool = False

    @property
    def is_admin(self) -> bool:
        return self.role is Role.ADMIN

    @property
    def writes(self) -> bool:
        return self.role is not Role.SUPERVISOR

    @property
    def read_scopes(self) -> tuple[str, ...]:
        return read_scopes_of(self.role, self.scopes)

    def may_touch(self, code: str) -> bool:
        """True when this actor may change the unit `code` (or what lies in it)."""
        if not self.writes:
            return False
        return not self.scopes or _under(code, self.scopes)

    def may_read(self, code: str) -> bool:
        """True when this actor may read the unit `code`: inside, or above, one of its read scopes."""
        scopes = self.read_scopes
        return not scopes or _under(code, scopes) or any(s.startswith(code) for s in scopes)

    def may_change_registry(self) -> bool:
        """Registry-wide settings: administrators only."""
        return self.is_admin

    def scope_text(self) -> str:
        return "、".join(self.scopes) if self.scopes else "全部"

    def from_source(self, source: str) -> Actor:
        """The same actor acting from `source` (the CLI command, the window, an import file)."""
        return replace(self, source=source)


def default_actor() -> Actor:
    return Actor()
