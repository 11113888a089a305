"""The CKAN Action API's package_search: fq and fielded q, sorting, paging, facets, field
lists and its errors, in a bounded number of queries."""

import json
from datetime import UTC, timedelta
from pathlib import Path
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from offenestadt.accounts.models import Office, User
from offenestadt.opendata.catalogue.models import Dataset
from offenestadt.opendata.catalogue.tests.test_search import make_catalogue
from offenestadt.opendata.ckan.tests.support import API, call, post, result


@pytest.fixture(autouse=True)
def media(temporary_storage: Path) -> Path:
    return temporary_storage / "public"


@pytest.fixture
def catalogue(administrator: User, office: Office, other_office: Office) -> dict[str, Dataset]:
    return make_catalogue(administrator, office, other_office)


# --- package_search -------------------------------------------------------------------------


def names(found: dict[str, Any]) -> list[str]:
    return [package["name"] for package in found["results"]]


@pytest.mark.parametrize(
    ("fq", "expected"),
    [
        ("organization:umwelt", {"baumkataster", "luftqualitaet"}),
        ('tags:"Sensoren"', {"luftqualitaet", "wlan-punkte"}),
        ("groups:heal", {"luftqualitaet"}),
        ("res_format:JSON", {"luftqualitaet", "wlan-punkte"}),
        ('license_id:"http://dcat-ap.de/def/licenses/dl-zero-de/2.0"', {"wlan-punkte"}),
        ("license_id:dl-by-de/2.0", {"baumkataster"}),
        ("organization:umwelt AND res_format:JSON", {"luftqualitaet"}),
        ("organization:umwelt res_format:JSON", {"luftqualitaet"}),
        ("+organization:umwelt +tags:Parks", {"baumkataster"}),
        ("organization:umwelt -tags:Parks", {"luftqualitaet"}),
        ("NOT organization:umwelt", {"wlan-punkte"}),
        ("tags:(Parks OR WLAN)", {"baumkataster", "wlan-punkte"}),
        ("groups:tech OR groups:heal", {"wlan-punkte", "luftqualitaet"}),
        # What CKAN's harvester sends: organisations to include, and a change date.
        (
            "organization:umwelt OR organization:digitalisierung res_format:CSV",
            {"baumkataster", "luftqualitaet"},
        ),
        ("(groups:tech OR groups:heal) AND res_format:CSV", {"luftqualitaet"}),
        ("name:baumkataster", {"baumkataster"}),
        ("+state:active +capacity:public", {"baumkataster", "luftqualitaet", "wlan-punkte"}),
        ("*:*", {"baumkataster", "luftqualitaet", "wlan-punkte"}),
        ("", {"baumkataster", "luftqualitaet", "wlan-punkte"}),
        ("tags:Unbekannt", set()),
    ],
)
def test_fq(catalogue: dict[str, Dataset], fq: str, expected: set[str]) -> None:
    found = result("package_search", fq=fq, rows=100)
    assert set(names(found)) == expected
    assert found["count"] == len(expected)


def test_fq_given_several_times_must_all_hold(catalogue: dict[str, Dataset]) -> None:
    response = Client().get(API + "package_search", {"fq": ["organization:umwelt", "tags:Luft"]})
    assert names(response.json()["result"]) == ["luftqualitaet"]
    found = post("package_search", {"fq_list": ["organization:umwelt", "res_format:CSV"]})[1]
    assert set(names(found["result"])) == {"baumkataster", "luftqualitaet"}


def test_fq_by_owner_org_and_id(catalogue: dict[str, Dataset]) -> None:
    owner = result("package_show", id="wlan-punkte")["owner_org"]
    assert names(result("package_search", fq=f'owner_org:"{owner}"')) == ["wlan-punkte"]
    identifier = catalogue["baeume"].identifier
    assert names(result("package_search", fq=f"id:{identifier}")) == ["baumkataster"]


def test_fq_metadata_modified_range(catalogue: dict[str, Dataset]) -> None:
    since = (timezone.now() - timedelta(hours=36)).astimezone(UTC)
    fq = f"metadata_modified:[{since.replace(tzinfo=None).isoformat()}Z TO *]"
    assert set(names(result("package_search", fq=fq))) == {"wlan-punkte", "luftqualitaet"}
    assert result("package_search", fq="metadata_modified:[* TO NOW]")["count"] == 3
    assert result("package_search", fq="metadata_created:[2000-01-01 TO *]")["count"] == 3


def test_search_text_and_fielded_q(catalogue: dict[str, Dataset]) -> None:
    assert names(result("package_search", q="Feinstaub")) == ["luftqualitaet"]
    assert set(names(result("package_search", q="Parks"))) == {"baumkataster", "wlan-punkte"}
    assert names(result("package_search", q="tags:Luft")) == ["luftqualitaet"]
    assert names(result("package_search", q="name:wlan-punkte")) == ["wlan-punkte"]
    assert result("package_search", q="*:*")["count"] == 3


@pytest.mark.parametrize(
    ("sort", "expected"),
    [
        ("name asc", ["baumkataster", "luftqualitaet", "wlan-punkte"]),
        ("name desc", ["wlan-punkte", "luftqualitaet", "baumkataster"]),
        ("title_string asc", ["baumkataster", "luftqualitaet", "wlan-punkte"]),
        ("metadata_modified desc", ["wlan-punkte", "luftqualitaet", "baumkataster"]),
        ("score desc, metadata_modified desc", ["wlan-punkte", "luftqualitaet", "baumkataster"]),
    ],
)
def test_sort(catalogue: dict[str, Dataset], sort: str, expected: list[str]) -> None:
    found = result("package_search", sort=sort)
    assert names(found) == expected
    assert found["sort"] == sort


def test_sort_by_id_pages_without_gaps(catalogue: dict[str, Dataset]) -> None:
    seen = []
    for start in range(4):
        seen += names(result("package_search", sort="id asc", rows=1, start=start))
    in_catalogue = [catalogue[key] for key in ("baeume", "luft", "wlan")]
    assert seen == [d.name for d in sorted(in_catalogue, key=lambda d: str(d.identifier))]


def test_paging_and_the_row_limit(catalogue: dict[str, Dataset]) -> None:
    first = result("package_search", sort="name asc", rows=2)
    second = result("package_search", sort="name asc", rows=2, start=2)
    assert (first["count"], second["count"]) == (3, 3)
    assert names(first) + names(second) == ["baumkataster", "luftqualitaet", "wlan-punkte"]
    assert len(result("package_search")["results"]) == 3  # default 10 rows
    assert result("package_search", rows=5000)["count"] == 3  # capped at 1000, no error
    assert result("package_search", rows=0)["results"] == []


def test_facets_in_both_of_ckans_shapes(catalogue: dict[str, Dataset]) -> None:
    found = result(
        "package_search",
        **{"facet.field": json.dumps(["organization", "tags", "license_id", "groups"])},
        rows=0,
    )
    assert found["facets"]["organization"] == {"umwelt": 2, "digitalisierung": 1}
    assert found["facets"]["tags"]["Sensoren"] == 2
    assert found["facets"]["license_id"] == {
        "http://dcat-ap.de/def/licenses/cc-by/4.0": 1,
        "http://dcat-ap.de/def/licenses/dl-by-de/2.0": 1,
        "http://dcat-ap.de/def/licenses/dl-zero-de/2.0": 1,
    }
    assert found["search_facets"]["organization"] == {
        "title": "organization",
        "items": [
            {"name": "umwelt", "display_name": "Umweltamt", "count": 2},
            {"name": "digitalisierung", "display_name": "Stabsstelle Digitalisierung", "count": 1},
        ],
    }
    assert found["search_facets"]["groups"]["items"][0] == {
        "name": "envi",
        "display_name": "Umwelt",
        "count": 2,
    }
    limited = result(
        "package_search",
        fq="organization:umwelt",
        **{"facet.field": '["tags"]', "facet.limit": 1},
    )
    assert limited["facets"] == {"tags": {"Bäume": 1}}
    assert result("package_search")["facets"] == {}
    assert result("package_search")["search_facets"] == {}
    posted = post("package_search", {"facet.field": ["res_format"], "rows": 0})[1]["result"]
    assert posted["facets"] == {"res_format": {"CSV": 2, "JSON": 2}}


def test_fl_returns_only_those_fields(catalogue: dict[str, Dataset]) -> None:
    found = result("package_search", fl="name,id", sort="name asc", rows=1)
    assert found["results"] == [{"name": "baumkataster", "id": str(catalogue["baeume"].identifier)}]


def test_search_errors(catalogue: dict[str, Dataset]) -> None:
    status, body = call("package_search", fq="farbe:blau")
    assert (status, body["error"]["__type"]) == (409, "Search Error")
    assert "undefined field farbe" in body["error"]["message"]
    status, body = call("package_search", fq="tags:(Parks")
    assert (status, body["error"]["__type"]) == (409, "Search Error")
    status, body = call("package_search", sort="farbe asc")
    assert (status, body["error"]) == (
        400,
        {
            "__type": "Search Query Error",
            "message": "Search Query is invalid: ('Invalid \"sort\" parameter',)",
        },
    )
    status, body = call("package_search", farbe="blau")
    assert (status, body["error"]["__type"]) == (400, "Search Query Error")
    status, body = call("package_search", rows=-1)
    assert (status, body["error"]["rows"]) == (409, ["Must be a natural number"])
    status, body = call("package_search", **{"facet.field": '["farbe"]'})
    assert status == 409


def test_package_search_queries_do_not_grow_with_rows(
    catalogue: dict[str, Dataset], django_assert_max_num_queries: Any
) -> None:
    with django_assert_max_num_queries(12):
        result(
            "package_search",
            rows=1000,
            **{"facet.field": json.dumps(["organization", "groups", "tags", "res_format"])},
        )
