"""Who may keep the software register: the city's editors and administrators, since every
office's projects name its entries. Everyone may read it."""

from offenestadt.accounts.models import Actor
from offenestadt.accounts.rules import is_admin, is_editor


def can_edit_register(user: Actor) -> bool:
    return is_admin(user) or is_editor(user)
