"""Service points as the pages store them: through the services, audited."""

from collections.abc import Iterable
from datetime import date

from django.utils import timezone

from offenestadt.accounts.models import Office, User
from offenestadt.registry.opening_hours import WeeklyHours
from offenestadt.registry.servicepoints import services
from offenestadt.registry.servicepoints.models import (
    OpeningHours,
    ServicePoint,
    ServicePointKind,
)


def saved_point(
    editor: User,
    office: Office,
    name: str = "Bürgerbüro Mitte",
    *,
    district: str = "Mitte",
    step_free: bool | None = True,
    times: str = "08:00–16:00",
    days: Iterable[int] = range(5),
    published: bool = True,
) -> ServicePoint:
    """A citizens' office with the same hours on each of ``days`` since the year began."""
    point = services.service_point_save(
        actor=editor,
        point=ServicePoint(
            office=office,
            name=name,
            kind=ServicePointKind.CITIZENS_OFFICE,
            address="Rathausplatz 1",
            district=district,
            step_free=step_free,
        ),
    )
    if times:
        new_hours(editor, point, times, days, valid_from=timezone.localdate().replace(day=1))
    if published:
        services.service_point_publish(actor=editor, point=point)
    return point


def new_hours(
    editor: User,
    point: ServicePoint,
    times: str,
    days: Iterable[int] = range(5),
    *,
    valid_from: date,
) -> OpeningHours:
    return services.opening_hours_save(
        actor=editor,
        opening_hours=OpeningHours(
            service_point=point,
            valid_from=valid_from,
            hours=WeeklyHours.same_on(days, times).as_json(),
        ),
    )
