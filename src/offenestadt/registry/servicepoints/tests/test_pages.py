"""The public list and page of each service point, and the staff's forms: drafts stay
internal, bad input gets a German message, the list costs the same queries for many points."""

from collections.abc import Callable

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from offenestadt.accounts.models import Office, User
from offenestadt.audit.models import AuditEntry
from offenestadt.registry import services as registry_services
from offenestadt.registry.channels import Channel
from offenestadt.registry.models import AccessChannel, Phase
from offenestadt.registry.servicepoints.models import ServicePoint
from offenestadt.registry.servicepoints.tests.factories import saved_point
from offenestadt.registry.tests.factories import ProjectFactory, saved_service

ClientFor = Callable[[User | None], Client]

NEW_POINT = {
    "name": "Stadtbücherei Süd",
    "kind": "library",
    "address": "Marktstraße 3",
    "district": "Süd",
    "step_free": "true",
    "accessibility": "Aufzug",
    "phone": "0234 000300",
}
WEEK = {f"hours_{day}": "" for day in ("saturday", "sunday")} | {
    f"hours_{day}": "10:00–18:00" for day in ("monday", "tuesday", "wednesday", "thursday")
}


def test_the_list_and_page_show_published_points_with_hours_and_services(
    editor: User, office: Office, client_for: ClientFor
) -> None:
    point = saved_point(editor, office)
    draft = saved_point(editor, office, "Servicepunkt im Aufbau", published=False)
    public, hidden = (
        ProjectFactory.create(office=office),
        ProjectFactory.create(office=office, draft=True),
    )
    for project, name in ((public, "Meldebescheinigung"), (hidden, "Geheime Planung")):
        service = saved_service(project, editor)
        service.name = name
        registry_services.project_part_save(actor=editor, part=service)
        registry_services.project_part_save(
            actor=editor,
            part=AccessChannel(
                service=service, phase=Phase.BEFORE, kind=Channel.IN_PERSON, service_point=point
            ),
        )
    anonymous = client_for(None)

    listing = anonymous.get("/servicestellen/").content.decode()
    assert point.name in listing
    assert draft.name not in listing
    page = anonymous.get(f"/servicestellen/{point.slug}/")
    assert page.status_code == 200
    text = page.content.decode()
    assert "Montag bis Freitag: 8:00 bis 16:00 Uhr" in text
    assert "zusammen 40 Stunden pro Woche" in text
    assert "Meldebescheinigung" in text
    assert public.get_absolute_url() in text
    assert "Geheime Planung" not in text and hidden.title not in text
    assert anonymous.get(f"/servicestellen/{draft.slug}/").status_code == 404
    assert anonymous.get("/servicestellen/nie-gegeben/").status_code == 404
    # Staff see the draft and the draft project's service.
    staff = client_for(editor)
    assert draft.name in staff.get("/servicestellen/").content.decode()
    assert "Geheime Planung" in staff.get(f"/servicestellen/{point.slug}/").content.decode()


def test_the_list_filters_by_district_kind_and_step_free_access(
    editor: User, office: Office, client_for: ClientFor
) -> None:
    saved_point(editor, office, "Bürgerbüro Mitte", district="Mitte")
    saved_point(editor, office, "Bürgerbüro Ost", district="Ost", step_free=False)
    client = client_for(None)
    ost = client.get("/servicestellen/?bezirk=Ost").content.decode()
    assert "Bürgerbüro Ost" in ost and "Bürgerbüro Mitte" not in ost
    step_free = client.get("/servicestellen/?stufenlos=ja").content.decode()
    assert "Bürgerbüro Mitte" in step_free and "Bürgerbüro Ost" not in step_free
    libraries = client.get("/servicestellen/?art=library").content.decode()
    assert "Keine Servicestellen gefunden." in libraries
    # A kind that does not exist narrows nothing; a NUL character is no request at all.
    assert "Bürgerbüro Ost" in client.get("/servicestellen/?art=palast").content.decode()
    assert client.get("/servicestellen/?bezirk=%00").status_code == 400


def test_the_list_costs_the_same_queries_for_many_points(
    editor: User, office: Office, client_for: ClientFor
) -> None:
    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client_for(None).get("/servicestellen/").status_code == 200
        return len(captured)

    saved_point(editor, office, "Erste")
    few = queries()
    for number in range(5):
        saved_point(editor, office, f"Weitere {number}")
    assert queries() == few


def test_an_editor_registers_a_point_and_its_hours_audited(
    editor: User, office: Office, client_for: ClientFor
) -> None:
    client = client_for(editor)
    assert client.get("/servicestellen/neu/").status_code == 200
    response = client.post("/servicestellen/neu/", NEW_POINT | {"office": str(office.pk)})
    point = ServicePoint.objects.get()
    assert response.status_code == 302 and response["Location"] == point.get_absolute_url()
    assert (point.slug, point.district, point.published_at) == ("stadtbuecherei-sued", "Süd", None)

    response = client.post(
        f"/servicestellen/{point.slug}/zeiten/neu/", WEEK | {"valid_from": "2026-01-01"}
    )
    assert response.status_code == 302
    (hours,) = point.opening_hours.all()
    assert hours.weekly_hours.minutes_per_week == 32 * 60
    assert AuditEntry.objects.for_record(hours).get().changes["hours"][1] == hours.hours

    asked = client.post(f"/servicestellen/{point.slug}/veroeffentlichen/")
    assert asked.status_code == 200 and "veröffentlichen?" in asked.content.decode()
    client.post(f"/servicestellen/{point.slug}/veroeffentlichen/", {"bestaetigt": "1"})
    point.refresh_from_db()
    assert point.published_at is not None
    assert client_for(None).get(point.get_absolute_url()).status_code == 200


def test_form_errors_are_german_and_store_nothing(
    editor: User, office: Office, client_for: ClientFor
) -> None:
    client = client_for(editor)
    response = client.post("/servicestellen/neu/", {"name": "", "kind": "palace"})
    assert response.status_code == 400
    text = response.content.decode()
    assert "Dieses Feld ist zwingend erforderlich." in text
    assert "Bitte eine gültige Auswahl treffen." in text
    assert not ServicePoint.objects.exists()

    point = saved_point(editor, office, times="")
    hours_form = f"/servicestellen/{point.slug}/zeiten/neu/"
    bad = [
        ({"valid_from": "2026-02-01", "valid_to": "2026-01-01"}, "darf nicht vor „Gültig ab“"),
        ({"valid_from": "morgen"}, "Bitte ein gültiges Datum eingeben."),
        ({"valid_from": "2026-01-01", "hours_monday": "acht bis zwölf"}, "ist keine Zeitspanne"),
        ({"valid_from": "2026-01-01", "hours_monday": "08:00–25:00"}, "ist keine Uhrzeit"),
    ]
    for data, message in bad:
        response = client.post(hours_form, WEEK | data)
        assert response.status_code == 400, data
        assert message in response.content.decode(), data
    assert not point.opening_hours.exists()


def test_who_may_open_the_forms(
    editor: User,
    other_editor: User,
    resident: User,
    office: Office,
    client_for: ClientFor,
) -> None:
    point = saved_point(editor, office)
    draft = saved_point(editor, office, "Entwurf", published=False)
    for path in (
        f"/servicestellen/{point.slug}/bearbeiten/",
        f"/servicestellen/{point.slug}/zeiten/neu/",
    ):
        assert client_for(editor).get(path).status_code == 200
        assert client_for(other_editor).get(path).status_code == 403
        assert client_for(resident).get(path).status_code == 403
    assert client_for(resident).get("/servicestellen/neu/").status_code == 403
    assert client_for(None).get(f"/servicestellen/{draft.slug}/bearbeiten/").status_code == 404


def test_an_access_channel_names_a_service_point(
    editor: User, office: Office, client_for: ClientFor
) -> None:
    point = saved_point(editor, office)
    draft = saved_point(editor, office, "Servicepunkt im Aufbau", published=False)
    service = saved_service(ProjectFactory.create(office=office), editor)
    base = f"/projekte/{service.project.slug}/dienstleistung/{service.pk}/zugangsweg/"
    client = client_for(editor)
    form = client.get(f"{base}neu/").content.decode()
    assert 'name="zugang-0-service_point"' in form and point.name in form
    # A public project's page shows the point it names: drafts are not offered.
    assert draft.name not in form
    data = {
        "zugang-TOTAL_FORMS": "1",
        "zugang-INITIAL_FORMS": "0",
        "zugang-MIN_NUM_FORMS": "1",
        "zugang-MAX_NUM_FORMS": "1000",
        "zugang-0-phase": "before",
        "zugang-0-kind": "in_person",
        "zugang-0-service_point": str(point.pk),
    }
    assert client.post(f"{base}neu/", data).status_code == 302
    channel = AccessChannel.objects.get()
    assert channel.service_point == point
    page = client.get(service.project.get_absolute_url()).content.decode()
    assert point.get_absolute_url() in page
    assert "Rathausplatz 1" in page and "Montag bis Freitag: 8:00 bis 16:00 Uhr" in page
