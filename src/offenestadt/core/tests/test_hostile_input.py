"""Nothing from outside ends in a 500: unreadable text, huge numbers and broken queries get
a refusal that says what is wrong, in the shape the address promises."""

import json
from typing import Any

import pytest
from django.test import Client

BIG = "9223372036854775808"  # 2**63: one more than a database's largest integer
# A search longer than SQLite can run as a LIKE pattern (50,000 bytes).
LONG = "a" * 60_000

# (address, status, shape): "problem" is the API's {"detail": ...}, "ckan" CKAN's envelope,
# "page" an HTML page, "text" DCAT's plain text; "named" is what the message must name.
GETS: list[tuple[str, int, str, str]] = [
    # NUL characters in filters, identifiers and addresses
    ("/api/v1/contracts?q=%00", 400, "problem", "q"),
    ("/api/v1/projects?q=%00", 400, "problem", "q"),
    ("/api/v1/projects?office=%00", 400, "problem", "office"),
    ("/api/v1/votes?procedure=%00", 400, "problem", "procedure"),
    ("/api/v1/contracts?project=a%00b", 400, "problem", "project"),
    ("/api/v1/projects/%00", 400, "problem", ""),
    ("/api/v1/projects/%00/findings", 400, "problem", ""),
    ("/api/v1/procedures/%00", 400, "problem", ""),
    ("/api/v1/contracts?%00=1", 400, "problem", ""),
    ("/api/ocds/release-package.json?q=%00", 400, "problem", "q"),
    ("/projekte/?q=%00", 400, "page", "q"),
    ("/en/projekte/?q=%00", 400, "page", "q"),
    ("/daten/?q=%00", 400, "page", "q"),
    ("/daten/?tags=%00", 400, "page", "tags"),
    ("/verarbeitungen/?projekt=%00", 400, "page", "projekt"),
    ("/vertraege/?q=%00", 400, "page", "q"),
    ("/vertraege/?projekt=%00", 400, "page", "projekt"),
    ("/abstimmungen/?verfahren=%00", 400, "page", "verfahren"),
    ("/beteiligung/?seite=%00", 400, "page", "seite"),
    ("/audit/?seite=%00", 400, "page", "seite"),
    ("/audit/entries.json?after=%00", 400, "page", "after"),
    ("/audit/feed.atom?x=%00", 400, "page", "x"),
    ("/rohdaten/?datensatz=%00", 400, "page", "datensatz"),
    ("/konto/anmelden/?next=%00", 400, "page", "next"),
    ("/catalog.ttl?modified_since=%00", 400, "text", "modified_since"),
    ("/catalog?page=%00", 400, "text", "page"),
    ("/api/3/action/package_show?id=%00", 409, "ckan", "id"),
    ("/api/3/action/package_search?q=%00", 409, "ckan", "q"),
    ("/api/action/organization_show?id=%00", 409, "ckan", "id"),
    ("/api/3/action/%00", 409, "ckan", ""),
    # whole numbers beyond what a database counts to
    (f"/api/v1/votes?offset={BIG}", 422, "problem", "offset"),
    (f"/api/v1/projects?offset={BIG}", 422, "problem", "offset"),
    (f"/api/v1/contracts?offset={BIG}", 422, "problem", "offset"),
    (f"/api/v1/procedures?offset={BIG}", 422, "problem", "offset"),
    (f"/api/v1/procedures?limit={BIG}", 422, "problem", "limit"),
    (f"/api/v1/contracts?vendor={BIG}", 422, "problem", "vendor"),
    (f"/api/v1/votes/{BIG}", 404, "problem", ""),
    (f"/api/v1/charter/versions/{BIG}", 404, "problem", ""),
    (f"/daten/?seite={BIG}", 200, "empty", ""),
    (f"/projekte/?seite={BIG}", 200, "empty", ""),
    (f"/vertraege/?seite={BIG}&auftragnehmer={BIG}", 200, "empty", ""),
    ("/vertraege/?auftragnehmer=%C2%B2", 200, "empty", ""),
    (f"/audit/entries.json?after={BIG}", 200, "empty", ""),
    (f"/charta/vergleich/?von={BIG}&zu=1", 404, "page", ""),
    (f"/catalog.ttl?page={BIG}", 400, "text", "page"),
    (f"/api/3/action/package_search?start={BIG}", 409, "ckan", "start"),
    (f"/api/3/action/package_search?rows={BIG}", 409, "ckan", "rows"),
    (f"/api/3/action/package_list?offset={BIG}", 409, "ckan", "offset"),
    (f"/api/3/action/current_package_list_with_resources?page={BIG}", 409, "ckan", "page"),
    (f"/api/3/action/organization_list?limit={BIG}", 409, "ckan", "limit"),
    ("/api/3/action/package_search?facet.limit=1e400", 409, "ckan", "facet.limit"),
    # amounts that are not amounts
    ("/vertraege/?wert_ab=NaN", 200, "page", "Wert ab"),
    ("/vertraege/?wert_bis=Infinity", 200, "page", "Wert bis"),
    ("/vertraege/?wert_ab=1e400", 200, "page", "Wert ab"),
    ("/api/v1/contracts?min_value=NaN", 422, "problem", "min_value"),
    ("/api/v1/contracts?max_value=-Infinity", 422, "problem", "max_value"),
    # search queries that end early or nest without end
    ("/api/3/action/package_search?q=title:", 409, "ckan", "early"),
    ("/api/3/action/package_search?fq=tags:", 409, "ckan", "early"),
    ("/api/3/action/package_search?fq=" + "(" * 60 + "tags:a", 409, "ckan", "deep"),
    ("/api/3/action/package_search?fq=" + "-" * 60 + "tags:a", 409, "ckan", "deep"),
    ("/api/3/action/package_search?fq=" + "tags:a%20OR%20" * 150 + "tags:a", 409, "ckan", "many"),
    ("/api/3/action/package_search?q=" + "wort%20" * 2000, 200, "ckan", ""),
    ("/daten/?q=" + "wort%20" * 2000, 200, "empty", ""),
    ('/api/3/action/package_search?fq=tags:"a', 409, "ckan", ""),
    # search text longer than any search needs (SQLite: "LIKE pattern too complex")
    (f"/daten/?q={LONG}", 400, "page", "q"),
    (f"/projekte/?q={LONG}", 400, "page", "q"),
    (f"/vertraege/?q={LONG}", 400, "page", "q"),
    (f"/verarbeitungen/?projekt={LONG}", 400, "page", "projekt"),
    (f"/api/v1/contracts?q={LONG}", 400, "problem", "q"),
    (f"/api/v1/projects?q={LONG}", 400, "problem", "q"),
    (f"/api/3/action/package_search?q={LONG}", 409, "ckan", "q"),
    # addresses the URL patterns do not know
    ("/api/v1/charter/versions/null,null", 404, "problem", ""),
    ("/api/v1/nowhere", 404, "problem", ""),
]

POSTS: list[tuple[str, str, str, int, str, str]] = [
    # (address, content type, body, status, shape, named)
    (
        "/api/v1/votes/1/ballots",
        "application/json",
        '{"code": "\\u0000", "choices": []}',
        400,
        "problem",
        "",
    ),
    (
        "/api/v1/votes/1/ballots",
        "application/json",
        '{"code": "A", "choices": [1e400]}',
        422,
        "problem",
        "choices",
    ),
    ("/api/v1/votes/1/ballots", "application/json", "{not json", 400, "problem", ""),
    ("/api/3/action/package_list", "application/json", '{"limit": 1e400}', 409, "ckan", "limit"),
    ("/api/3/action/package_search", "application/json", f'{{"q": "{LONG}"}}', 409, "ckan", ""),
    ("/api/3/action/package_list", "application/json", '{"offset": NaN}', 409, "ckan", "offset"),
    ("/api/3/action/package_show", "application/json", '{"id": "\\u0000"}', 409, "ckan", ""),
    ("/api/3/action/package_show", "application/json", '{"id": "\\udc80"}', 409, "ckan", ""),
    (
        "/api/3/action/package_show",
        "application/x-www-form-urlencoded",
        "id=%00",
        409,
        "ckan",
        "id",
    ),
    (
        "/konto/anmelden/",
        "application/x-www-form-urlencoded",
        "username=%00&password=x",
        400,
        "page",
        "username",
    ),
]


def assert_refusal(response: Any, status: int, shape: str, named: str) -> None:
    assert response.status_code == status, response.content[:500]
    content_type = response["Content-Type"]
    if shape == "problem":
        assert content_type.startswith("application/json")
        body = response.json()
        assert isinstance(body["detail"], str) and body["detail"]
        assert named in json.dumps(body, ensure_ascii=False)
    elif shape == "ckan":
        assert content_type.startswith("application/json")
        body = response.json()
        if status == 200:
            assert body["success"] is True
            return
        assert body["success"] is False
        assert body["error"]["__type"] in ("Validation Error", "Search Error")
        text = json.dumps(body["error"], ensure_ascii=False)
        named_in_message = {"early": "ends too early", "deep": "too deeply", "many": "Too many"}
        assert named_in_message.get(named, named) in text
    elif shape == "page":
        assert content_type.startswith("text/html")
        assert named in response.content.decode()
    elif shape == "text":
        assert content_type.startswith("text/plain")
        assert named in response.content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize(("address", "status", "shape", "named"), GETS)
def test_hostile_query_gets_a_clear_refusal_not_a_server_error(
    address: str, status: int, shape: str, named: str
) -> None:
    client = Client(raise_request_exception=False)
    response = client.get(address)
    assert_refusal(response, status, shape, named)


@pytest.mark.django_db
@pytest.mark.parametrize(("address", "content_type", "body", "status", "shape", "named"), POSTS)
def test_hostile_body_gets_a_clear_refusal_not_a_server_error(
    address: str, content_type: str, body: str, status: int, shape: str, named: str
) -> None:
    client = Client(raise_request_exception=False)
    response = client.post(address, data=body, content_type=content_type)
    assert_refusal(response, status, shape, named)


# Every public list, export and feed with the parameters it reads (and one it does not).
PAGES: dict[str, list[str]] = {
    "/projekte/": ["status", "amt", "prinzip", "befund", "q", "seite"],
    "/projekte/uebersicht/": ["x"],
    "/vertraege/": ["q", "status", "auftragnehmer", "projekt", "land", "wert_ab", "wert_bis"],
    "/vertraege/vertraege.csv": ["auftragnehmer", "wert_ab"],
    "/verarbeitungen/": ["projekt", "seite"],
    "/verarbeitungen/verzeichnis.json": ["x"],
    "/daten/": ["q", "sort", "seite", "organization", "groups", "tags", "license_id"],
    "/daten/feed.atom": ["x"],
    "/beteiligung/": ["seite"],
    "/beteiligung/beitraege.json": ["x"],
    "/abstimmungen/": ["verfahren"],
    "/audit/": ["seite", "vor", "nach"],
    "/audit/checkpoints": ["format"],
    "/audit/entries.json": ["after"],
    "/charta/vergleich/": ["von", "zu"],
    "/catalog.ttl": ["page", "modified_since", "profile"],
    "/api/ocds/release-package.json": ["x"],
}
VALUES = [BIG, f"-{BIG}", "NaN", "1e400", "-Infinity", "\N{SUPERSCRIPT TWO}", "x" * 3000, "1.5"]


@pytest.mark.django_db
def test_no_value_of_any_public_filter_ends_in_a_server_error() -> None:
    client = Client(raise_request_exception=False)
    failures = []
    for page, parameters in PAGES.items():
        for parameter in parameters:
            for value in VALUES:
                response = client.get(page, {parameter: value, "von": "1"})
                if response.status_code >= 500:
                    failures.append(f"{page}?{parameter}={value[:20]}: {response.status_code}")
    assert failures == []


@pytest.mark.django_db
def test_every_api_operation_documents_the_refusals_it_can_answer() -> None:
    document = Client().get("/api/v1/openapi.json").json()
    for path, operations in document["paths"].items():
        for method, operation in operations.items():
            documented = operation["responses"]
            where = f"{method.upper()} {path}"
            assert documented["400"]["content"]["application/json"], where
            if operation.get("parameters") or "requestBody" in operation:
                assert "422" in documented, where
            if "{" in path:
                assert "404" in documented, where


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("path", "title"),
    [("/gibt-es-nicht/", "Seite nicht gefunden"), ("/en/gibt-es-nicht/", "Page not found")],
)
def test_an_address_that_leads_nowhere_gets_the_sites_page_in_the_visitors_language(
    path: str, title: str
) -> None:
    response = Client().get(path)
    assert response.status_code == 404
    page = response.content.decode()
    assert f"<h1>{title}</h1>" in page
    assert "/static/offenestadt/site.css" in page  # the site's frame, not Django's bare page
