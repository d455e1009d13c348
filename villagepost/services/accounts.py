"""Accounts: who may log in, in which role, over which division codes; logging in gives the Actor.

A registry without accounts runs as before (the local user is an administrator of everything). The first
account must be an administrator; from then on the CLI and the window log in. Accounts are never deleted:
a disabled account keeps its name on every change it made. Every change here is audited like any other.
On PostgreSQL an account is also a LOGIN role (`storage.rls`), so the server enforces the same scopes.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, Engine, delete, insert, select, update

from villagepost.core import clock
from villagepost.core.actor import ROLE_ZH, SCOPE_LENGTHS, Actor, Role
from villagepost.core.codes import CodeFormatError, normalise_code
from villagepost.core.errors import KnownError
from villagepost.core.messages import register
from villagepost.core.passwords import MIN_LENGTH, hash_password, verify_password
from villagepost.services.registry import Registry
from villagepost.storage import rls
from villagepost.storage.audit_store import AuditBatch
from villagepost.storage.models import Account, AccountScope, Division

register({
    "account.login_required": (
        "登记库已启用账号，请用 --user 用户名 登录（密码取自 VILLAGEPOST_PASSWORD 或提示输入）",
        "this registry has accounts: log in with --user NAME (password from VILLAGEPOST_PASSWORD or a prompt)",
    ),
    "account.unknown": ("没有名为“{name}”的账号", "there is no account named '{name}'"),
    "account.wrong_password": ("账号“{name}”的密码不对", "wrong password for the account '{name}'"),
    "account.disabled": ("账号“{name}”已停用", "the account '{name}' is disabled"),
    "account.bad_name": (
        "账号名“{name}”不可用：只能用字母、数字、下划线、点和减号，以字母开头，最长32个字符",
        "the account name '{name}' is not allowed: letters, digits, _ . - only, starting with a letter, "
        "at most 32 characters",
    ),
    "account.name_taken": ("账号“{name}”已存在", "the account '{name}' already exists"),
    "account.bad_role": ("没有“{role}”这种角色（可用：admin 管理员、county 县级管理员、"
                         "township 乡镇人员、supervisor 督查）",
                         "there is no role '{role}' (admin, county, township, supervisor)"),
    "account.first_admin": ("第一个账号必须是管理员（--role admin）",
                            "the first account of a registry must be an administrator (--role admin)"),
    "account.scope_unknown": ("范围“{code}”不是登记库中的区划", "the scope '{code}' is not a division of the registry"),
    "account.scope_level": ("{role}的范围必须是{level}级代码，“{code}”不是",
                            "a {role_en} scope must be a {level_en} code; '{code}' is not"),
    "account.scope_required": ("{role}账号至少要有一个范围（--scope 代码）",
                               "a {role_en} account needs at least one scope (--scope CODE)"),
    "account.not_admin": ("用户“{actor}”不是管理员，不能管理账号",
                          "user '{actor}' is not an administrator and cannot manage accounts"),
    "account.scope_outside": ("用户“{actor}”只能在自己的范围（{scopes}）内设账号，“{code}”不在其中",
                              "user '{actor}' may only give scopes inside their own ({scopes}); '{code}' is not"),
    "account.password_short": ("密码太短：至少 {min} 个字符", "the password is too short: at least {min} characters"),
    "account.password_empty": ("没有给出密码", "no password given"),
    "account.last_admin": ("“{name}”是最后一个管理全部登记库的管理员账号，不能停用或缩小范围",
                           "'{name}' is the last enabled administrator of the whole registry; it cannot be "
                           "disabled, demoted or narrowed"),
    "account.upgrade_needed": (
        "数据库“{db}”的结构版本是 {found}，本程序需要 {head}：请管理员用数据库所有者的地址运行 "
        "villagepost --db 所有者地址 db upgrade",
        "the database '{db}' has schema {found}; this program needs {head}: an administrator runs "
        "villagepost --db OWNER_URL db upgrade",
    ),
    "account.not_self": ("用户“{actor}”只能修改自己的密码", "user '{actor}' may change only their own password"),
})

_NAME = re.compile(r"^[A-Za-z][A-Za-z0-9_.-]{0,31}$")
_LEVEL = {6: ("县", "county"), 9: ("乡镇", "township")}


class AccountError(KnownError):
    """A refused account action or login (exit 2, nothing changed)."""


@dataclass(frozen=True)
class AccountRow:
    name: str
    role: Role
    scopes: tuple[str, ...]
    disabled: bool
    created_at: str
    created_by: str

    def to_json(self) -> dict[str, Any]:
        return {"name": self.name, "role": self.role.value, "role_zh": ROLE_ZH[self.role],
                "scopes": list(self.scopes), "disabled": self.disabled, "created_at": self.created_at,
                "created_by": self.created_by}


def _columns() -> list[Any]:
    # Never the password column: on PostgreSQL an account's role may not read it.
    return [Account.id, Account.name, Account.role, Account.disabled, Account.pg_role, Account.created_at,
            Account.created_by]


def has_accounts(conn: Connection) -> bool:
    return conn.execute(select(Account.id).limit(1)).first() is not None


def _scopes(conn: Connection, account_id: int) -> tuple[str, ...]:
    codes = conn.execute(select(AccountScope.code).where(AccountScope.account_id == account_id)
                         .order_by(AccountScope.code)).scalars()
    return tuple(c for c in codes if c)


def _find(conn: Connection, name: str) -> Any:
    row = conn.execute(select(*_columns()).where(Account.name == name)).first()
    if row is None:
        raise AccountError("account.unknown", name=name)
    return row


def _stored_hash(conn: Connection, name: str, pg_role: str | None) -> str | None:
    # A role cannot read the password column: its own hash comes through a SECURITY DEFINER function.
    if conn.dialect.name == "postgresql" and pg_role is not None and pg_role == conn.exec_driver_sql(
            "SELECT session_user").scalar():
        return rls.own_password_hash(conn)
    return conn.execute(select(Account.password).where(Account.name == name)).scalar()


def login(conn: Connection, name: str, password: str, *, source: str) -> Actor:
    """The actor of account `name` when `password` is right; refuses unknown, disabled or wrong."""
    row = _find(conn, name)
    stored = _stored_hash(conn, name, row.pg_role)
    if stored is None or not verify_password(password, stored):
        raise AccountError("account.wrong_password", name=name)
    if row.disabled:
        raise AccountError("account.disabled", name=name)
    return Actor(name=row.name, scopes=_scopes(conn, row.id), role=Role(row.role), source=source, account=True)


def require_current_schema(engine: Engine, label: str) -> None:
    """An account's role may not change the schema: refuse (before trying) when it needs an upgrade."""
    from villagepost.storage.schema import SCHEMA_HEAD, current_revision

    with engine.connect() as conn:
        found = current_revision(conn)
        conn.rollback()
    if found != SCHEMA_HEAD:
        raise AccountError("account.upgrade_needed", db=label, found=found or "-", head=SCHEMA_HEAD)


def refused_login(exc: KnownError, name: str) -> KnownError:
    """The server refused the account's own role: say which of our reasons it is (else the server's words)."""
    reason = str(exc.params.get("reason", "")).lower()
    if "does not exist" in reason:
        return AccountError("account.unknown", name=name)
    if "password authentication failed" in reason:
        return AccountError("account.wrong_password", name=name)
    if "not permitted to log in" in reason:
        return AccountError("account.disabled", name=name)
    return exc


def actor_on_open(conn: Connection, credentials: tuple[str, str] | None, *, source: str) -> Actor | None:
    """Who acts on a registry just opened: the account logged in, or None (no accounts: the local user)."""
    if credentials is None:
        if has_accounts(conn):
            raise AccountError("account.login_required")
        return None
    return login(conn, credentials[0], credentials[1], source=source)


def parse_role(text: str) -> Role:
    value = text.strip().lower()
    for role in Role:
        if value in (role.value, ROLE_ZH[role]):
            return role
    raise AccountError("account.bad_role", role=text)


def _check_scopes(conn: Connection, actor: Actor, role: Role, scopes: Sequence[str], *, first: bool) -> list[str]:
    """Canonical scope codes for `role`, refused when unknown, of the wrong level, or outside the actor's."""
    codes: list[str] = []
    for raw in scopes:
        try:
            code = normalise_code(raw).code
        except CodeFormatError as exc:
            raise AccountError(exc.key, **exc.params) from exc
        if conn.execute(select(Division.code).where(Division.code == code)).first() is None:
            raise AccountError("account.scope_unknown", code=code)
        lengths = SCOPE_LENGTHS[role]
        if lengths is not None and len(code) not in lengths:
            zh, en = _LEVEL[lengths[0]]
            raise AccountError("account.scope_level", role=ROLE_ZH[role], role_en=role.value, level=zh, level_en=en,
                               code=code)
        if not first and not actor.may_touch(code):
            raise AccountError("account.scope_outside", actor=actor.name, scopes=actor.scope_text(), code=code)
        if code not in codes:
            codes.append(code)
    if not codes and SCOPE_LENGTHS[role] is not None:
        raise AccountError("account.scope_required", role=ROLE_ZH[role], role_en=role.value)
    if not codes and not first and actor.scopes:
        # an administrator of a county cannot create an account over the whole registry
        raise AccountError("account.scope_outside", actor=actor.name, scopes=actor.scope_text(), code="全部")
    return codes


def _require_admin(actor: Actor) -> None:
    if not actor.is_admin:
        raise AccountError("account.not_admin", actor=actor.name)


def _check_password(password: str | None) -> str:
    if not password:
        raise AccountError("account.password_empty")
    if len(password) < MIN_LENGTH:
        raise AccountError("account.password_short", min=MIN_LENGTH)
    return password


def _require_in_scope(actor: Actor, scopes: tuple[str, ...], name: str) -> None:
    """An administrator manages only accounts that lie inside its own scopes."""
    if not actor.scopes:
        return
    if not scopes:
        raise AccountError("account.scope_outside", actor=actor.name, scopes=actor.scope_text(), code=name)
    for code in scopes:
        if not actor.may_touch(code):
            raise AccountError("account.scope_outside", actor=actor.name, scopes=actor.scope_text(), code=code)


def _pg_database(conn: Connection) -> str | None:
    if conn.dialect.name != "postgresql":
        return None
    return str(conn.exec_driver_sql("SELECT current_database()").scalar())


def add_account(reg: Registry, name: str, role: Role | str, scopes: Sequence[str], password: str | None) -> AccountRow:
    """Create an account (and on PostgreSQL its LOGIN role) in one transaction."""
    role = role if isinstance(role, Role) else parse_role(role)
    name = name.strip()
    if not _NAME.match(name):
        raise AccountError("account.bad_name", name=name)
    password = _check_password(password)
    actor = reg.actor
    with reg.connection() as conn:
        first = not has_accounts(conn)
        if first and role is not Role.ADMIN:
            raise AccountError("account.first_admin")
        if not first:
            _require_admin(actor)
        if conn.execute(select(Account.id).where(Account.name == name)).first() is not None:
            raise AccountError("account.name_taken", name=name)
        codes = _check_scopes(conn, actor, role, scopes, first=first)
        now = clock.utc_stamp()
        database = _pg_database(conn)
        pg_role = None if database is None else rls.login_role(database, name)
        account_id = conn.execute(insert(Account).values(
            name=name, role=role.value, password=hash_password(password), disabled=False, pg_role=pg_role,
            created_at=now, updated_at=now, created_by=actor.name).returning(Account.id)).scalar_one()
        for code in codes or [""]:
            conn.execute(insert(AccountScope).values(account_id=account_id, code=code))
        if pg_role is not None:
            rls.create_login(conn, pg_role, password, admin=role is Role.ADMIN)
        audit = AuditBatch(actor)
        audit.created("account", name, codes[0] if codes else "", {"role": role.value, "scopes": codes or ["*"]})
        audit.write(conn)
    return AccountRow(name, role, tuple(codes), False, now.isoformat(), actor.name)


def list_accounts(reg: Registry) -> list[AccountRow]:
    with reg.connection() as conn:
        rows = conn.execute(select(*_columns()).order_by(Account.name)).all()
        return [AccountRow(r.name, Role(r.role), _scopes(conn, r.id), bool(r.disabled), clock.local_text(r.created_at),
                           r.created_by) for r in rows]


def _enabled_admins(conn: Connection) -> set[str]:
    """The enabled administrators of the whole registry: the registry must keep one (settings, all accounts)."""
    return set(conn.execute(select(Account.name).join(AccountScope, AccountScope.account_id == Account.id).where(
        Account.role == Role.ADMIN.value, Account.disabled.is_(False), AccountScope.code == "")).scalars())


def set_password(reg: Registry, name: str, password: str | None) -> None:
    """A user changes their own password; an administrator may set anyone's in its scope."""
    password = _check_password(password)
    actor = reg.actor
    with reg.connection() as conn:
        row = _find(conn, name)
        if actor.account and actor.name != name:
            _require_admin(actor)
            _require_in_scope(actor, _scopes(conn, row.id), name)
        hashed, now = hash_password(password), clock.utc_stamp()
        if conn.dialect.name == "postgresql" and row.pg_role is not None and row.pg_role == conn.exec_driver_sql(
                "SELECT session_user").scalar():
            rls.set_own_password_hash(conn, hashed, now)
        else:
            conn.execute(update(Account).where(Account.id == row.id).values(password=hashed, updated_at=now))
        if row.pg_role is not None and conn.dialect.name == "postgresql":
            rls.set_password(conn, row.pg_role, password)
        audit = AuditBatch(actor)
        audit.fact("account", name, _first(conn, row.id), "password", "(changed)", old="(hidden)")
        audit.write(conn)


def _first(conn: Connection, account_id: int) -> str:
    scopes = _scopes(conn, account_id)
    return scopes[0] if scopes else ""


def set_disabled(reg: Registry, name: str, disabled: bool = True) -> bool:
    """Disable (or enable again) an account; it keeps its history. False when nothing changed."""
    actor = reg.actor
    _require_admin(actor)
    with reg.connection() as conn:
        row = _find(conn, name)
        _require_in_scope(actor, _scopes(conn, row.id), name)
        if bool(row.disabled) == disabled:
            return False
        if disabled and _enabled_admins(conn) == {name}:
            raise AccountError("account.last_admin", name=name)
        conn.execute(update(Account).where(Account.id == row.id).values(disabled=disabled,
                                                                        updated_at=clock.utc_stamp()))
        if row.pg_role is not None and conn.dialect.name == "postgresql":
            rls.set_login(conn, row.pg_role, enabled=not disabled)
        audit = AuditBatch(actor)
        audit.changed("account", name, _first(conn, row.id), {"disabled": (bool(row.disabled), disabled)})
        audit.write(conn)
        return True


def set_role(reg: Registry, name: str, role: Role | str, scopes: Sequence[str] | None = None) -> AccountRow:
    """Change an account's role and (when given) its scopes."""
    role = role if isinstance(role, Role) else parse_role(role)
    actor = reg.actor
    _require_admin(actor)
    with reg.connection() as conn:
        row = _find(conn, name)
        old_scopes = _scopes(conn, row.id)
        _require_in_scope(actor, old_scopes, name)
        codes = _check_scopes(conn, actor, role, old_scopes if scopes is None else scopes, first=False)
        old_role = Role(row.role)
        if _enabled_admins(conn) == {name} and (role is not Role.ADMIN or codes):
            raise AccountError("account.last_admin", name=name)
        conn.execute(update(Account).where(Account.id == row.id).values(role=role.value,
                                                                        updated_at=clock.utc_stamp()))
        conn.execute(delete(AccountScope).where(AccountScope.account_id == row.id))
        for code in codes or [""]:
            conn.execute(insert(AccountScope).values(account_id=row.id, code=code))
        if row.pg_role is not None and conn.dialect.name == "postgresql" and (old_role is Role.ADMIN) != (
                role is Role.ADMIN):
            rls.set_admin(conn, row.pg_role, admin=role is Role.ADMIN)
        audit = AuditBatch(actor)
        audit.changed("account", name, codes[0] if codes else "",
                      {"role": (old_role.value, role.value), "scopes": (list(old_scopes), codes)})
        audit.write(conn)
        return AccountRow(name, role, tuple(codes), bool(row.disabled), clock.local_text(row.created_at),
                          row.created_by)
