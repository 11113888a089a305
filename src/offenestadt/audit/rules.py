"""Who may read what of the audit trail. Everyone reads the public entries; a draft's changes
(internal entries) are for the city's staff, who read internal records. Nobody may change an
entry: the database refuses it, and verification finds it if someone with owner rights tries."""

from offenestadt.accounts.models import Actor
from offenestadt.accounts.rules import reads_internal


def can_read_internal_entries(user: Actor) -> bool:
    return reads_internal(user)
