"""The register in the public API: the list with filters and pages, each asset with the
published projects that use it; a bad filter is named, an unknown asset is 404."""

from django.test import Client

from offenestadt.accounts.models import Office, User
from offenestadt.infrastructure.models import Asset, AssetKind, AssetStatus, Holder
from offenestadt.infrastructure.services import asset_save
from offenestadt.infrastructure.tests.factories import wlan
from offenestadt.registry.tests.factories import ProjectFactory


def saved(editor: User, name: str, **fields: object) -> Asset:
    projects = fields.pop("projects", None)
    asset = wlan(**({"name": name, "district": "Mitte"} | fields))
    return asset_save(actor=editor, asset=asset, projects=projects)  # type: ignore[arg-type]


def names(client: Client, query: str = "") -> list[str]:
    body = client.get(f"/api/v1/infrastructure{query}").json()
    return [item["name"] for item in body["items"]]


def test_the_list_gives_the_register_filtered_and_paged(editor: User, client: Client) -> None:
    saved(editor, "WLAN Rathaus")
    saved(
        editor,
        "Glasfaser Ost",
        kind=AssetKind.BROADBAND_LINE,
        district="Ost",
        owner=Holder.MUNICIPAL_COMPANY,
        status=AssetStatus.PLANNED,
    )
    saved(editor, "Hotspot Bahnhof", owner=Holder.PRIVATE, latitude=None, longitude=None)

    body = client.get("/api/v1/infrastructure").json()
    assert body["count"] == 3
    assert [item["name"] for item in body["items"]] == [
        "Glasfaser Ost",
        "Hotspot Bahnhof",
        "WLAN Rathaus",
    ]
    rathaus = body["items"][2]
    assert rathaus["kind"] == {
        "code": "wlan_access_point",
        "label": {"de": "Öffentlicher WLAN-Zugangspunkt", "en": "Public WLAN access point"},
    }
    assert rathaus["owner"]["code"] == "public"
    assert rathaus["status"]["code"] == "active"
    assert (rathaus["latitude"], rathaus["longitude"]) == (51.481845, 7.216236)
    assert rathaus["html_url"].endswith(f"/infrastruktur/{rathaus['id']}/")
    assert body["items"][1]["latitude"] is None

    assert names(client, "?kind=broadband_line") == ["Glasfaser Ost"]
    assert names(client, "?owner=private") == ["Hotspot Bahnhof"]
    assert names(client, "?status=planned") == ["Glasfaser Ost"]
    assert names(client, "?district=ost") == ["Glasfaser Ost"]
    assert names(client, "?operator=municipal_company&limit=1&offset=1") == ["Hotspot Bahnhof"]
    bad = client.get("/api/v1/infrastructure?owner=kaiser")
    assert bad.status_code == 422
    assert bad.json()["errors"][0]["loc"] == ["query", "owner"]


def test_an_asset_with_the_published_projects_that_use_it(
    editor: User, office: Office, client: Client
) -> None:
    public = ProjectFactory.create(office=office, title="Offenes WLAN")
    draft = ProjectFactory.create(office=office, title="Geheimer Entwurf", draft=True)
    asset = saved(editor, "WLAN Rathaus", projects=[public, draft])

    body = client.get(f"/api/v1/infrastructure/{asset.pk}").json()
    assert body["name"] == "WLAN Rathaus"
    assert [p["title"] for p in body["projects"]] == ["Offenes WLAN"]
    assert body["projects"][0]["html_url"].endswith(public.get_absolute_url())
    missing = client.get("/api/v1/infrastructure/999999")
    assert missing.status_code == 404
    assert "no asset" in missing.json()["detail"]
    assert client.get("/api/v1/infrastructure/99999999999999999999").status_code in {404, 422}


def test_the_openapi_document_describes_the_register(client: Client) -> None:
    document = client.get("/api/v1/openapi.json").json()
    assert {"/api/v1/infrastructure", "/api/v1/infrastructure/{asset_id}"} <= set(document["paths"])
    listing = document["paths"]["/api/v1/infrastructure"]["get"]
    assert {p["name"] for p in listing["parameters"]} >= {"kind", "owner", "status", "district"}
    assert "infrastructure" in {tag["name"] for tag in document["tags"]}
