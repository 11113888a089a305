from django.utils import timezone

from offenestadt.opendata.models import Dataset
from offenestadt.registry.demo import link_demo_records


def load_demo() -> list[str]:
    link_demo_records(
        Dataset,
        [
            (
                "Standorte des offenen WLANs (Demo)",
                ["Offenes WLAN in Stadtteilzentren (Demo)"],
                {"published_at": timezone.now()},
            ),
            (
                "Bodenfeuchte in Parks, Messwerte (Demo)",
                ["Sensoren für Bodenfeuchte in Parks (Demo)"],
                {"published_at": timezone.now()},
            ),
        ],
    )
    return []
