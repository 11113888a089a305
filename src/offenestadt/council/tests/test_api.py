"""The council's imported records in the REST API: what the information system publishes,
without deleted records or contact data, filtered and as the OpenAPI document promises."""

import pytest
from django.test import Client

from offenestadt.core.tests.openapi import assert_matches_openapi
from offenestadt.council.models import Meeting, Organization, Paper
from offenestadt.council.tests.records import Council, oparl_id, small_council


@pytest.fixture
def council(db: None) -> Council:
    return small_council()


def test_meetings_are_listed_by_start_without_deleted_ones(
    client: Client, council: Council
) -> None:
    response = client.get("/api/v1/council/meetings")
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 2
    assert [m["name"] for m in body["items"]] == ["Sitzung 1", "Sitzung 2"]
    assert body["items"][0]["oparl_id"] == oparl_id("meeting", 1)
    assert [o["name"] for o in body["items"][0]["organizations"]] == ["Rat"]
    assert body["items"][0]["location"]["description"] == "Ratssaal"
    assert_matches_openapi(client, "/api/v1/council/meetings", response)


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("?from=2026-03-06", ["Sitzung 2"]),
        ("?to=2026-03-05", ["Sitzung 1"]),
        ("?from=2026-03-05&to=2026-03-19", ["Sitzung 1", "Sitzung 2"]),
        ("?from=2026-03-20", []),
        ("?limit=1&offset=1", ["Sitzung 2"]),
    ],
)
def test_meetings_are_filtered_by_day(
    client: Client, council: Council, query: str, expected: list[str]
) -> None:
    response = client.get(f"/api/v1/council/meetings{query}")
    assert [m["name"] for m in response.json()["items"]] == expected


def test_meetings_are_filtered_by_body(client: Client, council: Council) -> None:
    committee = council["committee"]
    response = client.get(f"/api/v1/council/meetings?organization={committee.pk}")
    assert [m["name"] for m in response.json()["items"]] == ["Sitzung 2"]
    deleted = Organization.objects.get(deleted=True)
    response = client.get(f"/api/v1/council/meetings?organization={deleted.pk}")
    assert response.status_code == 422
    assert "organization" in response.json()["detail"]


@pytest.mark.parametrize(
    "query",
    [
        "from=2026-02-30",
        "from=gestern",
        "to=99999-01-01",
        "from=2026-03-20&to=2026-03-01",
        "organization=99999999999999999999999",
        "organization=-1",
        "offset=99999999999999999999",
        "limit=0",
    ],
)
def test_bad_meeting_filters_are_refused(client: Client, council: Council, query: str) -> None:
    response = client.get(f"/api/v1/council/meetings?{query}")
    assert response.status_code == 422
    assert_matches_openapi(client, "/api/v1/council/meetings", response)


@pytest.mark.parametrize(
    ("path", "status"),
    [
        ("/api/v1/council/meetings?from=2026-03-01%00", 400),
        ("/api/v1/council/papers?q=Sensor%00", 400),
        (f"/api/v1/council/papers?q={'ä' * 10_001}", 400),
        ("/api/v1/council/meetings/99999999999999999999999", 404),
        ("/api/v1/council/papers/-1", 404),
        ("/api/v1/council/papers/%00", 400),
    ],
)
def test_hostile_values_are_refused_not_a_server_error(
    client: Client, council: Council, path: str, status: int
) -> None:
    response = client.get(path)
    assert response.status_code == status
    assert response.json()["detail"]


def test_a_meeting_has_its_agenda_with_the_papers_on_it(client: Client, council: Council) -> None:
    response = client.get(f"/api/v1/council/meetings/{council['march'].pk}")
    assert response.status_code == 200
    [item] = response.json()["agenda"]
    assert (item["number"], item["oparl_id"]) == ("Ö 3", oparl_id("item", 1))
    assert [p["reference"] for p in item["papers"]] == ["V/2026/017"]
    assert_matches_openapi(client, "/api/v1/council/meetings/{meeting_id}", response)


def test_deleted_and_unknown_meetings_are_not_found(client: Client, council: Council) -> None:
    deleted = Meeting.objects.get(deleted=True)
    for pk in (deleted.pk, 999999):
        response = client.get(f"/api/v1/council/meetings/{pk}")
        assert response.status_code == 404
        assert_matches_openapi(client, "/api/v1/council/meetings/{meeting_id}", response)


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("", ["V/2026/017", "V/2026/018"]),
        ("?q=sensoren", ["V/2026/017"]),
        ("?q=2026/018", ["V/2026/018"]),
        ("?q=Zurückgezogen", []),
    ],
)
def test_papers_are_searched_by_reference_and_title(
    client: Client, council: Council, query: str, expected: list[str]
) -> None:
    response = client.get(f"/api/v1/council/papers{query}")
    assert [p["reference"] for p in response.json()["items"]] == expected
    assert_matches_openapi(client, "/api/v1/council/papers", response)


def test_a_paper_has_its_consultations_and_files(client: Client, council: Council) -> None:
    response = client.get(f"/api/v1/council/papers/{council['sensors'].pk}")
    assert response.status_code == 200
    body = response.json()
    [consultation] = body["consultations"]
    assert consultation["meeting"]["oparl_id"] == oparl_id("meeting", 1)
    assert consultation["agenda_item"]["number"] == "Ö 3"
    assert consultation["authoritative"] is True
    assert [f["access_url"] for f in body["files"]] == ["https://ris.example.org/files/1.pdf"]
    assert_matches_openapi(client, "/api/v1/council/papers/{paper_id}", response)
    deleted = Paper.objects.get(deleted=True)
    assert client.get(f"/api/v1/council/papers/{deleted.pk}").status_code == 404


def test_bodies_list_their_members_by_name_and_role_only(client: Client, council: Council) -> None:
    response = client.get("/api/v1/council/organizations")
    assert response.status_code == 200
    bodies = {o["name"]: o for o in response.json()}
    assert set(bodies) == {"Rat", "Ausschuss für Digitales"}
    assert bodies["Rat"]["members"] == [
        {"name": "Erika Muster", "role": "Vorsitz", "start_date": None, "end_date": None}
    ]
    assert_matches_openapi(client, "/api/v1/council/organizations", response)


def test_the_openapi_document_names_no_contact_field_of_a_person(client: Client) -> None:
    document = client.get("/api/v1/openapi.json").json()
    member = document["components"]["schemas"]["MemberOut"]["properties"]
    assert set(member) == {"name", "role", "start_date", "end_date"}
