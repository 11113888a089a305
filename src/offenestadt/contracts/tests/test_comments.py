"""Residents comment on published contracts without an account; moderation is public; a
flood from one connection is cut at a limit that holds even when the comments come at once."""

import json
from collections.abc import Callable
from functools import partial

import pytest
from django.conf import settings
from django.test import Client
from django.utils import timezone

from offenestadt.accounts.models import Office, User
from offenestadt.audit.models import AuditEntry
from offenestadt.contracts.models import CommentStatus, Contract, ContractComment
from offenestadt.contracts.services import contract_comment_post
from offenestadt.core.tests.concurrency import in_parallel, skip_without_parallel_writers
from offenestadt.core.throttle import RateLimitedError
from offenestadt.registry.services import linked_record_save
from offenestadt.registry.tests.factories import ProjectFactory

ClientFor = Callable[[User | None], Client]


@pytest.fixture
def contract(editor: User, office: Office) -> Contract:
    contract = Contract(title="Wartungsvertrag", published_at=timezone.now())
    linked_record_save(
        actor=editor, record=contract, projects=[ProjectFactory.create(office=office)]
    )
    return contract


def _comment(client: Client, contract: Contract, text: str = "Warum so teuer?") -> ContractComment:
    response = client.post(
        f"/vertraege/{contract.pk}/kommentieren/", {"pseudonym": "Anna B.", "text": text}
    )
    comment = ContractComment.objects.get(text=text)
    assert response["Location"] == comment.get_absolute_url()
    return comment


def test_a_resident_comments_without_an_account(contract: Contract, client_for: ClientFor) -> None:
    comment = _comment(client_for(None), contract)
    page = client_for(None).get(contract.get_absolute_url()).content.decode()
    assert "Warum so teuer?" in page and "Anna B." in page
    # The history says that a comment came, not who wrote what.
    (entry,) = AuditEntry.objects.for_record(comment)
    payload = json.dumps(entry.payload(), ensure_ascii=False)
    assert entry.actor_role == "system"
    assert "Anna" not in payload and "teuer" not in payload


def test_reading_the_contract_sets_no_cookie(contract: Contract, client_for: ClientFor) -> None:
    response = client_for(None).get(contract.get_absolute_url())
    assert not response.cookies


def test_hiding_needs_staff_and_shows_the_reason(
    contract: Contract, editor: User, other_editor: User, client_for: ClientFor
) -> None:
    comment = _comment(client_for(None), contract, "Der Bürgermeister ist ein …")
    url = f"/vertraege/{contract.pk}/kommentare/{comment.pk}/ausblenden/"
    # The contract is public: others see it, but only its editors may moderate.
    assert client_for(None).post(url, {"reason": "weg"}).status_code == 403
    assert client_for(other_editor).post(url, {"reason": "weg"}).status_code == 403
    assert client_for(editor).post(url, {"reason": ""}).status_code == 200
    client_for(editor).post(url, {"reason": "beleidigend"})
    comment.refresh_from_db()
    assert (comment.status, comment.hidden_reason) == (CommentStatus.HIDDEN, "beleidigend")
    page = client_for(None).get(contract.get_absolute_url()).content.decode()
    assert "Ausgeblendet: beleidigend" in page
    assert "Der Bürgermeister ist" not in page
    # Nothing is deleted silently: the text stays stored.
    assert ContractComment.objects.filter(text__startswith="Der Bürgermeister").exists()


def test_drafts_cannot_be_commented(editor: User, office: Office, client_for: ClientFor) -> None:
    draft = Contract(title="Entwurf")
    linked_record_save(actor=editor, record=draft, projects=[ProjectFactory.create(office=office)])
    response = client_for(None).post(
        f"/vertraege/{draft.pk}/kommentieren/", {"pseudonym": "A", "text": "B"}
    )
    assert response.status_code == 404
    assert not ContractComment.objects.exists()


def test_many_comments_in_a_short_time_are_refused_with_when_to_try_again(
    contract: Contract, client_for: ClientFor
) -> None:
    client = client_for(None)
    url = f"/vertraege/{contract.pk}/kommentieren/"
    responses = [
        client.post(url, {"pseudonym": "A", "text": f"Frage {n}"}, REMOTE_ADDR="192.0.2.7")
        for n in range(30)
    ]

    limit = settings.CONTRACT_COMMENT_LIMIT
    assert [r.status_code for r in responses] == [302] * limit + [429] * (30 - limit)
    refused = responses[-1]
    assert (
        "Zu viele Kommentare in kurzer Zeit, bitte versuchen Sie es in 60 Minuten erneut."
        in refused.content.decode()
    )
    assert 3500 < int(refused["Retry-After"]) <= 3600
    assert ContractComment.objects.count() == limit
    # Another connection comments as before.
    assert client.post(url, {"pseudonym": "B", "text": "Ich auch"}).status_code == 302


def test_an_invalid_comment_uses_up_nothing(contract: Contract, client_for: ClientFor) -> None:
    client = client_for(None)
    url = f"/vertraege/{contract.pk}/kommentieren/"
    for _ in range(settings.CONTRACT_COMMENT_LIMIT + 1):
        assert client.post(url, {"pseudonym": "A", "text": ""}).status_code == 400
    assert client.post(url, {"pseudonym": "A", "text": "Jetzt richtig"}).status_code == 302


@pytest.mark.django_db(transaction=True)
def test_comments_at_once_are_cut_at_the_limit(editor: User, office: Office) -> None:
    skip_without_parallel_writers()
    contract = Contract(title="Wartungsvertrag", published_at=timezone.now())
    linked_record_save(
        actor=editor, record=contract, projects=[ProjectFactory.create(office=office)]
    )

    outcomes = in_parallel(
        [
            partial(
                contract_comment_post, contract=contract, pseudonym="A", text=str(n), source="s"
            )
            for n in range(30)
        ]
    )

    stored = [o for o in outcomes if isinstance(o, ContractComment)]
    refused = [o for o in outcomes if isinstance(o, RateLimitedError)]
    assert (len(stored), len(refused)) == (settings.CONTRACT_COMMENT_LIMIT, 30 - len(stored))
    assert ContractComment.objects.count() == settings.CONTRACT_COMMENT_LIMIT


def test_behind_a_trusted_proxy_each_client_is_counted_not_the_proxy(
    contract: Contract, settings
) -> None:
    settings.TRUSTED_PROXIES = ["127.0.0.1"]
    url = f"/vertraege/{contract.pk}/kommentieren/"
    limit = settings.CONTRACT_COMMENT_LIMIT

    def post(client: Client, n: int, **headers: str) -> int:
        data = {"pseudonym": "A", "text": f"Frage {n} {headers}"}
        return client.post(url, data, REMOTE_ADDR="127.0.0.1", headers=headers).status_code

    proxy = Client()  # the proxy's connections, made after the setting
    first = [post(proxy, n, x_forwarded_for="192.0.2.7") for n in range(limit + 1)]
    assert first == [302] * limit + [429]
    # Another client behind the same proxy comments as before.
    assert post(proxy, 0, x_forwarded_for="192.0.2.8") == 302
    # What a client writes into the header itself does not count: the proxy appends what it saw.
    assert post(proxy, 1, x_forwarded_for="198.51.100.1, 192.0.2.7") == 429
    # Without the proxy named, the header is the client's word and is ignored.
    settings.TRUSTED_PROXIES = []
    direct = Client()
    assert post(direct, 2, x_forwarded_for="192.0.2.9") == 302
    assert [post(direct, n, x_forwarded_for=f"192.0.2.{n}") for n in range(limit)][-1] == 429
