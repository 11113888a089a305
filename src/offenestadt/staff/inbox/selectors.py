"""What waits for a member of staff, gathered from each app's own rules and selectors: the
inbox reads them and decides nothing itself (who may act is the apps' rules, what holds a
record back their gates)."""

from collections.abc import Sized
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from django.db.models import Func, IntegerField, QuerySet, Subquery, Value
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from offenestadt.accessibility import selectors as accessibility
from offenestadt.accessibility.models import Feedback
from offenestadt.accounts.models import Actor, User
from offenestadt.charter.engine import Finding
from offenestadt.charter.mentions import Mentions
from offenestadt.charter.models import CharterVersion
from offenestadt.charter.selectors import charter_in_force
from offenestadt.contracts import selectors as contracts
from offenestadt.contracts.models import Contract
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
from offenestadt.registry.models import Project
from offenestadt.registry.rules import can_create_project

# How far ahead the inbox looks for dates.
DEADLINE_DAYS = 14


@dataclass(frozen=True)
class Deadline:
    """A day ahead on which something happens to one of the person's records."""

    day: date
    what: str | Promise
    title: str
    url: str


@dataclass(frozen=True)
class Blocker:
    """A charter finding that holds a record back, under its principle's name."""

    principle: str
    finding: Finding


@dataclass(frozen=True)
class Held:
    """A project or contract its next gate would refuse today, with what is missing."""

    record: Project | Contract
    kind: Promise
    next_status: Promise
    problems: list[str]
    blockers: list[Blocker]


@dataclass
class Inbox:
    """One person's work; sections they have no part in stay None (and are not shown)."""

    # Sent back by the DPO: processing activities and anonymized results.
    returned_activities: QuerySet[ProcessingActivity] | None = None
    returned_uploads: QuerySet[RawUpload] | None = None
    # For the DPO: what waits for their decision.
    activities_to_review: QuerySet[ProcessingActivity] | None = None
    uploads_to_review: QuerySet[RawUpload] | None = None
    held: list[Held] | None = None
    reports: list[QueueItem] | None = None
    runs: QuerySet[RawUpload] | None = None
    # For the administration: feedback on the platform's accessibility that waits for an answer.
    feedback: QuerySet[Feedback] | None = None
    deadlines: list[Deadline] = field(default_factory=list)

    def item_count(self) -> int:
        """How many items the page lists: the number beside "Meine Aufgaben"."""
        sections: list[Sized | None] = [
            self.returned_activities,
            self.returned_uploads,
            self.activities_to_review,
            self.uploads_to_review,
            self.held,
            self.reports,
            self.runs,
            self.feedback,
            self.deadlines,
        ]
        return sum(len(section) for section in sections if section is not None)


def _deadline_sources(
    user: Actor, charter: CharterVersion | None, today: date
) -> dict[str, QuerySet[Any]]:
    """What has a date in the next DEADLINE_DAYS days, by kind: shown and counted alike."""
    last = today + timedelta(days=DEADLINE_DAYS)
    return {
        "project_public": registry.projects_public_long_enough_between(user, charter, today, last),
        "contract_public": contracts.contracts_public_long_enough_between(
            user, charter, today, last
        ),
        "meeting": contracts.contracts_meeting_between(user, today, last, today),
        "withdrawal": contracts.contracts_withdrawal_ending_between(user, today, last),
        "phase": procedures.phases_starting_between(user, today, last),
    }


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
    sources = _deadline_sources(user, charter, today)
    deadlines += [
        Deadline(day, _("Beratung im Gremium"), str(c), c.get_absolute_url())
        for c in sources["meeting"]
        if (day := c.council_date(today)) is not None
    ]
    deadlines += [
        Deadline(c.withdrawal_until, _("Rücktrittsfrist endet"), str(c), c.get_absolute_url())
        for c in sources["withdrawal"]
    ]
    deadlines += [
        Deadline(
            phase.starts_on,
            _("Phase „%(phase)s“ beginnt") % {"phase": phase.get_kind_display()},
            str(phase.procedure),
            phase.procedure.get_absolute_url(),
        )
        for phase in sources["phase"]
    ]
    return sorted(deadlines, key=lambda deadline: deadline.day)


def _held(user: Actor, charter: CharterVersion | None, today: date) -> list[Held]:
    """Projects and contracts held at a gate, each finding named as ``user`` may see it and
    under the name of its principle."""
    projects = registry.projects_held_at_gate(user, charter)
    held_contracts = contracts.contracts_held_at_gate(user, today, charter)
    findings = [f for h in projects for f in h.blockers]
    findings += [f for h in held_contracts for f in h.refusal.findings]
    mentions = Mentions.of(user, findings)
    titles = {p.id: f"{p.id} {p.title}" for p in charter.principles()} if charter else {}

    def blockers(shown: list[Finding]) -> list[Blocker]:
        return [Blocker(titles.get(f.principle, f.principle), mentions.finding(f)) for f in shown]

    return [
        Held(h.project, _("Projekt"), h.next_status.label, [], blockers(h.blockers))
        for h in projects
    ] + [
        Held(
            h.contract,
            _("Vertrag"),
            h.next_status.label,
            h.refusal.problems,
            blockers(h.refusal.findings),
        )
        for h in held_contracts
    ]


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
        inbox.held = _held(user, charter, today)
        inbox.reports = moderation_queue(actor=user)
        inbox.runs = pipeline.runs_to_follow(user)
        inbox.deadlines = _deadlines(user, charter, today)
    if accessibility.handles_feedback(user):
        inbox.feedback = accessibility.open_feedback(user)
    return inbox


def _count(queryset: QuerySet[Any]) -> Subquery:
    """COUNT(*) of ``queryset`` as a subquery, so that all counts come in one query."""
    counted = queryset.order_by().annotate(n=Func(Value(1), function="COUNT"))
    return Subquery(counted.values("n"), output_field=IntegerField())


def task_count(user: User, today: date) -> int:
    """How many items the inbox lists for ``user`` on ``today``, as the navigation shows it.
    A fixed number of queries, however many there are: the charter in force, every count
    as a subquery of one query, and (only if there are any) the contracts before a gate
    with what their gates read of them, as those gates ask the charter's rules (not SQL)."""
    waiting: list[QuerySet[Any]] = []
    if pipeline_rules.reviews_uploads(user):
        # The sets of processing.awaiting_review and pipeline.uploads_awaiting_review.
        waiting += [
            processing_rules.activities_reviewable_by(user),
            pipeline_rules.uploads_reviewable_by(user),
        ]
    if accessibility.handles_feedback(user):
        waiting.append(accessibility.open_feedback(user))
    charter = None
    if creates := can_create_project(user):
        charter = charter_in_force(today)
        waiting += [
            processing.returned_to(user),
            pipeline.uploads_returned_to(user),
            moderation.reported_comments(user),
            moderation.reported_proposals(user),
            pipeline.runs_to_follow(user),
            *_deadline_sources(user, charter, today).values(),
        ]
        if charter is not None:
            waiting.append(registry.held_at_gate(user, charter))
        # Last: not counted itself, it tells whether to ask the contracts' gates.
        waiting.append(contracts.contracts_before_a_gate(user))
    if not waiting:
        return 0
    counts = list(
        User.objects.filter(pk=user.pk).values_list(*(_count(qs) for qs in waiting)).get()
    )
    if creates and counts.pop():
        counts.append(len(contracts.contracts_held_at_gate(user, today, charter)))
    return sum(count or 0 for count in counts)
