"""Reading the register of service points: the list and its filters, shared by the page and
the API, and the services reachable at a point."""

from dataclasses import dataclass

from django.db.models import Q, QuerySet
from django.utils import timezone

from offenestadt.accounts.models import Actor
from offenestadt.accounts.rules import reads_internal
from offenestadt.registry.models import AccessChannel, Project
from offenestadt.registry.servicepoints.models import ServicePoint, ServicePointKind


@dataclass(frozen=True)
class ServicePointFilters:
    """What the list is narrowed to; empty fields narrow nothing."""

    district: str = ""
    kind: ServicePointKind | None = None
    # Words in the name or address.
    q: str = ""
    # Only points reachable without steps.
    step_free: bool = False


def service_point_list(*, user: Actor, filters: ServicePointFilters) -> QuerySet[ServicePoint]:
    """The service points ``user`` may see that match ``filters``, with their hours."""
    points = ServicePoint.objects.visible_to(user).prefetch_related("opening_hours")
    if not reads_internal(user):
        # A closed point is off the public list; its page and history stay.
        points = points.exclude(closed_on__lte=timezone.localdate())
    if filters.district:
        points = points.filter(district__iexact=filters.district)
    if filters.kind is not None:
        points = points.filter(kind=filters.kind)
    if filters.step_free:
        points = points.filter(step_free=True)
    for word in filters.q.split():
        points = points.filter(Q(name__icontains=word) | Q(address__icontains=word))
    return points.order_by("name", "pk")


def districts() -> list[str]:
    """The districts of the service points on the public list, for the list's filter."""
    points = ServicePoint.objects.published().exclude(closed_on__lte=timezone.localdate())
    names = points.exclude(district="").values_list("district", flat=True)
    return sorted(set(names), key=str.casefold)


def channels_at(point: ServicePoint, *, user: Actor) -> list[AccessChannel]:
    """The access channels that lead to ``point``, of the projects ``user`` may see, by
    project and service: the services reachable there."""
    projects = Project.objects.visible_to(user)
    return list(
        AccessChannel.objects.filter(service_point=point, service__project__in=projects)
        .select_related("service__project")
        .order_by("service__project__title", "service__name", "phase", "kind", "pk")
    )
