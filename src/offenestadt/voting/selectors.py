"""Reading the votes: the list and its filters, shared by the votes page and the API."""

from dataclasses import dataclass
from datetime import datetime

from django.db import connection
from django.db.models import Q
from django.utils import timezone

from offenestadt.accounts.models import Actor
from offenestadt.participation.models import Procedure
from offenestadt.voting.models import Vote, VoteQuerySet, VoteStatus


@dataclass(frozen=True)
class VoteFilters:
    """What the list of votes is narrowed to; empty fields narrow nothing."""

    # Where the vote stands now: upcoming, open, closed (results not out yet) or counted.
    status: VoteStatus | None = None
    # A procedure's slug.
    procedure: str = ""


def vote_list(*, user: Actor, filters: VoteFilters) -> VoteQuerySet:
    """The votes ``user`` may see that match ``filters``, with their procedure, the latest
    to open first."""
    votes = Vote.objects.visible_to(user).select_related("procedure")
    if filters.status:
        votes = votes.filter(_status_filter(filters.status, timezone.now()))
    if filters.procedure:
        votes = votes.filter(procedure__slug=filters.procedure)
    return votes


def _status_filter(status: VoteStatus, now: datetime) -> Q:
    if status == VoteStatus.UPCOMING:
        return Q(opens_at__gt=now)
    if status == VoteStatus.OPEN:
        return Q(opens_at__lte=now, closes_at__gt=now)
    counted = Q(results_after__lte=now) | Q(results_after__isnull=True)
    if status == VoteStatus.CLOSED:
        return Q(closes_at__lte=now) & ~counted
    return Q(closes_at__lte=now) & counted


# Votes that have opened, with their options, kept by each process for the ballot box: once
# a vote opens its rules and answers are fixed (services.vote_save, option_change_gate). Its
# publication is not, so each use asks the database whether vote and procedure are still
# published, and whether the row is still this vote in this period (its code salt never
# changes; the period does not either once open, except in the demo's reset).
_BALLOT_BOXES: dict[tuple[str, int], Vote] = {}
BALLOT_BOXES_KEPT = 256
STILL_PUBLISHED = f"""
SELECT vote.code_salt, vote.opens_at, vote.closes_at FROM {Vote._meta.db_table} vote
JOIN {Procedure._meta.db_table} procedure ON procedure.id = vote.procedure_id
WHERE vote.id = %s AND vote.published_at IS NOT NULL AND procedure.published_at IS NOT NULL
"""  # noqa: S608 - table names from the models; the id is a parameter


def ballot_box_vote(vote_id: int) -> Vote | None:
    """The published vote ``vote_id`` with its procedure and options, to cast a ballot in;
    None when there is none. One small query for a vote that has opened."""
    key = (connection.alias, vote_id)
    kept = _BALLOT_BOXES.get(key)
    if kept is not None:
        with connection.cursor() as cursor:
            cursor.execute(STILL_PUBLISHED, [vote_id])
            row = cursor.fetchone()
        if row is not None and tuple(row) == (kept.code_salt, kept.opens_at, kept.closes_at):
            return kept
        _BALLOT_BOXES.pop(key, None)
    vote: Vote | None = (
        Vote.objects.published()
        .select_related("procedure")
        .prefetch_related("options")
        .filter(pk=vote_id)
        .first()
    )
    if vote is not None and vote.has_opened(timezone.now()):
        if len(_BALLOT_BOXES) >= BALLOT_BOXES_KEPT:
            _BALLOT_BOXES.clear()
        _BALLOT_BOXES[key] = vote
    return vote
