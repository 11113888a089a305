"""Reading the register of processing activities: the list and its filter, shared by the
register page and its exports (JSON, CSV, PDF)."""

from dataclasses import dataclass

from offenestadt.accounts.models import Actor
from offenestadt.audit.models import AuditEvent
from offenestadt.audit.selectors import RecordChanges, changes_since
from offenestadt.processing.models import ActivityQuerySet, ProcessingActivity
from offenestadt.registry.selectors import projects_visible_to


@dataclass(frozen=True)
class ActivityFilters:
    """What the register is narrowed to; empty fields narrow nothing.

    The register page builds it from its address (``?projekt=``).
    """

    # A project's slug: the activities linked to that project (if ``user`` may see it).
    project: str = ""


def activity_list(*, user: Actor, filters: ActivityFilters) -> ActivityQuerySet:
    """The processing activities ``user`` may see that match ``filters``."""
    activities = ProcessingActivity.objects.visible_to(user)
    if filters.project:
        activities = activities.filter(
            projects__in=projects_visible_to(user).filter(slug=filters.project)
        )
    return activities


def changes_since_return(activity: ProcessingActivity, user: Actor) -> list[RecordChanges] | None:
    """What the entry's editors changed since the DPO last returned it, in the entry and
    its data categories and transfers (None: never returned), for the DPO's next review."""
    parts = [*activity.categories.all(), *activity.transfers.all()]
    return changes_since(activity, user, AuditEvent.RETURNED, parts=parts)
