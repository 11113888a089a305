"""Who may change contracts: editors of an office whose project the contract serves; admins."""

from offenestadt.accounts.models import Actor, Role
from offenestadt.contracts.models import Contract


def can_edit_contract(user: Actor, contract: Contract) -> bool:
    if not user.is_authenticated:
        return False
    if user.role == Role.ADMIN:
        return True
    if user.role != Role.EDITOR or contract.pk is None or user.office_id is None:
        return False
    return contract.projects.filter(office_id=user.office_id).exists()
