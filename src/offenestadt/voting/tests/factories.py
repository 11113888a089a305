"""Votes as stored, for the tests of casting, counting and the pages; the staff write path
(vote_save, option_save, vote_publish) has its own tests."""

from datetime import timedelta
from decimal import Decimal

from django.utils import timezone

from offenestadt.accounts.models import Office
from offenestadt.participation.models import Procedure
from offenestadt.voting import services
from offenestadt.voting.models import Option, Vote, VoteKind


def procedure_for(
    office: Office | None, *, slug: str = "parks", published: bool = True
) -> Procedure:
    procedure, _ = Procedure.objects.get_or_create(
        slug=slug,
        defaults={
            "title": f"Neue Bäume für die Parks ({slug})",
            "summary": "Wo sollen neue Bäume stehen?",
            "office": office,
            "published_at": timezone.now() if published else None,
        },
    )
    return procedure


def make_vote(
    office: Office | None = None,
    *,
    kind: VoteKind = VoteKind.SINGLE,
    labels: tuple[str, ...] = ("Stadtpark", "Westpark", "Südpark"),
    costs: tuple[str, ...] | None = None,
    budget: str | None = None,
    max_choices: int | None = None,
    requires_code: bool = True,
    opened_ago: timedelta = timedelta(days=1),
    closes_in: timedelta = timedelta(days=7),
    results_after: timedelta | None = None,
    published: bool = True,
    slug: str = "parks",
) -> Vote:
    """A vote that runs now (unless ``opened_ago``/``closes_in`` say otherwise)."""
    now = timezone.now()
    vote = Vote.objects.create(
        procedure=procedure_for(office, slug=slug),
        title="Wo sollen die neuen Bäume stehen?",
        kind=kind,
        max_choices=max_choices,
        budget=Decimal(budget) if budget is not None else None,
        opens_at=now - opened_ago,
        closes_at=now + closes_in,
        results_after=now + results_after if results_after is not None else None,
        requires_code=requires_code,
        published_at=now if published else None,
    )
    for position, label in enumerate(labels, start=1):
        Option.objects.create(
            vote=vote,
            position=position,
            label=label,
            cost=Decimal(costs[position - 1]) if costs else None,
        )
    return vote


def option_ids(vote: Vote) -> dict[str, int]:
    return {option.label: option.pk for option in vote.options.all()}


def issue_codes(vote: Vote, count: int = 5) -> list[str]:
    _, codes = services.codes_issue(vote=vote, count=count)
    return codes


def close(vote: Vote, *, counted: bool = True) -> Vote:
    """End the vote now (and allow counting, unless ``counted`` is False)."""
    now = timezone.now()
    vote.closes_at = now - timedelta(seconds=1)
    vote.opens_at = min(vote.opens_at, vote.closes_at - timedelta(days=1))
    vote.results_after = None if counted else now + timedelta(days=1)
    vote.save()
    return vote
