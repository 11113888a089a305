"""`offenestadt processing export`: the register of processing activities for the DPO."""

from collections.abc import Callable
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.utils.translation import gettext as _

from offenestadt.core.management.output import output_format, output_write
from offenestadt.processing.export import export_csv, export_json
from offenestadt.processing.export_pdf import export_pdf
from offenestadt.processing.models import ProcessingActivity

EXPORTS: dict[str, Callable[..., bytes]] = {
    "json": export_json,
    "csv": export_csv,
    "pdf": export_pdf,
}


class Command(BaseCommand):
    help = "Export the register of processing activities (GDPR Art. 30(1))."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        export = sub.add_parser(
            "export",
            help="Write the register with every Art. 30(1) field as JSON, CSV or PDF.",
        )
        export.add_argument(
            "--format",
            dest="export_format",
            default="json",
            metavar="json|csv|pdf",
            help="Format of the export (default: json).",
        )
        export.add_argument("--out", type=Path, help="File to write (default: stdout).")
        export.add_argument(
            "--published-only",
            action="store_true",
            help="Only what the public page shows (default: all activities, drafts included).",
        )

    def handle(self, *args: Any, action: str, **options: Any) -> None:
        self._export(options["export_format"], options["out"], options["published_only"])

    def _export(self, export_format: str, out: Path | None, published_only: bool) -> None:
        export = EXPORTS[output_format(export_format, EXPORTS)]
        activities = ProcessingActivity.objects.all()
        if published_only:
            activities = activities.published()
        if not output_write(export(activities, public=published_only), out):
            return
        self.stdout.write(
            _("%(count)s Verarbeitungstätigkeiten als %(format)s nach %(file)s geschrieben.")
            % {"count": activities.count(), "format": export_format.upper(), "file": out}
        )
