from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from offenestadt.core import server


class Command(BaseCommand):
    help = "Serve the application with the production server (granian)."

    def add_arguments(self, parser: CommandParser) -> None:
        server.add_arguments(parser)

    def handle(
        self, *args: Any, host: str, port: int, workers: int, threads: int, **_: Any
    ) -> None:
        server.serve(host, port, workers=workers, threads=threads)
