from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from offenestadt.infrastructure.freifunk import FreifunkError, load, parse_nodes
from offenestadt.infrastructure.services import freifunk_import


class Command(BaseCommand):
    help = (
        "The infrastructure register: `import-freifunk FILE|URL` takes a Freifunk community's "
        "nodes (meshviewer.json, nodes.json v1/v2 or respondd data) into the register."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        freifunk = sub.add_parser(
            "import-freifunk",
            help="Import the nodes of a meshviewer.json, nodes.json or respondd answer.",
        )
        freifunk.add_argument("source", help="A file's path or an http(s) URL.")

    def handle(self, *args: Any, action: str, source: str, **options: Any) -> None:
        try:
            node_list = parse_nodes(load(source))
        except FreifunkError as error:
            raise CommandError(f"Freifunk-Import abgebrochen: {error}") from error
        summary = freifunk_import(node_list=node_list)
        for line in summary.lines():
            self.stdout.write(line)
