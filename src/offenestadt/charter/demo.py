"""The demo city's charter: the default document, and one amendment to show the history."""

from datetime import date
from pathlib import Path

from offenestadt.charter.models import CharterVersion
from offenestadt.charter.services import charter_amend, charter_load

DEFAULT_CHARTER = Path(__file__).with_name("default_charter.toml")


def load_demo() -> list[str]:
    first, _ = charter_load(text=DEFAULT_CHARTER.read_text(encoding="utf-8"), actor=None)
    if not CharterVersion.objects.filter(number=2).exists():
        charter_amend(
            base=first,
            actor=None,
            adopted_on=date(2024, 6, 20),
            council_decision="Ratsbeschluss nach dem Beteiligungsverfahren zur Charta (Demo)",
            parameters={"contract_min_public_days": 28},
        )
    return []
