"""Restore a backup archive into an empty database and media folder, then verify it."""

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection

from offenestadt.audit.backup import (
    BackupError,
    BackupRunError,
    database_label,
    restore_archive,
)


class Command(BaseCommand):
    help = (
        "Restore an archive of `offenestadt backup` into the empty database of DATABASE_URL "
        "(run it as the owner role) and an empty MEDIA_ROOT; then verify the audit chain "
        "and compare its head with the archive's manifest."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("archive", type=Path, help="The .tar file `offenestadt backup` wrote.")
        parser.add_argument(
            "--app-role",
            metavar="ROLE",
            help="PostgreSQL: grant this role the application's rights afterwards "
            "(as `offenestadt manage grant_app_role ROLE`).",
        )

    def handle(self, *args: Any, archive: Path, app_role: str | None, **options: Any) -> None:
        try:
            result = restore_archive(archive=archive, app_role=app_role)
        except BackupError as error:
            raise CommandError(str(error), returncode=2) from None
        except BackupRunError as error:
            raise CommandError(str(error)) from None
        manifest, chain = result.manifest, result.chain
        expected = manifest["audit"]
        self.stdout.write(
            f"restored {archive} (backup of {manifest['created_at']}, "
            f"offenestadt {manifest['platform']['version']}) into the database "
            f"{database_label()}; media: {result.media_files} files"
        )
        if result.unknown_migrations:
            raise CommandError(
                f"restored, but the backup ran {result.unknown_migrations} migrations this "
                "version does not know: install the version that wrote it, then run "
                "`offenestadt audit verify`"
            )
        if chain is None:
            self.stdout.write(
                f"migrations: {result.pending_migrations} of this version not applied yet: "
                "run `offenestadt migrate`, then `offenestadt audit verify` (the manifest's "
                f"head is {expected['seq']}:{expected['head']})"
            )
        elif not chain.ok:
            raise CommandError(
                f"restored, but the audit chain does not verify: {chain.problem} "
                "(run `offenestadt audit verify` for every problem)"
            )
        elif (chain.entries, chain.head_hash) != (expected["entries"], expected["head"]):
            raise CommandError(
                f"restored, but the audit chain ends at {chain.entries}:{chain.head_hash}, "
                f"the manifest says {expected['entries']}:{expected['head']}"
            )
        else:
            self.stdout.write(
                f"audit chain ok: {chain.entries} entries, head {chain.head_hash}, as in the "
                f"manifest; {chain.records} records agree with it"
            )
            self.stdout.write("migrations: as in this version")
        if connection.vendor == "postgresql" and app_role is None:
            self.stdout.write(
                "grants were not restored: run `offenestadt manage grant_app_role ROLE` "
                "for the application's role"
            )
