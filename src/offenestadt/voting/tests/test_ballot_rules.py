"""What a ballot may name, by kind of vote: one answer, up to a limit, any number, or what
the budget allows; each refusal says which rule the ballot breaks."""

import pytest

from offenestadt.accounts.models import Office
from offenestadt.voting import services
from offenestadt.voting.models import Vote, VoteKind
from offenestadt.voting.tests.factories import make_vote, option_ids

pytestmark = pytest.mark.django_db

LABELS = ("A", "B", "C", "D")


def _vote(office: Office, kind: VoteKind) -> Vote:
    if kind == VoteKind.BUDGET:
        return make_vote(
            office, kind=kind, labels=LABELS, costs=("500", "300", "250", "0"), budget="800"
        )
    return make_vote(
        office, kind=kind, labels=LABELS, max_choices=2 if kind == VoteKind.MULTIPLE else None
    )


# kind, chosen labels, the error's words (None: allowed)
CASES = [
    (VoteKind.SINGLE, ["A"], None),
    (VoteKind.SINGLE, ["A", "B"], "genau eine Antwort"),
    (VoteKind.SINGLE, [], "mindestens eine Antwort"),
    (VoteKind.MULTIPLE, ["A"], None),
    (VoteKind.MULTIPLE, ["A", "B"], None),
    (VoteKind.MULTIPLE, ["A", "B", "C"], "höchstens 2 Antworten"),
    (VoteKind.APPROVAL, ["A", "B", "C", "D"], None),
    (VoteKind.APPROVAL, ["D"], None),
    (VoteKind.APPROVAL, ["A", "A"], "doppelt"),
    (VoteKind.BUDGET, ["A", "B"], None),
    (VoteKind.BUDGET, ["A", "B", "D"], None),
    (VoteKind.BUDGET, ["A", "C", "D"], None),
    (VoteKind.BUDGET, ["A", "B", "C"], "1.050,00 Euro"),
]


@pytest.mark.parametrize(("kind", "labels", "error"), CASES)
def test_ballot_rules(office: Office, kind: VoteKind, labels: list[str], error: str | None) -> None:
    vote = _vote(office, kind)
    ids = option_ids(vote)
    choices = [ids[label] for label in labels]
    if error is None:
        chosen = services.choices_check(vote=vote, choices=choices)
        assert sorted(option.label for option in chosen) == sorted(set(labels))
        return
    with pytest.raises(services.InvalidChoicesError) as refused:
        services.choices_check(vote=vote, choices=choices)
    assert error in refused.value.message
    assert refused.value.status == 422


def test_an_option_of_another_vote_is_named(office: Office) -> None:
    vote = _vote(office, VoteKind.APPROVAL)
    other = make_vote(office, slug="anderes-verfahren")
    foreign = option_ids(other)["Stadtpark"]

    with pytest.raises(services.InvalidChoicesError) as refused:
        services.choices_check(vote=vote, choices=[option_ids(vote)["A"], foreign, 999999])

    assert f"{foreign}, 999999" in refused.value.message


def test_the_budget_message_names_both_sums(office: Office) -> None:
    vote = _vote(office, VoteKind.BUDGET)
    ids = option_ids(vote)
    with pytest.raises(services.InvalidChoicesError) as refused:
        services.choices_check(vote=vote, choices=[ids["A"], ids["B"], ids["C"]])
    assert "1.050,00 Euro" in refused.value.message
    assert "800,00 Euro" in refused.value.message


@pytest.mark.parametrize(
    ("kind", "max_choices", "rule"),
    [
        (VoteKind.SINGLE, None, "Wählen Sie eine Antwort."),
        (VoteKind.MULTIPLE, 2, "Wählen Sie eine oder mehrere Antworten. Höchstens 2."),
        (VoteKind.APPROVAL, None, "Wählen Sie jede Antwort, der Sie zustimmen."),
        (VoteKind.APPROVAL, 3, "Wählen Sie jede Antwort, der Sie zustimmen. Höchstens 3."),
    ],
)
def test_the_rule_in_a_sentence(
    office: Office, kind: VoteKind, max_choices: int | None, rule: str
) -> None:
    vote = make_vote(office, kind=kind, max_choices=max_choices)
    assert vote.ballot_rule == rule


def test_the_budget_rule_names_the_budget(office: Office) -> None:
    assert "höchstens 800,00 Euro" in _vote(office, VoteKind.BUDGET).ballot_rule
