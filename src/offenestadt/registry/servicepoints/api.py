"""Published service points in the public REST API, with their opening hours and the
services reachable there."""

from datetime import date
from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.http import HttpRequest
from ninja import Field, P, PathEx, Query, Router, Schema
from ninja.errors import HttpError

from offenestadt.core.api import LocalisedText, Paging, Problem, labelled, paged
from offenestadt.registry.api import OfficeOut, OpeningIntervalOut
from offenestadt.registry.channels import Channel
from offenestadt.registry.models import AccessChannel, Phase
from offenestadt.registry.servicepoints import selectors
from offenestadt.registry.servicepoints.models import (
    OpeningHours,
    ServicePoint,
    ServicePointKind,
)

router = Router(tags=["service points"])
PointSlug = PathEx[str, P(description="The service point's slug, as in its page's address.")]


class KindOut(Schema):
    code: ServicePointKind
    label: LocalisedText


class OpeningHoursOut(Schema):
    valid_from: date
    valid_to: date | None = Field(description="Null: until further notice.")
    hours: list[OpeningIntervalOut] = Field(description="Weekly intervals; empty: closed.")
    hours_per_week: float
    note: str

    @staticmethod
    def resolve_hours_per_week(period: OpeningHours) -> float:
        return round(period.weekly_hours.minutes_per_week / 60, 2)


class ServicePointSummary(Schema):
    slug: str = Field(description="The service point's stable identifier.")
    name: str
    kind: KindOut
    office: OfficeOut
    address: str
    district: str
    step_free: bool | None = Field(description="Reachable without steps (null: unknown).")
    accessibility: str
    phone: str
    hours_in_force: OpeningHoursOut | None = Field(
        description="The hours valid today, or the next to come into force; null once closed."
    )
    closed_on: date | None = Field(
        description="From this day the point is closed (and off the list); null: open."
    )
    html_url: str

    @staticmethod
    def resolve_kind(point: ServicePoint) -> dict[str, Any]:
        return labelled(ServicePointKind(point.kind))

    @staticmethod
    def resolve_hours_in_force(point: ServicePoint) -> OpeningHours | None:
        return point.hours_in_force()

    @staticmethod
    def resolve_html_url(point: ServicePoint, context: dict[str, Any]) -> str:
        request: HttpRequest = context["request"]
        return request.build_absolute_uri(point.get_absolute_url())


class ReachableServiceOut(Schema):
    project_slug: str
    project_title: str
    service: str
    channel: Channel
    phase: Phase

    @staticmethod
    def resolve_project_slug(channel: AccessChannel) -> str:
        return channel.service.project.slug

    @staticmethod
    def resolve_project_title(channel: AccessChannel) -> str:
        return channel.service.project.title

    @staticmethod
    def resolve_service(channel: AccessChannel) -> str:
        return channel.service.name

    @staticmethod
    def resolve_channel(channel: AccessChannel) -> str:
        return channel.kind


class ServicePointDetail(ServicePointSummary):
    opening_hours: list[OpeningHoursOut] = Field(description="Every span of hours, by start.")
    services: list[ReachableServiceOut] = Field(
        description="The published projects' services whose access channels lead here."
    )

    @staticmethod
    def resolve_opening_hours(point: ServicePoint) -> list[OpeningHours]:
        return list(point.opening_hours.all())

    @staticmethod
    def resolve_services(point: ServicePoint) -> list[AccessChannel]:
        return selectors.channels_at(point, user=AnonymousUser())


class ServicePointPage(Schema):
    count: int = Field(description="How many service points match, over all pages.")
    limit: int
    offset: int
    items: list[ServicePointSummary]


class ServicePointFilters(Paging):
    district: str | None = Field(None, description="Points in this district.")
    kind: ServicePointKind | None = Field(None, description="Points of this kind.")
    step_free: bool = Field(False, description="Only points reachable without steps.")
    q: str | None = Field(None, description="Words in the name or address.")


@router.get("/service-points", response={200: ServicePointPage})
def service_point_list(request: HttpRequest, filters: Query[ServicePointFilters]) -> dict[str, Any]:
    """Published service points by name, filtered and paged."""
    points = selectors.service_point_list(
        user=AnonymousUser(),
        filters=selectors.ServicePointFilters(
            district=filters.district or "",
            kind=filters.kind,
            q=filters.q or "",
            step_free=filters.step_free,
        ),
    ).select_related("office")
    return paged(points, filters)


@router.get("/service-points/{slug}", response={200: ServicePointDetail, 404: Problem})
def service_point_detail(request: HttpRequest, slug: PointSlug) -> ServicePoint:
    """A published service point with its hours and the services reachable there."""
    point = (
        ServicePoint.objects.published()
        .select_related("office")
        .prefetch_related("opening_hours")
        .filter(slug=slug)
        .first()
    )
    if point is None:
        # A draft does not exist for the API: the same answer as for a slug never used.
        raise HttpError(404, f"There is no published service point '{slug}'.")
    return point
