"""E-mail notifications with double opt-in: one confirmation e-mail and nothing else until
the address is confirmed; an unsubscribe link in every e-mail; only a hash of the token."""

import hashlib
import re
from collections.abc import Callable
from datetime import timedelta

import pytest
from django.core import mail
from django.test import Client
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from offenestadt.accounts.models import Office, User
from offenestadt.participation.notifications import sending, services
from offenestadt.participation.notifications.models import Subscription
from offenestadt.participation.procedures.models import Phase, PhaseKind, Procedure
from offenestadt.participation.proposals import services as proposals_services
from offenestadt.participation.proposals.models import ProposalStatus
from offenestadt.participation.proposals.tests.proposal_setup import (
    CLIENT_ADDRESS,
    running_procedure,
)
from offenestadt.registry.channels import Channel

ClientFor = Callable[[User | None], Client]
CONFIRM_LINK = re.compile(r"https?://\S+/beteiligung/benachrichtigung/(\S+)/bestaetigen/")
UNSUBSCRIBE_LINK = re.compile(r"https?://\S+(/beteiligung/benachrichtigung/\S+/abmelden/)")


@pytest.fixture
def procedure(office: Office) -> Procedure:
    return running_procedure(office)


@pytest.fixture
def subscribe(
    procedure: Procedure,
    client_for: ClientFor,
    django_capture_on_commit_callbacks: Callable[..., object],
) -> Callable[[str], str]:
    """Order notifications for an address; returns the token of the confirmation link."""

    def order(email: str) -> str:
        mail.outbox.clear()
        with django_capture_on_commit_callbacks(execute=True):  # type: ignore[attr-defined]
            response = client_for(None).post(
                f"/beteiligung/{procedure.slug}/benachrichtigung/",
                {"email": email},
                REMOTE_ADDR=CLIENT_ADDRESS,
            )
        assert response.status_code == 200
        (message,) = mail.outbox
        assert message.to == [email.lower()]
        match = CONFIRM_LINK.search(str(message.body))
        assert match is not None
        return match[1]

    return order


def _answer(procedure: Procedure, editor: User) -> None:
    proposal = proposals_services.proposal_create(
        actor=editor, procedure=procedure, title="Mehr Bänke", text="x", channel=Channel.POST
    )
    proposals_services.proposal_answer(
        actor=editor, proposal=proposal, status=ProposalStatus.ACCEPTED, answer="Kommen 2027."
    )


def test_subscribing_sends_one_confirmation_and_stores_only_a_hash(
    procedure: Procedure, subscribe: Callable[[str], str]
) -> None:
    token = subscribe("Erika@Example.org")
    (subscription,) = Subscription.objects.all()
    assert subscription.email == "erika@example.org"
    assert subscription.confirmed_at is None
    assert subscription.token_hash == hashlib.sha256(token.encode()).hexdigest()
    assert token not in str(Subscription.objects.values().get())
    (message,) = mail.outbox
    assert procedure.title in message.subject
    assert UNSUBSCRIBE_LINK.search(str(message.body))
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"


def test_an_unconfirmed_address_gets_no_notification(
    procedure: Procedure,
    editor: User,
    subscribe: Callable[[str], str],
    run_worker: Callable[[], None],
) -> None:
    subscribe("erika@example.org")
    mail.outbox.clear()
    _answer(procedure, editor)
    run_worker()
    assert mail.outbox == []


def test_confirming_takes_the_token_and_a_button(
    procedure: Procedure, subscribe: Callable[[str], str], client_for: ClientFor
) -> None:
    token = subscribe("erika@example.org")
    url = f"/beteiligung/benachrichtigung/{token}/bestaetigen/"
    # Opening the link (as a mail program's link checker does) confirms nothing yet.
    assert client_for(None).get(url).status_code == 200
    assert Subscription.objects.get().confirmed_at is None
    assert client_for(None).post(url).status_code == 200
    assert Subscription.objects.get().confirmed_at is not None
    # A wrong token does not exist.
    assert (
        client_for(None).get("/beteiligung/benachrichtigung/falsch/bestaetigen/").status_code == 404
    )
    assert (
        client_for(None).post("/beteiligung/benachrichtigung/falsch/bestaetigen/").status_code
        == 404
    )
    # A token's hash does not work as a token.
    hashed = Subscription.objects.get().token_hash
    assert (
        client_for(None).get(f"/beteiligung/benachrichtigung/{hashed}/bestaetigen/").status_code
        == 404
    )


def test_confirmed_subscribers_hear_of_answers_phases_and_the_result_report(
    procedure: Procedure,
    editor: User,
    subscribe: Callable[[str], str],
    run_worker: Callable[[], None],
) -> None:
    services.subscription_confirm(token=subscribe("erika@example.org"))
    subscribe("max@example.org")  # never confirmed
    mail.outbox.clear()
    _answer(procedure, editor)
    run_worker()
    (message,) = mail.outbox
    assert message.to == ["erika@example.org"]
    assert "Mehr Bänke" in str(message.body) and "aufgenommen" in str(message.body)
    assert UNSUBSCRIBE_LINK.search(str(message.body))
    assert message.extra_headers["List-Unsubscribe"].startswith("<http")

    mail.outbox.clear()
    Procedure.objects.filter(pk=procedure.pk).update(
        result_report="Alles aufgenommen.", result_report_published_at=timezone.now()
    )
    procedure.refresh_from_db()
    services.subscribers_notify(procedure=procedure, event=sending.Notice.RESULT_REPORT)
    run_worker()
    (message,) = mail.outbox
    assert "Ergebnisbericht" in str(message.body)


def test_a_phase_start_is_announced_on_its_first_day(
    procedure: Procedure, subscribe: Callable[[str], str]
) -> None:
    services.subscription_confirm(token=subscribe("erika@example.org"))
    mail.outbox.clear()
    today = timezone.localdate()
    vote = Phase.objects.create(
        procedure=procedure,
        kind=PhaseKind.VOTE,
        starts_on=today + timedelta(days=11),
        ends_on=today + timedelta(days=20),
    )
    services.phase_start_schedule(phase=vote)
    services.phase_start_schedule(phase=vote)
    (queued,) = DBTaskResult.objects.filter(task_path=sending.notify_phase_start.module_path)
    assert timezone.localtime(queued.run_after).date() == vote.starts_on
    kwargs = queued.args_kwargs["kwargs"]
    assert sending.notify_phase_start.call(**kwargs) == 1
    (message,) = mail.outbox
    assert "Abstimmung" in str(message.body)
    # A phase moved after it was scheduled: the old date's task sends nothing.
    mail.outbox.clear()
    Phase.objects.filter(pk=vote.pk).update(
        starts_on=today + timedelta(days=12), ends_on=today + timedelta(days=21)
    )
    assert sending.notify_phase_start.call(**kwargs) == 0
    assert mail.outbox == []


def test_unsubscribing_deletes_the_address(
    procedure: Procedure, subscribe: Callable[[str], str], client_for: ClientFor
) -> None:
    subscribe("erika@example.org")
    match = UNSUBSCRIBE_LINK.search(str(mail.outbox[0].body))
    assert match is not None
    url = match[1]
    assert client_for(None).get(url).status_code == 200
    assert Subscription.objects.exists()
    # One click from the mail program (RFC 8058): a POST without a CSRF token.
    response = Client(enforce_csrf_checks=True).post(url, {"List-Unsubscribe": "One-Click"})
    assert response.status_code == 200
    assert not Subscription.objects.exists()
    # Again: nothing left to cancel, and no error.
    assert client_for(None).post(url).status_code == 200
    # A link the site did not sign does not exist.
    assert client_for(None).get(url.replace(":", ":x", 1)).status_code == 404
    assert (
        client_for(None).get("/beteiligung/benachrichtigung/abc:def/abmelden/").status_code == 404
    )


def test_asking_again_sends_a_new_link_only_while_unconfirmed(
    procedure: Procedure, subscribe: Callable[[str], str], client_for: ClientFor
) -> None:
    first = subscribe("erika@example.org")
    second = subscribe("erika@example.org")
    assert first != second
    assert (
        client_for(None).get(f"/beteiligung/benachrichtigung/{first}/bestaetigen/").status_code
        == 404
    )
    services.subscription_confirm(token=second)
    mail.outbox.clear()
    # Once confirmed, asking again sends nothing, and the page says the same as before.
    response = client_for(None).post(
        f"/beteiligung/{procedure.slug}/benachrichtigung/",
        {"email": "erika@example.org"},
        REMOTE_ADDR="198.51.100.3",
    )
    assert response.status_code == 200
    assert "Wenn die Adresse noch nicht bestätigt ist" in response.content.decode()
    assert mail.outbox == []
    assert Subscription.objects.count() == 1


def test_no_subscription_after_the_result_report(
    procedure: Procedure, client_for: ClientFor
) -> None:
    Procedure.objects.filter(pk=procedure.pk).update(
        result_report="Fertig.", result_report_published_at=timezone.now()
    )
    response = client_for(None).post(
        f"/beteiligung/{procedure.slug}/benachrichtigung/", {"email": "erika@example.org"}
    )
    assert "der Ergebnisbericht ist veröffentlicht" in response.content.decode()
    assert not Subscription.objects.exists()
    assert mail.outbox == []


def test_subscribing_is_rate_limited(procedure: Procedure, client_for: ClientFor) -> None:
    statuses = [
        client_for(None)
        .post(
            f"/beteiligung/{procedure.slug}/benachrichtigung/",
            {"email": f"person{n}@example.org"},
            REMOTE_ADDR=CLIENT_ADDRESS,
        )
        .status_code
        for n in range(6)
    ]
    assert statuses == [200] * 5 + [429]
    assert Subscription.objects.count() == 5
