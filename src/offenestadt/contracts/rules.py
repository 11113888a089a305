"""Who may change contracts: editors of an office whose project the contract serves; admins."""

from django.db.models import QuerySet

from offenestadt.accounts.models import Actor
from offenestadt.accounts.rules import editor_office, is_admin, is_editor
from offenestadt.contracts.models import Contract
from offenestadt.registry.rules import projects_linkable_by


def can_edit_contract(user: Actor, contract: Contract) -> bool:
    if is_admin(user):
        return True
    office_id = editor_office(user)
    if office_id is None or contract.pk is None:
        return False
    return contract.projects.filter(office_id=office_id).exists()


def contracts_editable_by(user: Actor) -> QuerySet[Contract]:
    """The contracts ``can_edit_contract`` allows: those serving an editor's office's
    projects; for admins, all."""
    if is_admin(user):
        return Contract.objects.all()
    if (office_id := editor_office(user)) is not None:
        return Contract.objects.filter(projects__office_id=office_id).distinct()
    return Contract.objects.none()


def can_create_contract(user: Actor) -> bool:
    """Admins; editors whose office has a project, since an editor's contract must serve one."""
    return is_admin(user) or projects_linkable_by(user).exists()


def can_edit_vendors(user: Actor) -> bool:
    return is_admin(user) or is_editor(user)
