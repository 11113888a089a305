"""The `offenestadt` command: the project's management commands under one name."""

import importlib
import os
import sys
from typing import NoReturn

# Command name on the console -> (Django management command, arguments put in front).
COMMANDS: dict[str, tuple[str, list[str]]] = {
    "demo": ("demo", []),
    "serve": ("serve", []),
    "worker": ("worker", []),
    "migrate": ("migrate", []),
    "audit": ("audit", []),
    "charter": ("charter", []),
    "evaluate": ("evaluate_projects", []),
    "check-deploy": ("check_deploy", []),
    "createadmin": ("createsuperuser", []),
    "collectstatic": ("collectstatic", ["--noinput"]),
    "processing": ("processing", []),
    "retention": ("retention", []),
    "voting": ("voting", []),
    "report": ("report", []),
    "backup": ("backup", []),
    "oparl": ("oparl", []),
    "sbom": ("sbom", []),
    "infrastructure": ("infrastructure", []),
    "restore": ("restore", []),
    "manage": ("", []),
}

# Commands of the anonymization library: they run without Django, so they start fast.
# Command name -> module whose ``main(argv)`` runs it.
LIBRARY_COMMANDS: dict[str, str] = {
    "scan": "offenestadt.anonymize.commands.scan",
    "anonymize": "offenestadt.anonymize.commands.anonymize",
}

SUMMARIES = {
    "demo": "Migrate, load the demo programme and serve it (--host, --port).",
    "serve": "Run the production server (--host, --port, --workers, --threads).",
    "worker": "Run the background task worker and record its heartbeat.",
    "migrate": "Create or update the database tables.",
    "audit": "Verify the audit trail's hash chain or publish a checkpoint.",
    "charter": "Load a charter version from a TOML file (load FILE) or export one.",
    "evaluate": "Check every project against the charter in force (daily, after a load).",
    "check-deploy": "Run Django's deployment checks and the platform's own.",
    "createadmin": "Create an administrator account (TOTP is set up at first sign-in).",
    "collectstatic": "Copy static files to STATIC_ROOT for production.",
    "processing": "Export the register of processing activities (export --format json|csv|pdf).",
    "retention": "Delete personal data whose retention has ended (run, or enqueue for the worker).",
    "voting": "Issue one-time voting codes (codes --vote ID --count N --out CSV [--pdf PDF]).",
    "report": "Write the council's annual report (--year N --format html|pdf [--output FILE]).",
    "oparl": "Import the council information system (import URL [--body ID] [--since T]).",
    "sbom": "Write the platform's SBOM (CycloneDX JSON) from uv.lock (--output FILE).",
    "infrastructure": "Import a Freifunk community's nodes (import-freifunk FILE|URL).",
    "backup": "Back up the database, media and audit head into one archive (--out DIR|F.tar).",
    "restore": "Restore a backup into an empty database, then verify its audit chain.",
    "scan": "Find personal data in a table and suggest a role for each column.",
    "anonymize": "Make a table safe to publish: k-anonymity, l-diversity, t-closeness.",
    "manage": "Any Django management command: offenestadt manage <command> …",
}


def usage() -> str:
    lines = ["usage: offenestadt <command> [options]", "", "commands:"]
    lines += [f"  {name:<14} {SUMMARIES[name]}" for name in [*COMMANDS, *LIBRARY_COMMANDS]]
    lines += ["", "`offenestadt <command> --help` explains a command's options."]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> None:
    args = list(sys.argv[1:] if argv is None else argv)
    if not args or args[0] in {"-h", "--help", "help"}:
        print(usage())
        return
    name, rest = args[0], args[1:]
    if name in LIBRARY_COMMANDS:
        importlib.import_module(LIBRARY_COMMANDS[name]).main(rest)
        return
    if name not in COMMANDS:
        print(f"offenestadt: unknown command {name!r}\n\n{usage()}", file=sys.stderr)
        raise SystemExit(2)
    if name == "demo":
        # Demo mode must be known before the settings are read.
        os.environ.setdefault("OFFENESTADT_DEMO", "1")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "offenestadt.settings")

    from django.conf import settings
    from django.core.exceptions import ImproperlyConfigured
    from django.core.management import execute_from_command_line
    from django.db import DatabaseError

    command, prefix = COMMANDS[name]
    try:
        # Read the settings first: Django's own handling would hide their error.
        settings.INSTALLED_APPS  # noqa: B018
        if name == "manage":
            execute_from_command_line(["offenestadt", *rest])
        else:
            execute_from_command_line(["offenestadt", command, *prefix, *rest])
    except ImproperlyConfigured as error:
        fail(str(error))
    except DatabaseError as error:
        problem = database_problem(error)
        if problem is None:
            raise
        fail(problem)


def fail(message: str) -> NoReturn:
    """A configuration error is one line saying what to set, exit code 2, never a traceback."""
    print(f"offenestadt: {' '.join(message.split())}", file=sys.stderr)
    raise SystemExit(2)


def database_problem(error: Exception) -> str | None:
    """What to set or run when a command failed on the database's address or its tables."""
    from django.db import DatabaseError, connection
    from django.db.migrations.executor import MigrationExecutor

    try:
        # Django closed its connections after the command: connecting again tells whether
        # the database can be reached at all.
        connection.ensure_connection()
    except DatabaseError as refused:
        # Psycopg names host, port, database and role, never the password.
        check = (
            "that the folder of the SQLite file exists and may be written"
            if connection.vendor == "sqlite"
            else "its host, port, name, user and password, and that the database server runs"
        )
        return f"DATABASE_URL: cannot connect to the database ({refused}): check {check}"
    # A table missing (SQLite's words, PostgreSQL's undefined_table) in a database that
    # has not been migrated yet.
    missing_table = str(error).startswith("no such table") or (
        getattr(error.__cause__, "sqlstate", None) == "42P01"
    )
    if not missing_table:
        return None
    try:
        executor = MigrationExecutor(connection)
        pending = executor.migration_plan(executor.loader.graph.leaf_nodes())
    except DatabaseError:
        return None
    if not pending:
        return None
    return (
        f"the database of DATABASE_URL lacks {len(pending)} migrations "
        f"({str(error).splitlines()[0]}): "
        "run `offenestadt migrate`"
    )
