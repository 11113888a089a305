"""Who adopts a charter amendment: administrators, for a proposal that asks for one."""

from offenestadt.accounts.models import Actor
from offenestadt.accounts.rules import is_admin
from offenestadt.participation.proposals.models import Proposal


def can_adopt_charter_changes(user: Actor) -> bool:
    """A change of the charter is adopted by the administration, with the council's decision."""
    return is_admin(user)


def can_adopt_charter_change(user: Actor, proposal: Proposal) -> bool:
    """Whether ``user`` may adopt the change ``proposal`` asks for (the page's button)."""
    return bool(proposal.charter_change) and can_adopt_charter_changes(user)
