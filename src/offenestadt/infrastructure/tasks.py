"""The Freifunk import as a periodic task for the worker (`offenestadt worker`): it reads the
community's map at INFRASTRUCTURE_FREIFUNK_URL and queues its own next run; with the setting
empty it does nothing and queues nothing."""

import logging
from datetime import datetime, timedelta

from django.conf import settings
from django.tasks import TaskResultStatus, task
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from offenestadt.infrastructure.freifunk import FreifunkError, load, parse_nodes
from offenestadt.infrastructure.services import freifunk_import

logger = logging.getLogger(__name__)


def next_run(now: datetime) -> datetime:
    return now + timedelta(minutes=settings.INFRASTRUCTURE_FREIFUNK_INTERVAL_MINUTES)


@task()
def import_freifunk(reschedule: bool = True) -> dict[str, int]:
    """The same import as `offenestadt infrastructure import-freifunk URL`; the counts by
    outcome. A source that cannot be read is logged and tried again at the next run."""
    source = settings.INFRASTRUCTURE_FREIFUNK_URL
    if not source:
        return {}
    now = timezone.now()
    try:
        summary = freifunk_import(node_list=parse_nodes(load(source)))
    except FreifunkError as error:
        logger.warning("Freifunk-Import abgebrochen: %s", error)
        counts = {"errors": 1}
    else:
        counts = {
            "created": summary.created,
            "changed": summary.changed,
            "unchanged": summary.unchanged,
            "errors": 0,
        }
    if reschedule:
        import_freifunk.using(run_after=next_run(now)).enqueue()
    return counts


def is_queued() -> bool:
    """Whether a run waits in the queue, due yet or not."""
    return DBTaskResult.objects.filter(
        status=TaskResultStatus.READY, task_path=import_freifunk.module_path
    ).exists()
