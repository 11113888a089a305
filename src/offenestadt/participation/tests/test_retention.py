"""Participant data goes when the register says, not a moment before: e-mail addresses a
month after the procedure's end (unconfirmed ones a month after they came), names on
comments and proposals after their period; the contributions stay."""

from datetime import datetime, timedelta

import pytest
from django.utils import timezone

from offenestadt.accounts.models import Office
from offenestadt.core.models import ThrottleCounter
from offenestadt.core.retention import CONTRIBUTIONS, LOGS, NOTIFICATIONS
from offenestadt.participation import throttle
from offenestadt.participation.comments.models import Comment
from offenestadt.participation.notifications.models import Subscription
from offenestadt.participation.procedures.models import Procedure
from offenestadt.participation.proposals.models import Proposal
from offenestadt.participation.proposals.tests.proposal_setup import (
    end_procedure,
    running_procedure,
)
from offenestadt.processing.models import (
    DataCategory,
    RetentionUnit,
)
from offenestadt.processing.retention import retention_enforce

pytestmark = pytest.mark.django_db


def _category(activity: str, key: str) -> DataCategory:
    return DataCategory.objects.get(activity__slug=activity, key=key)


def _subscription(
    procedure: Procedure, email: str, *, confirmed: bool, age: timedelta
) -> Subscription:
    subscription = Subscription.objects.create(
        procedure=procedure,
        email=email,
        token_hash=email.ljust(64, "0")[:64],
        confirmed_at=timezone.now() - age if confirmed else None,
    )
    Subscription.objects.filter(pk=subscription.pk).update(created_at=timezone.now() - age)
    return subscription


def _emails() -> set[str]:
    return set(Subscription.objects.values_list("email", flat=True))


def test_addresses_go_a_month_after_the_procedure_and_not_before(office: Office) -> None:
    email = _category(NOTIFICATIONS, "email")
    assert (email.retention_amount, email.retention_unit) == (1, RetentionUnit.MONTHS)
    now = timezone.now()
    cutoff_day = timezone.localdate(email.retention_cutoff(now))
    long_ago = running_procedure(office, slug="lange-her")
    just_now = running_procedure(office, slug="gerade")
    running = running_procedure(office, slug="laeuft")
    end_procedure(long_ago, days_ago=(timezone.localdate() - cutoff_day).days + 1)
    end_procedure(just_now, days_ago=(timezone.localdate() - cutoff_day).days - 1)
    _subscription(long_ago, "a@example.org", confirmed=True, age=timedelta(days=90))
    _subscription(just_now, "b@example.org", confirmed=True, age=timedelta(days=60))
    _subscription(running, "c@example.org", confirmed=True, age=timedelta(days=300))
    run = retention_enforce(now=now)
    assert _emails() == {"b@example.org", "c@example.org"}
    assert run.counts[f"{NOTIFICATIONS}/email"] == 1
    # The procedure stays; only the address went.
    assert Procedure.objects.filter(pk=long_ago.pk).exists()
    # A week later the second one's month is over as well.
    retention_enforce(now=now + timedelta(days=7))
    assert _emails() == {"c@example.org"}


def test_unconfirmed_addresses_go_a_month_after_they_came(office: Office) -> None:
    procedure = running_procedure(office)
    now = timezone.now()
    age = now - _category(NOTIFICATIONS, "email").retention_cutoff(now)
    _subscription(procedure, "old@example.org", confirmed=False, age=age + timedelta(minutes=1))
    _subscription(procedure, "new@example.org", confirmed=False, age=age - timedelta(minutes=1))
    _subscription(procedure, "kept@example.org", confirmed=True, age=age + timedelta(days=5))
    retention_enforce(now=now)
    assert _emails() == {"new@example.org", "kept@example.org"}


def _aged(model: type[Comment] | type[Proposal], row: Comment | Proposal, when: datetime) -> None:
    model.objects.filter(pk=row.pk).update(created_at=when)


def test_names_on_comments_and_proposals_go_after_their_period_and_not_before(
    office: Office,
) -> None:
    procedure = running_procedure(office)
    name = _category(CONTRIBUTIONS, "contributor-name")
    now = timezone.now()
    cutoff = name.retention_cutoff(now)
    due_comment = Comment.objects.create(procedure=procedure, pseudonym="Erika", text="Gut")
    kept_comment = Comment.objects.create(procedure=procedure, pseudonym="Max", text="Auch")
    due_proposal = Proposal.objects.create(
        procedure=procedure, pseudonym="Erika", title="Bänke", text="Mehr Bänke"
    )
    kept_proposal = Proposal.objects.create(
        procedure=procedure, pseudonym="Max", title="Bäume", text="Mehr Bäume"
    )
    _aged(Comment, due_comment, cutoff - timedelta(minutes=1))
    _aged(Comment, kept_comment, cutoff + timedelta(minutes=1))
    _aged(Proposal, due_proposal, cutoff - timedelta(minutes=1))
    _aged(Proposal, kept_proposal, cutoff + timedelta(minutes=1))
    run = retention_enforce(now=now)
    for row in (due_comment, kept_comment, due_proposal, kept_proposal):
        row.refresh_from_db()
    assert [due_comment.pseudonym, kept_comment.pseudonym] == ["", "Max"]
    assert [due_proposal.pseudonym, kept_proposal.pseudonym] == ["", "Max"]
    # The contributions themselves stay part of the public record.
    assert (due_comment.text, due_proposal.text) == ("Gut", "Mehr Bänke")
    # The framework adds up the rules of one category: a comment and a proposal.
    assert run.counts[f"{CONTRIBUTIONS}/contributor-name"] == 2


def test_throttle_counters_go_after_the_registers_day() -> None:
    category = DataCategory.objects.get(activity__slug=LOGS, key="rate-limit")
    assert (category.retention_amount, category.retention_unit) == (1, RetentionUnit.DAYS)
    for key, age in (("a" * 64, timedelta(days=1, minutes=1)), ("b" * 64, timedelta(hours=23))):
        ThrottleCounter.objects.create(
            scope=f"{throttle.SCOPE_PREFIX}report",
            key_hash=key,
            count=1,
            window_started_at=timezone.now() - age,
        )
    run = retention_enforce(now=timezone.now())
    assert run.counts[f"{LOGS}/rate-limit"] == 1
    assert list(ThrottleCounter.objects.values_list("key_hash", flat=True)) == ["b" * 64]
