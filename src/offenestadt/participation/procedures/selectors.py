"""Reading participation procedures: the list shared by the procedures page, the API, the
feeds and the contribution exports, the contract a procedure's page shows, and the phases
about to start, for the staff's inbox."""

from datetime import date

from django.db.models import QuerySet

from offenestadt.accounts.models import Actor
from offenestadt.accounts.rules import reads_internal
from offenestadt.contracts.models import Contract
from offenestadt.participation.procedures.models import Phase, Procedure, ProcedureQuerySet
from offenestadt.participation.procedures.rules import procedures_editable_by


def procedure_list(*, user: Actor) -> ProcedureQuerySet:
    """The procedures ``user`` may see: published ones, and drafts for the city's staff."""
    return Procedure.objects.visible_to(user)


def contract_shown(procedure: Procedure, user: Actor) -> Contract | None:
    """The contract the procedure is about, if ``user`` may see it."""
    contract = procedure.contract
    if contract is None or not (contract.is_public_record() or reads_internal(user)):
        return None
    return contract


def phases_starting_between(user: Actor, first: date, last: date) -> QuerySet[Phase]:
    """The phases of ``user``'s procedures that start between the two days."""
    return (
        Phase.objects.filter(
            procedure__in=procedures_editable_by(user), starts_on__range=(first, last)
        )
        .select_related("procedure")
        .order_by("starts_on", "pk")
    )


def procedures_reported_in(year: int) -> ProcedureQuerySet:
    """The published procedures whose result report came out in ``year``, in that order."""
    return (
        Procedure.objects.published()
        .filter(result_report_published_at__year=year)
        .order_by("result_report_published_at", "title")
    )
