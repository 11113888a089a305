from django.utils import timezone

from offenestadt.participation.models import Procedure
from offenestadt.registry.demo import link_demo_records


def load_demo() -> list[str]:
    now = timezone.now()
    link_demo_records(
        Procedure,
        [
            # The workshop has reported its results; the online consultation still runs.
            (
                "Bürgerwerkstatt zu den WLAN-Standorten (Demo)",
                ["Offenes WLAN in Stadtteilzentren (Demo)"],
                {"published_at": now, "result_report_published_at": now},
            ),
            (
                "Online-Beteiligung zu den Bodenfeuchte-Sensoren (Demo)",
                ["Sensoren für Bodenfeuchte in Parks (Demo)"],
                {"published_at": now},
            ),
        ],
    )
    return []
