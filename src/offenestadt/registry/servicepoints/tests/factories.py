"""Service points as the pages store them: through the services, audited."""

from collections.abc import Iterable
from datetime import date

from django.utils import timezone

from offenestadt.accounts.models import Office, User
from offenestadt.registry import services as registry_services
from offenestadt.registry.channels import Channel
from offenestadt.registry.models import AccessChannel, Phase, Project, Service
from offenestadt.registry.opening_hours import WeeklyHours
from offenestadt.registry.servicepoints import services
from offenestadt.registry.servicepoints.models import (
    OpeningHours,
    ServicePoint,
    ServicePointKind,
)
from offenestadt.registry.tests.factories import ProjectFactory


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


def project_between(
    editor: User,
    office: Office,
    before: ServicePoint,
    after: ServicePoint,
    *,
    changes_on: date | None = None,
) -> Project:
    """A project whose service (changing on ``changes_on``, if given) is reached in person
    at ``before``, and after the project at ``after``."""
    project = ProjectFactory.create(office=office)
    service = Service(project=project, name="Anwohnerparken", changes_on=changes_on)
    registry_services.project_part_save(actor=editor, part=service)
    registry_services.project_parts_save(
        actor=editor,
        parts=[
            AccessChannel(service=service, phase=phase, kind=Channel.IN_PERSON, service_point=point)
            for phase, point in ((Phase.BEFORE, before), (Phase.AFTER, after))
        ],
    )
    return project


def p5_finding(project: Project) -> tuple[str, str]:
    """The P5 finding of the project's current (stored) evaluation: status, German message."""
    evaluation = project.evaluations.get(is_current=True)
    (finding,) = [f for f in evaluation.findings if f["principle"] == "P5"]
    return finding["status"], finding["message"]["de"]
