"""Demo catalogue: two open datasets without personal data, each with a CSV file that the
check for personal data clears (the Wi-Fi sites with the DPO's approval)."""

import random
from datetime import date, timedelta
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile

from offenestadt.accounts.models import Role, User
from offenestadt.opendata.catalogue import services
from offenestadt.opendata.catalogue.models import Dataset, Distribution, Frequency, Licence, Theme
from offenestadt.opendata.filescan import services as filescan
from offenestadt.opendata.filescan.models import ScanState
from offenestadt.registry.models import Project


def _wlan_sites() -> bytes:
    rows = ["standort,stadtteil,breite,laenge,zugangspunkte,seit"]
    sites = [
        ("Stadtteilzentrum Nord (Demo)", "Nord", 51.5102, 7.2201, 4, "2025-03-01"),
        ("Bürgerhaus Süd (Demo)", "Süd", 51.4511, 7.2305, 3, "2025-05-15"),
        ("Bibliothek Mitte (Demo)", "Mitte", 51.4818, 7.2162, 6, "2025-07-01"),
        ("Jugendzentrum Ost (Demo)", "Ost", 51.4903, 7.2807, 2, "2026-01-10"),
    ]
    rows += [f"{n},{d},{lat},{lon},{ap},{since}" for n, d, lat, lon, ap, since in sites]
    return ("\n".join(rows) + "\n").encode()


def _soil_moisture() -> bytes:
    generator = random.Random(7)  # noqa: S311  (demo figures, not security)
    rows = ["datum,park,sensor,bodenfeuchte_prozent"]
    start = date(2026, 6, 1)
    for day in range(60):
        for park, sensors in (("Stadtpark", 3), ("Westpark", 2)):
            for sensor in range(1, sensors + 1):
                value = 18 + 10 * generator.random()
                rows.append(f"{start + timedelta(days=day)},{park},{park[:1]}{sensor},{value:.1f}")
    return ("\n".join(rows) + "\n").encode()


DATASETS: list[dict[str, Any]] = [
    {
        "name": "wlan-standorte",
        "title": "Standorte des offenen WLANs (Demo)",
        "title_en": "Public Wi-Fi locations (demo)",
        "description": "Wo die Stadt in Stadtteilzentren offenes WLAN anbietet, mit Lage und "
        "Zahl der Zugangspunkte.",
        "description_en": "Where the city offers public Wi-Fi in district centres, with "
        "location and number of access points.",
        "frequency": Frequency.IRREG,
        "themes": [Theme.TECH, Theme.REGI],
        "keywords": ["WLAN", "Internet", "Stadtteilzentren"],
        "project": "Offenes WLAN in Stadtteilzentren (Demo)",
        "file": ("wlan-standorte.csv", _wlan_sites),
        # The check finds places and exact coordinates; the DPO clears them (four eyes).
        "dpo_note": "Die Koordinaten und Stadtteile sind die von städtischen Gebäuden mit "
        "WLAN-Zugangspunkten, nicht die von Menschen; die Tabelle enthält keine Personen.",
        "temporal": (date(2025, 3, 1), None),
    },
    {
        "name": "bodenfeuchte-parks",
        "title": "Bodenfeuchte in Parks, Messwerte (Demo)",
        "title_en": "Soil moisture in parks, measurements (demo)",
        "description": "Tägliche Messwerte der Bodenfeuchte aus Sensoren in zwei Parks; die "
        "Grünflächenpflege gießt danach.",
        "description_en": "Daily soil moisture readings from sensors in two parks, used to "
        "plan watering.",
        "frequency": Frequency.DAILY,
        "themes": [Theme.ENVI],
        "keywords": ["Bodenfeuchte", "Sensoren", "Parks", "Klimaanpassung"],
        "project": "Sensoren für Bodenfeuchte in Parks (Demo)",
        "file": ("bodenfeuchte.csv", _soil_moisture),
        "temporal": (date(2026, 6, 1), date(2026, 7, 30)),
    },
]


def load_demo() -> list[str]:
    for spec in DATASETS:
        if Dataset.objects.filter(name=spec["name"]).exists():
            continue
        project = Project.objects.select_related("office").get(title=spec["project"])
        editor = User.objects.filter(office=project.office).earliest("pk")
        start, end = spec["temporal"]
        dataset = Dataset(
            name=spec["name"],
            title=spec["title"],
            title_en=spec["title_en"],
            description=spec["description"],
            description_en=spec["description_en"],
            publisher=project.office,
            contact_name=project.office.name,
            contact_email=project.office.email,
            licence=Licence.DL_BY,
            frequency=spec["frequency"],
            temporal_start=start,
            temporal_end=end,
        )
        services.dataset_save(
            actor=editor,
            dataset=dataset,
            projects=[project],
            themes=list(spec["themes"]),
            keywords=list(spec["keywords"]),
        )
        filename, content = spec["file"]
        distribution = services.distribution_save(
            actor=editor,
            distribution=Distribution(dataset=dataset, title=spec["title"], format="CSV"),
            upload=SimpleUploadedFile(filename, content(), content_type="text/csv"),
        )
        # The demo loads without a worker: its files are checked here, as the worker would.
        for scan in distribution.scans.filter(state=ScanState.PENDING):
            filescan.file_scan_run(scan)
            if not scan.is_cleared and spec.get("dpo_note"):
                dpo = User.objects.filter(role=Role.DPO).earliest("pk")
                filescan.file_scan_approve(actor=dpo, scan=scan, note=spec["dpo_note"])
        services.dataset_publish(actor=editor, dataset=dataset)
    return []
