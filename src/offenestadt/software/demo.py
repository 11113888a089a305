"""Demo entries of the software register: free software the city runs, and a vendor's
closed dashboard, so the register's list shows both."""

from datetime import date

from offenestadt.accounts.models import Role, User
from offenestadt.software import services
from offenestadt.software.models import (
    Component,
    DevelopmentStatus,
    Hosting,
    Maintenance,
    SoftwareType,
)

COMPONENTS = (
    {
        "name": "Gluon (Freifunk-Firmware)",
        "short_description": "Firmware für die Router der Freifunk-Zugangspunkte.",
        "description": "Gluon baut aus OpenWrt die Firmware der Freifunk-Router: Die Stadt "
        "betreibt damit das offene WLAN in den Stadtteilzentren gemeinsam mit der örtlichen "
        "Freifunk-Initiative, ohne Anmeldung und ohne Speicherung von Nutzungsdaten.",
        "licence": "BSD-2-Clause",
        "repository_url": "https://github.com/freifunk-gluon/gluon",
        "software_type": SoftwareType.IOT,
        "development_status": DevelopmentStatus.STABLE,
        "maintenance": Maintenance.COMMUNITY,
        "maintainer": "Freifunk-Initiative Musterstadt (Demo)",
        "hosting": Hosting.CITY,
        "open_standards": ["IEEE 802.11s", "batman-adv"],
        "platforms": ["linux"],
        "languages": ["de", "en"],
        "publicly_funded": True,
    },
    {
        "name": "Messdaten-Plattform (Demo)",
        "short_description": "Sammelt die Messwerte der Umweltsensoren und stellt sie bereit.",
        "licence": "EUPL-1.2",
        "repository_url": "https://code.musterstadt.example/messdaten",
        "software_type": SoftwareType.BACKEND,
        "development_status": DevelopmentStatus.BETA,
        "maintenance": Maintenance.CONTRACT,
        "maintainer": "Beispiel Software GmbH (Demo)",
        "maintained_until": date(2027, 12, 31),
        "hosting": Hosting.MUNICIPAL_COMPANY,
        "open_standards": ["OGC SensorThings API", "GeoJSON"],
        "platforms": ["web"],
        "languages": ["de"],
        "publicly_funded": True,
    },
    {
        "name": "Sensor-Dashboard des Herstellers (Demo)",
        "short_description": "Das geschlossene Dashboard, das der Sensorhersteller mitliefert.",
        "licence": "LicenseRef-Proprietaer",
        "software_type": SoftwareType.WEB,
        "development_status": DevelopmentStatus.STABLE,
        "maintenance": Maintenance.CONTRACT,
        "maintainer": "Hersteller der Sensoren (Demo)",
        "maintained_until": date(2026, 12, 31),
        "hosting": Hosting.THIRD_COUNTRY,
        "platforms": ["web"],
        "languages": ["en"],
        "publicly_funded": True,
    },
)


def load_demo() -> list[str]:
    editor = User.objects.filter(role=Role.EDITOR).order_by("pk").first()
    if editor is None:
        return []
    for fields in COMPONENTS:
        if not Component.objects.filter(name=fields["name"]).exists():
            services.component_create(actor=editor, **fields)
    return []
