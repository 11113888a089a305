"""Proposals to amend the charter as the tests of amendments need them: made through the
page, and the procedure ended as every procedure ends."""

from django.test import Client

from offenestadt.accounts.models import User
from offenestadt.participation.procedures import services as procedures_services
from offenestadt.participation.procedures.models import Procedure
from offenestadt.participation.proposals import services as proposals_services
from offenestadt.participation.proposals.models import Proposal, ProposalStatus
from offenestadt.participation.proposals.tests.proposal_setup import (
    CLIENT_ADDRESS,
    end_procedure,
)


def conclude(procedure: Procedure, administrator: User, *proposals: Proposal) -> None:
    """End the procedure the way every procedure ends: the charter proposals answered as
    going to the council, the last phase over, the result report published."""
    for proposal in proposals:
        proposals_services.proposal_answer(
            actor=administrator,
            proposal=proposal,
            status=ProposalStatus.IN_REVIEW,
            answer="Der Rat entscheidet über die Änderung.",
        )
    end_procedure(procedure)
    procedures_services.procedure_report_publish(
        actor=administrator, procedure=procedure, report="Eine Änderung geht an den Rat."
    )


def propose(client: Client, procedure: Procedure, data: dict[str, str]) -> Proposal:
    """A proposal made on the procedure's page with the change ``data`` asks for."""
    response = client.post(
        f"/beteiligung/{procedure.slug}/vorschlaege/neu/",
        {"title": "Länger öffentlich", "text": "Verträge länger vorher zeigen."} | data,
        REMOTE_ADDR=CLIENT_ADDRESS,
    )
    assert response.status_code == 302, response.content.decode()
    return Proposal.objects.get(pk=response["Location"].rstrip("/").rsplit("/", 1)[1])
