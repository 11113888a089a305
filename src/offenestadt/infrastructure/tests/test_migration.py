"""Upgrading: the infrastructure that projects recorded as their own parts moves into the
register, each part an asset in operation linked to its project, with what P6 reads."""

from decimal import Decimal

from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from offenestadt.infrastructure.models import Asset, AssetStatus

BEFORE = [("registry", "0010_service_changes_on"), ("infrastructure", "0002_asset_projects")]


def test_project_infrastructure_becomes_register_assets(transactional_db: None) -> None:
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    old = executor.loader.project_state(BEFORE).apps
    project = old.get_model("registry", "Project").objects.create(
        slug="wlan-alt",
        title="WLAN alt",
        summary="Vor dem Register.",
        office=old.get_model("accounts", "Office").objects.create(slug="amt-alt", name="Amt"),
    )
    part = old.get_model("registry", "InfrastructureAsset")
    part.objects.create(
        project=project,
        kind="broadband_line",
        name="Glasfaser Rathaus",
        location="Rathausplatz",
        latitude=Decimal("51.481845"),
        longitude=Decimal("7.216236"),
        owner="private",
        operator="municipal_company",
        publicly_funded=True,
        net_neutral=True,
        commercial_use=False,
    )
    # Half a location is none for the register.
    part.objects.create(project=project, kind="wlan_access_point", name="AP", latitude=1)

    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())

    line, access_point = Asset.objects.order_by("pk")
    assert (line.kind, line.name, line.location) == (
        "broadband_line",
        "Glasfaser Rathaus",
        "Rathausplatz",
    )
    assert (line.latitude, line.longitude) == (Decimal("51.481845"), Decimal("7.216236"))
    assert (line.owner, line.operator, line.publicly_funded) == (
        "private",
        "municipal_company",
        True,
    )
    assert (line.net_neutral, line.commercial_use, line.status) == (
        True,
        False,
        AssetStatus.ACTIVE,
    )
    assert [p.slug for p in line.projects.all()] == ["wlan-alt"]
    assert (access_point.latitude, access_point.longitude) == (None, None)
    assert "registry_infrastructureasset" not in connection.introspection.table_names()
