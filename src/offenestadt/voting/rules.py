"""Who may prepare votes and enter ballots received on paper: editors of the procedure's
office, and administrators. Nobody may read a ballot, and nobody counts before the end."""

from django.db.models import QuerySet

from offenestadt.accounts.models import Actor
from offenestadt.accounts.rules import editor_office, is_admin
from offenestadt.participation.models import Procedure
from offenestadt.voting.models import Vote


def can_manage_votes(user: Actor, procedure: Procedure) -> bool:
    """Prepare, change and publish the votes of ``procedure``."""
    if is_admin(user):
        return True
    office_id = editor_office(user)
    return office_id is not None and procedure.office_id == office_id


def procedures_for_votes(user: Actor) -> QuerySet[Procedure]:
    """The procedures ``can_manage_votes`` allows, which a user may add votes to: an
    editor's office's; for admins, all."""
    if is_admin(user):
        return Procedure.objects.all()
    if (office_id := editor_office(user)) is not None:
        return Procedure.objects.filter(office_id=office_id)
    return Procedure.objects.none()


def can_enter_paper_ballots(user: Actor, vote: Vote) -> bool:
    """Cast ballots received by post or in person, on the voter's behalf."""
    return can_manage_votes(user, vote.procedure)
