"""An upgrade keeps the notifications already waiting in the queue: the migration points them
at the functions' new place, and the worker can load every one of them."""

import importlib

import pytest
from django.apps import apps
from django.tasks import Task
from django.utils import timezone
from django.utils.module_loading import import_string
from django_tasks_db.models import DBTaskResult

migration = importlib.import_module(
    "offenestadt.participation.migrations.0005_queued_tasks_follow_notifications"
)


def _queued(path: str, status: str) -> DBTaskResult[..., object]:
    return DBTaskResult.objects.create(
        status=status,
        args_kwargs={"args": [], "kwargs": {"phase_id": 1, "starts_on": "2027-01-04"}},
        task_path=path,
        backend_name="default",
        run_after=timezone.now(),
    )


def test_every_new_path_is_a_task_the_worker_can_load() -> None:
    for new in migration.MOVED.values():
        assert isinstance(import_string(new), Task)


@pytest.mark.django_db
def test_waiting_notifications_follow_their_function_and_finished_ones_stay_as_run() -> None:
    old = "offenestadt.participation.contributions.notify_phase_start"
    waiting = _queued(old, "READY")
    running = _queued(old, "RUNNING")
    done = _queued(old, "SUCCESSFUL")

    migration.forwards(apps, None)

    new = "offenestadt.participation.notifications.sending.notify_phase_start"
    waiting.refresh_from_db()
    running.refresh_from_db()
    done.refresh_from_db()
    assert (waiting.task_path, running.task_path, done.task_path) == (new, new, old)
    assert isinstance(import_string(waiting.task_path), Task)

    migration.backwards(apps, None)
    waiting.refresh_from_db()
    assert waiting.task_path == old
