"""The CKAN Action API: each action but package_search, CKAN's envelope and status codes,
and a full harvest of a live server with the real ckanapi client."""

import hashlib
import json
import subprocess
import sys
import urllib.request
from datetime import UTC
from pathlib import Path
from typing import Any

import pytest
from django.test import Client

from offenestadt.accounts.models import Office, User
from offenestadt.core.demo_loader import load_demo_content
from offenestadt.opendata.catalogue.models import Dataset, Distribution, Licence
from offenestadt.opendata.catalogue.tests.test_search import make_catalogue
from offenestadt.opendata.ckan import actions, serialisers
from offenestadt.opendata.ckan.tests.support import API, HOST, call, post, result


@pytest.fixture(autouse=True)
def media(temporary_storage: Path) -> Path:
    return temporary_storage / "public"


@pytest.fixture
def catalogue(administrator: User, office: Office, other_office: Office) -> dict[str, Dataset]:
    return make_catalogue(administrator, office, other_office)


# --- The envelope and the HTTP layer ---------------------------------------------------------


def test_envelope_on_both_paths_by_get_and_post(catalogue: dict[str, Dataset]) -> None:
    expected = ["baumkataster", "luftqualitaet", "wlan-punkte"]
    for path in ("/api/3/action/", "/api/action/"):
        response = Client().get(path + "package_list")
        assert response.status_code == 200
        assert response["Access-Control-Allow-Origin"] == "*"
        assert response.json() == {
            "help": f"{HOST}/api/3/action/help_show?name=package_list",
            "success": True,
            "result": expected,
        }
        assert post("package_list", {}, path=path) == (200, response.json())


def test_post_needs_no_csrf_token(catalogue: dict[str, Dataset]) -> None:
    client = Client(enforce_csrf_checks=True)
    response = client.post(
        API + "package_show", json.dumps({"id": "baumkataster"}), content_type="application/json"
    )
    assert response.status_code == 200
    form = client.post(API + "package_show", {"id": "baumkataster"})
    assert form.json()["result"]["name"] == "baumkataster"
    # Old clients post the JSON document as the only key of a form.
    legacy = client.post(
        API + "package_show",
        json.dumps({"id": "baumkataster"}) + "=1",
        content_type="application/x-www-form-urlencoded",
    )
    assert legacy.json()["result"]["name"] == "baumkataster"


def test_unknown_action_and_unreadable_requests_are_bad_requests(db: None) -> None:
    assert call("package_create") == (400, "Bad request - Action name not known: package_create")
    response = Client().post(API + "package_show", "{not json", content_type="application/json")
    assert response.status_code == 400
    assert response.json().startswith("Bad request - JSON Error: Error decoding JSON data.")
    status, body = post("package_show", ["baumkataster"])
    assert status == 400
    assert "needs to be a dictionary" in body
    assert Client().put(API + "package_list").status_code == 405
    assert Client().delete(API + "package_list").status_code == 405


def test_not_found_and_validation_errors(catalogue: dict[str, Dataset]) -> None:
    help_url = f"{HOST}/api/3/action/help_show?name=package_show"
    assert call("package_show", id="gibt-es-nicht") == (
        404,
        {
            "help": help_url,
            "success": False,
            "error": {"__type": "Not Found Error", "message": "Not found"},
        },
    )
    assert call("package_show") == (
        409,
        {
            "help": help_url,
            "success": False,
            "error": {"name_or_id": ["Missing value"], "__type": "Validation Error"},
        },
    )
    status, body = call("package_list", limit="viele")
    assert (status, body["error"]) == (
        409,
        {"limit": ["Invalid integer"], "__type": "Validation Error"},
    )
    status, body = call("package_list", offset=-1)
    assert (status, body["error"]["offset"]) == (409, ["Must be a natural number"])


def test_a_failing_action_answers_in_the_envelope(
    db: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(site: serialisers.Site, data: Any) -> None:
        raise RuntimeError("kaputt")

    monkeypatch.setitem(actions.ACTIONS, "status_show", broken)
    assert call("status_show")[0] == 500
    assert call("status_show")[1]["error"] == {
        "__type": "Internal Server Error",
        "message": "Internal Server Error",
    }


def test_answers_are_german_whatever_the_client_asks(catalogue: dict[str, Dataset]) -> None:
    response = Client().get(API + "group_show", {"id": "envi"}, headers={"accept-language": "en"})
    assert response.json()["result"]["title"] == "Umwelt"


# --- Datasets -----------------------------------------------------------------------------


def extras(package: dict[str, Any]) -> dict[str, str]:
    return {extra["key"]: extra["value"] for extra in package["extras"]}


def test_package_show_has_what_harvesters_read(catalogue: dict[str, Dataset]) -> None:
    dataset = Dataset.objects.get(name="luftqualitaet")
    dataset.title_en = "Air quality at measuring stations"
    dataset.description_en = "Hourly readings."
    dataset.spatial_note = "Messstationen im Stadtgebiet"
    dataset.save()
    by_name = result("package_show", id="luftqualitaet")
    by_id = result("package_show", id=str(dataset.identifier))
    assert by_name == by_id
    package = by_name
    page = f"{HOST}/daten/luftqualitaet/"
    assert {key: package[key] for key in ("id", "name", "title", "notes", "url")} == {
        "id": str(dataset.identifier),
        "name": "luftqualitaet",
        "title": "Luftqualität an Messstationen",
        "notes": "Stündliche Messwerte von Stickstoffdioxid und Feinstaub.",
        "url": page,
    }
    assert (package["state"], package["type"], package["private"]) == ("active", "dataset", False)
    office = Office.objects.get(slug="umwelt")
    assert package["organization"]["name"] == "umwelt"
    assert package["organization"]["title"] == "Umweltamt"
    assert package["owner_org"] == package["organization"]["id"]
    assert result("organization_show", id=package["owner_org"])["name"] == office.slug
    assert package["license_id"] == "http://dcat-ap.de/def/licenses/cc-by/4.0"
    assert package["license_url"] == package["license_id"]
    assert package["license_title"] == "Creative Commons Namensnennung 4.0 International"
    assert [tag["name"] for tag in package["tags"]] == ["Luft", "Sensoren"]
    assert package["num_tags"] == 2
    assert [(g["name"], g["title"]) for g in package["groups"]] == [
        ("envi", "Umwelt"),
        ("heal", "Gesundheit"),
    ]
    assert (package["maintainer"], package["maintainer_email"]) == (
        "Umweltamt",
        "amt@example.org",
    )
    assert dataset.modified_at is not None
    modified = dataset.modified_at.astimezone(UTC).replace(tzinfo=None)
    assert package["metadata_modified"] == modified.isoformat()
    assert package["metadata_created"] is not None
    fields = extras(package)
    assert json.loads(fields["contributorID"]) == ["http://dcat-ap.de/def/contributors/openNRW"]
    assert json.loads(fields["politicalGeocodingURI"]) == [
        "http://dcat-ap.de/def/politicalGeocoding/municipalityKey/05911000"
    ]
    assert fields["politicalGeocodingLevelURI"] == (
        "http://dcat-ap.de/def/politicalGeocoding/Level/municipality"
    )
    assert json.loads(fields["geocodingText"]) == ["Messstationen im Stadtgebiet"]
    assert (
        fields["frequency"] == "http://publications.europa.eu/resource/authority/frequency/UNKNOWN"
    )
    assert json.loads(fields["theme"]) == [
        "http://publications.europa.eu/resource/authority/data-theme/ENVI",
        "http://publications.europa.eu/resource/authority/data-theme/HEAL",
    ]
    assert (fields["title_en"], fields["notes_en"]) == (
        "Air quality at measuring stations",
        "Hourly readings.",
    )
    assert (fields["uri"], fields["identifier"]) == (page, str(dataset.identifier))
    assert fields["contact_email"] == "amt@example.org"
    assert "temporal_start" not in fields
    assert [extra["key"] for extra in package["extras"]] == sorted(fields)


def test_resources_carry_download_address_size_and_checksum(
    catalogue: dict[str, Dataset],
) -> None:
    package = result("package_show", id="luftqualitaet")
    assert package["num_resources"] == 2
    upload, link = package["resources"]
    stored = Distribution.objects.get(identifier=upload["id"])
    assert upload == upload | {
        "package_id": package["id"],
        "position": 0,
        "name": "Luftqualität an Messstationen (CSV)",
        "url": f"{HOST}/daten/luftqualitaet/dateien/{stored.identifier}/",
        "url_type": "upload",
        "format": "CSV",
        "mimetype": "text/csv",
        "size": stored.byte_size,
        "hash": f"sha256:{stored.checksum_sha256}",
        "license": Licence.CC_BY.uri,
        "state": "active",
    }
    assert upload["schema"]["fields"]
    assert link["url"] == "https://example.org/luftqualitaet/1.json"
    assert (link["url_type"], link["format"], link["size"]) == (None, "JSON", None)
    assert "download_url" not in link
    assert result("resource_show", id=upload["id"]) == upload


def test_drafts_and_withdrawn_datasets_do_not_exist(catalogue: dict[str, Dataset]) -> None:
    for key in ("draft", "withdrawn"):
        dataset = catalogue[key]
        assert call("package_show", id=dataset.name)[0] == 404
        assert call("package_show", id=str(dataset.identifier))[0] == 404
        resource = dataset.distributions.get()
        assert call("resource_show", id=str(resource.identifier))[0] == 404
        assert dataset.name not in result("package_list")
        assert result("package_search", q=dataset.title)["count"] == 0
        assert result("package_search", fq=f"name:{dataset.name}")["count"] == 0
    assert "Spielplätze" not in json.dumps(result("current_package_list_with_resources"))
    assert result("organization_show", id="umwelt")["package_count"] == 2


def test_resource_show_errors(catalogue: dict[str, Dataset]) -> None:
    assert call("resource_show", id="kein-uuid")[0] == 404
    assert call("resource_show", id="00000000-0000-0000-0000-000000000000")[0] == 404
    status, body = call("resource_show")
    assert (status, body["error"]["id"]) == (409, ["Missing value"])


def test_package_list_pages(catalogue: dict[str, Dataset]) -> None:
    assert result("package_list", limit=2) == ["baumkataster", "luftqualitaet"]
    assert result("package_list", limit=2, offset=2) == ["wlan-punkte"]
    assert result("package_list", offset=1) == ["luftqualitaet", "wlan-punkte"]


def test_current_package_list_with_resources(catalogue: dict[str, Dataset]) -> None:
    packages = result("current_package_list_with_resources")
    assert [p["name"] for p in packages] == ["wlan-punkte", "luftqualitaet", "baumkataster"]
    assert all("resources" in package for package in packages)
    assert [
        p["name"] for p in result("current_package_list_with_resources", limit=1, offset=1)
    ] == ["luftqualitaet"]
    assert [p["name"] for p in result("current_package_list_with_resources", limit=2, page=2)] == [
        "baumkataster"
    ]


# --- Organisations, groups, tags, status --------------------------------------------------


def test_organizations_are_the_publishing_offices(
    catalogue: dict[str, Dataset], administrator: User
) -> None:
    Office.objects.create(slug="ohne-daten", name="Amt ohne Daten")
    assert result("organization_list") == ["digitalisierung", "umwelt"]
    full = result("organization_list", all_fields="true", sort="package_count desc")
    assert [(o["name"], o["title"], o["package_count"]) for o in full] == [
        ("umwelt", "Umweltamt", 2),
        ("digitalisierung", "Stabsstelle Digitalisierung", 1),
    ]
    assert full[0]["is_organization"] is True
    assert result("organization_list", sort="name desc") == ["umwelt", "digitalisierung"]
    assert result("organization_list", limit=1, offset=1) == ["umwelt"]
    shown = result("organization_show", id="umwelt", include_datasets="true")
    assert shown["id"] == full[0]["id"]
    assert [p["name"] for p in shown["packages"]] == ["baumkataster", "luftqualitaet"]
    assert "packages" not in result("organization_show", id=shown["id"])
    assert call("organization_show", id="ohne-daten")[0] == 404
    assert call("organization_show")[0] == 409


def test_groups_are_the_eu_data_themes(catalogue: dict[str, Dataset]) -> None:
    listed = result("group_list", sort="name asc")
    assert len(listed) == 13
    assert listed[:3] == ["agri", "econ", "educ"]
    full = {g["name"]: g for g in result("group_list", all_fields=True)}
    assert (full["envi"]["title"], full["envi"]["package_count"]) == ("Umwelt", 2)
    assert full["agri"]["package_count"] == 0
    shown = result("group_show", id="envi", include_datasets=True)
    assert [p["name"] for p in shown["packages"]] == ["baumkataster", "luftqualitaet"]
    assert shown["extras"] == [
        {"key": "uri", "value": "http://publications.europa.eu/resource/authority/data-theme/ENVI"}
    ]
    assert result("group_show", id=full["heal"]["id"])["name"] == "heal"
    assert call("group_show", id="xxxx")[0] == 404


def test_group_package_show_lists_a_groups_datasets(catalogue: dict[str, Dataset]) -> None:
    shown = result("group_package_show", id="envi")
    assert sorted(p["name"] for p in shown) == ["baumkataster", "luftqualitaet"]
    # Whole package dicts, as package_show has them, most recently modified first.
    assert shown[0] == result("package_show", id=shown[0]["name"])
    modified = [p["metadata_modified"] for p in shown]
    assert modified == sorted(modified, reverse=True)
    assert len(result("group_package_show", id="ENVI", limit=1)) == 1
    assert result("group_package_show", id="agri") == []
    assert call("group_package_show", id="xxxx")[0] == 404
    assert call("group_package_show", id="envi", limit=-1)[0] == 409
    assert call("group_package_show")[0] == 409


def test_license_list_names_every_licence_packages_use(catalogue: dict[str, Dataset]) -> None:
    licences = result("license_list")
    assert [entry["id"] for entry in licences] == [licence.uri for licence in Licence]
    used = {p["license_id"] for p in result("package_search", rows=1000)["results"]}
    assert used <= {entry["id"] for entry in licences}
    by_licence = {entry["id"]: entry for entry in licences}
    attribution = by_licence[Licence.DL_BY.uri]
    assert attribution["title"] == "Datenlizenz Deutschland – Namensnennung – Version 2.0"
    assert (attribution["od_conformance"], attribution["is_okd_compliant"]) == ("approved", True)
    assert set(attribution) >= {"url", "status", "osd_conformance", "domain_data", "family"}


def test_tag_list(catalogue: dict[str, Dataset]) -> None:
    # "Parks" is a keyword of the catalogue; the draft's and the withdrawn one's count not.
    assert result("tag_list") == ["Bäume", "Luft", "Parks", "Sensoren", "WLAN"]
    assert result("tag_list", query="s") == ["Parks", "Sensoren"]
    assert result("tag_list", query="luft", vocabulary_id="egal") == ["Luft"]
    tags = result("tag_list", all_fields=True)
    assert tags[0] | {"id": ""} == {
        "id": "",
        "name": "Bäume",
        "display_name": "Bäume",
        "vocabulary_id": None,
    }


def test_status_help_and_site_read(db: None) -> None:
    status = result("status_show")
    assert status["site_url"] == HOST
    assert status["locale_default"] == "de"
    assert status["ckan_version"].startswith("2.")
    assert set(status) >= {"site_title", "extensions"}
    assert "datasets" in result("help_show", name="package_list")
    assert call("help_show", name="package_delete")[1]["error"] == {
        "__type": "Not Found Error",
        "message": "Not found: Action function not found",
    }
    assert result("site_read") is True


# --- The harvest: a live server and the real ckanapi client -------------------------------


def test_ckanapi_harvests_the_whole_catalogue(
    live_server: Any, transactional_db: None, tmp_path: Path
) -> None:
    import ckanapi  # type: ignore[import-untyped]

    # The demo catalogue, and more datasets (a draft and a withdrawn one among them).
    load_demo_content()
    make_catalogue(
        User.objects.get(username="admin"),
        Office.objects.get(slug="digitalisierung"),
        Office.objects.get(slug="umwelt"),
    )
    published = {d.name: d for d in Dataset.objects.in_catalogue()}
    hidden = set(Dataset.objects.values_list("name", flat=True)) - set(published)
    assert {"wlan-standorte", "bodenfeuchte-parks", "wlan-punkte"} <= set(published)
    assert {"entwurf-parks", "alte-parks"} <= hidden

    # A session of its own, closed before the server stops (no request left open).
    with ckanapi.RemoteCKAN(live_server.url) as remote:
        names_listed = remote.action.package_list()
        assert names_listed == sorted(published)

        shown = {name: remote.action.package_show(id=name) for name in names_listed}
        paged: list[dict[str, Any]] = []
        while True:
            page = remote.action.package_search(rows=2, start=len(paged), sort="id asc")
            assert page["count"] == len(published)
            if not page["results"]:
                break
            paged += page["results"]
        assert sorted(p["name"] for p in paged) == sorted(published)  # each exactly once
        assert {p["name"]: p for p in paged} == shown

        for name, package in shown.items():
            dataset = published[name]
            assert package["id"] == str(dataset.identifier)
            assert package["title"] == dataset.title
            assert package["organization"]["name"] == dataset.publisher.slug
            assert {t["name"] for t in package["tags"]} == set(
                dataset.keywords.values_list("name", flat=True)
            )
            assert {g["name"] for g in package["groups"]} == {
                t.lower() for t in dataset.themes.values_list("theme", flat=True)
            }
            assert len(package["resources"]) == dataset.distributions.count()
            for resource in package["resources"]:
                distribution = dataset.distributions.get(identifier=resource["id"])
                if not distribution.file:
                    assert resource["url"] == distribution.access_url
                    continue
                with urllib.request.urlopen(resource["url"]) as download:
                    content = download.read()
                assert len(content) == resource["size"] == distribution.byte_size
                assert resource["hash"] == "sha256:" + hashlib.sha256(content).hexdigest()

        organizations = remote.action.organization_list(all_fields=True)
        assert {o["name"] for o in organizations} == {d.publisher.slug for d in published.values()}
        assert sum(o["package_count"] for o in organizations) == len(published)
        groups = remote.action.group_list()
        assert len(groups) == 13
        assert set(remote.action.tag_list()) == {
            k for d in published.values() for k in d.keywords.values_list("name", flat=True)
        }
        with pytest.raises(ckanapi.NotFound):
            remote.action.package_show(id="entwurf-parks")
        with pytest.raises(ckanapi.NotFound):
            remote.action.package_show(id="alte-parks")

    # Clients that may only GET send their parameters in the query string.
    with ckanapi.RemoteCKAN(live_server.url, get_only=True) as reader:
        found = reader.action.package_search(
            fq="organization:umwelt", rows=1000, **{"facet.field": '["tags"]'}
        )
        in_umwelt = {n for n, d in published.items() if d.publisher.slug == "umwelt"}
        assert {p["name"] for p in found["results"]} == in_umwelt
        assert found["facets"]["tags"]["Parks"] >= 1

    dump = tmp_path / "datasets.jsonl"
    command = Path(sys.executable).parent / "ckanapi"
    completed = subprocess.run(
        [str(command), "dump", "datasets", "--all", "-q", "-O", str(dump), "-r", live_server.url],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert completed.returncode == 0, completed.stderr
    dumped = [json.loads(line) for line in dump.read_text().splitlines()]
    assert sorted(p["name"] for p in dumped) == sorted(published)
    assert {p["name"]: p for p in dumped} == shown
