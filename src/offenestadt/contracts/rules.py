"""Who may change contracts: editors of an office whose project the contract serves; admins."""

from django.db.models import QuerySet

from offenestadt.accounts.models import Actor, Role
from offenestadt.contracts.models import Contract
from offenestadt.registry.models import Project


def can_edit_contract(user: Actor, contract: Contract) -> bool:
    if not user.is_authenticated:
        return False
    if user.role == Role.ADMIN:
        return True
    if user.role != Role.EDITOR or contract.pk is None or user.office_id is None:
        return False
    return contract.projects.filter(office_id=user.office_id).exists()


def projects_for_contracts(user: Actor) -> QuerySet[Project]:
    """The projects a user may link contracts to: their office's; for admins, all."""
    if user.is_authenticated and user.role == Role.ADMIN:
        return Project.objects.all()
    if user.is_authenticated and user.role == Role.EDITOR and user.office_id is not None:
        return Project.objects.filter(office_id=user.office_id)
    return Project.objects.none()


def can_create_contract(user: Actor) -> bool:
    """Admins; editors whose office has a project, since an editor's contract must serve one."""
    if user.is_authenticated and user.role == Role.ADMIN:
        return True
    return projects_for_contracts(user).exists()


def can_edit_vendors(user: Actor) -> bool:
    return user.is_authenticated and user.role in {Role.EDITOR, Role.ADMIN}
