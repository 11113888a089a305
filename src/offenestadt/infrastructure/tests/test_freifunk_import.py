"""`offenestadt infrastructure import-freifunk`: a community's nodes become assets, matched by
node id, a second run changes nothing, the owner's contact is never stored."""

from datetime import UTC, datetime
from decimal import Decimal
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.test import Client

from offenestadt.accounts.models import Office
from offenestadt.audit.models import AuditEntry
from offenestadt.core.tests.shared_reference import shared_path
from offenestadt.infrastructure.models import Asset, AssetKind, Holder
from offenestadt.opendata.catalogue.models import Dataset

FIXTURES = Path(__file__).parent / "fixtures"
CONTACTS = ("kontakt-", "@knoten.example", "freifunk@example.com")


def run(source: str | Path) -> str:
    out = StringIO()
    call_command("infrastructure", "import-freifunk", str(source), stdout=out)
    return out.getvalue()


def every_stored_text() -> str:
    """Every text column of the register and its history, as one string to search."""
    rows = [str(row) for row in Asset.objects.values_list()]
    rows += [str(row) for row in AuditEntry.objects.values_list("changes", "object_label")]
    return "\n".join(rows)


@pytest.mark.django_db
def test_meshviewer_nodes_become_assets_with_online_state_and_last_seen() -> None:
    output = run(FIXTURES / "meshviewer.json")

    assert Asset.objects.count() == 6
    assert "6 neu, 0 geändert, 0 unverändert" in output
    assert "1 Knoten ohne Standort" in output
    sirius = Asset.objects.get(node_id="021122334401")
    assert sirius.name == "Sirius"
    assert sirius.kind == AssetKind.FREIFUNK_NODE
    assert sirius.operator == Holder.COMMUNITY
    assert sirius.is_online is True
    assert sirius.last_seen == datetime(2026, 6, 25, 20, 8, 4, tzinfo=UTC)
    assert (sirius.latitude, sirius.longitude) == (Decimal("52.511900"), Decimal("13.304100"))
    assert sirius.model == "TP-Link Archer C7 v2"
    assert sirius.firmware == "1.0.0"
    deneb = Asset.objects.get(node_id="021122334406")
    assert deneb.is_online is False
    assert Asset.objects.get(node_id="sparse.a77").latitude is None


@pytest.mark.django_db
def test_a_second_run_changes_nothing() -> None:
    run(FIXTURES / "meshviewer.json")
    entries = AuditEntry.objects.count()
    stored = list(Asset.objects.order_by("pk").values())

    output = run(FIXTURES / "meshviewer.json")

    assert "0 neu, 0 geändert, 6 unverändert" in output
    assert AuditEntry.objects.count() == entries
    assert list(Asset.objects.order_by("pk").values()) == stored


@pytest.mark.django_db
def test_a_changed_node_is_updated_in_place_and_staff_fields_stay(tmp_path: Path) -> None:
    run(FIXTURES / "meshviewer.json")
    sirius = Asset.objects.get(node_id="021122334401")
    Asset.objects.filter(pk=sirius.pk).update(district="Mitte", publicly_funded=True)
    changed = (FIXTURES / "meshviewer.json").read_text().replace('"Sirius"', '"Sirius Neu"')
    (tmp_path / "meshviewer.json").write_text(changed)

    output = run(tmp_path / "meshviewer.json")

    assert "0 neu, 1 geändert, 5 unverändert" in output
    sirius.refresh_from_db()
    assert (sirius.name, sirius.district, sirius.publicly_funded) == ("Sirius Neu", "Mitte", True)
    assert Asset.objects.count() == 6


@pytest.mark.django_db
def test_the_owners_contact_is_stored_nowhere() -> None:
    for name in ("meshviewer.json", "nodes-v1.json", "respondd-nodeinfo.json"):
        run(FIXTURES / name)

    stored = every_stored_text()
    assert "knoten.example" in (FIXTURES / "meshviewer.json").read_text()
    for contact in CONTACTS:
        assert contact not in stored


@pytest.mark.django_db
@pytest.mark.parametrize("name", ["nodes-v1.json", "nodes-v2.json"])
def test_legacy_nodes_json_versions(name: str) -> None:
    output = run(FIXTURES / name)

    assert "2 neu" in output
    wega = Asset.objects.get(node_id="0211223344a1")
    assert (wega.name, wega.is_online, wega.model) == ("Wega", True, "TP-Link TL-WR841N/ND v9")
    assert wega.firmware == "2023.2.1"
    assert wega.last_seen == datetime(2026, 6, 25, 20, 0, tzinfo=UTC)
    assert Asset.objects.get(node_id="0211223344a2").is_online is False


@pytest.mark.django_db
def test_respondd_answers() -> None:
    run(FIXTURES / "respondd-nodeinfo.json")
    node = Asset.objects.get(node_id="f81a67a601ea")
    assert (node.name, node.model, node.is_online) == ("foo-bar", "TP-Link TL-WDR4900 v1", None)

    output = run(FIXTURES / "respondd-answers.json")

    assert "1 geändert" in output
    node.refresh_from_db()
    assert node.is_online is True
    assert node.latitude == Decimal("53.079362")


@pytest.mark.django_db
def test_bad_sources_get_a_clear_german_error(tmp_path: Path) -> None:
    (tmp_path / "kaputt.json").write_text("{nicht json")
    (tmp_path / "fremd.json").write_text('{"type": "FeatureCollection"}')
    with pytest.raises(CommandError, match="kein gültiges JSON"):
        run(tmp_path / "kaputt.json")
    with pytest.raises(CommandError, match="keine Knotenliste"):
        run(tmp_path / "fremd.json")
    with pytest.raises(CommandError, match="lässt sich nicht lesen"):
        run(tmp_path / "fehlt.json")
    with pytest.raises(CommandError, match="nur http"):
        run("ftp://example.org/nodes.json")
    assert not Asset.objects.exists()


@pytest.mark.django_db
def test_import_from_a_url(served_fixtures: str) -> None:
    output = run(f"{served_fixtures}/meshviewer.json")

    assert "6 neu" in output
    assert Asset.objects.count() == 6
    with pytest.raises(CommandError, match="HTTP 404"):
        run(f"{served_fixtures}/fehlt.json")


@pytest.mark.django_db
def test_every_import_keeps_the_register_in_the_open_data_catalogue(
    office: Office, client: Client
) -> None:
    output = run(FIXTURES / "meshviewer.json")

    # Harvesters find it in the DCAT-AP.de catalogue, with its GeoJSON distribution.
    turtle = client.get("/catalog.ttl").content.decode()
    assert "infrastrukturregister" in turtle
    assert "media-types/application/geo+json" in turtle

    dataset = Dataset.objects.get(name="infrastrukturregister")
    assert "Datenkatalog" in output
    distribution = dataset.distributions.get()
    assert distribution.media_type == "application/geo+json"
    assert distribution.access_url.endswith("/infrastruktur/infrastruktur.geojson")
    modified = dataset.modified_at

    run(FIXTURES / "meshviewer.json")

    dataset.refresh_from_db()
    assert dataset.distributions.count() == 1
    assert dataset.modified_at == modified


@pytest.mark.django_db
def test_the_shared_examples_import_completely() -> None:
    shared = shared_path(Path("reference/freifunk/examples"))
    if shared is None:
        pytest.skip("the Freifunk examples are not in ../shared/reference/freifunk/examples")
    output = run(shared / "meshviewer.json")
    assert "16 neu" in output
    # The dev fixture's times are placeholders ("@now"): the nodes come without them.
    output = run(shared / "meshviewer.dev-fixture-relative-time.json")
    assert "unlesbar" in output


@pytest.mark.django_db
def test_a_deeply_nested_source_is_refused_not_a_crash(tmp_path: Path) -> None:
    (tmp_path / "tief.json").write_text("[" * 200_000 + "]" * 200_000)
    with pytest.raises(CommandError, match="zu tief verschachtelt"):
        run(tmp_path / "tief.json")
    assert not Asset.objects.exists()
