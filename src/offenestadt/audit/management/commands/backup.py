"""Write a backup archive: the database, the public files and a manifest with the audit head."""

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from offenestadt.audit.backup import BackupError, BackupRunError, backup_create


class Command(BaseCommand):
    help = (
        "Back up the database (PostgreSQL: pg_dump --format=custom; SQLite: its online "
        "backup) and the public files into one .tar archive with a manifest of checksums "
        "and the audit chain's head. Raw uploads of the anonymization pipeline are left out."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--out",
            required=True,
            type=Path,
            help="A folder (the archive gets a dated name) or a file name ending in .tar.",
        )

    def handle(self, *args: Any, out: Path, **options: Any) -> None:
        try:
            archive, manifest = backup_create(out=out)
        except BackupError as error:
            raise CommandError(str(error), returncode=2) from None
        except BackupRunError as error:
            raise CommandError(str(error)) from None
        audit, database, media = manifest["audit"], manifest["database"], manifest["media"]
        self.stdout.write(
            f"backup written: {archive} ({manifest['size'] / 1e6:.1f} MB); "
            f"database: {database['engine']} {database['server_version']}; "
            f"audit chain: {audit['entries']} entries, head {audit['seq']}:{audit['head']}"
        )
        if media["storage"] == "filesystem":
            self.stdout.write(f"media: {media['files']} files")
        else:
            self.stdout.write(
                f"media: in the bucket {media['bucket']}, not in this archive: back it up "
                "with the provider's versioning"
            )
        self.stdout.write(
            "raw uploads of the anonymization pipeline (private storage) are not included"
        )
