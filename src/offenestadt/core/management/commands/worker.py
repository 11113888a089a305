from typing import Any

from django_tasks_db.management.commands import db_worker

from offenestadt.core.pool import use_connection_pool
from offenestadt.core.worker import heartbeat


class Command(db_worker.Command):
    help = "Run the background task worker and record its heartbeat (see /healthz)."

    def handle(self, *args: Any, worker_id: str, **options: Any) -> None:
        use_connection_pool()
        with heartbeat(worker_id):
            super().handle(*args, worker_id=worker_id, **options)
