"""Casting through the service: codes vote once, receipts find their ballot, closed votes take
nothing, staff enter paper ballots that count alike, and flooding is throttled."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied
from django.test import override_settings
from django.utils import timezone

from offenestadt.accounts.models import Office, User
from offenestadt.core.models import ThrottleCounter
from offenestadt.core.throttle import keyed_hash
from offenestadt.registry.channels import Channel
from offenestadt.voting import services
from offenestadt.voting.models import Ballot, BallotChoice, VoteKind, VotingCode
from offenestadt.voting.tests.factories import close, issue_codes, make_vote, option_ids

pytestmark = pytest.mark.django_db


def test_a_code_casts_one_ballot_and_the_receipt_finds_it(office: Office) -> None:
    vote = make_vote(office)
    code = issue_codes(vote, 1)[0]
    ids = option_ids(vote)

    cast = services.ballot_cast(vote=vote, code=code, choices=[ids["Westpark"]])

    assert Ballot.objects.filter(vote=vote).count() == 1
    assert VotingCode.objects.get(vote=vote).used is True
    found = services.ballot_for_receipt(vote=vote, receipt=cast.receipt)
    assert found == cast.ballot
    assert [choice.option.label for choice in found.choices.all()] == ["Westpark"]
    # Typed by hand: lower case, without dashes, with spaces.
    sloppy = cast.receipt.lower().replace("-", " ")
    assert services.ballot_for_receipt(vote=vote, receipt=sloppy) == cast.ballot
    assert services.ballot_for_receipt(vote=vote, receipt="A" * 25) is None
    assert services.ballot_for_receipt(vote=vote, receipt=code) is None


def test_the_code_is_read_as_people_type_it(office: Office) -> None:
    vote = make_vote(office)
    code = issue_codes(vote, 1)[0]
    typed = f"  {code.lower().replace('-', ' ')} "

    services.ballot_cast(vote=vote, code=typed, choices=[option_ids(vote)["Stadtpark"]])

    assert Ballot.objects.count() == 1


def test_a_used_code_is_refused_and_nothing_is_stored(office: Office) -> None:
    vote = make_vote(office)
    code = issue_codes(vote, 1)[0]
    ids = option_ids(vote)
    services.ballot_cast(vote=vote, code=code, choices=[ids["Stadtpark"]])

    with pytest.raises(services.CodeUsedError) as refused:
        services.ballot_cast(vote=vote, code=code, choices=[ids["Südpark"]])

    assert refused.value.status == 409
    assert "schon abgestimmt" in refused.value.message
    assert Ballot.objects.count() == 1
    assert BallotChoice.objects.get().option_id == ids["Stadtpark"]


def test_unknown_codes_and_codes_of_another_vote_are_refused(office: Office) -> None:
    vote = make_vote(office)
    other = make_vote(office, slug="andere")
    foreign = issue_codes(other, 1)[0]
    issue_codes(vote, 1)
    choice = [option_ids(vote)["Stadtpark"]]

    for code in ("ABCD-EFGH-JKLM-NPQR", foreign, "", "zu-kurz"):
        with pytest.raises(services.UnknownCodeError) as refused:
            services.ballot_cast(vote=vote, code=code, choices=choice, source=f"s-{code}")
        assert refused.value.status == 403
    assert Ballot.objects.count() == 0
    assert not VotingCode.objects.filter(used=True).exists()


@pytest.mark.parametrize(
    ("opened_ago", "closes_in", "message"),
    [
        (timedelta(days=-1), timedelta(days=7), "beginnt am"),
        (timedelta(days=8), timedelta(seconds=-1), "beendet"),
    ],
)
def test_a_vote_takes_ballots_only_while_it_runs(
    office: Office, opened_ago: timedelta, closes_in: timedelta, message: str
) -> None:
    vote = make_vote(office, opened_ago=opened_ago, closes_in=closes_in)
    vote.closes_at = max(vote.closes_at, vote.opens_at + timedelta(hours=1))
    vote.save()
    code = VotingCode.objects.create(
        vote=vote, batch=vote.code_batches.create(count=1), code_hash="x" * 64
    )

    with pytest.raises(services.VoteNotOpenError) as refused:
        services.ballot_cast(vote=vote, code="ABCD-EFGH-JKLM-NPQR", choices=[1])

    assert refused.value.status == 403
    assert message in refused.value.message
    code.refresh_from_db()
    assert code.used is False


def test_the_closing_moment_is_exact(office: Office) -> None:
    vote = make_vote(office)
    codes = issue_codes(vote, 2)
    choice = [option_ids(vote)["Stadtpark"]]

    services.ballot_cast(
        vote=vote, code=codes[0], choices=choice, now=vote.closes_at - timedelta(microseconds=1)
    )
    with pytest.raises(services.VoteNotOpenError):
        services.ballot_cast(vote=vote, code=codes[1], choices=choice, now=vote.closes_at)


def test_a_draft_vote_takes_no_ballot(office: Office) -> None:
    vote = make_vote(office, published=False, requires_code=False)
    with pytest.raises(services.VoteNotOpenError):
        services.ballot_cast(vote=vote, choices=[option_ids(vote)["Stadtpark"]])


def test_invalid_choices_leave_the_code_unused(office: Office) -> None:
    vote = make_vote(office)
    code = issue_codes(vote, 1)[0]
    ids = option_ids(vote)

    with pytest.raises(services.InvalidChoicesError):
        services.ballot_cast(vote=vote, code=code, choices=[ids["Stadtpark"], ids["Westpark"]])

    assert VotingCode.objects.get().used is False
    services.ballot_cast(vote=vote, code=code, choices=[ids["Stadtpark"]])


# --- paper ballots -----------------------------------------------------------------------


def test_staff_enter_paper_ballots_that_count_like_online_ones(
    office: Office, editor: User
) -> None:
    vote = make_vote(office)
    codes = issue_codes(vote, 3)
    ids = option_ids(vote)

    services.ballot_cast(vote=vote, code=codes[0], choices=[ids["Südpark"]])
    services.ballot_cast(
        vote=vote, code=codes[1], choices=[ids["Südpark"]], channel=Channel.POST, actor=editor
    )
    services.ballot_cast(
        vote=vote,
        code=codes[2],
        choices=[ids["Westpark"]],
        channel=Channel.IN_PERSON,
        actor=editor,
    )

    tally = services.vote_tally(vote=vote)
    assert {r.option.label: r.count for r in tally.options} == {
        "Südpark": 2,
        "Westpark": 1,
        "Stadtpark": 0,
    }
    assert tally.channels == {"online": 1, "phone": 0, "in_person": 1, "post": 1}


def test_a_paper_ballot_needs_its_code_too(office: Office, editor: User) -> None:
    vote = make_vote(office)
    code = issue_codes(vote, 1)[0]
    choice = [option_ids(vote)["Südpark"]]
    services.ballot_cast(vote=vote, code=code, choices=choice)

    with pytest.raises(services.CodeUsedError):
        services.ballot_cast(
            vote=vote, code=code, choices=choice, channel=Channel.POST, actor=editor
        )


@pytest.mark.parametrize("who", ["anonymous", "resident", "other_editor", "dpo", "council"])
def test_only_the_offices_staff_enter_paper_ballots(
    office: Office, people: dict[str, User | None], who: str
) -> None:
    vote = make_vote(office, requires_code=False)
    with pytest.raises(PermissionDenied):
        services.ballot_cast(
            vote=vote,
            choices=[option_ids(vote)["Südpark"]],
            channel=Channel.POST,
            actor=people[who],
        )
    assert Ballot.objects.count() == 0


# --- rate limits -------------------------------------------------------------------------


@override_settings(VOTING_CODE_ATTEMPT_LIMIT=3)
def test_unknown_codes_are_throttled_per_source_and_a_valid_code_never_is(
    office: Office,
) -> None:
    vote = make_vote(office)
    code = issue_codes(vote, 1)[0]
    choice = [option_ids(vote)["Stadtpark"]]
    for _ in range(3):
        with pytest.raises(services.UnknownCodeError):
            services.ballot_cast(vote=vote, code="AAAA-AAAA-AAAA-AAAA", choices=choice, source="s1")
    # What cannot be a code at all is a typing slip, not a guess: not counted.
    with pytest.raises(services.UnknownCodeError):
        services.ballot_cast(vote=vote, code="AAAA", choices=choice, source="s1")

    with pytest.raises(services.TooManyUnknownCodesError) as refused:
        services.ballot_cast(vote=vote, code="BBBB-AAAA-AAAA-AAAA", choices=choice, source="s1")
    assert refused.value.status == 429
    assert "gültiger Code wird trotzdem angenommen" in refused.value.message
    # The right code from that source (a library's, a polling station's) is accepted.
    services.ballot_cast(vote=vote, code=code, choices=choice, source="s1")
    assert VotingCode.objects.get().used is True
    # The counter holds a count under a keyed hash of the source, nothing else.
    counter = ThrottleCounter.objects.get(scope=services.CODE_ATTEMPT_SCOPE)
    assert (counter.key_hash, counter.count) == (keyed_hash("s1"), 3)


@override_settings(VOTING_CODE_GUESSING_ALERT=3)
def test_guessing_from_many_addresses_warns_the_operators_once(
    office: Office, caplog: pytest.LogCaptureFixture
) -> None:
    vote = make_vote(office)
    code = issue_codes(vote, 1)[0]
    choice = [option_ids(vote)["Stadtpark"]]
    for n in range(5):
        with pytest.raises(services.UnknownCodeError):
            services.ballot_cast(
                vote=vote, code=f"AAAA-AAAA-AAAA-{n:04d}", choices=choice, source=f"s{n}"
            )

    warnings = [r for r in caplog.records if r.getMessage() == "many unknown voting codes"]
    assert [(r.levelname, getattr(r, "vote", None)) for r in warnings] == [("WARNING", vote.pk)]
    # Valid codes are accepted all the same.
    services.ballot_cast(vote=vote, code=code, choices=choice, source="s9")


def test_many_ballots_from_one_source_are_fine_with_codes(office: Office) -> None:
    # A citizen office's terminal: everyone there votes from one address.
    vote = make_vote(office)
    choice = [option_ids(vote)["Stadtpark"]]
    for code in issue_codes(vote, 25):
        services.ballot_cast(vote=vote, code=code, choices=choice, source="buergerbuero")
    assert Ballot.objects.count() == 25


@override_settings(VOTING_POLL_LIMIT=2)
def test_an_open_poll_needs_no_code_but_is_throttled(office: Office, editor: User) -> None:
    vote = make_vote(office, requires_code=False)
    choice = [option_ids(vote)["Westpark"]]
    services.ballot_cast(vote=vote, choices=choice, source="s1")
    services.ballot_cast(vote=vote, choices=choice, source="s1")

    with pytest.raises(services.TooManyAttemptsError):
        services.ballot_cast(vote=vote, choices=choice, source="s1")
    services.ballot_cast(vote=vote, choices=choice, source="s2")
    # Staff entering letters are not throttled.
    for _ in range(3):
        services.ballot_cast(
            vote=vote, choices=choice, source="s1", channel=Channel.POST, actor=editor
        )
    assert Ballot.objects.count() == 6


@override_settings(VOTING_POLL_LIMIT=1, VOTING_POLL_WINDOW_SECONDS=60)
def test_the_poll_window_runs_out(office: Office) -> None:
    vote = make_vote(office, requires_code=False)
    choice = [option_ids(vote)["Westpark"]]
    services.ballot_cast(vote=vote, choices=choice, source="s1")
    ThrottleCounter.objects.update(window_started_at=timezone.now() - timedelta(seconds=61))

    services.ballot_cast(vote=vote, choices=choice, source="s1")

    assert Ballot.objects.count() == 2


# --- counting ----------------------------------------------------------------------------


def test_results_wait_for_the_count(office: Office) -> None:
    vote = make_vote(office, requires_code=False)
    services.ballot_cast(vote=vote, choices=[option_ids(vote)["Westpark"]])

    with pytest.raises(services.CountingNotAllowedError):
        services.vote_results(vote=vote)
    close(vote, counted=False)
    with pytest.raises(services.CountingNotAllowedError) as early:
        services.vote_results(vote=vote)
    assert early.value.starts_at == vote.results_after
    close(vote)
    assert services.vote_results(vote=vote).ballots == 1


def test_the_tally_counts_every_choice(office: Office) -> None:
    vote = make_vote(
        office, kind=VoteKind.APPROVAL, labels=("A", "B", "C", "D"), requires_code=False
    )
    ids = option_ids(vote)
    ballots = [["A", "B"], ["A"], ["C", "A", "B"], ["D"], ["B", "D"]]
    for labels in ballots:
        services.ballot_cast(
            vote=vote, choices=[ids[label] for label in labels], source=str(labels)
        )

    tally = services.vote_tally(vote=vote)

    assert tally.ballots == 5
    assert [(r.option.label, r.count) for r in tally.options] == [
        ("A", 3),
        ("B", 3),
        ("D", 2),
        ("C", 1),
    ]
    assert tally.options[0].share == pytest.approx(0.6)
    assert all(r.funded is None for r in tally.options)


def test_a_budget_vote_funds_by_votes_while_the_budget_lasts(office: Office) -> None:
    vote = make_vote(
        office,
        kind=VoteKind.BUDGET,
        labels=("Stadtpark", "Westpark", "Südpark", "Kurpark"),
        costs=("6000", "5000", "4000", "1000"),
        budget="10000",
        requires_code=False,
    )
    ids = option_ids(vote)
    for number, labels in enumerate(
        [
            ["Stadtpark", "Südpark"],
            ["Stadtpark", "Kurpark"],
            ["Stadtpark"],
            ["Westpark", "Kurpark"],
            ["Westpark", "Südpark"],
        ]
    ):
        services.ballot_cast(
            vote=vote, choices=[ids[label] for label in labels], source=str(number)
        )

    tally = services.vote_tally(vote=vote)

    # Stadtpark (3 votes, 6000) fits; Westpark (2, 5000) no longer does; Südpark (2, 4000)
    # does, ahead of Kurpark (2, 1000) by its place on the ballot; Kurpark does not fit.
    assert [(r.option.label, r.count, r.funded) for r in tally.options] == [
        ("Stadtpark", 3, True),
        ("Westpark", 2, False),
        ("Südpark", 2, True),
        ("Kurpark", 2, False),
    ]
    assert tally.funded_total == 10000
