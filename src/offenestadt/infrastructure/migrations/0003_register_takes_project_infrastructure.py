"""The infrastructure that projects recorded as their own parts (registry.InfrastructureAsset)
moves into the city's register: each part becomes an asset in operation, linked to its
project. The registry's next migration removes the old model.

The assets are written here without audit entries: after the upgrade,
`offenestadt audit backfill infrastructure.asset` takes them into the audit trail."""

from decimal import Decimal

from django.db import migrations

# Both registers name these two kinds and the three holders alike.
KINDS = {"wlan_access_point", "broadband_line"}
HOLDERS = {"public", "municipal_company", "private"}


def _coordinate(value: Decimal | None, limit: int) -> Decimal | None:
    return value if value is not None and -limit <= value <= limit else None


def move_parts(apps, schema_editor):
    Part = apps.get_model("registry", "InfrastructureAsset")
    Asset = apps.get_model("infrastructure", "Asset")
    for part in Part.objects.order_by("pk"):
        latitude = _coordinate(part.latitude, 90)
        longitude = _coordinate(part.longitude, 180)
        if latitude is None or longitude is None:  # the register keeps both or neither
            latitude = longitude = None
        asset = Asset.objects.create(
            kind=part.kind if part.kind in KINDS else "wlan_access_point",
            name=part.name[:200],
            location=part.location[:300],
            latitude=latitude,
            longitude=longitude,
            owner=part.owner if part.owner in HOLDERS else "",
            operator=part.operator if part.operator in HOLDERS else "",
            publicly_funded=part.publicly_funded,
            net_neutral=part.net_neutral,
            commercial_use=part.commercial_use,
            status="active",
        )
        asset.projects.add(part.project_id)


def move_back(apps, schema_editor):
    """Each asset linked to projects becomes a part of each of them again; the assets stay."""
    Part = apps.get_model("registry", "InfrastructureAsset")
    Asset = apps.get_model("infrastructure", "Asset")
    for asset in Asset.objects.filter(kind__in=KINDS).prefetch_related("projects"):
        for project in asset.projects.all():
            Part.objects.create(
                project=project,
                kind=asset.kind,
                name=asset.name,
                location=asset.location,
                latitude=asset.latitude,
                longitude=asset.longitude,
                owner=asset.owner if asset.owner in HOLDERS else "",
                operator=asset.operator if asset.operator in HOLDERS else "",
                publicly_funded=asset.publicly_funded,
                net_neutral=asset.net_neutral,
                commercial_use=asset.commercial_use,
            )


class Migration(migrations.Migration):
    dependencies = [
        ("infrastructure", "0002_asset_projects"),
        ("registry", "0010_service_changes_on"),
    ]

    operations = [migrations.RunPython(move_parts, move_back)]
