from django.utils import timezone

from offenestadt.contracts.models import Contract
from offenestadt.registry.demo import link_demo_records


def load_demo() -> list[str]:
    link_demo_records(
        Contract,
        [
            (
                "Betriebsvertrag WLAN-Backbone mit den Stadtwerken (Demo)",
                ["Offenes WLAN in Stadtteilzentren (Demo)"],
                {"published_at": timezone.now()},
            )
        ],
    )
    return []
