"""The vote pages without JavaScript: the ballot as a form, the receipt shown once, the
receipt check, and the results with the channel mix once counting is allowed."""

import re
from collections.abc import Callable

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from offenestadt.accounts.models import Office, User
from offenestadt.registry.channels import Channel
from offenestadt.voting import services
from offenestadt.voting.models import Ballot, Vote, VoteKind, VotingCode
from offenestadt.voting.tests.factories import close, issue_codes, make_vote, option_ids

pytestmark = pytest.mark.django_db

ClientFor = Callable[[User | None], Client]


def _text(response: object) -> str:
    html = response.content.decode()  # type: ignore[attr-defined]
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def _page(vote: Vote) -> str:
    return f"/abstimmungen/{vote.pk}/"


def test_the_list_groups_running_and_ended_votes(client: Client, office: Office) -> None:
    running = make_vote(office)
    ended = close(make_vote(office, slug="vorbei"))
    draft = make_vote(office, slug="entwurf", published=False)

    text = _text(client.get("/abstimmungen/"))

    laufend, beendet = text.split("Laufen gerade")[1].split("Beendet")
    assert running.title in laufend
    assert ended.procedure.title in beendet
    assert draft.procedure.title not in text


def test_the_list_needs_the_same_queries_for_many_votes(client: Client, office: Office) -> None:
    make_vote(office)
    with CaptureQueriesContext(connection) as few:
        client.get("/abstimmungen/")
    for number in range(5):
        make_vote(office, slug=f"verfahren-{number}")
    with CaptureQueriesContext(connection) as many:
        assert client.get("/abstimmungen/").status_code == 200
    assert len(many) == len(few)


def test_the_vote_page_offers_the_ballot(client: Client, office: Office) -> None:
    vote = make_vote(office, kind=VoteKind.APPROVAL)

    response = client.get(_page(vote))

    assert response.status_code == 200
    html = response.content.decode()
    assert 'name="code"' in html
    assert "<fieldset" in html
    assert "<legend>Ihre Antworten</legend>" in html
    assert html.count('type="checkbox" name="choices"') == 3
    assert "Wählen Sie jede Antwort, der Sie zustimmen." in html
    assert "<script" not in html


def test_a_poll_asks_for_no_code(client: Client, office: Office) -> None:
    vote = make_vote(office, requires_code=False)
    html = client.get(_page(vote)).content.decode()
    assert 'name="code"' not in html
    assert html.count('type="radio" name="choices"') == 3


def test_voting_on_the_page_shows_the_receipt_once(client: Client, office: Office) -> None:
    vote = make_vote(office)
    code = issue_codes(vote, 1)[0]

    response = client.post(_page(vote), {"code": code, "choices": option_ids(vote)["Südpark"]})

    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    text = _text(response)
    assert "Ihre Stimme ist abgegeben" in text
    receipt = re.search(r"[A-Z2-9]{5}(?:-[A-Z2-9]{5}){4}", text)
    assert receipt is not None
    ballot = services.ballot_for_receipt(vote=vote, receipt=receipt.group())
    assert ballot is not None
    assert [c.option.label for c in ballot.choices.all()] == ["Südpark"]


def test_a_used_code_is_explained_beside_the_code(client: Client, office: Office) -> None:
    vote = make_vote(office)
    code = issue_codes(vote, 1)[0]
    choice = option_ids(vote)["Südpark"]
    client.post(_page(vote), {"code": code, "choices": choice})

    response = client.post(_page(vote), {"code": code, "choices": choice})

    assert response.status_code == 409
    html = response.content.decode()
    assert 'id="id_code_error">Mit diesem Code wurde schon abgestimmt.' in html
    assert Ballot.objects.count() == 1


def test_broken_rules_are_explained_at_the_answers(client: Client, office: Office) -> None:
    vote = make_vote(office, kind=VoteKind.MULTIPLE, max_choices=2)
    code = issue_codes(vote, 1)[0]

    response = client.post(_page(vote), {"code": code, "choices": list(option_ids(vote).values())})

    assert response.status_code == 422
    assert 'id="ballot-error">Sie dürfen höchstens 2 Antworten wählen' in response.content.decode()
    assert not VotingCode.objects.filter(used=True).exists()


def test_no_answer_is_asked_for(client: Client, office: Office) -> None:
    vote = make_vote(office)
    code = issue_codes(vote, 1)[0]
    response = client.post(_page(vote), {"code": code})
    assert response.status_code == 400
    assert "Wählen Sie eine Antwort." in response.content.decode()


def test_an_ended_vote_has_no_ballot(client: Client, office: Office) -> None:
    vote = close(make_vote(office))
    response = client.get(_page(vote))
    assert 'name="choices"' not in response.content.decode()
    assert "Die Abstimmung ist beendet." in _text(response)
    refused = client.post(_page(vote), {"code": "ABCD-EFGH-JKLM-NPQR", "choices": 1})
    assert refused.status_code in {400, 403}


def test_a_draft_is_not_found_by_the_public(
    client_for: ClientFor, office: Office, editor: User
) -> None:
    vote = make_vote(office, published=False)
    assert client_for(None).get(_page(vote)).status_code == 404
    assert client_for(editor).get(_page(vote)).status_code == 200


# --- receipts and results ----------------------------------------------------------------


def test_the_receipt_check_shows_the_ballot(client: Client, office: Office) -> None:
    vote = make_vote(office, kind=VoteKind.APPROVAL)
    code = issue_codes(vote, 1)[0]
    ids = option_ids(vote)
    cast = services.ballot_cast(vote=vote, code=code, choices=[ids["Stadtpark"], ids["Südpark"]])
    check = f"/abstimmungen/{vote.pk}/beleg/"

    assert client.get(check).status_code == 200
    response = client.post(check, {"receipt": cast.receipt.lower()})

    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    text = _text(response)
    assert "Ihr Stimmzettel liegt in der Urne" in text
    assert "Stadtpark" in text.split("mit diesen Antworten:")[1]
    assert "Südpark" in text.split("mit diesen Antworten:")[1]
    close(vote)
    assert "Ihr Stimmzettel ist gezählt" in _text(client.post(check, {"receipt": cast.receipt}))


def test_a_wrong_receipt_finds_nothing(client: Client, office: Office) -> None:
    vote = make_vote(office)
    code = issue_codes(vote, 1)[0]
    services.ballot_cast(vote=vote, code=code, choices=[option_ids(vote)["Stadtpark"]])

    for wrong in ("AAAAA-AAAAA-AAAAA-AAAAA-AAAAA", code):
        response = client.post(f"/abstimmungen/{vote.pk}/beleg/", {"receipt": wrong})
        assert response.status_code == 404
        assert "keinen Stimmzettel" in _text(response)


def test_the_results_page_waits_then_counts_with_the_channel_mix(
    client: Client, office: Office, editor: User
) -> None:
    vote = make_vote(office, kind=VoteKind.BUDGET, costs=("500", "300", "200"), budget="700")
    codes = issue_codes(vote, 3)
    ids = option_ids(vote)
    services.ballot_cast(vote=vote, code=codes[0], choices=[ids["Stadtpark"], ids["Südpark"]])
    services.ballot_cast(
        vote=vote, code=codes[1], choices=[ids["Westpark"]], channel=Channel.POST, actor=editor
    )
    services.ballot_cast(
        vote=vote, code=codes[2], choices=[ids["Stadtpark"]], channel=Channel.PHONE, actor=editor
    )
    results = f"/abstimmungen/{vote.pk}/ergebnis/"

    waiting = _text(client.get(results))
    assert "Ausgezählt wird ab" in waiting
    assert "Stimmen je Antwort" not in waiting

    close(vote)
    text = _text(client.get(results))
    assert "3 Stimmzettel wurden abgegeben." in text
    assert "Stadtpark 2 66,7 % 500,00 € ja" in text
    assert "Westpark 1 33,3 % 300,00 € nein" in text
    assert "Südpark 1 33,3 % 200,00 € ja" in text
    assert "Finanziert: 700,00 € von 700,00 €" in text
    assert "online 1 Telefon 1 persönlich 0 Post 1" in text
