"""Who may do what in the infrastructure register: editors and administrators keep it;
everyone reads it."""

from offenestadt.accounts.models import Actor
from offenestadt.accounts.rules import is_admin, is_editor


def can_edit_assets(user: Actor) -> bool:
    return is_admin(user) or is_editor(user)
