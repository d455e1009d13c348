"""PostgreSQL: accounts as LOGIN roles, and row-level security that keeps each role inside its scopes.

Why the server and not only the program: on a shared province server a clerk can reach the database with
any client (psql, Excel's ODBC, a script), so the rule "a township writes only its township" must hold for
raw SQL too. The pieces:

- two group roles per database, `<db>.users` (every account) and `<db>.admins` (administrator accounts),
  created by the migration; an account's LOGIN role is `<db>.<account>` (role names are cluster-wide and
  one server may hold several registries);
- grants: users read every table (the account table without its password column) and write the registry
  tables; the audit log is insert-only; accounts and settings are written by admins only;
- policies on every registry table, keyed on `account_scope` through `session_user`: reads inside the
  role's read scopes (a township reads its county), writes inside its write scopes (a supervisor none);
- the owner (who runs `db upgrade` and loads division codes) owns the tables and is exempt, as PostgreSQL
  makes owners; the daily connection of an account is its own role, never the owner nor a superuser.
"""

from __future__ import annotations

from sqlalchemy import Connection, text

#: table -> the column holding the division or station code the row belongs to
SCOPED_TABLES: dict[str, str] = {
    "station": "village_code",
    "station_village": "station_code",
    "station_event": "station_code",
    "station_event_partner": "station_code",
    "station_span": "station_code",
    "village_cover": "village_code",
    "inspection": "station_code",
}
#: tables whose rows belong to a unit that may lie above the reader (a province target, a city checklist)
RELATED_TABLES: dict[str, str] = {
    "target": "scope",
    "checklist_template": "scope",
    "checklist_item": "scope",
}
READ_ONLY_TABLES = ("division", "alembic_version", "setting", "account_scope")
ACCOUNT_COLUMNS = ("id", "name", "role", "disabled", "pg_role", "created_at", "updated_at", "created_by")

# The parameter is `unit`, never `code`: in a SQL function a column of the same name (account_scope.code)
# would win over the parameter and every row would pass.
_FUNCTIONS = """
CREATE OR REPLACE FUNCTION vp_may_write(unit text) RETURNS boolean LANGUAGE sql STABLE AS $f$
  SELECT EXISTS (SELECT 1 FROM account a JOIN account_scope s ON s.account_id = a.id
                 WHERE a.pg_role = session_user AND NOT a.disabled AND a.role <> 'supervisor'
                   AND left(unit, length(s.code)) = s.code)
$f$;
CREATE OR REPLACE FUNCTION vp_may_read(unit text) RETURNS boolean LANGUAGE sql STABLE AS $f$
  SELECT EXISTS (SELECT 1 FROM account a JOIN account_scope s ON s.account_id = a.id
                 WHERE a.pg_role = session_user AND NOT a.disabled
                   AND left(unit, length(CASE WHEN a.role = 'township' THEN left(s.code, 6) ELSE s.code END))
                       = CASE WHEN a.role = 'township' THEN left(s.code, 6) ELSE s.code END)
$f$;
CREATE OR REPLACE FUNCTION vp_may_read_related(unit text) RETURNS boolean LANGUAGE sql STABLE AS $f$
  SELECT vp_may_read(unit) OR EXISTS (
    SELECT 1 FROM account a JOIN account_scope s ON s.account_id = a.id
    WHERE a.pg_role = session_user AND NOT a.disabled AND left(s.code, length(unit)) = unit)
$f$;
CREATE OR REPLACE FUNCTION vp_own_password() RETURNS text LANGUAGE sql STABLE SECURITY DEFINER
  SET search_path = public AS $f$
  SELECT password FROM account WHERE pg_role = session_user
$f$;
CREATE OR REPLACE FUNCTION vp_set_own_password(hash text, at timestamp) RETURNS void LANGUAGE sql
  SECURITY DEFINER SET search_path = public AS $f$
  UPDATE account SET password = hash, updated_at = at WHERE pg_role = session_user
$f$;
"""


def group_names(database: str) -> tuple[str, str]:
    """The (users, admins) group roles of one registry database."""
    return f"{database}.users", f"{database}.admins"


def login_role(database: str, account: str) -> str:
    """The LOGIN role of `account` in the registry `database` (role names are shared by a whole server)."""
    return f"{database}.{account}"


def _ident(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _literal(value: str) -> str:
    """A string literal (standard_conforming_strings is on since PostgreSQL 9.1)."""
    return "'" + value.replace("'", "''") + "'"


def install(conn: Connection) -> None:
    """Group roles, grants, functions and policies (the migration runs this as the owner)."""
    database = conn.execute(text("SELECT current_database()")).scalar_one()
    users, admins = (_ident(n) for n in group_names(database))
    for group in (users, admins):
        exists = conn.execute(text("SELECT 1 FROM pg_roles WHERE rolname = :n"),
                              {"n": group.strip('"').replace('""', '"')}).first()
        if exists is None:
            conn.exec_driver_sql(f"CREATE ROLE {group} NOLOGIN")
    conn.exec_driver_sql(f"GRANT {users} TO {admins}")
    conn.exec_driver_sql(_FUNCTIONS)
    conn.exec_driver_sql(f"GRANT USAGE ON SCHEMA public TO {users}")
    conn.exec_driver_sql(f"GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO {users}")
    conn.exec_driver_sql(f"GRANT EXECUTE ON FUNCTION vp_own_password() TO {users}")
    conn.exec_driver_sql("REVOKE EXECUTE ON FUNCTION vp_set_own_password(text, timestamp) FROM PUBLIC")
    conn.exec_driver_sql(f"GRANT EXECUTE ON FUNCTION vp_set_own_password(text, timestamp) TO {users}")
    for table in READ_ONLY_TABLES:
        conn.exec_driver_sql(f"GRANT SELECT ON {table} TO {users}")
    conn.exec_driver_sql(f"GRANT SELECT ({', '.join(ACCOUNT_COLUMNS)}) ON account TO {users}")
    conn.exec_driver_sql(f"GRANT INSERT, UPDATE ON account, setting TO {admins}")
    conn.exec_driver_sql(f"GRANT INSERT, DELETE ON account_scope TO {admins}")
    conn.exec_driver_sql(f"GRANT SELECT, INSERT ON audit_log TO {users}")
    conn.exec_driver_sql("ALTER TABLE audit_log ENABLE ROW LEVEL SECURITY")
    conn.exec_driver_sql(f"CREATE POLICY audit_read ON audit_log FOR SELECT TO {users} "
                         "USING (vp_may_read_related(scope))")
    conn.exec_driver_sql(f"CREATE POLICY audit_write ON audit_log FOR INSERT TO {users} WITH CHECK (true)")
    for table, column in {**SCOPED_TABLES, **RELATED_TABLES}.items():
        read = "vp_may_read_related" if table in RELATED_TABLES else "vp_may_read"
        _policies(conn, table, users, read=f"{read}({column})", write=f"vp_may_write({column})")
    conn.exec_driver_sql(f"GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO {users}")
    item_write = ("EXISTS (SELECT 1 FROM inspection i WHERE i.id = inspection_id "
                  "AND vp_may_write(i.station_code))")
    _policies(conn, "inspection_item", users, read="true", write=item_write)


#: who may write a row of `station_village` (a station serving a further village): the station's writer, and
#: only for a village the same role may write — a township's staff cannot make their station serve, or stop
#: serving, another township's village, even with raw SQL (a county clerk can)
SERVED_WRITE = "vp_may_write(station_code) AND vp_may_write(village_code)"


def set_served_policies(conn: Connection, write: str = SERVED_WRITE) -> None:
    """Replace the write policies of `station_village` (schema 0007; its downgrade passes the old rule)."""
    database = conn.execute(text("SELECT current_database()")).scalar_one()
    users = _ident(group_names(database)[0])
    for action in ("insert", "update", "delete"):
        conn.exec_driver_sql(f"DROP POLICY IF EXISTS station_village_{action} ON station_village")
    conn.exec_driver_sql(f"CREATE POLICY station_village_insert ON station_village FOR INSERT TO {users} "
                         f"WITH CHECK ({write})")
    conn.exec_driver_sql(f"CREATE POLICY station_village_update ON station_village FOR UPDATE TO {users} "
                         f"USING ({write}) WITH CHECK ({write})")
    conn.exec_driver_sql(f"CREATE POLICY station_village_delete ON station_village FOR DELETE TO {users} "
                         f"USING ({write})")


def protect_table(conn: Connection, table: str, column: str) -> None:
    """For a later migration's new registry table: the grants and policies of its scope column `column`
    (a division or station code). Without this an account's role cannot use the table at all."""
    database = conn.execute(text("SELECT current_database()")).scalar_one()
    users = _ident(group_names(database)[0])
    _policies(conn, table, users, read=f"vp_may_read({column})", write=f"vp_may_write({column})")
    conn.exec_driver_sql(f"GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO {users}")


def _policies(conn: Connection, table: str, users: str, *, read: str, write: str) -> None:
    conn.exec_driver_sql(f"GRANT SELECT, INSERT, UPDATE, DELETE ON {table} TO {users}")
    conn.exec_driver_sql(f"ALTER TABLE {table} ENABLE ROW LEVEL SECURITY")
    conn.exec_driver_sql(f"CREATE POLICY {table}_read ON {table} FOR SELECT TO {users} USING ({read})")
    conn.exec_driver_sql(f"CREATE POLICY {table}_insert ON {table} FOR INSERT TO {users} WITH CHECK ({write})")
    conn.exec_driver_sql(f"CREATE POLICY {table}_update ON {table} FOR UPDATE TO {users} "
                         f"USING ({write}) WITH CHECK ({write})")
    conn.exec_driver_sql(f"CREATE POLICY {table}_delete ON {table} FOR DELETE TO {users} USING ({write})")


def uninstall(conn: Connection) -> None:
    """Undo `install` (the migration's downgrade); the group roles stay if accounts still belong to them."""
    for table in (*SCOPED_TABLES, *RELATED_TABLES, "inspection_item", "audit_log"):
        conn.exec_driver_sql(f"ALTER TABLE {table} DISABLE ROW LEVEL SECURITY")
        for row in conn.execute(text("SELECT policyname FROM pg_policies WHERE tablename = :t"), {"t": table}):
            conn.exec_driver_sql(f"DROP POLICY {_ident(row.policyname)} ON {table}")
    for fn in ("vp_may_read_related(text)", "vp_may_read(text)", "vp_may_write(text)", "vp_own_password()",
               "vp_set_own_password(text, timestamp)"):
        conn.exec_driver_sql(f"DROP FUNCTION IF EXISTS {fn}")


def create_login(conn: Connection, role: str, password: str, *, admin: bool) -> None:
    """The LOGIN role of a new account, in the users group (and the admins group for an administrator)."""
    database = conn.execute(text("SELECT current_database()")).scalar_one()
    users, admins = group_names(database)
    groups = ", ".join(_ident(g) for g in ((users, admins) if admin else (users,)))
    extra = " CREATEROLE" if admin else ""
    conn.exec_driver_sql(f"CREATE ROLE {_ident(role)} LOGIN{extra} PASSWORD {_literal(password)} IN ROLE {groups}")


def set_password(conn: Connection, role: str, password: str) -> None:
    conn.exec_driver_sql(f"ALTER ROLE {_ident(role)} PASSWORD {_literal(password)}")


def set_login(conn: Connection, role: str, *, enabled: bool) -> None:
    conn.exec_driver_sql(f"ALTER ROLE {_ident(role)} {'LOGIN' if enabled else 'NOLOGIN'}")


def set_admin(conn: Connection, role: str, *, admin: bool) -> None:
    """Administrators create accounts (CREATEROLE) and belong to the admins group."""
    database = conn.execute(text("SELECT current_database()")).scalar_one()
    admins = _ident(group_names(database)[1])
    if admin:
        conn.exec_driver_sql(f"GRANT {admins} TO {_ident(role)}")
        conn.exec_driver_sql(f"ALTER ROLE {_ident(role)} CREATEROLE")
    else:
        conn.exec_driver_sql(f"REVOKE {admins} FROM {_ident(role)}")
        conn.exec_driver_sql(f"ALTER ROLE {_ident(role)} NOCREATEROLE")


def set_own_password_hash(conn: Connection, hashed: str, at: object) -> None:
    """A user's own new hash (a role may not update the account table, only its own row through this)."""
    conn.execute(text("SELECT vp_set_own_password(:h, :at)"), {"h": hashed, "at": at})


def own_password_hash(conn: Connection) -> str | None:
    """The stored hash of the account this connection logged in as (a role cannot read other hashes)."""
    return conn.execute(text("SELECT vp_own_password()")).scalar()
