import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from offenestadt.software.sbom import DEFAULT_LOCK, LockError, sbom_from_lock


class Command(BaseCommand):
    help = (
        "Write the platform's software bill of materials (CycloneDX 1.6 JSON) from its lock "
        "file: every package an installation runs, with version, package URL and hashes."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--lock", type=Path, default=DEFAULT_LOCK, help="The uv.lock to read (the checkout's)."
        )
        parser.add_argument("--output", type=Path, help="Write to this file (default: stdout).")

    def handle(self, *args: Any, lock: Path, output: Path | None, **options: Any) -> None:
        try:
            document = sbom_from_lock(lock)
        except LockError as error:
            raise CommandError(f"SBOM nicht erstellt: {error}") from error
        text = json.dumps(document, indent=2, ensure_ascii=False) + "\n"
        if output is None:
            self.stdout.write(text, ending="")
            return
        output.write_text(text, encoding="utf-8")
        self.stdout.write(f"SBOM geschrieben: {output} ({len(document['components'])} Komponenten)")
