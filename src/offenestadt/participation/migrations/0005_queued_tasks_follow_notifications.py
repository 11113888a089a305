"""Notifications waiting in the task queue (a phase's start, announced for its first morning)
name their function by its import path, which moved with participation's feature modules.
Tasks not yet run are pointed at the new place, so none is lost in an upgrade."""

from django.db import migrations
from django.db.backends.base.schema import BaseDatabaseSchemaEditor
from django.db.migrations.state import StateApps

MOVED = {
    "offenestadt.participation.contributions.send_notifications": (
        "offenestadt.participation.notifications.sending.send_notifications"
    ),
    "offenestadt.participation.contributions.notify_phase_start": (
        "offenestadt.participation.notifications.sending.notify_phase_start"
    ),
}


def _repoint(apps: StateApps, old_to_new: dict[str, str]) -> None:
    task_results = apps.get_model("django_tasks_database", "DBTaskResult")
    waiting = task_results.objects.exclude(status__in=["SUCCESSFUL", "FAILED"])
    for old, new in old_to_new.items():
        waiting.filter(task_path=old).update(task_path=new)


def forwards(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    _repoint(apps, MOVED)


def backwards(apps: StateApps, schema_editor: BaseDatabaseSchemaEditor) -> None:
    _repoint(apps, {new: old for old, new in MOVED.items()})


class Migration(migrations.Migration):
    dependencies = [
        ("participation", "0004_phase_and_meeting_date_change_reason"),
        ("django_tasks_database", "0021_conditional_partial_index_ordering"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
