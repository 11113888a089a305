"""The charter in the public API, and the API's OpenAPI document as a whole."""

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone
from openapi_spec_validator import validate
from openapi_spec_validator.validation.exceptions import OpenAPIValidationError

from offenestadt.charter.models import CharterVersion
from offenestadt.charter.services import charter_amend
from offenestadt.core.tests.openapi import assert_matches_openapi

pytestmark = pytest.mark.django_db

API_PATHS = [
    "/api/v1/projects",
    "/api/v1/projects/{slug}",
    "/api/v1/projects/{slug}/findings",
    "/api/v1/projects/{slug}/evaluations",
    "/api/v1/service-points",
    "/api/v1/service-points/{slug}",
    "/api/v1/charter",
    "/api/v1/charter/checks",
    "/api/v1/charter/versions",
    "/api/v1/charter/versions/{number}",
    "/api/v1/contracts",
    "/api/v1/contracts/{contract_id}",
    "/api/v1/vendors",
    "/api/v1/vendors/{vendor_id}",
    "/api/v1/procedures",
    "/api/v1/procedures/{slug}",
    "/api/v1/votes",
    "/api/v1/votes/{vote_id}",
    "/api/v1/votes/{vote_id}/ballots",
    "/api/v1/votes/{vote_id}/results",
    "/api/v1/council/meetings",
    "/api/v1/council/meetings/{meeting_id}",
    "/api/v1/council/papers",
    "/api/v1/council/papers/{paper_id}",
    "/api/v1/council/organizations",
    "/api/v1/infrastructure",
    "/api/v1/infrastructure/{asset_id}",
]
# The only operation that writes: the ballot box, authorised by a one-time voting code.
WRITING = {("/api/v1/votes/{vote_id}/ballots", "post")}


# --- the charter ---------------------------------------------------------------------


def test_the_charter_in_force_with_principles_and_parameters(
    client: Client, charter: CharterVersion
) -> None:
    response = client.get("/api/v1/charter")

    assert response.status_code == 200
    body = response.json()
    # The demo's amendment of 2024 is in force, with its changed parameter.
    assert (body["number"], body["adopted_on"]) == (2, "2024-06-20")
    assert body["city"] == "Musterstadt"
    assert body["html_url"] == "http://testserver/charta/version/2/"
    assert [p["id"] for p in body["principles"]] == ["P1", "P2", "P3", "P4", "P5", "P6", "P7"]
    first = body["principles"][0]
    assert first["title"] == {"de": "Datensparsamkeit", "en": "Data minimisation"}
    assert isinstance(first["gate"], bool)
    assert set(first) == {"id", "gate", "title", "description", "plain", "checks", "parameters"}
    assert "processing-minimised" in first["checks"]
    assert first["parameters"]["max_retention_months_without_justification"] == 12
    parameters = {p["key"]: p for p in body["parameters"]}
    assert parameters["contract_min_public_days"]["value"] == 28
    assert parameters["contract_min_public_days"]["unit"] == "Tage"
    # A procedure's parameter: no check reads it, so no principle sets it.
    assert parameters["contract_min_public_days"]["principle"] is None
    # Yes/no parameters stay booleans, not numbers.
    assert parameters["free_training_required"]["value"] is True
    assert_matches_openapi(client, "/api/v1/charter", response)


def test_the_catalogue_of_checks(client: Client) -> None:
    response = client.get("/api/v1/charter/checks")

    assert response.status_code == 200
    checks = {check["id"]: check for check in response.json()}
    assert len(checks) == 28
    assert checks["free-training"] == {
        "id": "free-training",
        "records": ["registry.project"],
        "parameters": [
            {
                "key": "free_training_required",
                "name": {
                    "de": "Kostenlose Schulung für jedes Projekt",
                    "en": checks["free-training"]["parameters"][0]["name"]["en"],
                },
                "type": "boolean",
                "unit": "",
                "default": False,
            }
        ],
        "gates": True,
        "description": checks["free-training"]["description"],
    }
    assert checks["free-training"]["description"]["de"].startswith("Zum Projekt gibt es")
    assert checks["free-training"]["description"]["en"].startswith("The project")
    assert checks["reviewed-by-dpo"]["gates"] is False
    retention = checks["retention-within-charter"]["parameters"][0]
    assert (retention["unit"], retention["default"]) == ("months", None)
    assert_matches_openapi(client, "/api/v1/charter/checks", response)


def test_a_version_adopted_for_later_is_listed_but_not_in_force(
    client: Client, charter: CharterVersion
) -> None:
    charter_amend(
        base=CharterVersion.objects.get(number=2),
        actor=None,
        adopted_on=timezone.localdate() + timedelta(days=30),
        council_decision="Ratsbeschluss für später",
        parameters={"contract_min_public_days": 42},
    )
    assert client.get("/api/v1/charter").json()["number"] == 2
    versions = client.get("/api/v1/charter/versions").json()
    assert versions["in_force"] == 2
    assert [v["number"] for v in versions["items"]] == [3, 2, 1]


def test_the_versions_newest_first(client: Client, charter: CharterVersion) -> None:
    response = client.get("/api/v1/charter/versions")

    assert response.status_code == 200
    body = response.json()
    assert body["in_force"] == 2
    assert [v["number"] for v in body["items"]] == [2, 1]
    assert body["items"][1] == {
        "number": 1,
        "title": "Smart-City-Charta der Stadt Musterstadt (Demo)",
        "city": "Musterstadt",
        "adopted_on": "2021-03-25",
        "council_decision": "Ratsbeschluss zur Vorlage 2021/0691 (Demo), 5. Sitzung des Rates",
        "html_url": "http://testserver/charta/version/1/",
    }
    assert_matches_openapi(client, "/api/v1/charter/versions", response)


def test_one_version_as_adopted(client: Client, charter: CharterVersion) -> None:
    response = client.get("/api/v1/charter/versions/1")

    assert response.status_code == 200
    body = response.json()
    assert (body["number"], body["adopted_on"]) == (1, "2021-03-25")
    parameters = {p["key"]: p["value"] for p in body["parameters"]}
    assert parameters["contract_min_public_days"] == 14
    assert_matches_openapi(client, "/api/v1/charter/versions/{number}", response)


def test_an_unknown_version_is_not_found(client: Client, charter: CharterVersion) -> None:
    response = client.get("/api/v1/charter/versions/99")
    assert response.status_code == 404
    assert response.json() == {"detail": "There is no charter version 99."}
    assert_matches_openapi(client, "/api/v1/charter/versions/{number}", response)


def test_without_a_charter_none_is_in_force(client: Client) -> None:
    response = client.get("/api/v1/charter")
    assert response.status_code == 404
    assert response.json() == {"detail": "No charter version is in force yet."}
    assert client.get("/api/v1/charter/versions").json() == {"in_force": None, "items": []}
    assert_matches_openapi(client, "/api/v1/charter", response)


def test_a_charter_adopted_only_for_later_is_not_in_force(client: Client) -> None:
    CharterVersion.objects.create(
        number=1,
        title="Charta",
        city="Musterstadt",
        adopted_on=timezone.localdate() + timedelta(days=1),
        council_decision="Beschluss",
        content={"principles": [], "parameters": []},
    )
    assert client.get("/api/v1/charter").status_code == 404
    assert client.get("/api/v1/charter/versions").json()["in_force"] is None


# --- the OpenAPI document ------------------------------------------------------------


def test_the_openapi_document_is_valid_and_names_every_endpoint(client: Client) -> None:
    response = client.get("/api/v1/openapi.json")

    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/json")
    document = response.json()
    try:
        validate(document)
    except OpenAPIValidationError as error:  # pragma: no cover - shows the error in full
        pytest.fail(f"invalid OpenAPI document: {error}")
    assert sorted(document["paths"]) == sorted(API_PATHS)
    operations = [operation for item in document["paths"].values() for operation in item.values()]
    # Read-only but for the ballot box: every other operation is a GET.
    methods = {(path, method) for path, item in document["paths"].items() for method in item}
    assert (
        methods == {(path, "get") for path in API_PATHS if (path, "post") not in WRITING} | WRITING
    )
    assert all(operation["operationId"] for operation in operations)


def test_the_api_loads_nothing_from_third_parties(client: Client) -> None:
    # The interactive docs would load Swagger UI from a CDN; there are none.
    assert client.get("/api/v1/docs").status_code == 404
    response = client.get("/api/v1/openapi.json")
    assert "cdn" not in response.content.decode().lower()
    assert "Content-Security-Policy" in response


def test_the_api_has_no_language_prefix(client: Client, charter: CharterVersion) -> None:
    assert client.get("/en/api/v1/charter").status_code == 404
    assert client.get("/api/v1/charter").status_code == 200
