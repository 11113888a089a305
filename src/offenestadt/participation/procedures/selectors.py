"""Reading participation procedures: the list shared by the procedures page, the API, the
feeds and the contribution exports, and the contract a procedure's page shows."""

from offenestadt.accounts.models import Actor
from offenestadt.accounts.rules import reads_internal
from offenestadt.contracts.models import Contract
from offenestadt.participation.procedures.models import Procedure, ProcedureQuerySet


def procedure_list(*, user: Actor) -> ProcedureQuerySet:
    """The procedures ``user`` may see: published ones, and drafts for the city's staff."""
    return Procedure.objects.visible_to(user)


def contract_shown(procedure: Procedure, user: Actor) -> Contract | None:
    """The contract the procedure is about, if ``user`` may see it."""
    contract = procedure.contract
    if contract is None or not (contract.is_public_record() or reads_internal(user)):
        return None
    return contract
