"""Who keeps the accessibility statement and answers feedback: the platform's administration."""

from offenestadt.accounts.models import Actor
from offenestadt.accounts.rules import is_admin


def handles_feedback(user: Actor) -> bool:
    return is_admin(user)


def can_edit_statement(user: Actor) -> bool:
    return is_admin(user)
