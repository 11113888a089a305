"""Who may prepare votes and enter ballots received on paper: editors of the procedure's
office, and administrators. Nobody may read a ballot, and nobody counts before the end."""

from django.db.models import QuerySet

from offenestadt.accounts.models import Actor, Role
from offenestadt.participation.models import Procedure
from offenestadt.voting.models import Vote


def can_manage_votes(user: Actor, procedure: Procedure) -> bool:
    """Prepare, change and publish the votes of ``procedure``."""
    if not user.is_authenticated:
        return False
    if user.role == Role.ADMIN:
        return True
    return (
        user.role == Role.EDITOR
        and user.office_id is not None
        and procedure.office_id == user.office_id
    )


def procedures_for_votes(user: Actor) -> QuerySet[Procedure]:
    """The procedures a user may add votes to: their office's; for admins, all."""
    if user.is_authenticated and user.role == Role.ADMIN:
        return Procedure.objects.all()
    if user.is_authenticated and user.role == Role.EDITOR and user.office_id is not None:
        return Procedure.objects.filter(office_id=user.office_id)
    return Procedure.objects.none()


def can_enter_paper_ballots(user: Actor, vote: Vote) -> bool:
    """Cast ballots received by post or in person, on the voter's behalf."""
    return can_manage_votes(user, vote.procedure)
