"""An asset of the register as the tests build it: a public WLAN access point in order."""

from decimal import Decimal

from offenestadt.infrastructure.models import Asset, AssetKind, Holder


def wlan(**fields: object) -> Asset:
    """An unsaved WLAN access point, public and net neutral, with ``fields`` changed."""
    values: dict[str, object] = {
        "kind": AssetKind.WLAN_ACCESS_POINT,
        "name": "WLAN Rathausplatz",
        "location": "Rathausplatz 1",
        "latitude": Decimal("51.481845"),
        "longitude": Decimal("7.216236"),
        "owner": Holder.PUBLIC,
        "operator": Holder.MUNICIPAL_COMPANY,
        "publicly_funded": True,
        "net_neutral": True,
        "commercial_use": False,
    }
    return Asset(**(values | fields))
