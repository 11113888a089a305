"""Proposals and their support: without an account online, entered by staff for a call, a
letter or a visit, and counted alike; the city's answer and status are public."""

import json
from collections.abc import Callable
from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.utils import timezone

from offenestadt.accounts.models import Office, User
from offenestadt.audit.models import AuditEntry
from offenestadt.participation import throttle
from offenestadt.participation.procedures.figures import channel_mix
from offenestadt.participation.procedures.models import ContributionStatus, Procedure
from offenestadt.participation.proposals import services
from offenestadt.participation.proposals.models import (
    Proposal,
    ProposalStatus,
    Support,
    SupportConfirmation,
)
from offenestadt.participation.proposals.tests.proposal_setup import (
    CLIENT_ADDRESS,
    running_procedure,
)
from offenestadt.registry.channels import Channel

ClientFor = Callable[[User | None], Client]


@pytest.fixture
def procedure(office: Office) -> Procedure:
    return running_procedure(office)


def _propose(
    client: Client, procedure: Procedure, title: str = "Radweg an der Ringstraße"
) -> Proposal:
    response = client.post(
        f"/beteiligung/{procedure.slug}/vorschlaege/neu/",
        {"pseudonym": "Anna B.", "title": title, "text": "Mit Poller gegen Falschparker."},
        REMOTE_ADDR=CLIENT_ADDRESS,
    )
    proposal = Proposal.objects.get(title=title)
    assert response.status_code == 302
    assert response["Location"] == f"/beteiligung/{procedure.slug}/vorschlaege/{proposal.pk}/"
    return proposal


def test_a_resident_proposes_without_an_account(
    procedure: Procedure, client_for: ClientFor
) -> None:
    proposal = _propose(client_for(None), procedure)
    assert (proposal.channel, proposal.entered_by_role) == (Channel.ONLINE, "")
    page = client_for(None).get(f"/beteiligung/{procedure.slug}/vorschlaege/").content.decode()
    assert "Radweg an der Ringstraße" in page and "Anna B." in page
    # The history records that a proposal came from the public, never who made it.
    (entry,) = AuditEntry.objects.for_record(proposal)
    assert entry.actor_role == "public"
    assert "Anna" not in json.dumps(entry.payload(), ensure_ascii=False)


def test_staff_enter_proposals_from_every_channel_and_they_count_alike(
    procedure: Procedure, editor: User, other_editor: User, client_for: ClientFor
) -> None:
    _propose(client_for(None), procedure, "Online")
    # Letters reach any office: every editor may enter what came to them.
    for channel, clerk, title in (
        (Channel.PHONE, editor, "Telefon"),
        (Channel.POST, other_editor, "Post"),
    ):
        response = client_for(clerk).post(
            f"/beteiligung/{procedure.slug}/vorschlaege/erfassen/",
            {"channel": channel, "pseudonym": "", "title": title, "text": "Bitte."},
        )
        assert response.status_code == 302
    services.proposal_create(
        actor=editor,
        procedure=procedure,
        title="Vor Ort",
        text="Am Bürgerbüro gesagt.",
        channel=Channel.IN_PERSON,
    )
    proposals = {p.title: p for p in Proposal.objects.all()}
    assert proposals["Telefon"].entered_by_role == "editor"
    assert proposals["Post"].channel == Channel.POST
    mix = channel_mix(procedure)
    assert [(row.channel, row.proposals) for row in mix.rows] == [
        (Channel.ONLINE, 1),
        (Channel.PHONE, 1),
        (Channel.IN_PERSON, 1),
        (Channel.POST, 1),
    ]
    page = client_for(None).get(f"/beteiligung/{procedure.slug}/vorschlaege/").content.decode()
    for title in ("Online", "Telefon", "Post", "Vor Ort"):
        assert title in page
    assert "eingegangen per Telefon" in page


def test_support_from_every_channel_counts_alike(
    procedure: Procedure, editor: User, client_for: ClientFor
) -> None:
    proposal = _propose(client_for(None), procedure)
    url = f"/beteiligung/{procedure.slug}/vorschlaege/{proposal.pk}/"
    # Online: confirmed by e-mail, once per person (see test_support_once).
    services.proposal_support_online(
        proposal=proposal, supporter_key=services.supporter_key(proposal, "a@example.org")
    )
    entered = client_for(editor).post(
        url + "unterstuetzung-erfassen/", {"channel": Channel.POST, "count": 3}
    )
    assert entered.status_code == 302
    services.proposal_support(actor=editor, proposal=proposal, channel=Channel.PHONE)
    services.proposal_support(actor=editor, proposal=proposal, channel=Channel.IN_PERSON)
    assert proposal.supports.count() == 6
    # A support is a count: it carries no identity and no address, online only a keyed
    # hash of the confirmed address, so that each person counts once.
    assert set(Support._meta.concrete_fields) == {
        Support._meta.get_field(name)
        for name in ("id", "proposal", "channel", "entered_by_role", "created_at", "supporter_key")
    }
    page = client_for(None).get(url).content.decode()
    assert "6 Personen unterstützen den Vorschlag" in page
    assert channel_mix(procedure).supports == 6
    # The page lists them by channel.
    assert '<th scope="row">Post</th><td>3</td>' in page


def test_only_staff_enter_offline_contributions(
    procedure: Procedure, resident: User, client_for: ClientFor
) -> None:
    with pytest.raises(PermissionDenied):
        services.proposal_create(
            actor=resident, procedure=procedure, title="T", text="x", channel=Channel.PHONE
        )
    proposal = _propose(client_for(None), procedure)
    with pytest.raises(PermissionDenied):
        services.proposal_support(actor=resident, proposal=proposal, channel=Channel.POST)
    assert (
        client_for(None).get(f"/beteiligung/{procedure.slug}/vorschlaege/erfassen/").status_code
        == 403
    )
    assert (
        client_for(resident)
        .get(f"/beteiligung/{procedure.slug}/vorschlaege/{proposal.pk}/unterstuetzung-erfassen/")
        .status_code
        == 403
    )


def test_proposals_are_taken_only_while_the_consultation_runs(
    office: Office, editor: User, client_for: ClientFor
) -> None:
    later = running_procedure(office, slug="spaeter", started_days_ago=-3, days_left=20)
    page = client_for(None).get("/beteiligung/spaeter/vorschlaege/neu/").content.decode()
    assert "in der Beteiligungsphase ab dem" in page
    response = client_for(None).post(
        "/beteiligung/spaeter/vorschlaege/neu/", {"title": "Zu früh", "text": "x"}
    )
    assert response.status_code == 400
    # Staff entries have the same dates, so no channel has longer.
    with pytest.raises(PermissionDenied):
        services.proposal_create(
            actor=editor, procedure=later, title="T", text="x", channel=Channel.PHONE
        )
    assert not Proposal.objects.exists()


def test_drafts_take_no_proposals(office: Office, client_for: ClientFor) -> None:
    draft = running_procedure(office, slug="entwurf")
    Procedure.objects.filter(pk=draft.pk).update(published_at=None)
    assert client_for(None).get("/beteiligung/entwurf/vorschlaege/").status_code == 404
    assert (
        client_for(None)
        .post("/beteiligung/entwurf/vorschlaege/neu/", {"title": "T", "text": "x"})
        .status_code
        == 404
    )


def test_the_answer_and_status_are_public(
    procedure: Procedure, editor: User, other_editor: User, client_for: ClientFor
) -> None:
    proposal = _propose(client_for(None), procedure)
    url = f"/beteiligung/{procedure.slug}/vorschlaege/{proposal.pk}/antworten/"
    answer = {"proposal_status": ProposalStatus.PARTLY, "answer": "Poller ja, Radweg 2027."}
    assert client_for(None).post(url, answer).status_code == 403
    assert client_for(other_editor).post(url, answer).status_code == 403
    assert (
        client_for(editor).post(url, {"proposal_status": "submitted", "answer": "x"}).status_code
        == 200
    )
    assert client_for(editor).post(url, answer).status_code == 302
    proposal.refresh_from_db()
    assert proposal.proposal_status == ProposalStatus.PARTLY
    assert proposal.answered_at is not None
    detail = client_for(None).get(f"/beteiligung/{procedure.slug}/vorschlaege/{proposal.pk}/")
    assert "teilweise aufgenommen" in detail.content.decode()
    assert "Poller ja, Radweg 2027." in detail.content.decode()
    listing = client_for(None).get(f"/beteiligung/{procedure.slug}/vorschlaege/").content.decode()
    assert "Poller ja, Radweg 2027." in listing
    # The answer is part of the public history, with the role that gave it.
    entry = AuditEntry.objects.for_record(proposal).order_by("-seq").first()
    assert entry is not None and entry.actor_role == "editor" and entry.is_public


def test_an_answer_needs_a_reason(procedure: Procedure, editor: User) -> None:
    proposal = services.proposal_create(
        actor=editor, procedure=procedure, title="T", text="x", channel=Channel.PHONE
    )
    with pytest.raises(ValidationError) as refused:
        services.proposal_answer(
            actor=editor, proposal=proposal, status=ProposalStatus.REJECTED, answer=" "
        )
    assert "answer" in refused.value.error_dict


def test_a_hidden_proposal_cannot_be_supported(
    procedure: Procedure, editor: User, client_for: ClientFor
) -> None:
    proposal = _propose(client_for(None), procedure)
    Proposal.objects.filter(pk=proposal.pk).update(
        status=ContributionStatus.HIDDEN, hidden_reason="Werbung"
    )
    response = client_for(None).post(
        f"/beteiligung/{procedure.slug}/vorschlaege/{proposal.pk}/unterstuetzen/",
        {"email": "max@example.org"},
    )
    assert response.status_code == 400
    assert "Einen ausgeblendeten Vorschlag kann man nicht unterstützen." in (
        response.content.decode()
    )
    assert not Support.objects.exists()
    assert not SupportConfirmation.objects.exists()


def test_requests_to_support_from_one_source_are_limited_against_mail_floods(
    procedure: Procedure, client_for: ClientFor
) -> None:
    # Each request sends an e-mail; a person counts once anyway (see test_support_once).
    proposal = _propose(client_for(None), procedure)
    url = f"/beteiligung/{procedure.slug}/vorschlaege/{proposal.pk}/unterstuetzen/"
    limit = throttle.DEFAULT_LIMITS["support"][0]
    statuses = [
        client_for(None)
        .post(url, {"email": f"person{n}@example.org"}, REMOTE_ADDR=CLIENT_ADDRESS)
        .status_code
        for n in range(limit + 1)
    ]
    assert statuses == [200] * limit + [429]
    # Another source (a neighbour, a library) is not held back.
    other = client_for(None).post(url, {"email": "x@example.org"}, REMOTE_ADDR="198.51.100.9")
    assert other.status_code == 200
    assert SupportConfirmation.objects.count() == limit + 1


def test_the_list_needs_the_same_queries_for_many_proposals(
    procedure: Procedure,
    editor: User,
    client_for: ClientFor,
    django_assert_max_num_queries: Callable[..., object],
) -> None:
    def create(count: int) -> None:
        for number in range(count):
            proposal = services.proposal_create(
                actor=editor,
                procedure=procedure,
                title=f"Vorschlag {number}",
                text="x",
                channel=Channel.POST,
            )
            services.proposal_support(actor=editor, proposal=proposal, channel=Channel.POST)

    client = client_for(None)
    create(2)
    with django_assert_max_num_queries(12) as few:  # type: ignore[attr-defined]
        client.get(f"/beteiligung/{procedure.slug}/vorschlaege/")
    create(20)
    with django_assert_max_num_queries(len(few.captured_queries)):  # type: ignore[attr-defined]
        assert client.get(f"/beteiligung/{procedure.slug}/vorschlaege/").status_code == 200


def test_proposals_stay_within_their_procedure(
    procedure: Procedure, office: Office, client_for: ClientFor
) -> None:
    other = running_procedure(office, slug="parken")
    proposal = _propose(client_for(None), procedure)
    assert (
        client_for(None).get(f"/beteiligung/{other.slug}/vorschlaege/{proposal.pk}/").status_code
        == 404
    )


def test_the_summary_for_the_procedure_page(procedure: Procedure, editor: User) -> None:
    first = services.proposal_create(
        actor=editor, procedure=procedure, title="A", text="x", channel=Channel.PHONE
    )
    second = services.proposal_create(
        actor=editor, procedure=procedure, title="B", text="x", channel=Channel.POST
    )
    services.proposal_support(actor=editor, proposal=second, channel=Channel.POST, count=5)
    services.proposal_answer(
        actor=editor, proposal=first, status=ProposalStatus.REJECTED, answer="Zu teuer."
    )
    summary = services.proposal_summary(procedure=procedure)
    assert (summary.total, summary.answered, summary.supports, summary.is_open) == (2, 1, 5, True)
    assert [p.title for p in summary.most_supported] == ["B", "A"]
    later = services.proposal_summary(
        procedure=procedure, today=timezone.localdate() + timedelta(days=30)
    )
    assert not later.is_open
