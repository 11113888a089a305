"""Published service points in the API: the list with filters, each point with its hours and
the services reachable there; drafts do not exist for it."""

from collections.abc import Callable

from django.test import Client
from django.utils import timezone

from offenestadt.accounts.models import Office, User
from offenestadt.registry import services as registry_services
from offenestadt.registry.channels import Channel
from offenestadt.registry.models import AccessChannel, Phase
from offenestadt.registry.servicepoints import services
from offenestadt.registry.servicepoints.tests.factories import saved_point
from offenestadt.registry.tests.factories import ProjectFactory, saved_service

ClientFor = Callable[[User | None], Client]


def test_the_list_gives_published_points_filtered_and_paged(
    editor: User, office: Office, client: Client
) -> None:
    saved_point(editor, office, "Bürgerbüro Mitte")
    saved_point(editor, office, "Bürgerbüro Ost", district="Ost", step_free=False)
    saved_point(editor, office, "Entwurf", published=False)

    body = client.get("/api/v1/service-points").json()
    assert body["count"] == 2
    assert [item["name"] for item in body["items"]] == ["Bürgerbüro Mitte", "Bürgerbüro Ost"]
    first = body["items"][0]
    assert first["kind"] == {
        "code": "citizens_office",
        "label": {"de": "Bürgerbüro", "en": "Citizens' office"},
    }
    assert first["hours_in_force"]["hours_per_week"] == 40
    assert first["hours_in_force"]["hours"][0] == {
        "day": "monday",
        "opens": "08:00",
        "closes": "16:00",
    }
    assert first["html_url"].endswith("/servicestellen/buergerbuero-mitte/")

    ost = client.get("/api/v1/service-points?district=Ost").json()
    assert [item["name"] for item in ost["items"]] == ["Bürgerbüro Ost"]
    step_free = client.get("/api/v1/service-points?step_free=true&limit=1").json()
    assert (step_free["count"], step_free["limit"]) == (1, 1)
    assert client.get("/api/v1/service-points?kind=palace").status_code == 422


def test_a_point_with_its_hours_and_the_published_services_there(
    editor: User, office: Office, client: Client
) -> None:
    point = saved_point(editor, office)
    draft = saved_point(editor, office, "Entwurf", published=False)
    public = ProjectFactory.create(office=office, title="Termine online")
    hidden = ProjectFactory.create(office=office, draft=True)
    for project in (public, hidden):
        registry_services.project_part_save(
            actor=editor,
            part=AccessChannel(
                service=saved_service(project, editor),
                phase=Phase.AFTER,
                kind=Channel.IN_PERSON,
                service_point=point,
            ),
        )

    body = client.get(f"/api/v1/service-points/{point.slug}").json()
    assert body["district"] == "Mitte" and body["step_free"] is True
    assert len(body["opening_hours"]) == 1 and body["opening_hours"][0]["valid_to"] is None
    assert body["services"] == [
        {
            "project_slug": public.slug,
            "project_title": "Termine online",
            "service": "Anwohnerparken",
            "channel": "in_person",
            "phase": "after",
        }
    ]
    assert body["closed_on"] is None
    assert client.get(f"/api/v1/service-points/{draft.slug}").status_code == 404
    assert client.get("/api/v1/service-points/nie-gegeben").status_code == 404

    # The project's channel names the point and gives its facts.
    (channel,) = client.get(f"/api/v1/projects/{public.slug}").json()["services"][0]["channels"]
    assert channel["service_point"] == point.slug
    assert (channel["place"], channel["district"], channel["hours_per_week"]) == (
        "Rathausplatz 1",
        "Mitte",
        40,
    )


def test_a_closed_point_leaves_the_list_and_says_since_when(
    editor: User, office: Office, client: Client
) -> None:
    point = saved_point(editor, office)
    services.service_point_close(actor=editor, point=point, closed_on=timezone.localdate())
    assert client.get("/api/v1/service-points").json()["count"] == 0
    body = client.get(f"/api/v1/service-points/{point.slug}").json()
    assert body["closed_on"] == timezone.localdate().isoformat()
    assert body["hours_in_force"] is None
