"""Give the application's database role what it needs, and nothing to rewrite history."""

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from offenestadt.audit.app_role import (
    AppRoleError,
    app_role_grant,
    app_role_grants,
    database_in_use,
)


class Command(BaseCommand):
    help = (
        "Grant a PostgreSQL role the rights the application needs: every table, but only "
        "reading and appending on the audit tables. Run it as the tables' owner (the role "
        "that runs the migrations), after every migration."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("role", help="The role the app servers and the worker log in as.")
        parser.add_argument(
            "--print-sql",
            action="store_true",
            help="Print the statements instead of running them (to review, or run with psql).",
        )

    def handle(self, *args: Any, role: str, print_sql: bool, **options: Any) -> None:
        try:
            if print_sql:
                statements = app_role_grants(role, database_in_use())
                self.stdout.write("\n".join(f"{statement};" for statement in statements))
                return
            with transaction.atomic():
                statements = app_role_grant(role)
        except AppRoleError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(
            f"granted {role}: {len(statements)} statements; the audit tables are "
            "append-only for it. Run this again after each migration."
        )
