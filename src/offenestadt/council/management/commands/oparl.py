import sys
from datetime import datetime
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _

from offenestadt.council.oparl.client import OParlError
from offenestadt.council.oparl.importer import run_import
from offenestadt.council.oparl.store import plural
from offenestadt.council.tasks import import_oparl


def since_value(text: str) -> datetime:
    parsed = parse_datetime(text) or parse_datetime(f"{text}T00:00:00")
    if parsed is None:
        raise CommandError(
            _("--since: „%(text)s“ ist kein Zeitpunkt (z. B. 2024-05-01T00:00:00+02:00)")
            % {"text": text}
        )
    return timezone.make_aware(parsed) if timezone.is_naive(parsed) else parsed


class Command(BaseCommand):
    help = (
        "Import a council information system through OParl: `import URL` reads the system "
        "at URL (its endpoint) now; `schedule URL` hands the import to the worker."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        run = sub.add_parser("import", help="Import one body's council data now.")
        schedule = sub.add_parser("schedule", help="Queue an import for the worker.")
        for each in (run, schedule):
            each.add_argument("url", help="The OParl system's endpoint (or a body's URL).")
            each.add_argument("--body", help="The body's OParl id or its last part (e.g. 1).")
        run.add_argument(
            "--since",
            help="Only what changed since this time (ISO 8601); default: since the last run.",
        )

    def handle(self, *args: Any, action: str, url: str, **options: Any) -> None:
        if action == "schedule":
            result = import_oparl.enqueue(url, options["body"])
            self.stdout.write(
                _("OParl-Import %(id)s für den Worker eingereiht.") % {"id": result.id}
            )
            return
        since = since_value(options["since"]) if options["since"] else None
        try:
            summary = run_import(url, body=options["body"], since=since, progress=self.progress)
        except OParlError as error:
            raise CommandError(
                _("OParl-Import abgebrochen: %(error)s") % {"error": error.message()}
            ) from error
        if sys.stderr.isatty():
            self.stderr.write("")
        for line in summary.lines():
            self.stdout.write(line)
        if summary.incomplete:
            raise CommandError(
                _("Nicht jede Liste ist vollständig; ein neuer Lauf setzt dort fort.")
            )

    def progress(self, name: str, page: int, pages: int | None) -> None:
        values = {"list": plural(name), "page": page, "pages": pages}
        line = (
            _("%(list)s: Seite %(page)s von %(pages)s") if pages else _("%(list)s: Seite %(page)s")
        ) % values
        if sys.stderr.isatty():
            self.stderr.write(f"\r{line}", ending="")
            self.stderr.flush()
        elif page == 1 or page % 10 == 0 or page == pages:
            self.stderr.write(line)
