"""Demo register: the city's own WLAN, a broadband line, a sensor and a gateway, and the
nodes of the demo Freifunk community imported from a small meshviewer.json. The access
points of the demo's WLAN project are linked to it (its P6 finding reads them)."""

from decimal import Decimal
from pathlib import Path

from offenestadt.accounts.models import Role, User
from offenestadt.infrastructure import services
from offenestadt.infrastructure.freifunk import load, parse_nodes
from offenestadt.infrastructure.models import Asset, AssetKind, AssetStatus, Holder
from offenestadt.registry.models import Project

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


# The demo project that runs these access points (registry's demo), by its title.
WLAN_PROJECT = "Offenes WLAN in Stadtteilzentren (Demo)"
WLAN_CENTRES = [
    {
        "kind": AssetKind.WLAN_ACCESS_POINT,
        "name": f"WLAN Stadtteilzentrum {district} (Demo)",
        "location": f"Stadtteilzentrum {district}, Foyer",
        "district": district,
        "latitude": latitude,
        "longitude": longitude,
        "owner": Holder.PUBLIC,
        "operator": Holder.MUNICIPAL_COMPANY,
        "publicly_funded": True,
        "net_neutral": True,
        "commercial_use": False,
    }
    for district, latitude, longitude in (
        ("Nord", Decimal("51.512400"), Decimal("7.209800")),
        ("Mitte", Decimal("51.483100"), Decimal("7.219400")),
        ("Süd", Decimal("51.447800"), Decimal("7.225100")),
    )
]


def _link_wlan_centres() -> None:
    project = Project.objects.filter(title=WLAN_PROJECT).select_related("office").first()
    if project is None:
        return
    # Its office's editor, who may link the project.
    editor = User.objects.filter(role=Role.EDITOR, office=project.office).earliest("pk")
    for fields in WLAN_CENTRES:
        if not Asset.objects.filter(name=fields["name"]).exists():
            services.asset_save(actor=editor, asset=Asset(**fields), projects=[project])


def load_demo() -> list[str]:
    editor = User.objects.filter(role=Role.EDITOR).earliest("pk")
    for fields in ASSETS:
        if not Asset.objects.filter(name=fields["name"]).exists():
            services.asset_save(actor=editor, asset=Asset(**fields))
    _link_wlan_centres()
    services.freifunk_import(node_list=parse_nodes(load(str(DEMO_NODES))))
    return []
