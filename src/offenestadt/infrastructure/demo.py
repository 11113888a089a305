"""Demo register: the city's own WLAN, a broadband line, a sensor and a gateway, and the
nodes of the demo Freifunk community imported from a small meshviewer.json."""

from decimal import Decimal
from pathlib import Path

from offenestadt.accounts.models import Role, User
from offenestadt.infrastructure import services
from offenestadt.infrastructure.freifunk import load, parse_nodes
from offenestadt.infrastructure.models import Asset, AssetKind, AssetStatus, Holder

DEMO_NODES = Path(__file__).parent / "demo_meshviewer.json"

ASSETS = [
    {
        "kind": AssetKind.WLAN_ACCESS_POINT,
        "name": "Freies WLAN Bibliothek Mitte (Demo)",
        "location": "Stadtbibliothek, Lesesaal",
        "district": "Mitte",
        "latitude": Decimal("51.481800"),
        "longitude": Decimal("7.216200"),
        "owner": Holder.PUBLIC,
        "operator": Holder.MUNICIPAL_COMPANY,
        "publicly_funded": True,
        "net_neutral": True,
        "commercial_use": False,
    },
    {
        "kind": AssetKind.WLAN_ACCESS_POINT,
        "name": "Freies WLAN Bürgerhaus Süd (Demo)",
        "location": "Bürgerhaus Süd, Saal",
        "district": "Süd",
        "latitude": Decimal("51.451100"),
        "longitude": Decimal("7.230500"),
        "owner": Holder.PUBLIC,
        "operator": Holder.PRIVATE,
        "publicly_funded": True,
        "net_neutral": True,
        "commercial_use": True,
    },
    {
        "kind": AssetKind.BROADBAND_LINE,
        "name": "Glasfaser Schulzentrum Ost (Demo)",
        "location": "Schulzentrum Ost bis Verteiler Hauptstraße",
        "district": "Ost",
        "latitude": Decimal("51.490300"),
        "longitude": Decimal("7.280700"),
        "owner": Holder.MUNICIPAL_COMPANY,
        "operator": Holder.MUNICIPAL_COMPANY,
        "publicly_funded": True,
        "net_neutral": True,
        "commercial_use": False,
        "status": AssetStatus.PLANNED,
    },
    {
        "kind": AssetKind.SENSOR,
        "name": "Bodenfeuchte Stadtpark (Demo)",
        "location": "Stadtpark, Rosengarten",
        "district": "Mitte",
        "latitude": Decimal("51.489000"),
        "longitude": Decimal("7.226000"),
        "owner": Holder.PUBLIC,
        "operator": Holder.PUBLIC,
        "publicly_funded": True,
    },
    {
        "kind": AssetKind.GATEWAY,
        "name": "LoRaWAN-Gateway Rathausturm (Demo)",
        "location": "Rathaus, Turm",
        "district": "Nord",
        "latitude": Decimal("51.505000"),
        "longitude": Decimal("7.215000"),
        "owner": Holder.PUBLIC,
        "operator": Holder.COMMUNITY,
        "publicly_funded": True,
        "net_neutral": True,
        "commercial_use": False,
    },
]


def load_demo() -> list[str]:
    editor = User.objects.filter(role=Role.EDITOR).earliest("pk")
    for fields in ASSETS:
        if not Asset.objects.filter(name=fields["name"]).exists():
            services.asset_save(actor=editor, asset=Asset(**fields))
    services.freifunk_import(node_list=parse_nodes(load(str(DEMO_NODES))))
    return []
