"""Who may run participation procedures: editors of the responsible office and administrators;
procedures about the charter itself only administrators. Contributions need no account, but
what came by phone, letter or in person is entered by staff."""

from django.db.models import QuerySet

from offenestadt.accounts.models import Actor
from offenestadt.accounts.rules import editor_office, is_admin, is_editor
from offenestadt.contracts.models import Contract
from offenestadt.contracts.rules import contracts_editable_by
from offenestadt.participation.procedures.models import Procedure
from offenestadt.registry.models import Project
from offenestadt.registry.rules import can_keep_record_without_project, projects_linkable_by


def can_create_procedure(user: Actor) -> bool:
    return is_admin(user) or is_editor(user)


def can_create_charter_procedure(user: Actor) -> bool:
    """A procedure that may amend the charter: for administrators only."""
    return is_admin(user)


def can_edit_procedure(user: Actor, procedure: Procedure) -> bool:
    """Editors change their own office's procedures; administrators any, the charter's too."""
    if is_admin(user):
        return True
    office_id = editor_office(user)
    if procedure.amends_charter or office_id is None:
        return False
    return procedure.office_id == office_id


def procedures_editable_by(user: Actor) -> QuerySet[Procedure]:
    """The procedures ``can_edit_procedure`` allows: an editor's office's (the charter's
    aside); for administrators, all."""
    if is_admin(user):
        return Procedure.objects.all()
    if (office_id := editor_office(user)) is not None:
        return Procedure.objects.filter(office_id=office_id, amends_charter=False)
    return Procedure.objects.none()


def can_enter_contributions(user: Actor, procedure: Procedure) -> bool:
    """Who enters what came by phone, letter or in person: any editor or administrator.

    Letters and visits reach whichever office people turn to (a citizens' office, the
    town hall), not only the one running the procedure; the charter's are no exception.
    """
    return is_admin(user) or is_editor(user)


def chooses_office(user: Actor) -> bool:
    """Whether the procedure form offers the office and the charter: for administrators.
    Editors write for their own office, never about the charter."""
    return is_admin(user)


def needs_project(user: Actor) -> bool:
    """Whether a procedure must be about a project: administrators may run one without
    (the charter's)."""
    return not can_keep_record_without_project(user)


def projects_for_procedures(user: Actor) -> QuerySet[Project]:
    """The projects a user may link a procedure to: their office's; for admins, all."""
    return projects_linkable_by(user)


def contracts_for_procedures(user: Actor) -> QuerySet[Contract]:
    """The contracts a procedure of the user may be about: those they may edit (serving
    their office's projects); for admins, all."""
    return contracts_editable_by(user)
