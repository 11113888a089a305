"""Single use under real concurrency: many threads, each with its own database connection,
cast at the same moment with the same code and with different ones. A code never votes
twice, every accepted ballot is counted, and a flood of unknown codes from one address is
cut at its limit without turning away a valid code from there.

PostgreSQL only (as in production and in CI): SQLite runs one writer at a time, so it would
prove nothing about concurrent transactions.
"""

import json
import random
import urllib.error
import urllib.request
from collections import Counter
from collections.abc import Iterator
from functools import partial
from typing import Any

import pytest
from django.conf import settings
from pytest_django.live_server_helper import LiveServer

from offenestadt.accounts.models import Office
from offenestadt.core.tests.concurrency import in_parallel, skip_without_parallel_writers
from offenestadt.voting import services
from offenestadt.voting.models import Ballot, BallotChoice, Vote, VoteKind, VotingCode
from offenestadt.voting.tests.factories import issue_codes, make_vote, option_ids

THREADS = 24


@pytest.fixture(autouse=True)
def _postgresql(transactional_db: None) -> None:
    skip_without_parallel_writers()


@pytest.fixture
def vote(office: Office) -> Iterator[Vote]:
    yield make_vote(office, kind=VoteKind.APPROVAL, labels=("A", "B", "C"))


def test_one_code_from_many_threads_votes_once(vote: Vote) -> None:
    code = issue_codes(vote, 1)[0]
    ids = list(option_ids(vote).values())

    outcomes = in_parallel(
        [
            partial(services.ballot_cast, vote=vote, code=code, choices=[ids[n % 3]])
            for n in range(THREADS)
        ]
    )

    accepted = [o for o in outcomes if isinstance(o, services.CastBallot)]
    refused = [o for o in outcomes if isinstance(o, services.CodeUsedError)]
    assert len(accepted) == 1, outcomes
    assert len(refused) == THREADS - 1, outcomes
    assert Ballot.objects.count() == 1
    ballot = Ballot.objects.get()
    assert ballot.pk == accepted[0].ballot.pk
    assert [c.option_id for c in ballot.choices.all()] == [o.pk for o in accepted[0].options]
    assert VotingCode.objects.get().used is True


def test_many_codes_at_once_each_count_exactly_once(vote: Vote) -> None:
    codes = issue_codes(vote, 16)
    ids = list(option_ids(vote).values())
    rng = random.Random(8)  # noqa: S311 - a fixed mix of choices, not a secret
    # Every code three times, at once, with different choices each time.
    work = [(code, rng.sample(ids, rng.randint(1, 3))) for code in codes for _ in range(3)]
    rng.shuffle(work)

    outcomes = in_parallel(
        [
            partial(services.ballot_cast, vote=vote, code=code, choices=choices)
            for code, choices in work
        ]
    )

    accepted = [o for o in outcomes if isinstance(o, services.CastBallot)]
    refused = [o for o in outcomes if isinstance(o, services.CodeUsedError)]
    others = [o for o in outcomes if o not in accepted and o not in refused]
    assert others == []
    assert (len(accepted), len(refused)) == (16, 32)
    assert Ballot.objects.filter(vote=vote).count() == len(accepted)
    assert VotingCode.objects.filter(vote=vote, used=True).count() == 16
    expected = Counter(option.pk for cast in accepted for option in cast.options)
    tally = services.vote_tally(vote=vote)
    assert {r.option.pk: r.count for r in tally.options if r.count} == dict(expected)
    assert BallotChoice.objects.count() == sum(expected.values())
    # Every voter's receipt finds their own ballot.
    for cast in accepted:
        assert services.ballot_for_receipt(vote=vote, receipt=cast.receipt) == cast.ballot


def _post(url: str, body: dict[str, Any]) -> tuple[int, dict[str, Any]]:
    request = urllib.request.Request(
        url,
        data=json.dumps(body).encode(),
        headers={"Content-Type": "application/json"},
        method="POST",
    )
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read())


def test_the_api_under_parallel_requests(live_server: LiveServer, vote: Vote) -> None:
    codes = issue_codes(vote, 8)
    ids = list(option_ids(vote).values())
    url = f"{live_server.url}/api/v1/votes/{vote.pk}/ballots"
    # The first code from eight clients at once, the others once each.
    work = [codes[0]] * 8 + codes[1:]

    outcomes = in_parallel(
        [partial(_post, url, {"code": code, "choices": ids[:2]}) for code in work]
    )

    statuses = Counter(status for status, _ in outcomes)
    assert statuses == {201: 8, 409: 7}, outcomes
    receipts = [body["receipt"] for status, body in outcomes if status == 201]
    assert Ballot.objects.filter(vote=vote).count() == 8
    assert all(services.ballot_for_receipt(vote=vote, receipt=r) for r in receipts)
    assert {r.option.pk: r.count for r in services.vote_tally(vote=vote).options} == {
        ids[0]: 8,
        ids[1]: 8,
        ids[2]: 0,
    }


def test_unknown_codes_at_once_get_the_limit_and_valid_codes_from_there_still_vote(
    vote: Vote,
) -> None:
    first, later = issue_codes(vote, 2)
    choice = [option_ids(vote)["A"]]
    # 64 guesses from one address (a library's), and among them one voter with a real code.
    guesses = [f"AAAA-BBBB-CCCC-{n:04d}" for n in range(64)]
    cast = partial(services.ballot_cast, vote=vote, choices=choice, source="bibliothek")

    outcomes = in_parallel([partial(cast, code=code) for code in [*guesses, first]])

    kinds = Counter(type(outcome).__name__ for outcome in outcomes)
    limit = settings.VOTING_CODE_ATTEMPT_LIMIT
    assert kinds == {
        "UnknownCodeError": limit,
        "TooManyUnknownCodesError": 64 - limit,
        "CastBallot": 1,
    }, outcomes
    assert isinstance(outcomes[-1], services.CastBallot)
    # After the flood, the next voter there votes as well.
    cast(code=later)
    assert VotingCode.objects.filter(vote=vote, used=True).count() == 2
    assert Ballot.objects.filter(vote=vote).count() == 2
