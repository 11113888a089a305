"""Who moderates the contributions of a procedure: whoever may run it. Hiding a comment or a
proposal (with a public reason), keeping a reported one and answering proposals follow the
same line as editing the procedure. Reporting needs no account."""

from django.db.models import QuerySet

from offenestadt.accounts.models import Actor
from offenestadt.participation.procedures.models import Procedure
from offenestadt.participation.procedures.rules import can_edit_procedure, procedures_editable_by


def can_moderate_procedure(user: Actor, procedure: Procedure) -> bool:
    return can_edit_procedure(user, procedure)


def procedures_moderated_by(user: Actor) -> QuerySet[Procedure]:
    """The procedures ``can_moderate_procedure`` allows."""
    return procedures_editable_by(user)
