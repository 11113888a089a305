"""Reading the register of processing activities: the list and its filter, shared by the
register page and its exports (JSON, CSV, PDF), and the entries on their way through the
DPO's review."""

from collections import defaultdict
from dataclasses import dataclass

from django.db.models import Max, OuterRef, Q, QuerySet, Subquery

from offenestadt.accounts.models import Actor
from offenestadt.audit.models import AuditEvent
from offenestadt.audit.selectors import RecordChanges, changes_since
from offenestadt.processing import rules
from offenestadt.processing.models import (
    ActivityQuerySet,
    DataCategory,
    ProcessingActivity,
    RetentionRun,
    ReviewNote,
    ReviewStatus,
)
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


def _by_submission(activities: QuerySet[ProcessingActivity]) -> QuerySet[ProcessingActivity]:
    """The entries with when they were last submitted, the oldest submission first."""
    return (
        activities.select_related("office")
        .annotate(
            submitted_at=Max(
                "review_notes__created_at",
                filter=Q(review_notes__decision=ReviewNote.Decision.SUBMITTED),
            )
        )
        .order_by("submitted_at", "title")
    )


def review_queue() -> QuerySet[ProcessingActivity]:
    """Every entry waiting for the DPO, the oldest submission first."""
    return _by_submission(ProcessingActivity.objects.filter(review_status=ReviewStatus.SUBMITTED))


def awaiting_review(user: Actor) -> QuerySet[ProcessingActivity]:
    """The submitted entries ``user`` may decide on, the oldest submission first."""
    return _by_submission(rules.activities_reviewable_by(user))


def returned_to(user: Actor) -> QuerySet[ProcessingActivity]:
    """The entries the DPO returned that ``user`` may change, with the DPO's last comment
    (``return_comment``) and when it was made (``returned_at``), the oldest first."""
    last_return = ReviewNote.objects.filter(
        activity=OuterRef("pk"), decision=ReviewNote.Decision.RETURNED
    ).order_by("-created_at", "-pk")
    return (
        rules.activities_editable_by(user)
        .filter(review_status=ReviewStatus.RETURNED)
        .select_related("office")
        .annotate(
            return_comment=Subquery(last_return.values("comment")[:1]),
            returned_at=Subquery(last_return.values("created_at")[:1]),
        )
        .order_by("returned_at", "title")
    )


@dataclass(frozen=True)
class Deletions:
    """What the retention task erased in a span of time: per category, the number only."""

    runs: int
    # (category's name or its key when the register no longer has it, activity, count)
    counts: list[tuple[str, str, int]]

    @property
    def total(self) -> int:
        return sum(count for _name, _activity, count in self.counts)


def deletions_in(year: int) -> Deletions:
    """The retention runs of ``year``: how many, and how much each category lost in all."""
    runs = list(RetentionRun.objects.filter(ran_at__year=year).values_list("counts", flat=True))
    totals: dict[str, int] = defaultdict(int)
    for counts in runs:
        for key, count in counts.items():
            totals[key] += count
    categories = {
        f"{category.activity.slug}/{category.key}": category
        for category in DataCategory.objects.select_related("activity")
        .filter(activity__slug__in={key.partition("/")[0] for key in totals})
        .exclude(key="")
    }
    rows = []
    for key, count in sorted(totals.items()):
        category = categories.get(key)
        if category is None:
            rows.append((key, "", count))
        else:
            rows.append((category.name, category.activity.title, count))
    return Deletions(runs=len(runs), counts=rows)
