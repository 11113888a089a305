"""The PostgreSQL role the application runs under: everything but rewriting history.

Migrations run under the role that owns the tables. The application's role may read and
write every table the platform needs, but on the audit tables it may only read and
append: no UPDATE, DELETE or TRUNCATE, and, not being their owner, no ALTER TABLE (so it
cannot switch off the triggers that guard them). The seal of the chain it may only read:
the database writes it with its owner's rights.
"""

from dataclasses import dataclass

from django.db import connection

from offenestadt.audit.models import AuditEntry, ChainHead, ChainSeal, Checkpoint

# What the application's role may do on each audit table; the rest of the schema it may
# read and write.
AUDIT_TABLE_RIGHTS: dict[str, str] = {
    AuditEntry._meta.db_table: "SELECT, INSERT",
    Checkpoint._meta.db_table: "SELECT, INSERT",
    # Locking and moving the head serialises appends.
    ChainHead._meta.db_table: "SELECT, INSERT, UPDATE",
    ChainSeal._meta.db_table: "SELECT",
}
TABLE_RIGHTS = "SELECT, INSERT, UPDATE, DELETE"
SEQUENCE_RIGHTS = "USAGE, SELECT"


class AppRoleError(Exception):
    """The role cannot be granted safely; the message says what to fix."""


@dataclass(frozen=True)
class Database:
    schema: str
    # The role that owns the audit tables, and runs the migrations.
    owner: str


def database_in_use() -> Database:
    """The schema and the audit tables' owner, as the current connection sees them."""
    if connection.vendor != "postgresql":
        raise AppRoleError(
            "Database roles exist on PostgreSQL only; an embedded SQLite database has "
            "one user, the operating system account that can open the file."
        )
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT current_schema(), tableowner FROM pg_tables "
            "WHERE schemaname = current_schema() AND tablename = %s",
            [AuditEntry._meta.db_table],
        )
        row = cursor.fetchone()
    if row is None:
        raise AppRoleError("The audit tables do not exist yet: run `offenestadt migrate` first.")
    return Database(schema=row[0], owner=row[1])


def refuse_unsafe_role(role: str, database: Database) -> None:
    """Refuse a role that could rewrite the audit trail anyway, or a caller who is not
    the tables' owner."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT rolsuper, pg_has_role(rolname, %s, 'MEMBER'), "
            "pg_has_role(current_user, %s, 'MEMBER') FROM pg_roles WHERE rolname = %s",
            [database.owner, database.owner, role],
        )
        row = cursor.fetchone()
    if row is None:
        raise AppRoleError(
            f"There is no database role {role!r}: create it first "
            f"(CREATE ROLE {role} LOGIN PASSWORD '…'), then run this again."
        )
    superuser, member_of_owner, caller_is_owner = row
    if superuser:
        raise AppRoleError(f"{role!r} is a superuser: it could rewrite the audit trail.")
    if member_of_owner:
        raise AppRoleError(
            f"{role!r} is (or acts as) {database.owner!r}, the owner of the audit tables: "
            "the application needs a role of its own."
        )
    if not caller_is_owner:
        raise AppRoleError(
            f"Run this as {database.owner!r}, the owner of the tables (the role that runs "
            "the migrations)."
        )


def app_role_grants(role: str, database: Database) -> list[str]:
    """The statements that give ``role`` exactly the rights above, whatever it had before."""
    quote = connection.ops.quote_name
    schema, owner, app = quote(database.schema), quote(database.owner), quote(role)
    statements = [
        f"REVOKE ALL ON ALL TABLES IN SCHEMA {schema} FROM {app}",
        f"REVOKE ALL ON ALL SEQUENCES IN SCHEMA {schema} FROM {app}",
        f"GRANT USAGE ON SCHEMA {schema} TO {app}",
        f"GRANT {TABLE_RIGHTS} ON ALL TABLES IN SCHEMA {schema} TO {app}",
        f"GRANT {SEQUENCE_RIGHTS} ON ALL SEQUENCES IN SCHEMA {schema} TO {app}",
        # Tables of later migrations: usable at once; run this again after each migration
        # all the same, so that new audit tables are narrowed too.
        f"ALTER DEFAULT PRIVILEGES FOR ROLE {owner} IN SCHEMA {schema} "
        f"GRANT {TABLE_RIGHTS} ON TABLES TO {app}",
        f"ALTER DEFAULT PRIVILEGES FOR ROLE {owner} IN SCHEMA {schema} "
        f"GRANT {SEQUENCE_RIGHTS} ON SEQUENCES TO {app}",
        # Which migrations ran is the owner's business.
        f"REVOKE INSERT, UPDATE, DELETE ON {schema}.{quote('django_migrations')} FROM {app}",
    ]
    for table, rights in AUDIT_TABLE_RIGHTS.items():
        statements += [
            f"REVOKE ALL ON {schema}.{quote(table)} FROM {app}",
            f"GRANT {rights} ON {schema}.{quote(table)} TO {app}",
        ]
    return statements


def app_role_grant(role: str) -> list[str]:
    """Check the role and the caller, then grant; returns the statements it ran."""
    database = database_in_use()
    refuse_unsafe_role(role, database)
    statements = app_role_grants(role, database)
    with connection.cursor() as cursor:
        for statement in statements:
            cursor.execute(statement)
    return statements
