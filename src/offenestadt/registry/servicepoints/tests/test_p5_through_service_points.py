"""P5 reads the hours, district and step-free access of the service point an access channel
names; a change of a point's hours evaluates again every project that uses it."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from offenestadt.accounts.models import Office, User
from offenestadt.audit.models import AuditEntry
from offenestadt.charter.engine import Status
from offenestadt.registry import services as registry_services
from offenestadt.registry.channels import Channel
from offenestadt.registry.models import AccessChannel, Phase
from offenestadt.registry.opening_hours import WeeklyHours
from offenestadt.registry.servicepoints import services
from offenestadt.registry.servicepoints.models import OpeningHours
from offenestadt.registry.servicepoints.tests.factories import (
    new_hours,
    p5_finding,
    project_between,
    saved_point,
)
from offenestadt.registry.tests.factories import ProjectFactory, saved_service

pytestmark = pytest.mark.usefixtures("charter")


@pytest.mark.parametrize(
    ("after", "status", "message"),
    [
        (
            {"times": "08:00–12:00"},
            Status.VIOLATED,
            "Öffnungszeiten vor Ort: 40 h/Woche vorher, 20 h/Woche nachher",
        ),
        (
            {"step_free": False},
            Status.VIOLATED,
            "stufenloser Zugang vor Ort: vorher ja, nachher nein",
        ),
        (
            {"district": "Wattenscheid"},
            Status.VIOLATED,
            "Stadtbezirk vor Ort: Mitte vorher, Wattenscheid nachher",
        ),
        ({}, Status.MET, "Kein nicht digitaler Zugangsweg fällt weg"),
        ({"times": "07:00–18:00", "days": range(6)}, Status.MET, "Kein nicht digitaler"),
        ({"step_free": None}, Status.MISSING, "ob stufenlos erreichbar"),
        ({"times": ""}, Status.MISSING, "Öffnungszeiten"),
    ],
    ids=[
        "fewer-hours",
        "steps",
        "other-district",
        "same",
        "more-hours",
        "access-unknown",
        "no-hours",
    ],
)
def test_p5_compares_the_service_points_before_and_after(
    after: dict[str, object], status: Status, message: str, editor: User, office: Office
) -> None:
    before_point = saved_point(editor, office, "Bürgerbüro Alt")
    after_point = saved_point(editor, office, "Bürgerbüro Neu", **after)  # type: ignore[arg-type]
    project = project_between(editor, office, before_point, after_point)
    assert p5_finding(project)[0] == status
    assert message in p5_finding(project)[1]


def test_the_channel_reads_the_point_not_its_own_fields(editor: User, office: Office) -> None:
    point = saved_point(editor, office, district="Mitte", step_free=True)
    channel = AccessChannel(
        service=saved_service(ProjectFactory.create(office=office), editor),
        phase=Phase.BEFORE,
        kind=Channel.IN_PERSON,
        service_point=point,
        place="Altes Rathaus",
        district="Süd",
        step_free=False,
        hours=WeeklyHours.same_on([0], "08:00–09:00").as_json(),
    )
    facts = channel.facts
    assert (facts.place, facts.district, facts.step_free) == ("Rathausplatz 1", "Mitte", True)
    assert channel.weekly_hours.minutes_per_week == 40 * 60


def test_a_channel_with_its_own_facts_compares_with_a_point(editor: User, office: Office) -> None:
    project = ProjectFactory.create(office=office)
    service = saved_service(project, editor)
    point = saved_point(editor, office, district="Wattenscheid")
    registry_services.project_parts_save(
        actor=editor,
        parts=[
            AccessChannel(
                service=service,
                phase=Phase.BEFORE,
                kind=Channel.IN_PERSON,
                place="Rathaus",
                district="Mitte",
                step_free=True,
                hours=WeeklyHours.same_on(range(5), "08:00–16:00").as_json(),
            ),
            AccessChannel(
                service=service, phase=Phase.AFTER, kind=Channel.IN_PERSON, service_point=point
            ),
        ],
    )
    status, message = p5_finding(project)
    assert status == Status.VIOLATED
    assert "Stadtbezirk vor Ort: Mitte vorher, Wattenscheid nachher" in message


def test_shorter_hours_at_a_point_evaluate_every_project_using_it_again(
    editor: User, office: Office
) -> None:
    old = saved_point(editor, office, "Bürgerbüro Alt")
    new = saved_point(editor, office, "Bürgerbüro Neu")
    project = project_between(editor, office, old, new)
    unrelated = project_between(editor, office, old, old)
    assert p5_finding(project)[0] == Status.MET
    evaluations_elsewhere = unrelated.evaluations.count()

    # From today the new office opens mornings only: the project now breaches P5.
    new_hours(editor, new, "08:00–12:00", valid_from=timezone.localdate())

    status, message = p5_finding(project)
    assert status == Status.VIOLATED
    assert "40 h/Woche vorher, 20 h/Woche nachher" in message
    # The project using the point only on both sides stays as it was, evaluated or not.
    assert p5_finding(unrelated)[0] == Status.MET
    assert unrelated.evaluations.count() == evaluations_elsewhere


def test_a_point_moving_to_another_district_evaluates_its_projects_again(
    editor: User, office: Office
) -> None:
    old = saved_point(editor, office, "Bürgerbüro Alt")
    new = saved_point(editor, office, "Bürgerbüro Neu")
    project = project_between(editor, office, old, new)
    new.district = "Wattenscheid"
    services.service_point_save(actor=editor, point=new)
    assert p5_finding(project)[0] == Status.VIOLATED


def test_new_hours_from_a_day_end_the_open_ended_ones_the_day_before(
    editor: User, office: Office
) -> None:
    point = saved_point(editor, office)
    (current,) = point.opening_hours.all()
    start = timezone.localdate() + timedelta(days=30)
    later = new_hours(editor, point, "08:00–12:00", valid_from=start)
    current.refresh_from_db()
    assert current.valid_to == start - timedelta(days=1)
    assert AuditEntry.objects.for_record(current).count() == 2
    # Today the current hours count, from the new day on the new ones.
    assert point.hours_in_force() == current
    assert point.hours_in_force(start) == later


def test_overlapping_hours_are_refused_in_german(editor: User, office: Office) -> None:
    point = saved_point(editor, office)
    (current,) = point.opening_hours.all()
    earlier = OpeningHours(
        service_point=point,
        valid_from=current.valid_from - timedelta(days=10),
        valid_to=current.valid_from + timedelta(days=3),
        hours=[],
    )
    with pytest.raises(ValidationError) as refusal:
        services.opening_hours_save(actor=editor, opening_hours=earlier)
    assert "sind schon Öffnungszeiten eingetragen" in str(refusal.value)
    assert point.opening_hours.count() == 1


def test_without_hours_in_force_the_next_to_come_count(editor: User, office: Office) -> None:
    point = saved_point(editor, office, times="")
    coming = new_hours(
        editor, point, "09:00–10:00", valid_from=timezone.localdate() + timedelta(days=7)
    )
    assert point.hours_in_force() == coming
    assert point.facts(timezone.localdate()).hours.minutes_per_week == 5 * 60


def test_only_editors_of_its_office_change_a_point(
    editor: User, other_editor: User, office: Office
) -> None:
    point = saved_point(editor, office)
    point.name = "Anders"
    with pytest.raises(PermissionDenied):
        services.service_point_save(actor=other_editor, point=point)
