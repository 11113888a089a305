"""Who may run participation procedures: editors of the responsible office and administrators;
procedures about the charter itself only administrators. Contributions need no account."""

from django.db.models import QuerySet

from offenestadt.accounts.models import Actor, Office, Role
from offenestadt.contracts.models import Contract
from offenestadt.participation.models import Procedure
from offenestadt.registry.models import Project
from offenestadt.registry.rules import projects_linkable_by


def _is_admin(user: Actor) -> bool:
    return user.is_authenticated and user.role == Role.ADMIN


def _editor_office(user: Actor) -> int | None:
    """The office of an editor; None for anyone else."""
    if user.is_authenticated and user.role == Role.EDITOR:
        return user.office_id
    return None


def _is_editor(user: Actor) -> bool:
    return _editor_office(user) is not None


def can_create_procedure(user: Actor) -> bool:
    return _is_admin(user) or _is_editor(user)


def can_create_charter_procedure(user: Actor) -> bool:
    """A procedure that may amend the charter: for administrators only."""
    return _is_admin(user)


def can_edit_procedure(user: Actor, procedure: Procedure) -> bool:
    """Editors change their own office's procedures; administrators any, the charter's too."""
    if _is_admin(user):
        return True
    office_id = _editor_office(user)
    if procedure.amends_charter or office_id is None:
        return False
    return procedure.office_id == office_id


# Hiding a comment or a proposal (with a public reason) follows the same line as editing.
can_moderate_procedure = can_edit_procedure


def can_enter_contributions(user: Actor, procedure: Procedure) -> bool:
    """Who enters what came by phone, letter or in person: any editor or administrator.

    Letters and visits reach whichever office people turn to (a citizens' office, the
    town hall), not only the one running the procedure; the charter's are no exception.
    """
    return _is_admin(user) or _is_editor(user)


def offices_for_procedures(user: Actor) -> QuerySet[Office]:
    """The offices a user may run a procedure for: their own; for admins, all."""
    if _is_admin(user):
        return Office.objects.all()
    if (office_id := _editor_office(user)) is not None:
        return Office.objects.filter(pk=office_id)
    return Office.objects.none()


def projects_for_procedures(user: Actor) -> QuerySet[Project]:
    """The projects a user may link a procedure to: their office's; for admins, all."""
    return projects_linkable_by(user)


def contracts_for_procedures(user: Actor) -> QuerySet[Contract]:
    """The contracts a procedure of the user may be about: those serving their office's
    projects; for admins, all."""
    if _is_admin(user):
        return Contract.objects.all()
    if (office_id := _editor_office(user)) is not None:
        return Contract.objects.filter(projects__office_id=office_id).distinct()
    return Contract.objects.none()
