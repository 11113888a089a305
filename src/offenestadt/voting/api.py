"""Votes in the public REST API: the published votes, the ballot box, and the results.

The ballot box needs no account: the one-time code is the voter's right to vote. Its
answers: 201 with a receipt; 403 for an unknown code or a vote that is not open (not yet, or
no more); 409 for a code that has voted already; 422 for choices the vote's rules do not
allow (too many, an option of another vote, over the budget) or a malformed body; 429 for an
unknown code after too many from one source (a valid code is accepted all the same). Results
answer 409 until counting is allowed: the vote exists and will be counted, just not yet.
"""

from datetime import datetime
from decimal import Decimal
from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone
from ninja import Field, P, PathEx, Query, Router, Schema, Status
from ninja.errors import HttpError

from offenestadt.core.api import InvalidInput, LocalisedText, Paging, Problem, labelled, paged
from offenestadt.core.throttle import address_key
from offenestadt.registry.channels import Channel
from offenestadt.voting import selectors, services
from offenestadt.voting.models import Vote, VoteKind, VoteStatus

router = Router(tags=["votes"])
VoteId = PathEx[int, P(description="The vote's id.")]


class VoteKindOut(Schema):
    code: VoteKind
    label: LocalisedText


class OptionOut(Schema):
    id: int = Field(description="What a ballot names in its choices.")
    label: str
    description: str
    cost: Decimal | None = Field(description="In a budget vote, what the option costs (euro).")
    proposal: int | None = Field(description="The id of the proposal the option puts to the vote.")

    @staticmethod
    def resolve_proposal(option: Any) -> int | None:
        return option.proposal_id  # type: ignore[no-any-return]


class VoteOut(Schema):
    id: int
    title: str
    description: str
    kind: VoteKindOut
    max_choices: int | None = Field(
        description="How many options a ballot may name at most (null: no limit)."
    )
    budget: Decimal | None = Field(
        description="In a budget vote, what the chosen options may cost."
    )
    opens_at: datetime
    closes_at: datetime
    results_from: datetime = Field(description="From then on the results are published.")
    requires_code: bool = Field(
        description="Whether a ballot needs a one-time code (false: an open poll, rate-limited)."
    )
    status: VoteStatus
    procedure: str = Field(description="The slug of the participation procedure.")
    html_url: str
    options: list[OptionOut]

    @staticmethod
    def resolve_kind(vote: Vote) -> dict[str, Any]:
        return labelled(VoteKind(vote.kind))

    @staticmethod
    def resolve_max_choices(vote: Vote) -> int | None:
        return vote.choice_limit

    @staticmethod
    def resolve_results_from(vote: Vote) -> datetime:
        return vote.counting_starts_at

    @staticmethod
    def resolve_status(vote: Vote) -> str:
        return vote.status_on(timezone.now())

    @staticmethod
    def resolve_procedure(vote: Vote) -> str:
        return vote.procedure.slug

    @staticmethod
    def resolve_html_url(vote: Vote, context: dict[str, Any]) -> str:
        request: HttpRequest = context["request"]
        return request.build_absolute_uri(vote.get_absolute_url())

    @staticmethod
    def resolve_options(vote: Vote) -> list[Any]:
        return list(vote.options.all())


class VotePage(Schema):
    count: int
    limit: int
    offset: int
    items: list[VoteOut]


class VoteFilters(Paging):
    status: VoteStatus | None = Field(None, description="Votes in this state.")
    procedure: str | None = Field(None, description="A procedure's slug.")

    def selection(self) -> selectors.VoteFilters:
        return selectors.VoteFilters(status=self.status, procedure=self.procedure or "")


class BallotIn(Schema):
    code: str = Field(
        "",
        max_length=64,
        description="The one-time code from the letter, e.g. ABCD-EFGH-JKLM-NPQR (any case, "
        "with or without dashes). Not needed in an open poll.",
    )
    choices: list[int] = Field(
        max_length=500, description="The ids of the chosen options, each at most once."
    )


class ReceiptOut(Schema):
    receipt: str = Field(
        description="Shown once: with it, and only with it, the voter can check the ballot."
    )
    vote: int
    choices: list[int]
    check_url: str = Field(description="The page where the receipt shows the ballot as counted.")


class OptionResultOut(Schema):
    id: int
    label: str
    count: int
    share: float = Field(description="Of all ballots, from 0 to 1.")
    funded: bool | None = Field(description="In a budget vote: funded by this result.")


class ChannelCount(Schema):
    channel: Channel
    ballots: int


class ResultsOut(Schema):
    vote: int
    ballots: int
    options: list[OptionResultOut] = Field(description="By votes, most first.")
    channels: list[ChannelCount] = Field(description="Ballots by how they were cast.")


def _votes(filters: selectors.VoteFilters) -> Any:
    """Votes as the public sees them, with their options."""
    return selectors.vote_list(user=AnonymousUser(), filters=filters).prefetch_related("options")


def _vote(vote_id: int) -> Vote:
    vote = _votes(selectors.VoteFilters()).filter(pk=vote_id).first()
    if vote is None:
        raise HttpError(404, f"There is no published vote {vote_id}.")
    return vote  # type: ignore[no-any-return]


@router.get("/votes", response={200: VotePage, 422: InvalidInput})
def vote_list(request: HttpRequest, filters: Query[VoteFilters]) -> dict[str, Any]:
    """Published polls and votes with their options, the latest to open first."""
    votes = _votes(filters.selection())
    return paged(votes, filters)


@router.get("/votes/{vote_id}", response={200: VoteOut, 404: Problem})
def vote_detail(request: HttpRequest, vote_id: VoteId) -> Vote:
    """A published poll or vote with its options and rules."""
    return _vote(vote_id)


@router.post(
    "/votes/{vote_id}/ballots",
    response={
        201: ReceiptOut,
        403: Problem,
        404: Problem,
        409: Problem,
        422: InvalidInput,
        429: Problem,
    },
)
def ballot_create(request: HttpRequest, vote_id: VoteId, ballot: BallotIn) -> Status[Any]:
    """Cast a ballot with a one-time code; the answer carries the voter's receipt.

    403: the code is unknown, or the vote is not open. 409: the code has voted already.
    422: the choices break the vote's rules (the message says which). 429: an unknown code
    after too many from this source; a valid code from there is accepted all the same.
    """
    vote = selectors.ballot_box_vote(vote_id)
    if vote is None:
        raise HttpError(404, f"There is no published vote {vote_id}.")
    try:
        cast = services.ballot_cast(
            vote=vote,
            choices=ballot.choices,
            code=ballot.code,
            source=address_key(request),
        )
    except services.InvalidChoicesError as refused:
        error = {"loc": ["body", "ballot", "choices"], "msg": refused.message, "type": "ballot"}
        return Status(422, {"detail": f"choices: {refused.message}", "errors": [error]})
    except services.BallotRefusedError as refused:
        return Status(refused.status, {"detail": refused.message})
    return Status(
        201,
        {
            "receipt": cast.receipt,
            "vote": vote.pk,
            "choices": [option.pk for option in cast.options],
            "check_url": request.build_absolute_uri(
                reverse("voting:receipt_check", args=[vote.pk])
            ),
        },
    )


@router.get("/votes/{vote_id}/results", response={200: ResultsOut, 404: Problem, 409: Problem})
def vote_results(request: HttpRequest, vote_id: VoteId) -> Any:
    """The count by option and by channel, once counting is allowed (409 before)."""
    vote = _vote(vote_id)
    try:
        tally = services.vote_results(vote=vote)
    except services.CountingNotAllowedError as early:
        return Status(
            409,
            {
                "detail": f"The vote is counted from {early.starts_at.isoformat()}; "
                "there is no count before."
            },
        )
    return {
        "vote": vote.pk,
        "ballots": tally.ballots,
        "options": [
            {
                "id": result.option.pk,
                "label": result.option.label,
                "count": result.count,
                "share": result.share,
                "funded": result.funded,
            }
            for result in tally.options
        ],
        "channels": [
            {"channel": channel, "ballots": count} for channel, count in tally.channels.items()
        ],
    }
