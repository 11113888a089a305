from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from offenestadt.infrastructure.freifunk import FreifunkError, load, parse_nodes
from offenestadt.infrastructure.services import freifunk_import
from offenestadt.infrastructure.tasks import import_freifunk, is_queued


class Command(BaseCommand):
    help = (
        "The infrastructure register: `import-freifunk FILE|URL` takes a Freifunk community's "
        "nodes (meshviewer.json, nodes.json v1/v2 or respondd data) into the register; "
        "`schedule-freifunk` queues that import of INFRASTRUCTURE_FREIFUNK_URL for the worker, "
        "which then repeats it every INFRASTRUCTURE_FREIFUNK_INTERVAL_MINUTES."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        freifunk = sub.add_parser(
            "import-freifunk",
            help="Import the nodes of a meshviewer.json, nodes.json or respondd answer.",
        )
        freifunk.add_argument("source", help="A file's path or an http(s) URL.")
        sub.add_parser(
            "schedule-freifunk",
            help="Queue the periodic import of INFRASTRUCTURE_FREIFUNK_URL unless it is queued.",
        )

    def handle(self, *args: Any, action: str, **options: Any) -> None:
        if action == "schedule-freifunk":
            self._schedule()
            return
        try:
            node_list = parse_nodes(load(options["source"]))
        except FreifunkError as error:
            raise CommandError(f"Freifunk-Import abgebrochen: {error}") from error
        summary = freifunk_import(node_list=node_list)
        for line in summary.lines():
            self.stdout.write(line)

    def _schedule(self) -> None:
        if not settings.INFRASTRUCTURE_FREIFUNK_URL:
            self.stdout.write(
                "INFRASTRUCTURE_FREIFUNK_URL ist nicht gesetzt: kein Freifunk-Import eingeplant."
            )
            return
        if is_queued():
            self.stdout.write("Der Freifunk-Import ist schon für den Worker eingereiht.")
            return
        result = import_freifunk.enqueue()
        minutes = settings.INFRASTRUCTURE_FREIFUNK_INTERVAL_MINUTES
        self.stdout.write(
            f"Freifunk-Import {result.id} für den Worker eingereiht "
            f"({timezone.localtime():%H:%M}, dann alle {minutes} Minuten)."
        )
