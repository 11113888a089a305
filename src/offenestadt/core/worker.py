"""The task worker's heartbeat and the task queue's state, for /healthz and the pages that
wait for background work.

`offenestadt worker` runs django-tasks-db's worker (which keeps no record of its workers)
and beside it a thread that writes the worker's heartbeat every HEARTBEAT_SECONDS. A
worker is "ok" while its last heartbeat is at most STALE_AFTER old, "stale" after that,
and "none" when no worker has ever reported.
"""

import contextlib
import logging
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Literal

from django.db import DatabaseError, connection
from django.db.models import Case, F, Max, Min, When
from django.db.models.functions import Greatest
from django.tasks import TaskResultStatus
from django.utils import timezone
from django.utils.translation import gettext as _
from django_tasks_db.models import DBTaskResult, get_date_max

from offenestadt.core.models import WorkerHeartbeat

logger = logging.getLogger(__name__)

HEARTBEAT_SECONDS = 15
STALE_AFTER = timedelta(minutes=1)
# A worker's row is deleted once it has not reported for this long.
FORGET_AFTER = timedelta(days=1)

WorkerStateName = Literal["ok", "stale", "none"]


def beat(worker_id: str, started_at: datetime) -> None:
    """Record that the worker is alive now, and forget workers gone for a day."""
    now = timezone.now()
    WorkerHeartbeat.objects.update_or_create(
        worker_id=worker_id,
        defaults={"seen_at": now},
        create_defaults={"seen_at": now, "started_at": started_at},
    )
    WorkerHeartbeat.objects.filter(seen_at__lt=now - FORGET_AFTER).delete()


@contextlib.contextmanager
def heartbeat(worker_id: str) -> Iterator[None]:
    """Beat every HEARTBEAT_SECONDS in a background thread while the block runs (also
    while a long task runs)."""
    started_at = timezone.now()
    stop = threading.Event()

    def run() -> None:
        while True:
            try:
                beat(worker_id, started_at)
            except DatabaseError:
                logger.exception("worker heartbeat not recorded")
            finally:
                connection.close()
            if stop.wait(HEARTBEAT_SECONDS):
                return

    thread = threading.Thread(target=run, name="worker-heartbeat", daemon=True)
    thread.start()
    try:
        yield
    finally:
        stop.set()
        thread.join()


@dataclass(frozen=True)
class WorkerState:
    state: WorkerStateName
    last_heartbeat: datetime | None


def worker_state() -> WorkerState:
    """Whether any worker has reported within STALE_AFTER."""
    last = WorkerHeartbeat.objects.aggregate(last=Max("seen_at"))["last"]
    if last is None:
        return WorkerState("none", None)
    return WorkerState("ok" if timezone.now() - last <= STALE_AFTER else "stale", last)


def missing_worker_notice() -> str | None:
    """What a page that waits for background work says when no worker is running."""
    if worker_state().state == "ok":
        return None
    return _(
        "Der Hintergrunddienst hat sich seit über einer Minute nicht gemeldet: solange er "
        "nicht läuft, geht es hier nicht weiter. Bitte informieren Sie den IT-Betrieb."
    )


def queue_state() -> dict[str, int | float | None]:
    """Tasks waiting to run, how long the oldest has waited, and failures of the last day."""
    now = timezone.now()
    waiting = DBTaskResult.objects.ready().annotate(
        # A task queued for later waits from the time it was due.
        ready_since=Case(
            When(run_after=get_date_max(), then=F("enqueued_at")),
            default=Greatest("enqueued_at", "run_after"),
        )
    )
    summary = waiting.aggregate(oldest=Min("ready_since"))
    failed = DBTaskResult.objects.filter(
        status=TaskResultStatus.FAILED, finished_at__gte=now - timedelta(days=1)
    )
    oldest = summary["oldest"]
    return {
        "waiting": waiting.count(),
        "oldest_waiting_seconds": round((now - oldest).total_seconds()) if oldest else None,
        "failed_last_day": failed.count(),
    }
