"""Editors close a service point from a day on (it leaves the public list, keeps its page and
history) or delete one entered by mistake, which is refused in German while access channels
lead there. Both ask first and go through the audit trail."""

from collections.abc import Callable
from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.utils import timezone

from offenestadt.accounts.models import Office, User
from offenestadt.audit.models import AuditEntry, AuditEvent
from offenestadt.registry import services as registry_services
from offenestadt.registry.channels import Channel
from offenestadt.registry.models import AccessChannel, Phase
from offenestadt.registry.servicepoints import services
from offenestadt.registry.servicepoints.models import OpeningHours, ServicePoint
from offenestadt.registry.servicepoints.tests.factories import saved_point
from offenestadt.registry.tests.factories import ProjectFactory, saved_service

ClientFor = Callable[[User | None], Client]


def _named_by_a_channel(editor: User, office: Office, point: ServicePoint) -> AccessChannel:
    service = saved_service(ProjectFactory.create(office=office), editor)
    channel = AccessChannel(
        service=service, phase=Phase.BEFORE, kind=Channel.IN_PERSON, service_point=point
    )
    registry_services.project_part_save(actor=editor, part=channel)
    return channel


@pytest.mark.parametrize(
    ("role", "allowed"),
    [
        ("anonymous", False),
        ("resident", False),
        ("council", False),
        ("other_editor", False),
        ("editor", True),
        ("admin", True),
    ],
)
def test_who_may_close_and_delete(
    role: str,
    allowed: bool,
    people: dict[str, User | None],
    editor: User,
    office: Office,
    client_for: ClientFor,
) -> None:
    point = saved_point(editor, office)
    client = client_for(people[role])
    for path in ("schliessen", "loeschen"):
        status = client.get(f"/servicestellen/{point.slug}/{path}/").status_code
        assert (status == 200) is allowed, (path, status)
    user = people[role]
    if user is not None and not allowed:
        with pytest.raises(PermissionDenied):
            services.service_point_close(actor=user, point=point, closed_on=timezone.localdate())
        with pytest.raises(PermissionDenied):
            services.service_point_delete(actor=user, point=point)


def test_closing_asks_first_then_leaves_the_public_list_keeping_page_and_history(
    editor: User, office: Office, client_for: ClientFor
) -> None:
    point = saved_point(editor, office)
    _named_by_a_channel(editor, office, point)
    staff, anonymous = client_for(editor), client_for(None)
    today = timezone.localdate().isoformat()
    path = f"/servicestellen/{point.slug}/schliessen/"

    asked = staff.post(path, {"closed_on": today}).content.decode()
    assert "Ja, schließen" in asked
    assert "1 Projekt" in asked or "Ein Projekt nennt sie" in asked
    point.refresh_from_db()
    assert point.closed_on is None

    response = staff.post(path, {"closed_on": today, "bestaetigt": "1"})
    assert response.status_code == 302
    point.refresh_from_db()
    assert point.closed_on == timezone.localdate()
    assert AuditEntry.objects.for_record(point).filter(event=AuditEvent.WITHDRAWN).exists()

    assert point.name not in anonymous.get("/servicestellen/").content.decode()
    page = anonymous.get(f"/servicestellen/{point.slug}/").content.decode()
    assert "Geschlossen seit" in page
    assert "Die Servicestelle ist geschlossen." in page
    # Staff still find it in the list, marked.
    assert "Geschlossen seit" in staff.get("/servicestellen/").content.decode()


def test_closing_from_a_day_to_come_keeps_the_point_listed_until_then(
    editor: User, office: Office, client_for: ClientFor
) -> None:
    point = saved_point(editor, office)
    services.service_point_close(
        actor=editor, point=point, closed_on=timezone.localdate() + timedelta(days=14)
    )
    anonymous = client_for(None)
    assert "Schließt am" in anonymous.get("/servicestellen/").content.decode()
    assert point.hours_in_force() is not None


def test_a_closed_point_leaves_the_district_filter_and_is_marked_where_channels_name_it(
    editor: User, office: Office, client_for: ClientFor
) -> None:
    saved_point(editor, office, "Bürgerbüro Nord", district="Nord")
    closing = saved_point(editor, office, "Bürgerbüro Süd", district="Süd")
    services.service_point_close(actor=editor, point=closing, closed_on=timezone.localdate())
    listing = client_for(None).get("/servicestellen/").content.decode()
    assert '<option value="Nord"' in listing
    assert '<option value="Süd"' not in listing
    channel = _named_by_a_channel(editor, office, closing)
    form = client_for(editor).get(
        f"/projekte/{channel.service.project.slug}/dienstleistung/{channel.service.pk}/zugangsweg/neu/"
    )
    assert "Bürgerbüro Süd (Geschlossen seit" in form.content.decode()


@pytest.mark.parametrize("closed_on", ["gestern", "2001-01-01", ""])
def test_closing_in_the_past_or_without_a_day_is_refused_in_german(
    closed_on: str, editor: User, office: Office, client_for: ClientFor
) -> None:
    point = saved_point(editor, office)
    if closed_on == "gestern":
        closed_on = (timezone.localdate() - timedelta(days=1)).isoformat()
    response = client_for(editor).post(
        f"/servicestellen/{point.slug}/schliessen/", {"closed_on": closed_on, "bestaetigt": "1"}
    )
    assert response.status_code == 400
    content = response.content.decode()
    assert "nicht rückwirkend schließen" in content or "Dieses Feld ist zwingend" in content
    point.refresh_from_db()
    assert point.closed_on is None


def test_deleting_is_refused_while_channels_lead_there(
    editor: User, office: Office, client_for: ClientFor
) -> None:
    point = saved_point(editor, office)
    channel = _named_by_a_channel(editor, office, point)
    path = f"/servicestellen/{point.slug}/loeschen/"
    staff = client_for(editor)

    page = staff.get(path)
    assert page.status_code == 200
    assert "Ein Zugangsweg einer Dienstleistung führt noch zu „Bürgerbüro Mitte“" in (
        page.content.decode()
    )
    assert staff.post(path).status_code == 409
    with pytest.raises(ValidationError):
        services.service_point_delete(actor=editor, point=point)
    assert ServicePoint.objects.filter(pk=point.pk).exists()

    registry_services.project_part_delete(actor=editor, part=channel)
    assert staff.post(path).status_code == 302
    assert not ServicePoint.objects.filter(pk=point.pk).exists()
    assert not OpeningHours.objects.filter(service_point_id=point.pk).exists()
    deleted = AuditEntry.objects.filter(
        object_type="registry.servicepoint", object_id=str(point.pk), event=AuditEvent.DELETED
    )
    assert deleted.count() == 1
