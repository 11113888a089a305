"""What waits for a member of staff, gathered from each app's own rules and selectors: the
inbox reads them and decides nothing itself (who may act is the apps' rules, what holds a
record back their gates)."""

from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from django.db.models import Func, IntegerField, QuerySet, Subquery, Value
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from offenestadt.accounts.models import Actor, User
from offenestadt.charter.models import CharterVersion
from offenestadt.charter.selectors import charter_in_force
from offenestadt.contracts import selectors as contracts
from offenestadt.contracts.selectors import HeldContract
from offenestadt.opendata.pipeline import rules as pipeline_rules
from offenestadt.opendata.pipeline import selectors as pipeline
from offenestadt.opendata.pipeline.models import RawUpload
from offenestadt.participation.moderation import selectors as moderation
from offenestadt.participation.moderation.services import QueueItem, moderation_queue
from offenestadt.participation.procedures import selectors as procedures
from offenestadt.processing import rules as processing_rules
from offenestadt.processing import selectors as processing
from offenestadt.processing.models import ProcessingActivity
from offenestadt.registry import selectors as registry
from offenestadt.registry.rules import can_create_project
from offenestadt.registry.selectors import HeldProject

# How far ahead the inbox looks for dates.
DEADLINE_DAYS = 14


@dataclass(frozen=True)
class Deadline:
    """A day ahead on which something happens to one of the person's records."""

    day: date
    what: str | Promise
    title: str
    url: str


@dataclass
class Inbox:
    """One person's work; sections they have no part in stay None (and are not shown)."""

    # Sent back by the DPO: processing activities and anonymized results.
    returned_activities: QuerySet[ProcessingActivity] | None = None
    returned_uploads: QuerySet[RawUpload] | None = None
    # For the DPO: what waits for their decision.
    activities_to_review: QuerySet[ProcessingActivity] | None = None
    uploads_to_review: QuerySet[RawUpload] | None = None
    projects_held: list[HeldProject] | None = None
    contracts_held: list[HeldContract] | None = None
    reports: list[QueueItem] | None = None
    runs: QuerySet[RawUpload] | None = None
    deadlines: list[Deadline] = field(default_factory=list)


def _deadlines(user: Actor, charter: CharterVersion | None, today: date) -> list[Deadline]:
    """What happens to ``user``'s records in the next DEADLINE_DAYS days, soonest first."""
    last = today + timedelta(days=DEADLINE_DAYS)
    deadlines = [
        Deadline(day, _("Mindestzeit öffentlich erreicht"), str(p), p.get_absolute_url())
        for p, day in registry.projects_reaching_public_days(user, charter, today, last)
    ]
    deadlines += [
        Deadline(day, _("Mindestzeit öffentlich erreicht"), str(c), c.get_absolute_url())
        for c, day in contracts.contracts_reaching_public_days(user, charter, today, last)
    ]
    deadlines += [
        Deadline(c.meeting_date, _("Beratung im Gremium"), str(c), c.get_absolute_url())  # type: ignore[arg-type]
        for c in contracts.contracts_meeting_between(user, today, last)
    ]
    deadlines += [
        Deadline(c.withdrawal_until, _("Rücktrittsfrist endet"), str(c), c.get_absolute_url())  # type: ignore[arg-type]
        for c in contracts.contracts_withdrawal_ending_between(user, today, last)
    ]
    deadlines += [
        Deadline(
            phase.starts_on,
            _("Phase „%(phase)s“ beginnt") % {"phase": phase.get_kind_display()},
            str(phase.procedure),
            phase.procedure.get_absolute_url(),
        )
        for phase in procedures.phases_starting_between(user, today, last)
    ]
    return sorted(deadlines, key=lambda deadline: deadline.day)


def inbox_for(user: Actor, today: date) -> Inbox:
    """Everything that waits for ``user`` on ``today``."""
    inbox = Inbox()
    if pipeline_rules.reviews_uploads(user):
        inbox.activities_to_review = processing.awaiting_review(user)
        inbox.uploads_to_review = pipeline.uploads_awaiting_review(user)
    if can_create_project(user):
        charter = charter_in_force(today)
        inbox.returned_activities = processing.returned_to(user)
        inbox.returned_uploads = pipeline.uploads_returned_to(user)
        inbox.projects_held = registry.projects_held_at_gate(user, charter)
        inbox.contracts_held = contracts.contracts_held_at_gate(user, today)
        inbox.reports = moderation_queue(actor=user)
        inbox.runs = pipeline.runs_to_follow(user)
        inbox.deadlines = _deadlines(user, charter, today)
    return inbox


def _count(queryset: QuerySet[Any]) -> Subquery:
    """COUNT(*) of ``queryset`` as a subquery, so that all counts come in one query."""
    counted = queryset.order_by().annotate(n=Func(Value(1), function="COUNT"))
    return Subquery(counted.values("n"), output_field=IntegerField())


def task_count(user: User) -> int:
    """How many things wait for ``user``'s next step, as the navigation shows it: entries
    returned and waiting for review, reported contributions, projects held at a gate and
    pipeline runs that failed or wait for their privacy model. Two queries, however many
    there are: the charter in force, then every count as a subquery of one query. What a
    gate holds of contracts and the dates ahead are on the inbox only, as they take more."""
    waiting: list[QuerySet[Any]] = [
        processing_rules.activities_reviewable_by(user),
        pipeline_rules.uploads_reviewable_by(user),
    ]
    if can_create_project(user):
        waiting += [
            processing.returned_to(user),
            pipeline.uploads_returned_to(user),
            moderation.reported_comments(user),
            moderation.reported_proposals(user),
            pipeline.runs_to_follow(user).filter(status__in=pipeline.RUNS_NEEDING_A_STEP),
        ]
        if (charter := charter_in_force()) is not None:
            waiting.append(registry.held_at_gate(user, charter))
    counts = User.objects.filter(pk=user.pk).values_list(*(_count(qs) for qs in waiting))
    return sum(count or 0 for count in counts.get())
