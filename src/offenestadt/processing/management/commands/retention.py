from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.tasks import TaskResultStatus
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from offenestadt.processing.retention import retention_enforce
from offenestadt.processing.tasks import enforce_retention, next_run


class Command(BaseCommand):
    help = (
        "Delete or anonymise personal data whose retention has ended. `run` does it now; "
        "`schedule` hands it to the worker (`offenestadt manage db_worker`), which then runs "
        "it every night at 03:00."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        sub.add_parser("run", help="Erase now and print what was erased, by kind.")
        sub.add_parser("schedule", help="Queue the nightly run unless one is queued already.")

    def handle(self, *args: Any, action: str, **options: Any) -> None:
        if action == "run":
            run = retention_enforce(now=timezone.now())
            for key, count in sorted(run.counts.items()):
                self.stdout.write(f"{key}: {count}")
            self.stdout.write(f"erased {run.total} in all")
            return
        # Queued, whether due yet or not.
        pending = DBTaskResult.objects.filter(
            status=TaskResultStatus.READY, task_path=enforce_retention.module_path
        )
        if pending.exists():
            self.stdout.write("the nightly retention run is already queued")
            return
        result = enforce_retention.using(run_after=next_run(timezone.now())).enqueue()
        self.stdout.write(f"queued the retention run {result.id} for {next_run(timezone.now())}")
