"""The charter amended through a procedure: a proposal names the change, and adopting it
after the procedure makes a new charter version in force and answers the proposal."""

from collections.abc import Callable
from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.utils import timezone

from offenestadt.accounts.models import Office, User
from offenestadt.charter.models import CharterVersion
from offenestadt.charter.parameters import (
    CONTRACT_MIN_PUBLIC_DAYS,
    FREE_TRAINING_REQUIRED,
    parameter_value,
)
from offenestadt.participation.amendments import services
from offenestadt.participation.amendments.tests.amendment_setup import conclude, propose
from offenestadt.participation.procedures import services as procedures_services
from offenestadt.participation.procedures.models import Procedure
from offenestadt.participation.proposals import services as proposals_services
from offenestadt.participation.proposals.models import Proposal, ProposalStatus
from offenestadt.participation.proposals.tests.proposal_setup import (
    end_procedure,
    running_procedure,
)
from offenestadt.registry.channels import Channel

ClientFor = Callable[[User | None], Client]


def test_a_resident_proposes_a_new_parameter_value(
    charter_procedure: Procedure, client_for: ClientFor
) -> None:
    form = client_for(None).get(f"/beteiligung/{charter_procedure.slug}/vorschlaege/neu/")
    assert "contract_min_public_days" in form.content.decode()
    proposal = propose(
        client_for(None),
        charter_procedure,
        {"parameter": "contract_min_public_days", "value": "42"},
    )
    # Read in the parameter's own type.
    assert proposal.charter_change == {"parameter": "contract_min_public_days", "value": 42}
    page = (
        client_for(None)
        .get(f"/beteiligung/{charter_procedure.slug}/vorschlaege/{proposal.pk}/")
        .content.decode()
    )
    # The parameter by its name, not its key.
    assert "Mindestdauer der Veröffentlichung eines Vertrags vor der Beratung" in page
    assert "„contract_min_public_days“" not in page and "42" in page


def test_a_proposed_change_must_fit_the_charter(
    charter_procedure: Procedure, editor: User, client_for: ClientFor
) -> None:
    def refused(data: dict[str, str]) -> str:
        response = client_for(None).post(
            f"/beteiligung/{charter_procedure.slug}/vorschlaege/neu/",
            {"title": "T", "text": "x"} | data,
            REMOTE_ADDR="198.51.100.7",
        )
        assert response.status_code == 400
        return response.content.decode()

    assert "ganze Zahl" in refused({"parameter": "contract_min_public_days", "value": "viele"})
    assert "diesen Wert schon" in refused({"parameter": "contract_min_public_days", "value": "28"})
    assert "entweder" in refused(
        {"parameter": "contract_min_public_days", "value": "3", "principle": "P3", "text_de": "x"}
    )
    with pytest.raises(ValidationError):
        proposals_services.proposal_create(
            actor=editor,
            procedure=charter_procedure,
            title="T",
            text="x",
            channel=Channel.POST,
            charter_change={"parameter": "no_such_parameter", "value": 1},
        )
    assert not Proposal.objects.exists()


def test_only_a_charter_procedure_takes_charter_changes(
    charter: CharterVersion, office: Office, editor: User
) -> None:
    procedure = running_procedure(office)
    with pytest.raises(ValidationError):
        proposals_services.proposal_create(
            actor=editor,
            procedure=procedure,
            title="T",
            text="x",
            channel=Channel.POST,
            charter_change={"parameter": "contract_min_public_days", "value": 60},
        )


def test_adopting_a_parameter_change_makes_a_new_version_in_force(
    charter: CharterVersion,
    charter_procedure: Procedure,
    administrator: User,
    editor: User,
    client_for: ClientFor,
) -> None:
    proposal = propose(
        client_for(None),
        charter_procedure,
        {"parameter": "contract_min_public_days", "value": "42"},
    )
    url = f"/beteiligung/{charter_procedure.slug}/vorschlaege/{proposal.pk}/beschliessen/"
    decision = {"council_decision": "Ratsbeschluss 2026/0815"}
    # Not while the procedure runs.
    response = client_for(administrator).post(url, decision)
    assert "nach dem Ende des Verfahrens" in response.content.decode()
    assert CharterVersion.objects.in_force() == charter
    conclude(charter_procedure, administrator, proposal)
    # Only administrators adopt.
    assert client_for(editor).post(url, decision).status_code == 403
    with pytest.raises(PermissionDenied):
        services.proposal_charter_adopt(
            actor=editor, proposal=proposal, council_decision="Ratsbeschluss"
        )
    response = client_for(administrator).post(url, decision)
    in_force = CharterVersion.objects.in_force()
    assert in_force is not None and in_force.number == charter.number + 1
    assert response["Location"] == in_force.get_absolute_url()
    assert parameter_value(in_force, CONTRACT_MIN_PUBLIC_DAYS) == 42
    assert parameter_value(charter, CONTRACT_MIN_PUBLIC_DAYS) == 28
    assert in_force.council_decision == "Ratsbeschluss 2026/0815"
    assert in_force.adopted_on == timezone.localdate()
    proposal.refresh_from_db()
    assert proposal.proposal_status == ProposalStatus.ACCEPTED
    assert f"Version {in_force.number}" in proposal.answer
    # Adopting twice makes no third version.
    with pytest.raises(ValidationError):
        services.proposal_charter_adopt(
            actor=administrator, proposal=proposal, council_decision="noch einmal"
        )
    assert CharterVersion.objects.count() == charter.number + 1


def test_adopting_a_new_principle_text_needs_its_english_version(
    charter: CharterVersion,
    charter_procedure: Procedure,
    administrator: User,
    client_for: ClientFor,
) -> None:
    new_text = "Vor jeder Entscheidung wird mindestens vier Wochen öffentlich beraten."
    proposal = propose(
        client_for(None), charter_procedure, {"principle": "P3", "text_de": new_text}
    )
    assert proposal.charter_change == {"principle": "P3", "text_de": new_text}
    conclude(charter_procedure, administrator, proposal)
    url = f"/beteiligung/{charter_procedure.slug}/vorschlaege/{proposal.pk}/beschliessen/"
    page = client_for(administrator).get(url).content.decode()
    assert "auf Englisch" in page
    response = client_for(administrator).post(
        url,
        {
            "council_decision": "Ratsbeschluss 2026/0816",
            "text_en": "Every decision is preceded by four weeks of public deliberation.",
            "answer": "Der Rat hat den Text übernommen.",
        },
    )
    assert response.status_code == 302
    in_force = CharterVersion.objects.in_force()
    assert in_force is not None and in_force.number == charter.number + 1
    (p3,) = [principle for principle in in_force.principles() if principle.id == "P3"]
    assert p3.description.de == new_text
    assert p3.description.en.startswith("Every decision")
    # The rest of the charter is as it was.
    assert in_force.parameters() == charter.parameters()
    assert [p.title for p in in_force.principles()] == [p.title for p in charter.principles()]
    proposal.refresh_from_db()
    assert (proposal.proposal_status, proposal.answer) == (
        ProposalStatus.ACCEPTED,
        "Der Rat hat den Text übernommen.",
    )


def test_a_charter_proposal_is_accepted_only_by_adopting_it(
    charter_procedure: Procedure, administrator: User, editor: User
) -> None:
    proposal = proposals_services.proposal_create(
        actor=editor,
        procedure=charter_procedure,
        title="T",
        text="x",
        channel=Channel.POST,
        charter_change={"parameter": "contract_min_public_days", "value": "60"},
    )
    with pytest.raises(ValidationError):
        proposals_services.proposal_answer(
            actor=administrator, proposal=proposal, status=ProposalStatus.ACCEPTED, answer="Ja."
        )
    # Rejecting it is an ordinary answer.
    proposals_services.proposal_answer(
        actor=administrator, proposal=proposal, status=ProposalStatus.REJECTED, answer="Nein."
    )
    assert CharterVersion.objects.count() == 2


def test_the_new_version_starts_on_the_day_given(
    charter: CharterVersion, charter_procedure: Procedure, administrator: User, editor: User
) -> None:
    proposal = proposals_services.proposal_create(
        actor=editor,
        procedure=charter_procedure,
        title="T",
        text="x",
        channel=Channel.POST,
        charter_change={"parameter": "free_training_required", "value": "nein"},
    )
    conclude(charter_procedure, administrator, proposal)
    later = timezone.localdate() + timedelta(days=30)
    version = services.proposal_charter_adopt(
        actor=administrator, proposal=proposal, council_decision="Beschluss", adopted_on=later
    )
    assert parameter_value(version, FREE_TRAINING_REQUIRED) is False
    assert CharterVersion.objects.in_force() == charter
    assert CharterVersion.objects.in_force(later) == version


def _charter_proposal(procedure: Procedure, editor: User) -> Proposal:
    return proposals_services.proposal_create(
        actor=editor,
        procedure=procedure,
        title="Länger öffentlich",
        text="Verträge länger vorher zeigen.",
        channel=Channel.POST,
        charter_change={"parameter": "contract_min_public_days", "value": "42"},
    )


def test_an_amendment_waits_for_the_end_and_the_report_and_says_so_before_the_form(
    charter: CharterVersion,
    charter_procedure: Procedure,
    administrator: User,
    editor: User,
    client_for: ClientFor,
) -> None:
    proposal = _charter_proposal(charter_procedure, editor)
    url = f"/beteiligung/{charter_procedure.slug}/vorschlaege/{proposal.pk}/beschliessen/"
    admin = client_for(administrator)
    # Before anyone fills in the form, the page says why it cannot be adopted yet.
    page = admin.get(url).content.decode()
    assert "kann noch nicht beschlossen werden" in page
    assert "nach dem Ende des Verfahrens" in page and "Ergebnisbericht" in page
    assert 'name="council_decision"' not in page
    response = admin.post(url, {"council_decision": "Ratsbeschluss 2026/0815"})
    assert response.status_code == 400
    assert CharterVersion.objects.in_force() == charter
    # The procedure over, the report still missing: still no.
    end_procedure(charter_procedure)
    page = admin.get(url).content.decode()
    assert "nach dem Ende des Verfahrens" not in page
    assert "Ergebnisbericht des Verfahrens ist nicht veröffentlicht" in page
    with pytest.raises(ValidationError, match="Ergebnisbericht"):
        services.proposal_charter_adopt(
            actor=administrator, proposal=proposal, council_decision="Ratsbeschluss"
        )
    # Answered as going to the council (an answer only a charter change may get), reported
    # on: now the form is there.
    answer_url = f"/beteiligung/{charter_procedure.slug}/vorschlaege/{proposal.pk}/antworten/"
    response = admin.post(
        answer_url, {"proposal_status": "in_review", "answer": "Der Rat entscheidet."}
    )
    assert response.status_code == 302
    proposal.refresh_from_db()
    assert proposal.answered_at is not None
    procedures_services.procedure_report_publish(
        actor=administrator, procedure=charter_procedure, report="Eine Änderung geht an den Rat."
    )
    page = admin.get(url).content.decode()
    assert "kann noch nicht beschlossen werden" not in page
    assert 'name="council_decision"' in page
    assert admin.post(url, {"council_decision": "Ratsbeschluss 2026/0815"}).status_code == 302
    assert CharterVersion.objects.count() == charter.number + 1


def test_moving_the_phases_into_the_past_does_not_open_the_adoption(
    charter: CharterVersion,
    charter_procedure: Procedure,
    administrator: User,
    editor: User,
    client_for: ClientFor,
) -> None:
    """The reproduced attack: an administrator moves the running procedure's phase into
    the past on its staff page, then tries to adopt at once."""
    proposal = _charter_proposal(charter_procedure, editor)
    admin = client_for(administrator)
    (phase,) = charter_procedure.phases.all()
    yesterday = timezone.localdate() - timedelta(days=1)
    response = admin.post(
        f"/beteiligung/{charter_procedure.slug}/phasen/{phase.pk}/aendern/",
        {
            "kind": phase.kind,
            "starts_on": (yesterday - timedelta(days=14)).isoformat(),
            "ends_on": yesterday.isoformat(),
            "description": "",
            "date_change_reason": "Der Rat will schneller entscheiden.",
        },
    )
    assert response.status_code == 400
    assert "nicht verkürzt" in response.content.decode()
    phase.refresh_from_db()
    assert phase.ends_on > yesterday
    url = f"/beteiligung/{charter_procedure.slug}/vorschlaege/{proposal.pk}/beschliessen/"
    admin.post(url, {"council_decision": "Ratsbeschluss 2026/0815"})
    assert CharterVersion.objects.in_force() == charter
    assert CharterVersion.objects.count() == charter.number


def test_an_amendment_is_not_backdated(
    charter: CharterVersion, charter_procedure: Procedure, administrator: User, editor: User
) -> None:
    proposal = _charter_proposal(charter_procedure, editor)
    conclude(charter_procedure, administrator, proposal)
    with pytest.raises(ValidationError, match="nicht rückwirkend"):
        services.proposal_charter_adopt(
            actor=administrator,
            proposal=proposal,
            council_decision="Ratsbeschluss",
            adopted_on=timezone.localdate() - timedelta(days=30),
        )
    assert CharterVersion.objects.count() == charter.number
