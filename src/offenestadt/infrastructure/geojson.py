"""The register as GeoJSON (RFC 7946): a FeatureCollection of points in [longitude,
latitude] order, WGS 84, without a "crs" member; assets without a position have no
geometry (null), so the export still lists them."""

from collections.abc import Iterable
from typing import Any

from django.conf import settings

from offenestadt.infrastructure.models import Asset


def asset_feature(asset: Asset) -> dict[str, Any]:
    geometry = None
    if asset.latitude is not None and asset.longitude is not None:
        geometry = {"type": "Point", "coordinates": [float(asset.longitude), float(asset.latitude)]}
    return {
        "type": "Feature",
        "id": asset.pk,
        "geometry": geometry,
        "properties": {
            "name": asset.name,
            "kind": asset.kind,
            "kind_label": str(asset.get_kind_display()),
            "location": asset.location,
            "district": asset.district,
            "owner": asset.owner or None,
            "operator": asset.operator or None,
            "publicly_funded": asset.publicly_funded,
            "net_neutral": asset.net_neutral,
            "commercial_use": asset.commercial_use,
            "status": asset.status,
            "node_id": asset.node_id or None,
            "is_online": asset.is_online,
            "last_seen": asset.last_seen.isoformat() if asset.last_seen else None,
            "firmware": asset.firmware or None,
            "model": asset.model or None,
            "url": settings.SITE_URL + asset.get_absolute_url(),
        },
    }


def feature_collection(assets: Iterable[Asset]) -> dict[str, Any]:
    return {"type": "FeatureCollection", "features": [asset_feature(a) for a in assets]}
