"""Hiding a comment or a proposal: only the procedure's staff, always with a public reason,
and nothing is deleted."""

from collections.abc import Callable

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client

from offenestadt.accounts.models import User
from offenestadt.audit.models import AuditEntry
from offenestadt.participation.comments import services as comments_services
from offenestadt.participation.comments.models import Comment
from offenestadt.participation.moderation import services
from offenestadt.participation.moderation.models import Report
from offenestadt.participation.procedures.models import ContributionStatus, Procedure
from offenestadt.participation.procedures.tests.procedure_setup import consultation, paragraph
from offenestadt.participation.proposals.models import Proposal

pytestmark = pytest.mark.django_db
ClientFor = Callable[[User | None], Client]


@pytest.fixture
def procedure(editor: User) -> Procedure:
    return consultation(editor)


def _url(procedure: Procedure, rest: str) -> str:
    return f"/beteiligung/{procedure.slug}/{rest}"


def test_hiding_needs_the_procedures_staff_and_shows_the_reason(
    procedure: Procedure, editor: User, other_editor: User, client_for: ClientFor
) -> None:
    comment = comments_services.comment_post(
        actor=None, procedure=procedure, paragraph=paragraph(procedure, 1), text="Der X ist …"
    )
    url = _url(procedure, f"kommentare/{comment.pk}/ausblenden/")
    assert client_for(None).post(url, {"reason": "weg"}).status_code == 403
    assert client_for(other_editor).post(url, {"reason": "weg"}).status_code == 403
    assert client_for(editor).post(url, {"reason": ""}).status_code == 200
    response = client_for(editor).post(url, {"reason": "beleidigend"})
    assert response.status_code == 302
    comment.refresh_from_db()
    assert (comment.status, comment.hidden_reason) == (ContributionStatus.HIDDEN, "beleidigend")
    page = client_for(None).get(response["Location"]).content.decode()
    assert "Ausgeblendet: beleidigend" in page
    assert "Der X ist" not in page
    # Nothing is deleted silently: the text stays stored, the change is in public history.
    assert Comment.objects.filter(text="Der X ist …").exists()
    entry = AuditEntry.objects.for_record(comment).order_by("-seq").first()
    assert entry is not None and entry.is_public
    assert entry.changes["hidden_reason"] == ["", "beleidigend"]


def test_hiding_needs_a_reason(procedure: Procedure, editor: User) -> None:
    comment = comments_services.comment_post(actor=None, procedure=procedure, text="Hm.")
    with pytest.raises(ValidationError):
        services.contribution_hide(actor=editor, contribution=comment, reason="  ")


def test_hiding_a_proposal_resolves_its_reports(procedure: Procedure, editor: User) -> None:
    proposal = Proposal.objects.create(procedure=procedure, title="Mehr Bänke", text="Bitte.")
    Report.objects.create(proposal=proposal, reason="Werbung")
    hidden = services.contribution_hide(actor=editor, contribution=proposal, reason="Werbung")
    assert (hidden.status, hidden.hidden_reason) == (ContributionStatus.HIDDEN, "Werbung")
    assert not Report.objects.filter(resolved_at__isnull=True).exists()
    assert Proposal.objects.filter(pk=proposal.pk).exists()


def test_others_may_not_moderate(procedure: Procedure, other_editor: User) -> None:
    comment = comments_services.comment_post(actor=None, procedure=procedure, text="Hm.")
    with pytest.raises(PermissionDenied):
        services.contribution_hide(actor=other_editor, contribution=comment, reason="weg")
