"""Reading the votes: the list and its filters, shared by the votes page and the API."""

from dataclasses import dataclass
from datetime import datetime

from django.db.models import Q
from django.utils import timezone

from offenestadt.accounts.models import Actor
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
