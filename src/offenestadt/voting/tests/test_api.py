"""The voting API as outside tools test it: the list of votes, the ballot box with its status
codes, and the results once counting is allowed; every answer as the OpenAPI document says."""

from datetime import timedelta
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from openapi_schema_validator import OAS31Validator

from offenestadt.accounts.models import Office
from offenestadt.voting.models import Ballot, Vote, VoteKind, VotingCode
from offenestadt.voting.tests.factories import close, issue_codes, make_vote, option_ids

pytestmark = pytest.mark.django_db


def assert_as_documented(client: Client, method: str, path: str, response: Any) -> None:
    """The body is what the OpenAPI document promises for this operation and status."""
    document = client.get("/api/v1/openapi.json").json()
    promised = document["paths"][path][method]["responses"][str(response.status_code)]
    schema = promised["content"]["application/json"]["schema"]
    validator = OAS31Validator(
        {**schema, "components": document["components"]},
        format_checker=OAS31Validator.FORMAT_CHECKER,
    )
    assert [error.message for error in validator.iter_errors(response.json())] == []


def _cast(client: Client, vote: Vote, body: dict[str, Any]) -> Any:
    return client.post(f"/api/v1/votes/{vote.pk}/ballots", body, content_type="application/json")


BALLOTS = "/api/v1/votes/{vote_id}/ballots"


# --- listing -----------------------------------------------------------------------------


def test_the_list_shows_published_votes_with_their_options(client: Client, office: Office) -> None:
    vote = make_vote(office, kind=VoteKind.BUDGET, costs=("100", "200", "300"), budget="400")
    make_vote(office, published=False, slug="entwurf")

    response = client.get("/api/v1/votes")

    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 1
    item = body["items"][0]
    assert item["id"] == vote.pk
    assert item["kind"] == {
        "code": "budget",
        "label": {"de": "Budget verteilen", "en": item["kind"]["label"]["en"]},
    }
    assert item["status"] == "open"
    assert item["requires_code"] is True
    assert item["budget"] == "400.00"
    assert item["procedure"] == "parks"
    assert item["html_url"] == f"http://testserver/abstimmungen/{vote.pk}/"
    assert [(o["label"], o["cost"]) for o in item["options"]] == [
        ("Stadtpark", "100.00"),
        ("Westpark", "200.00"),
        ("Südpark", "300.00"),
    ]
    assert_as_documented(client, "get", "/api/v1/votes", response)


def test_the_list_filters_by_status(client: Client, office: Office) -> None:
    running = make_vote(office)
    ended = close(make_vote(office, slug="vorbei"))
    later = make_vote(office, slug="spaeter", opened_ago=timedelta(days=-3))
    waiting = close(make_vote(office, slug="wartet"), counted=False)

    def ids(status: str) -> list[int]:
        return [item["id"] for item in client.get(f"/api/v1/votes?status={status}").json()["items"]]

    assert ids("open") == [running.pk]
    assert ids("counted") == [ended.pk]
    assert ids("upcoming") == [later.pk]
    assert ids("closed") == [waiting.pk]
    assert client.get("/api/v1/votes?status=unbekannt").status_code == 422


def test_the_list_needs_the_same_queries_for_many_votes(client: Client, office: Office) -> None:
    make_vote(office)
    with CaptureQueriesContext(connection) as few:
        client.get("/api/v1/votes")
    for number in range(5):
        make_vote(office, slug=f"verfahren-{number}")
    with CaptureQueriesContext(connection) as many:
        assert len(client.get("/api/v1/votes").json()["items"]) == 6
    assert len(many) == len(few)


def test_a_draft_vote_does_not_exist(client: Client, office: Office) -> None:
    vote = make_vote(office, published=False)
    response = client.get(f"/api/v1/votes/{vote.pk}")
    assert response.status_code == 404
    assert _cast(client, vote, {"code": "x", "choices": [1]}).status_code == 404


# --- the ballot box ----------------------------------------------------------------------


def test_a_ballot_answers_201_with_a_receipt(client: Client, office: Office) -> None:
    vote = make_vote(office)
    code = issue_codes(vote, 1)[0]
    westpark = option_ids(vote)["Westpark"]

    response = _cast(client, vote, {"code": code, "choices": [westpark]})

    assert response.status_code == 201, response.content
    body = response.json()
    assert body["vote"] == vote.pk
    assert body["choices"] == [westpark]
    assert len(body["receipt"]) == 29
    assert body["check_url"] == f"http://testserver/abstimmungen/{vote.pk}/beleg/"
    assert Ballot.objects.count() == 1
    assert_as_documented(client, "post", BALLOTS, response)


def test_a_used_code_answers_409(client: Client, office: Office) -> None:
    vote = make_vote(office)
    code = issue_codes(vote, 1)[0]
    choice = [option_ids(vote)["Westpark"]]
    assert _cast(client, vote, {"code": code, "choices": choice}).status_code == 201

    response = _cast(client, vote, {"code": code, "choices": choice})

    assert response.status_code == 409
    assert response.json() == {"detail": "Mit diesem Code wurde schon abgestimmt."}
    assert Ballot.objects.count() == 1
    assert_as_documented(client, "post", BALLOTS, response)


def test_an_unknown_code_answers_403(client: Client, office: Office) -> None:
    vote = make_vote(office)
    issue_codes(vote, 1)

    response = _cast(
        client, vote, {"code": "ABCD-EFGH-JKLM-NPQR", "choices": [option_ids(vote)["Westpark"]]}
    )

    assert response.status_code == 403
    assert "gibt es für diese Abstimmung nicht" in response.json()["detail"]
    assert_as_documented(client, "post", BALLOTS, response)


@pytest.mark.parametrize("change", ["unpublished", "procedure unpublished", "closed"])
def test_the_box_sees_a_change_after_its_first_ballot(
    client: Client, office: Office, change: str
) -> None:
    vote = make_vote(office)
    first, second = issue_codes(vote, 2)
    choice = [option_ids(vote)["Westpark"]]
    assert _cast(client, vote, {"code": first, "choices": choice}).status_code == 201
    if change == "closed":
        close(vote)
    elif change == "unpublished":
        Vote.objects.filter(pk=vote.pk).update(published_at=None)
    else:
        vote.procedure.published_at = None
        vote.procedure.save()

    response = _cast(client, vote, {"code": second, "choices": choice})

    assert response.status_code == (403 if change == "closed" else 404), response.content
    assert Ballot.objects.count() == 1
    assert VotingCode.objects.filter(used=False).count() == 1


@pytest.mark.parametrize("when", ["not yet open", "closed"])
def test_a_vote_that_does_not_run_answers_403(client: Client, office: Office, when: str) -> None:
    vote = make_vote(office, opened_ago=timedelta(days=-1))
    code = issue_codes(vote, 1)[0]
    if when == "closed":
        close(vote)

    response = _cast(client, vote, {"code": code, "choices": [option_ids(vote)["Westpark"]]})

    assert response.status_code == 403
    assert response.json()["detail"].startswith(
        "Die Abstimmung beginnt am" if when == "not yet open" else "Die Abstimmung ist beendet"
    )
    assert not VotingCode.objects.filter(used=True).exists()
    assert_as_documented(client, "post", BALLOTS, response)


@pytest.mark.parametrize(
    ("kind", "choices", "words"),
    [
        (VoteKind.SINGLE, ["Stadtpark", "Westpark"], "genau eine Antwort"),
        (VoteKind.MULTIPLE, ["Stadtpark", "Westpark", "Südpark"], "höchstens 2"),
        (VoteKind.APPROVAL, ["Stadtpark", 0], "gehören nicht zu der Abstimmung: 0"),
        (VoteKind.BUDGET, ["Stadtpark", "Westpark"], "verteilt werden 250,00 Euro"),
        (VoteKind.APPROVAL, [], "mindestens eine Antwort"),
    ],
)
def test_invalid_choices_answer_422_and_say_why(
    client: Client, office: Office, kind: VoteKind, choices: list[Any], words: str
) -> None:
    vote = make_vote(
        office,
        kind=kind,
        max_choices=2 if kind == VoteKind.MULTIPLE else None,
        costs=("200", "100", "50") if kind == VoteKind.BUDGET else None,
        budget="250" if kind == VoteKind.BUDGET else None,
    )
    code = issue_codes(vote, 1)[0]
    ids = option_ids(vote)

    response = _cast(client, vote, {"code": code, "choices": [ids.get(c, c) for c in choices]})

    assert response.status_code == 422
    body = response.json()
    assert words in body["detail"]
    assert body["errors"][0]["loc"] == ["body", "ballot", "choices"]
    assert not VotingCode.objects.filter(used=True).exists()
    assert_as_documented(client, "post", BALLOTS, response)


@pytest.mark.parametrize(
    "body",
    [{"code": "ABCD"}, {"code": "ABCD", "choices": "Stadtpark"}, {"choices": ["x"]}],
)
def test_a_malformed_ballot_answers_422(client: Client, office: Office, body: Any) -> None:
    vote = make_vote(office)
    response = _cast(client, vote, body)
    assert response.status_code == 422
    assert_as_documented(client, "post", BALLOTS, response)


def test_broken_json_answers_400(client: Client, office: Office) -> None:
    vote = make_vote(office)
    response = client.post(
        f"/api/v1/votes/{vote.pk}/ballots", "{kein json", content_type="application/json"
    )
    assert response.status_code == 400


def test_an_open_poll_takes_ballots_without_a_code(client: Client, office: Office) -> None:
    vote = make_vote(office, requires_code=False)
    response = _cast(client, vote, {"choices": [option_ids(vote)["Südpark"]]})
    assert response.status_code == 201


def test_guessing_codes_answers_429(client: Client, office: Office, settings: Any) -> None:
    settings.VOTING_CODE_ATTEMPT_LIMIT = 2
    vote = make_vote(office)
    choice = [option_ids(vote)["Südpark"]]
    statuses = [
        _cast(client, vote, {"code": "ABCD-EFGH-JKLM-NPQR", "choices": choice}).status_code
        for _ in range(3)
    ]
    assert statuses == [403, 403, 429]


# --- results -----------------------------------------------------------------------------


def test_results_answer_409_until_counting_is_allowed(client: Client, office: Office) -> None:
    vote = make_vote(office, requires_code=False)
    path = f"/api/v1/votes/{vote.pk}/results"

    for counted in (None, False):
        if counted is False:
            close(vote, counted=False)
        response = client.get(path)
        assert response.status_code == 409
        assert "counted from" in response.json()["detail"]
        assert_as_documented(client, "get", "/api/v1/votes/{vote_id}/results", response)


def test_results_count_by_option_and_channel(client: Client, office: Office) -> None:
    vote = make_vote(office, kind=VoteKind.APPROVAL)
    codes = issue_codes(vote, 3)
    ids = option_ids(vote)
    for code, labels in zip(
        codes, [["Westpark"], ["Westpark", "Südpark"], ["Südpark"]], strict=True
    ):
        assert (
            _cast(client, vote, {"code": code, "choices": [ids[x] for x in labels]}).status_code
            == 201
        )
    close(vote)

    response = client.get(f"/api/v1/votes/{vote.pk}/results")

    assert response.status_code == 200
    body = response.json()
    assert body["ballots"] == 3
    assert [(o["label"], o["count"]) for o in body["options"]] == [
        ("Westpark", 2),
        ("Südpark", 2),
        ("Stadtpark", 0),
    ]
    assert body["options"][0]["share"] == pytest.approx(2 / 3)
    assert {c["channel"]: c["ballots"] for c in body["channels"]} == {
        "online": 3,
        "phone": 0,
        "in_person": 0,
        "post": 0,
    }
    assert_as_documented(client, "get", "/api/v1/votes/{vote_id}/results", response)
    assert client.get("/api/v1/votes/999999/results").status_code == 404
