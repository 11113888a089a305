from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from offenestadt.overview.scale import NotEmptyError, Sizes, seed_scale
from offenestadt.overview.scale.trail import ChainMovedError


class Command(BaseCommand):
    help = (
        "Fill an empty database with a city-sized data set for the benchmarks (defaults: "
        "10,000 projects, 5,000 contracts, 10,000 datasets, 100,000 contributions, "
        "1,000,000 audit entries; minutes on PostgreSQL). Records are written in bulk, each "
        "audited one with its creation entry and the main ones with a history in a valid hash "
        "chain, so `offenestadt audit verify` passes. Every project's charter findings are "
        "stored: the engine takes ~30 ms a project, so only --evaluate N projects (and the "
        "first of each new shape) go through it and the others copy the findings of an "
        "evaluated project of the same status, channels and software. Refuses a database "
        "that holds projects, datasets, contracts or procedures unless --force. "
        "Deterministic for a --seed."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--projects", type=int, default=10_000)
        parser.add_argument("--contracts", type=int, default=5_000)
        parser.add_argument("--datasets", type=int, default=10_000)
        parser.add_argument("--contributions", type=int, default=100_000)
        parser.add_argument(
            "--audit-entries",
            type=int,
            default=1_000_000,
            help="Entries in the chain; at least one per record written.",
        )
        parser.add_argument("--seed", type=int, default=18)
        parser.add_argument(
            "--evaluate",
            type=int,
            default=300,
            help="Projects to evaluate with the charter engine before copying findings.",
        )
        parser.add_argument(
            "--force",
            action="store_true",
            help="Add to a database that holds data already (never on a production database).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        sizes = Sizes(
            projects=options["projects"],
            contracts=options["contracts"],
            datasets=options["datasets"],
            contributions=options["contributions"],
        )
        numbers = [*vars(sizes).values(), options["audit_entries"]]
        if any(number < 0 for number in numbers):
            raise CommandError("Die Größen dürfen nicht negativ sein.")
        try:
            summary = seed_scale(
                sizes=sizes,
                audit_entries=options["audit_entries"],
                seed=options["seed"],
                force=options["force"],
                evaluate=options["evaluate"],
                say=self.stdout.write,
            )
        except NotEmptyError:
            raise CommandError(
                "Die Datenbank enthält schon Projekte, Datensätze, Verträge oder Verfahren. Der "
                "Datensatz für Lasttests gehört in eine leere Datenbank; --force schreibt trotzdem."
            ) from None
        except ChainMovedError:
            raise CommandError(
                "Während des Schreibens hat jemand anderes Protokolleinträge angelegt. Bitte "
                "auf einer frischen Datenbank ohne laufende Dienste neu beginnen."
            ) from None
        for name, count in summary.counts.items():
            self.stdout.write(f"{name}: {count}")
        self.stdout.write(self.style.SUCCESS(f"Fertig in {summary.seconds:.1f} s."))
