"""Supports count once per person, without tracking readers: online support is confirmed
by a link sent to an e-mail address (double opt-in); only a keyed hash of the address is
kept, for this proposal, until the procedure's retention ends. Repeats are answered with
"already supported"; supports staff enter from letters count as before."""

import re
from collections.abc import Callable
from contextlib import AbstractContextManager
from datetime import timedelta
from functools import partial
from urllib.parse import urlsplit

import pytest
from django.apps import apps
from django.core import mail, serializers
from django.core.exceptions import ValidationError
from django.test import Client
from django.utils import timezone

from offenestadt.accounts.models import Office, User
from offenestadt.core.tests.concurrency import in_parallel, skip_without_parallel_writers
from offenestadt.participation.procedures.models import Procedure
from offenestadt.participation.proposals import services
from offenestadt.participation.proposals.models import Proposal, Support, SupportConfirmation
from offenestadt.participation.proposals.tests.proposal_setup import (
    CLIENT_ADDRESS,
    end_procedure,
    running_procedure,
)
from offenestadt.participation.retention import supporter_keys
from offenestadt.registry.channels import Channel

ClientFor = Callable[[User | None], Client]
ALREADY = "Sie haben diesen Vorschlag bereits unterstützt."
ADDRESS = "erika.mustermann@example.org"


@pytest.fixture
def procedure(office: Office) -> Procedure:
    return running_procedure(office)


@pytest.fixture
def proposal(procedure: Procedure) -> Proposal:
    return Proposal.objects.create(procedure=procedure, title="Bänke am Markt", text="Mehr.")


Ask = Callable[[Client, Proposal, str], str]


@pytest.fixture
def ask(django_capture_on_commit_callbacks: Callable[..., AbstractContextManager[object]]) -> Ask:
    """Ask to support through the page; returns the confirmation link from the e-mail,
    which goes out after the commit as in production."""

    def request_support(client: Client, proposal: Proposal, email: str) -> str:
        sent = len(mail.outbox)
        slug = proposal.procedure.slug
        url = f"/beteiligung/{slug}/vorschlaege/{proposal.pk}/unterstuetzen/"
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(url, {"email": email}, REMOTE_ADDR=CLIENT_ADDRESS)
        assert response.status_code == 200, response.content.decode()
        assert "Bitte bestätigen Sie Ihre Unterstützung" in response.content.decode()
        assert len(mail.outbox) == sent + 1
        return _link_in_last_mail()

    return request_support


def _link_in_last_mail() -> str:
    (link,) = re.findall(r"https?://\S+/unterstuetzung/\S+/bestaetigen/", str(mail.outbox[-1].body))
    return str(urlsplit(link).path)


def _confirm(client: Client, link: str) -> str:
    page = client.get(link)
    assert page.status_code == 200
    return client.post(link).content.decode()


def test_the_same_person_supporting_twice_counts_once_and_hears_already_supported(
    proposal: Proposal, client_for: ClientFor, ask: Ask
) -> None:
    client = client_for(None)
    first = ask(client, proposal, ADDRESS)
    # A mail program that opens the link to check it supports nothing.
    assert "Ja, ich unterstütze den Vorschlag" in client.get(first).content.decode()
    assert proposal.supports.count() == 0
    assert "ist gezählt" in _confirm(client, first)
    assert proposal.supports.count() == 1

    # Opening the link again, and asking again with the same address written differently.
    assert ALREADY in client.get(first).content.decode()
    assert ALREADY in client.post(first).content.decode()
    second = ask(client, proposal, "  Erika.Mustermann@EXAMPLE.org ")
    assert ALREADY in _confirm(client, second)
    assert proposal.supports.count() == 1
    page = client.get(f"/beteiligung/{proposal.procedure.slug}/vorschlaege/{proposal.pk}/")
    assert "1 Person unterstützt den Vorschlag." in page.content.decode()

    # Another person counts.
    assert "ist gezählt" in _confirm(client, ask(client, proposal, "max@example.org"))
    assert proposal.supports.count() == 2


def test_a_request_without_confirmation_counts_nothing(
    proposal: Proposal, client_for: ClientFor, ask: Ask
) -> None:
    ask(client_for(None), proposal, ADDRESS)
    assert proposal.supports.count() == 0
    assert SupportConfirmation.objects.get().confirmed_at is None


def test_online_support_needs_a_confirmed_address(proposal: Proposal, editor: User) -> None:
    with pytest.raises(ValidationError):
        services.proposal_support(actor=editor, proposal=proposal, channel=Channel.ONLINE)
    assert not Support.objects.exists()


def test_signatures_entered_by_staff_keep_counting(
    proposal: Proposal, editor: User, client_for: ClientFor, ask: Ask
) -> None:
    _confirm(client_for(None), ask(client_for(None), proposal, ADDRESS))
    for _letter in range(2):
        services.proposal_support(actor=editor, proposal=proposal, channel=Channel.POST, count=5)
    services.proposal_support(actor=editor, proposal=proposal, channel=Channel.PHONE)
    assert proposal.supports.count() == 12
    assert proposal.supports.filter(channel=Channel.POST).count() == 10


def test_no_address_and_no_cookie_is_kept_only_a_keyed_hash_per_proposal(
    procedure: Procedure, proposal: Proposal, client_for: ClientFor, ask: Ask
) -> None:
    client = client_for(None)
    _confirm(client, ask(client, proposal, ADDRESS))
    assert not client.cookies.get("sessionid")
    for model in apps.get_models():
        dump = serializers.serialize("json", model._default_manager.all())
        assert ADDRESS not in dump.lower(), model._meta.label
    support = proposal.supports.get()
    assert support.supporter_key == services.supporter_key(proposal, ADDRESS)
    other = Proposal.objects.create(procedure=procedure, title="Bäume", text="Mehr.")
    # The same person's keys for two proposals cannot be joined.
    assert services.supporter_key(other, ADDRESS) != support.supporter_key


def test_the_keys_go_with_the_procedures_retention_and_the_supports_stay(
    procedure: Procedure, proposal: Proposal, client_for: ClientFor, ask: Ask
) -> None:
    client = client_for(None)
    _confirm(client, ask(client, proposal, ADDRESS))
    ask(client, proposal, "max@example.org")
    now = timezone.now()
    # While the procedure runs, only requests never confirmed go after their period.
    assert supporter_keys(now + timedelta(minutes=1)) == 1
    assert SupportConfirmation.objects.count() == 1
    end_procedure(procedure, days_ago=2)
    assert supporter_keys(now) == 2  # the confirmation and the key on the support
    assert not SupportConfirmation.objects.exists()
    assert list(proposal.supports.values_list("supporter_key", flat=True)) == [""]


def test_a_closed_phase_refuses_the_request_with_its_reason(
    procedure: Procedure, proposal: Proposal, client_for: ClientFor
) -> None:
    end_procedure(procedure)
    url = f"/beteiligung/{procedure.slug}/vorschlaege/{proposal.pk}/unterstuetzen/"
    response = client_for(None).post(url, {"email": ADDRESS}, REMOTE_ADDR=CLIENT_ADDRESS)
    assert response.status_code == 400
    assert "Beteiligungsphase ist beendet" in response.content.decode()
    assert not mail.outbox


@pytest.mark.django_db(transaction=True)
def test_a_double_submission_at_the_same_moment_counts_once(office: Office) -> None:
    skip_without_parallel_writers()
    procedure = running_procedure(office)
    proposal = Proposal.objects.create(procedure=procedure, title="Bänke", text="Mehr.")
    key = services.supporter_key(proposal, ADDRESS)
    # The same key from many requests at once, without the confirmation's row lock.
    outcomes = in_parallel(
        [partial(services.proposal_support_online, proposal=proposal, supporter_key=key)] * 8
    )
    assert sorted(map(str, outcomes)) == ["already"] * 7 + ["counted"]
    assert proposal.supports.count() == 1

    # And the same confirmation link posted twice at once.
    services.support_request(proposal=proposal, email="max@example.org")
    token = _link_in_last_mail().split("/")[-3]
    outcomes = in_parallel([partial(services.support_confirm, token=token)] * 4)
    assert sorted(map(str, outcomes)) == ["already"] * 3 + ["counted"]
    assert proposal.supports.count() == 2
