"""Reading the project register: the list and its filters, shared by the page and the API;
the projects a gate holds back, for the staff's inbox."""

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime
from itertools import pairwise

from django.db.models import Count, Exists, Min, OuterRef, Prefetch, Q, QuerySet

from offenestadt.accounts.models import Actor, Office
from offenestadt.charter.engine import Finding, Status
from offenestadt.charter.gates import BLOCKING, gate_blockers
from offenestadt.charter.models import CharterVersion
from offenestadt.charter.parameters import PROJECT_MIN_PUBLIC_DAYS_BEFORE_DECISION
from offenestadt.charter.selectors import public_days_reached_on, published_long_enough_between
from offenestadt.registry.models import (
    GATED_STATUSES,
    LIFECYCLE,
    AccessChannel,
    CouncilOverride,
    EvaluatedPrinciple,
    Project,
    ProjectEvaluation,
    ProjectQuerySet,
    ProjectStatus,
    Service,
)
from offenestadt.registry.rules import projects_editable_by

# The stages whose next step is a gate: consultation (before the decision), decision, and
# implementation (before operation).
BEFORE_A_GATE = frozenset(
    status for status, following in pairwise(LIFECYCLE) if following in GATED_STATUSES
)


@dataclass(frozen=True)
class ProjectFilters:
    """What the project list is narrowed to; empty fields narrow nothing.

    The list page builds it from its address (``?status=&amt=&prinzip=&befund=&q=``),
    the API from its query parameters.
    """

    status: ProjectStatus | None = None
    # The office's slug.
    office: str = ""
    # Words in the title or summary.
    q: str = ""
    # Projects whose current evaluation rates this principle (any, if None) ...
    principle: str | None = None
    # ... with this status (any, if None); a principle's status is the worst of its findings.
    finding: Status | None = None


def project_list(*, user: Actor, filters: ProjectFilters) -> ProjectQuerySet:
    """The projects ``user`` may see that match ``filters``, with their office."""
    projects = Project.objects.visible_to(user).select_related("office")
    if filters.status is not None:
        projects = projects.filter(status=filters.status)
    if filters.office:
        projects = projects.filter(office__slug=filters.office)
    if words := filters.q.strip():
        projects = projects.filter(Q(title__icontains=words) | Q(summary__icontains=words))
    if filters.principle is not None or filters.finding is not None:
        projects = _with_principle_status(projects, filters.principle, filters.finding)
    return projects


def _with_principle_status(
    projects: ProjectQuerySet, principle: str | None, status: Status | None
) -> ProjectQuerySet:
    rated = EvaluatedPrinciple.objects.filter(
        evaluation__project=OuterRef("pk"), evaluation__is_current=True
    )
    if principle is not None:
        rated = rated.filter(principle=principle)
    if status is not None:
        rated = rated.filter(status=status)
    return projects.filter(Exists(rated))


def offices_with_projects() -> QuerySet[Office]:
    """The offices the project list can be narrowed to: those with projects."""
    return Office.objects.filter(projects__isnull=False).distinct()


def projects_visible_to(user: Actor) -> ProjectQuerySet:
    """The projects ``user`` may see: published ones, and drafts for the city's staff."""
    return Project.objects.visible_to(user)


@dataclass(frozen=True)
class HeldProject:
    """A project its next gate would refuse now, with the findings that hold it back."""

    project: Project
    next_status: ProjectStatus
    blockers: list[Finding]


def held_at_gate(user: Actor, charter: CharterVersion) -> QuerySet[Project]:
    """``user``'s projects before a gate whose current evaluation has a violated or unproven
    finding under one of ``charter``'s gating principles."""
    gating = [principle.id for principle in charter.principles() if principle.gate]
    blocking = EvaluatedPrinciple.objects.filter(
        evaluation__project=OuterRef("pk"),
        evaluation__is_current=True,
        principle__in=gating,
        status__in=BLOCKING,
    )
    return projects_editable_by(user).filter(status__in=BEFORE_A_GATE).filter(Exists(blocking))


def projects_held_at_gate(user: Actor, charter: CharterVersion | None) -> list[HeldProject]:
    """The projects ``user`` may change that their next gate holds back, judged by their
    current evaluation (kept whenever their findings change) under ``charter``'s gates."""
    if charter is None:
        return []
    projects = (
        held_at_gate(user, charter)
        .select_related("office")
        .prefetch_related(
            Prefetch(
                "evaluations",
                queryset=ProjectEvaluation.objects.filter(is_current=True),
                to_attr="current_evaluations",
            )
        )
        .order_by("title")
    )
    return [
        HeldProject(
            project=project,
            next_status=LIFECYCLE[LIFECYCLE.index(ProjectStatus(project.status)) + 1],
            blockers=gate_blockers(
                [Finding.from_dict(data) for data in project.current_evaluations[0].findings],
                charter,
            ),
        )
        for project in projects
    ]


def projects_reaching_public_days(
    user: Actor, charter: CharterVersion | None, first: date, last: date
) -> list[tuple[Project, date]]:
    """``user``'s published projects before their decision that reach the charter's minimum
    days in public between ``first`` and ``last``, with that day."""
    return public_days_reached_on(
        projects_public_long_enough_between(user, charter, first, last),
        charter,
        PROJECT_MIN_PUBLIC_DAYS_BEFORE_DECISION,
    )


def projects_public_long_enough_between(
    user: Actor, charter: CharterVersion | None, first: date, last: date
) -> QuerySet[Project]:
    """The projects of :func:`projects_reaching_public_days`, as a queryset (to count them)."""
    before_decision = LIFECYCLE[: LIFECYCLE.index(ProjectStatus.DECISION)]
    return published_long_enough_between(
        projects_editable_by(user).filter(status__in=before_decision),
        charter,
        PROJECT_MIN_PUBLIC_DAYS_BEFORE_DECISION,
        first,
        last,
    )


def principle_counts() -> dict[tuple[str, str], int]:
    """How many published projects the current evaluations rate so, by (principle, status)."""
    counted = (
        EvaluatedPrinciple.objects.filter(
            evaluation__is_current=True, evaluation__project__published_at__isnull=False
        )
        .values("principle", "status")
        .annotate(projects=Count("evaluation__project", distinct=True))
        .order_by()
    )
    return {(row["principle"], row["status"]): row["projects"] for row in counted}


def first_publication() -> datetime | None:
    """When the first of the projects now published was published; None if none is."""
    first: datetime | None = Project.objects.filter(published_at__isnull=False).aggregate(
        first=Min("published_at")
    )["first"]
    return first


# How many published projects the evaluations in force rate so, by (principle, status).
type Standing = dict[tuple[str, str], int]


def standings_on(moments: list[datetime]) -> dict[datetime, Standing]:
    """For each of ``moments`` (ascending): the ratings of the evaluations then in force of
    the projects published by then, as the engine stored them (it is not asked again).
    One query over the stored evaluations."""
    rows = (
        EvaluatedPrinciple.objects.filter(
            evaluation__project__published_at__isnull=False,
            evaluation__evaluated_at__lte=moments[-1],
        )
        .values_list(
            "evaluation__project_id",
            "evaluation__project__published_at",
            "evaluation_id",
            "evaluation__evaluated_at",
            "principle",
            "status",
        )
        .order_by("evaluation__evaluated_at", "evaluation_id")
    )
    state: dict[int, _InForce] = {}
    standings: dict[datetime, Standing] = {}
    pending = iter(rows)
    row = next(pending, None)
    for moment in moments:
        while row is not None and row[3] <= moment:
            _take(state, row)
            row = next(pending, None)
        standing: Standing = defaultdict(int)
        for published_at, _evaluation, rated in state.values():
            if published_at is not None and published_at <= moment:
                for principle, status in rated.items():
                    standing[principle, status] += 1
        standings[moment] = dict(standing)
    return standings


# A project's publication, the evaluation in force and its status per principle.
type _InForce = tuple[datetime | None, int, dict[str, Status]]


def _take(
    state: dict[int, _InForce], row: tuple[int, datetime | None, int, datetime, str, str]
) -> None:
    """One principle's row of an evaluation; a newer evaluation replaces the project's ratings."""
    project, published_at, evaluation, _evaluated_at, principle, status = row
    known = state.get(project)
    if known is None or known[1] != evaluation:
        known = state[project] = (published_at, evaluation, {})
    known[2][principle] = Status(status)


def council_overrides_recorded_in(year: int) -> QuerySet[CouncilOverride]:
    """The gates published projects passed in ``year`` by a council decision despite their
    findings, oldest first, with their project."""
    return (
        CouncilOverride.objects.filter(project__published_at__isnull=False, recorded_at__year=year)
        .select_related("project")
        .order_by("recorded_at", "pk")
    )


def services_with_access() -> QuerySet[Service]:
    """Services as P5, the project's page and the API read them: each with its access
    channels, the service point each names and the point's hours, one query per level
    however many channels there are. Filter it by project, or prefetch it as ``services``."""
    return Service.objects.order_by("pk").prefetch_related(
        Prefetch("channels", AccessChannel.objects.select_related("service_point").order_by("pk")),
        "channels__service_point__opening_hours",
    )
