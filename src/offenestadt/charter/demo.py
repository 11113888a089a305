"""The demo city's charter: one of the charters that ship with the platform, and one
amendment to show the history.

``offenestadt demo --charter NAME`` chooses the charter (the setting ``DEMO_CHARTER``); without
a choice the demo keeps the charter its database holds, and a new demo starts with the seven
principles.
"""

from datetime import date
from pathlib import Path

from django.conf import settings

from offenestadt.charter.document import parse_charter
from offenestadt.charter.models import CharterVersion
from offenestadt.charter.services import charter_amend, charter_load
from offenestadt.core.demo_loader import DemoChoiceError

# The charters that ship with the platform, each a file named for it.
SHIPPED = Path(__file__).with_name("charters")
DEFAULT_NAME = "sieben-grundsaetze"
DEFAULT_CHARTER = SHIPPED / f"{DEFAULT_NAME}.toml"


def shipped_charters() -> dict[str, Path]:
    """Each charter that ships with the platform by its name."""
    return {path.stem: path for path in sorted(SHIPPED.glob("*.toml"))}


def load_demo() -> list[str]:
    charters = shipped_charters()
    chosen = settings.DEMO_CHARTER
    if chosen and chosen not in charters:
        raise DemoChoiceError(
            f"there is no charter {chosen!r} to start the demo with; "
            f"the platform ships {', '.join(charters)}"
        )
    first = CharterVersion.objects.filter(number=1).first()
    if first is None:
        text = charters[chosen or DEFAULT_NAME].read_text(encoding="utf-8")
        first, _ = charter_load(text=text, actor=None)
    elif chosen and first.document != _content(charters[chosen]):
        raise DemoChoiceError(
            f"the demo's database holds another charter ({first.title}); start a new demo "
            f"with {chosen!r} in an empty data folder (OFFENESTADT_DATA_DIR) or on an empty "
            "database (DATABASE_URL)"
        )
    if not CharterVersion.objects.filter(number=2).exists():
        charter_amend(
            base=first,
            actor=None,
            adopted_on=date(2024, 6, 20),
            council_decision="Ratsbeschluss nach dem Beteiligungsverfahren zur Charta (Demo)",
            parameters={"contract_min_public_days": 28},
        )
    return []


def _content(path: Path) -> dict[str, object]:
    return parse_charter(path.read_text(encoding="utf-8"))
