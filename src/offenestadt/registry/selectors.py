"""Reading the project register: the list and its filters, shared by the page and the API."""

from dataclasses import dataclass

from django.db.models import Exists, OuterRef, Q, QuerySet

from offenestadt.accounts.models import Actor, Office
from offenestadt.charter.engine import Status
from offenestadt.registry.models import EvaluatedPrinciple, Project, ProjectQuerySet, ProjectStatus


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
