"""Moderation in public: anyone may report, staff decide in a queue, a hidden contribution
stays listed with its public reason, and nothing is ever deleted."""

from collections.abc import Callable

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client

from offenestadt.accounts.models import Office, User
from offenestadt.audit.models import Action, AuditEntry
from offenestadt.audit.verification import verify_chain
from offenestadt.participation.comments.models import Comment
from offenestadt.participation.moderation import services
from offenestadt.participation.moderation.models import Report
from offenestadt.participation.procedures.figures import channel_mix
from offenestadt.participation.procedures.models import ContributionStatus, Procedure
from offenestadt.participation.proposals import services as proposals_services
from offenestadt.participation.proposals.models import Proposal
from offenestadt.participation.proposals.tests.proposal_setup import (
    CLIENT_ADDRESS,
    running_procedure,
)
from offenestadt.participation.throttle import DEFAULT_LIMITS
from offenestadt.registry.channels import Channel

ClientFor = Callable[[User | None], Client]


@pytest.fixture
def procedure(office: Office) -> Procedure:
    return running_procedure(office)


@pytest.fixture
def proposal(procedure: Procedure, editor: User) -> Proposal:
    return proposals_services.proposal_create(
        actor=editor,
        procedure=procedure,
        title="Kauft bei Firma X!",
        text="Beste Preise bei Firma X, Telefon 0123.",
        channel=Channel.PHONE,
        pseudonym="Werbung GmbH",
    )


def _report(client: Client, procedure: Procedure, kind: str, pk: int, reason: str) -> int:
    response = client.post(
        f"/beteiligung/{procedure.slug}/melden/{kind}/{pk}/",
        {"reason": reason},
        REMOTE_ADDR=CLIENT_ADDRESS,
    )
    return response.status_code


def test_anyone_reports_and_the_responsible_staff_see_it_in_the_queue(
    procedure: Procedure,
    proposal: Proposal,
    editor: User,
    other_editor: User,
    administrator: User,
    client_for: ClientFor,
) -> None:
    assert _report(client_for(None), procedure, "vorschlag", proposal.pk, "Werbung") == 200
    (report,) = Report.objects.all()
    assert (report.proposal, report.comment, report.resolved_at) == (proposal, None, None)
    queue = client_for(editor).get("/beteiligung/meldungen/").content.decode()
    assert "Kauft bei Firma X!" in queue and "Werbung" in queue
    assert (
        "Kauft bei Firma X!"
        in client_for(administrator).get("/beteiligung/meldungen/").content.decode()
    )
    # Another office's editor does not moderate this procedure.
    assert (
        "Kauft bei Firma X!"
        not in client_for(other_editor).get("/beteiligung/meldungen/").content.decode()
    )
    assert client_for(None).get("/beteiligung/meldungen/").status_code == 404


def test_keeping_a_contribution_resolves_its_reports_with_a_note(
    procedure: Procedure,
    proposal: Proposal,
    editor: User,
    other_editor: User,
    client_for: ClientFor,
) -> None:
    _report(client_for(None), procedure, "vorschlag", proposal.pk, "Werbung")
    _report(client_for(None), procedure, "vorschlag", proposal.pk, "Spam")
    url = f"/beteiligung/meldungen/vorschlag/{proposal.pk}/"
    assert client_for(other_editor).post(url, {"decision": "keep", "text": "ok"}).status_code == 403
    assert client_for(editor).post(url, {"decision": "keep", "text": ""}).status_code == 200
    assert (
        client_for(editor).post(url, {"decision": "keep", "text": "Ist ein Vorschlag."}).status_code
        == 302
    )
    assert not Report.objects.filter(resolved_at__isnull=True).exists()
    assert set(Report.objects.values_list("decision", "note")) == {
        (ContributionStatus.VISIBLE, "Ist ein Vorschlag.")
    }
    proposal.refresh_from_db()
    assert proposal.status == ContributionStatus.VISIBLE
    assert (
        "Kauft bei Firma X!"
        not in client_for(editor).get("/beteiligung/meldungen/").content.decode()
    )
    with pytest.raises(ValidationError):
        services.reports_keep(actor=editor, contribution=proposal, note="nochmal")


def test_every_decision_on_a_report_is_in_the_internal_audit_trail(
    procedure: Procedure, proposal: Proposal, editor: User, client_for: ClientFor
) -> None:
    _report(client_for(None), procedure, "vorschlag", proposal.pk, "Werbung")
    _report(client_for(None), procedure, "vorschlag", proposal.pk, "Spam")
    assert (
        services.reports_keep(actor=editor, contribution=proposal, note="Ist ein Vorschlag.") == 2
    )
    for report in Report.objects.all():
        created, kept = AuditEntry.objects.for_record(report).order_by("seq")
        assert (created.action, created.actor_role) == (Action.CREATE, "public")
        assert (kept.action, kept.actor_role) == (Action.TRANSITION, editor.role)
        assert kept.changes["decision"] == ["", ContributionStatus.VISIBLE]
        assert kept.changes["note"] == ["", "Ist ein Vorschlag."]
        # Internal, like the queue; the reporter's words stay out of the history.
        assert not created.is_public and not kept.is_public
        assert "Werbung" not in str(created.changes) and "Spam" not in str(created.changes)
    # Hiding resolves the reports of a contribution through the audit trail as well.
    _report(client_for(None), procedure, "vorschlag", proposal.pk, "Immer noch Werbung")
    services.contribution_hide(actor=editor, contribution=proposal, reason="Werbung")
    report = Report.objects.get(reason="Immer noch Werbung")
    (hidden,) = AuditEntry.objects.for_record(report).filter(action=Action.TRANSITION)
    assert hidden.changes["decision"] == ["", ContributionStatus.HIDDEN]
    # The chain holds what the reports say (the procedure here is set up around it).
    assert not [problem for problem in verify_chain().problems if "participation.report" in problem]


def test_a_hidden_proposal_stays_listed_with_its_public_reason(
    procedure: Procedure, proposal: Proposal, editor: User, client_for: ClientFor
) -> None:
    _report(client_for(None), procedure, "vorschlag", proposal.pk, "Werbung")
    response = client_for(editor).post(
        f"/beteiligung/meldungen/vorschlag/{proposal.pk}/",
        {"decision": "hide", "text": "Werbung für eine Firma"},
    )
    assert response.status_code == 302
    proposal.refresh_from_db()
    assert (proposal.status, proposal.hidden_reason) == (
        ContributionStatus.HIDDEN,
        "Werbung für eine Firma",
    )
    assert not Report.objects.filter(resolved_at__isnull=True).exists()
    for url in (
        f"/beteiligung/{procedure.slug}/vorschlaege/",
        f"/beteiligung/{procedure.slug}/vorschlaege/{proposal.pk}/",
    ):
        page = client_for(None).get(url).content.decode()
        assert "Ausgeblendet: Werbung für eine Firma" in page
        assert "Firma X" not in page and "0123" not in page
    # Nothing is deleted silently: it stays stored and counted.
    assert Proposal.objects.filter(pk=proposal.pk, text__contains="0123").exists()
    assert channel_mix(procedure).hidden == 1
    assert channel_mix(procedure).proposals == 1


def test_staff_hide_a_proposal_directly_only_with_a_reason(
    procedure: Procedure,
    proposal: Proposal,
    editor: User,
    other_editor: User,
    client_for: ClientFor,
) -> None:
    url = f"/beteiligung/{procedure.slug}/vorschlaege/{proposal.pk}/ausblenden/"
    assert client_for(None).post(url, {"hidden_reason": "weg"}).status_code == 403
    assert client_for(other_editor).post(url, {"hidden_reason": "weg"}).status_code == 403
    assert client_for(editor).post(url, {"hidden_reason": ""}).status_code == 200
    assert client_for(editor).post(url, {"hidden_reason": "Werbung"}).status_code == 302
    proposal.refresh_from_db()
    assert proposal.hidden_reason == "Werbung"


def test_comments_are_reported_and_hidden_the_same_way(
    procedure: Procedure, editor: User, client_for: ClientFor
) -> None:
    comment = Comment.objects.create(procedure=procedure, text="Ihr seid alle …", pseudonym="X")
    assert _report(client_for(None), procedure, "kommentar", comment.pk, "beleidigend") == 200
    (report,) = Report.objects.all()
    assert report.comment == comment
    queue = services.moderation_queue(actor=editor)
    assert [(item.kind, item.contribution.pk) for item in queue] == [("kommentar", comment.pk)]
    client_for(editor).post(
        f"/beteiligung/meldungen/kommentar/{comment.pk}/",
        {"decision": "hide", "text": "Beleidigung"},
    )
    comment.refresh_from_db()
    assert (comment.status, comment.hidden_reason) == (ContributionStatus.HIDDEN, "Beleidigung")
    assert Comment.objects.filter(pk=comment.pk).exists()


def test_a_hidden_contribution_cannot_be_reported_again(
    procedure: Procedure, proposal: Proposal, editor: User, client_for: ClientFor
) -> None:
    Proposal.objects.filter(pk=proposal.pk).update(
        status=ContributionStatus.HIDDEN, hidden_reason="Werbung"
    )
    assert _report(client_for(None), procedure, "vorschlag", proposal.pk, "noch da") == 200
    assert not Report.objects.exists()


def test_reports_in_drafts_and_of_other_procedures_do_not_exist(
    procedure: Procedure, proposal: Proposal, office: Office, client_for: ClientFor
) -> None:
    other = running_procedure(office, slug="parken")
    assert _report(client_for(None), other, "vorschlag", proposal.pk, "x") == 404
    Procedure.objects.filter(pk=procedure.pk).update(published_at=None)
    assert _report(client_for(None), procedure, "vorschlag", proposal.pk, "x") == 404
    with pytest.raises(PermissionDenied):
        services.report_create(contribution=Proposal.objects.get(pk=proposal.pk), reason="x")
    assert not Report.objects.exists()


def test_reporting_is_rate_limited(
    procedure: Procedure, proposal: Proposal, client_for: ClientFor
) -> None:
    limit, _window = DEFAULT_LIMITS["report"]
    statuses = [
        _report(client_for(None), procedure, "vorschlag", proposal.pk, f"Meldung {n}")
        for n in range(limit + 1)
    ]
    assert statuses == [200] * limit + [429]
    assert Report.objects.count() == limit
    # Another source can still report.
    response = client_for(None).post(
        f"/beteiligung/{procedure.slug}/melden/vorschlag/{proposal.pk}/",
        {"reason": "auch"},
        REMOTE_ADDR="198.51.100.20",
    )
    assert response.status_code == 200
    assert Report.objects.count() == limit + 1
