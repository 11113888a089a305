"""The retention task: run daily by the worker, it schedules its own next run."""

from datetime import datetime, time, timedelta

from django.tasks import task
from django.utils import timezone

from offenestadt.processing.retention import retention_enforce


def next_run(now: datetime) -> datetime:
    """03:00 local time on the day after ``now``: a quiet hour for the database."""
    tomorrow = timezone.localtime(now).date() + timedelta(days=1)
    return timezone.make_aware(datetime.combine(tomorrow, time(3)))


@task()
def enforce_retention(reschedule: bool = True) -> dict[str, int]:
    now = timezone.now()
    run = retention_enforce(now=now)
    if reschedule:
        enforce_retention.using(run_after=next_run(now)).enqueue()
    return dict(run.counts)
