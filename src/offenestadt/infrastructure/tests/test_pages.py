"""The register's public pages, its GeoJSON export and the staff form."""

import json
from decimal import Decimal

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from geojson_pydantic import FeatureCollection

from offenestadt.accounts.models import User
from offenestadt.audit.models import AuditEntry, AuditEvent
from offenestadt.audit.services import save_record
from offenestadt.infrastructure.models import Asset, AssetKind, AssetStatus, Holder
from offenestadt.infrastructure.tests.factories import wlan


def asset(**fields: object) -> Asset:
    record = wlan(**fields)
    save_record(record=record, actor=None, event=AuditEvent.CREATED)
    return record


@pytest.fixture
def register(db: None) -> list[Asset]:
    return [
        asset(),
        asset(
            kind=AssetKind.FREIFUNK_NODE,
            name="Knoten Bahnhof",
            latitude=Decimal("51.478600"),
            longitude=Decimal("7.222700"),
            operator=Holder.COMMUNITY,
            node_id="02aabbccdd01",
            is_online=False,
        ),
        asset(
            kind=AssetKind.SENSOR,
            name="Pegel Ruhr",
            latitude=None,
            longitude=None,
            status=AssetStatus.PLANNED,
        ),
    ]


def test_the_map_page_draws_the_assets_and_lists_them_all(
    client: Client, register: list[Asset]
) -> None:
    response = client.get("/infrastruktur/")

    page = response.content.decode()
    assert response.status_code == 200
    assert "<svg" in page
    assert page.count("<title>WLAN Rathausplatz") == 1
    # The table names every asset, also the one the map cannot show.
    for record in register:
        assert record.get_absolute_url() in page
    assert "2 Anlagen" in page  # the map's label: those with a position
    assert "http://" not in page.split("<svg", 1)[1].split("</svg>", 1)[0].replace(
        'xmlns="http://www.w3.org/2000/svg"', ""
    )
    assert not response.cookies


@pytest.mark.parametrize(
    ("query", "shown", "hidden"),
    [
        ("art=freifunk_node", "Knoten Bahnhof", "WLAN Rathausplatz"),
        ("betreiber=municipal_company", "WLAN Rathausplatz", "Knoten Bahnhof"),
        ("status=planned", "Pegel Ruhr", "Knoten Bahnhof"),
    ],
)
def test_filters(
    client: Client, register: list[Asset], query: str, shown: str, hidden: str
) -> None:
    page = client.get(f"/infrastruktur/?{query}").content.decode()

    assert shown in page
    assert hidden not in page


def test_an_unknown_filter_value_shows_everything(client: Client, register: list[Asset]) -> None:
    response = client.get("/infrastruktur/?art=rakete&status=%00")

    assert response.status_code in {200, 400}
    if response.status_code == 200:
        assert "Knoten Bahnhof" in response.content.decode()


def test_the_list_needs_the_same_queries_for_many_assets(
    client: Client, register: list[Asset]
) -> None:
    with CaptureQueriesContext(connection) as few:
        client.get("/infrastruktur/")
    for number in range(20):
        asset(name=f"WLAN {number}", latitude=Decimal("51.47") + number / Decimal(1000))
    with CaptureQueriesContext(connection) as many:
        client.get("/infrastruktur/")

    assert len(many) == len(few)


def test_an_assets_page(client: Client, register: list[Asset]) -> None:
    node = register[1]

    page = client.get(node.get_absolute_url()).content.decode()

    assert "Knoten Bahnhof" in page
    assert "02aabbccdd01" in page
    assert "Gemeinschaft" in page
    assert "<svg" in page
    assert client.get("/infrastruktur/999999/").status_code == 404


def test_the_geojson_export_is_valid_rfc_7946(client: Client, register: list[Asset]) -> None:
    response = client.get("/infrastruktur/infrastruktur.geojson")

    assert response["Content-Type"] == "application/geo+json"
    document = json.loads(response.content)
    FeatureCollection.model_validate(document)
    assert "crs" not in document
    by_name = {f["properties"]["name"]: f for f in document["features"]}
    assert by_name["WLAN Rathausplatz"]["geometry"] == {
        "type": "Point",
        "coordinates": [7.216236, 51.481845],  # longitude first
    }
    assert by_name["Pegel Ruhr"]["geometry"] is None
    assert by_name["Knoten Bahnhof"]["properties"]["operator"] == "community"


def test_the_geojson_export_follows_the_filters(client: Client, register: list[Asset]) -> None:
    document = client.get("/infrastruktur/infrastruktur.geojson?art=sensor").json()

    assert [f["properties"]["name"] for f in document["features"]] == ["Pegel Ruhr"]


def test_staff_enter_and_change_an_asset_through_the_audit_trail(
    client_for, editor: User, db: None
) -> None:
    client = client_for(editor)
    response = client.post(
        "/infrastruktur/neu/",
        {
            "kind": AssetKind.BROADBAND_LINE,
            "name": "Glasfaser Schulzentrum",
            "location": "Schulstraße 4",
            "district": "Mitte",
            "latitude": "51.4801",
            "longitude": "7.2101",
            "owner": Holder.MUNICIPAL_COMPANY,
            "operator": Holder.PRIVATE,
            "publicly_funded": "on",
            "net_neutral": "true",
            "commercial_use": "unknown",
            "status": AssetStatus.PLANNED,
        },
    )

    line = Asset.objects.get(name="Glasfaser Schulzentrum")
    assert response.status_code == 302
    assert response["Location"] == line.get_absolute_url()
    assert (line.net_neutral, line.commercial_use) == (True, None)
    assert AuditEntry.objects.filter(object_label="Glasfaser Schulzentrum").count() == 1

    response = client.post(
        f"/infrastruktur/{line.pk}/bearbeiten/",
        {
            "kind": AssetKind.BROADBAND_LINE,
            "name": "Glasfaser Schulzentrum",
            "latitude": "51.4801",
            "longitude": "",
            "status": AssetStatus.ACTIVE,
            "net_neutral": "unknown",
            "commercial_use": "unknown",
        },
    )

    assert response.status_code == 200
    assert "Breiten- und Längengrad" in response.content.decode()


def test_only_staff_edit(client_for, resident: User, dpo: User, register: list[Asset]) -> None:
    edit = f"/infrastruktur/{register[0].pk}/bearbeiten/"
    # Outside the administration the form is not there; a DPO may not enter assets.
    assert client_for(resident).get("/infrastruktur/neu/").status_code == 404
    assert client_for(None).get(edit).status_code == 404
    assert client_for(dpo).get(edit).status_code == 403
