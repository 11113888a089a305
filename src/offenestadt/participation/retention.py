"""What participation keeps about people, and when it goes: e-mail addresses and the keyed
hashes of supporters' addresses after the procedure, names on contributions after their
period; the contributions and supports themselves stay."""

from datetime import datetime

from django.db.models import Max, Q, QuerySet
from django.utils import timezone

from offenestadt.core.retention import CONTRIBUTIONS, LOGS, NOTIFICATIONS, retention_rule
from offenestadt.core.throttle import throttle_expire
from offenestadt.participation.models import (
    Comment,
    Procedure,
    Proposal,
    Subscription,
    Support,
    SupportConfirmation,
)
from offenestadt.participation.throttle import SCOPE_PREFIX as THROTTLE_SCOPE_PREFIX


def _ended_before(cutoff: datetime) -> "QuerySet[Procedure]":
    """Procedures whose last phase ended before the cut-off's day."""
    return Procedure.objects.annotate(last_day=Max("phases__ends_on")).filter(
        last_day__lt=timezone.localdate(cutoff)
    )


@retention_rule(activity=NOTIFICATIONS, category="email")
def subscription_addresses(cutoff: datetime) -> int:
    """Subscriptions of procedures whose last phase ended before the cut-off's day, and
    addresses never confirmed since before the cut-off."""
    ended = _ended_before(cutoff)
    # unaudited: retention erases private e-mail addresses
    deleted, _ = Subscription.objects.filter(
        Q(procedure__in=ended.values("pk")) | Q(confirmed_at__isnull=True, created_at__lt=cutoff)
    ).delete()
    return deleted


@retention_rule(activity=NOTIFICATIONS, category="email")
def supporter_keys(cutoff: datetime) -> int:
    """The keyed hashes of supporters' addresses, once no support can come any more (the
    procedure ended before the cut-off's day); requests never confirmed since before the
    cut-off. The supports stay counted."""
    ended = _ended_before(cutoff).values("pk")
    # unaudited: retention erases private e-mail addresses and their tokens
    deleted, _ = SupportConfirmation.objects.filter(
        Q(proposal__procedure__in=ended) | Q(confirmed_at__isnull=True, created_at__lt=cutoff)
    ).delete()
    # unaudited: retention erases supporters' keyed addresses; an entry would keep them
    erased = (
        Support.objects.filter(proposal__procedure__in=ended)
        .exclude(supporter_key="")
        .update(supporter_key="")
    )
    return deleted + erased


@retention_rule(activity=CONTRIBUTIONS, category="contributor-name")
def comment_names(cutoff: datetime) -> int:
    # unaudited: retention erases a name; an entry would keep the name it erases
    return Comment.objects.filter(created_at__lt=cutoff).exclude(pseudonym="").update(pseudonym="")


@retention_rule(activity=CONTRIBUTIONS, category="contributor-name")
def proposal_names(cutoff: datetime) -> int:
    # unaudited: retention erases a name; an entry would keep the name it erases
    return Proposal.objects.filter(created_at__lt=cutoff).exclude(pseudonym="").update(pseudonym="")


@retention_rule(activity=LOGS, category="rate-limit")
def throttle_counters(cutoff: datetime) -> int:
    """The throttle's counters, for days on which no request came by to clean them up.

    They hold no address, but whoever has the site's secret key could test addresses
    against a day's keys; so they go after a day. Runs once the register lists the
    category (LOGS, "rate-limit").
    """
    return throttle_expire(scope_prefix=THROTTLE_SCOPE_PREFIX, before=cutoff)
