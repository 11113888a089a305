"""Who may see what of the charter's findings. The charter and every finding are public; a
finding that names a record not yet public names it only to the city's staff, and to everyone
else says what kind of record it is. Adopting a charter version is for administrators, through
an amendment procedure (participation.amendments.rules) or on the command line."""

from offenestadt.accounts.models import Actor
from offenestadt.accounts.rules import reads_internal


def can_see_names_of_internal_records(viewer: Actor) -> bool:
    return reads_internal(viewer)
