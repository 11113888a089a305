"""Polls and votes of a participation procedure: options, one-time voting codes, secret ballots.

Secret by construction: a code knows only its salted hash, its batch and whether it was used;
a ballot only its vote, a random id, the hash of its receipt, its channel and its choices. No
column, key, sequence or time links a ballot to the code that cast it, and neither carries a
time at all. Casting is one transaction that marks the code used with a conditional UPDATE and
stores the ballot (see services.ballot_cast), so a code never votes twice and an accepted
ballot is never lost.

What the application cannot hide from someone with raw access to the database server while
the vote runs: PostgreSQL writes both rows in one transaction (the same ``xmin``) and appends
ballots to the table file in the order they came. Reading those takes the database
administrator's rights, outside the application; the platform stores and shows no link.
"""

import secrets
import uuid
from datetime import datetime
from decimal import Decimal
from typing import ClassVar, Self

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from offenestadt.accounts.models import Actor
from offenestadt.accounts.rules import reads_internal
from offenestadt.core.gate_dates import DateRole, GateDate
from offenestadt.participation.models import Procedure, Proposal
from offenestadt.registry.channels import Channel


class VoteKind(models.TextChoices):
    SINGLE = "single", _("Eine Antwort")
    MULTIPLE = "multiple", _("Mehrere Antworten")
    APPROVAL = "approval", _("Zustimmung")
    BUDGET = "budget", _("Budget verteilen")


class VoteStatus(models.TextChoices):
    UPCOMING = "upcoming", _("noch nicht begonnen")
    OPEN = "open", _("läuft")
    CLOSED = "closed", _("beendet, noch nicht ausgezählt")
    COUNTED = "counted", _("ausgezählt")


def euro(amount: Decimal) -> str:
    """An amount as Germans write it: 12.500,00."""
    return f"{amount:,.2f}".replace(",", " ").replace(".", ",").replace(" ", ".")


def new_code_salt() -> str:
    """The key for a vote's code hashes; a code from one vote means nothing in another."""
    return secrets.token_hex(32)


class VoteQuerySet(models.QuerySet["Vote"]):
    def published(self) -> Self:
        """Votes that are published in a published procedure."""
        return self.filter(published_at__isnull=False, procedure__published_at__isnull=False)

    def visible_to(self, user: Actor) -> Self:
        """Published votes for everyone; drafts only for the city's internal roles."""
        if reads_internal(user):
            return self.all()
        return self.published()


class Vote(models.Model):
    """A poll or a vote in a procedure: its question, its rules and its period."""

    procedure = models.ForeignKey(
        Procedure,
        verbose_name=_("Beteiligungsverfahren"),
        on_delete=models.CASCADE,
        related_name="votes",
    )
    title = models.CharField(_("Frage"), max_length=300)
    description = models.TextField(
        _("Erläuterung"),
        blank=True,
        help_text=_("Worum es geht und was mit dem Ergebnis geschieht."),
    )
    kind = models.CharField(_("Art"), max_length=10, choices=VoteKind, default=VoteKind.SINGLE)
    max_choices = models.PositiveSmallIntegerField(
        _("Höchstens so viele Antworten"),
        null=True,
        blank=True,
        help_text=_(
            "Bei „Mehrere Antworten“ nötig; bei Zustimmung und Budget leer lassen, "
            "wenn es keine Grenze gibt."
        ),
    )
    budget = models.DecimalField(
        _("Budget in Euro"),
        max_digits=14,
        decimal_places=2,
        null=True,
        blank=True,
        help_text=_("Nur bei „Budget verteilen“: so viel dürfen die gewählten Vorschläge kosten."),
    )
    opens_at = models.DateTimeField(_("Beginn"))
    closes_at = models.DateTimeField(_("Ende"))
    results_after = models.DateTimeField(
        _("Auszählung ab"),
        null=True,
        blank=True,
        help_text=_("Leer: gleich nach dem Ende. Vorher zählt niemand, auch die Verwaltung nicht."),
    )
    requires_code = models.BooleanField(
        _("Nur mit Abstimmungscode"),
        default=True,
        help_text=_(
            "Ohne Code ist es eine offene Umfrage: jede Person kann teilnehmen, "
            "begrenzt nur durch eine Drosselung je Anschluss."
        ),
    )
    published_at = models.DateTimeField(_("Veröffentlicht am"), null=True, blank=True)
    # Keys the HMAC of this vote's codes; never shown, never changed.
    code_salt = models.CharField(
        max_length=64,
        default=new_code_salt,
        editable=False,
        verbose_name=_("Salz der Abstimmungscodes"),
    )

    objects = VoteQuerySet.as_manager()

    audit_fields: ClassVar[tuple[str, ...]] = (
        "procedure",
        "title",
        "description",
        "kind",
        "max_choices",
        "budget",
        "opens_at",
        "closes_at",
        "results_after",
        "requires_code",
        "published_at",
    )
    audit_state_fields: ClassVar[tuple[str, ...]] = ("published_at",)
    # Once published, the voting period moves only later and never shrinks once open.
    gate_dates: ClassVar[tuple[GateDate, ...]] = (
        GateDate("opens_at", DateRole.START),
        GateDate("closes_at", DateRole.END, start="opens_at"),
        GateDate("published_at", DateRole.RECORDED),
    )

    class Meta:
        ordering: ClassVar = ["-opens_at", "pk"]
        verbose_name = _("Abstimmung")
        verbose_name_plural = _("Abstimmungen")
        constraints: ClassVar = [
            models.CheckConstraint(
                condition=models.Q(opens_at__lt=models.F("closes_at")),
                name="vote_opens_before_it_closes",
                violation_error_message=_("Die Abstimmung endet vor ihrem Beginn."),
            ),
            models.CheckConstraint(
                condition=models.Q(results_after__isnull=True)
                | models.Q(results_after__gte=models.F("closes_at")),
                name="vote_counted_after_it_closes",
                violation_error_message=_(
                    "Ausgezählt wird erst nach dem Ende: ein Zwischenstand beeinflusst die "
                    "Abstimmung."
                ),
            ),
            models.CheckConstraint(
                condition=~models.Q(kind="budget") | models.Q(budget__gt=0),
                name="budget_vote_has_a_budget",
                violation_error_message=_("Geben Sie das Budget an, das verteilt wird."),
            ),
            models.CheckConstraint(
                condition=models.Q(max_choices__isnull=True) | models.Q(max_choices__gte=1),
                name="vote_allows_a_choice",
                violation_error_message=_("Mindestens eine Antwort muss möglich sein."),
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("voting:vote_detail", args=[self.pk])

    def is_public_record(self) -> bool:
        return self.published_at is not None and self.procedure.is_public_record()

    def clean(self) -> None:
        errors: dict[str, str] = {}
        if self.kind == VoteKind.MULTIPLE and not (self.max_choices and self.max_choices >= 2):
            errors["max_choices"] = gettext(
                "Geben Sie an, wie viele Antworten man höchstens wählen darf (mindestens 2)."
            )
        if self.kind == VoteKind.BUDGET and self.budget is None:
            errors["budget"] = gettext("Geben Sie das Budget an, das verteilt wird.")
        if self.kind != VoteKind.BUDGET and self.budget is not None:
            errors["budget"] = gettext("Ein Budget gibt es nur bei „Budget verteilen“.")
        if errors:
            raise ValidationError(errors)

    @property
    def choice_limit(self) -> int | None:
        """How many options a ballot may name at most (None: as many as there are)."""
        if self.kind == VoteKind.SINGLE:
            return 1
        return self.max_choices

    @property
    def ballot_rule(self) -> str:
        """What a ballot may name, in a sentence for the voter."""
        limit = self.choice_limit
        if self.kind == VoteKind.SINGLE:
            return gettext("Wählen Sie eine Antwort.")
        if self.kind == VoteKind.BUDGET:
            rule = gettext(
                "Wählen Sie die Vorschläge, die umgesetzt werden sollen. Zusammen dürfen sie "
                "höchstens %(budget)s Euro kosten."
            ) % {"budget": euro(self.budget or Decimal(0))}
        elif self.kind == VoteKind.APPROVAL:
            rule = gettext("Wählen Sie jede Antwort, der Sie zustimmen.")
        else:
            rule = gettext("Wählen Sie eine oder mehrere Antworten.")
        if limit is not None:
            rule = f"{rule} " + gettext("Höchstens %(limit)s.") % {"limit": limit}
        return rule

    @property
    def counting_starts_at(self) -> datetime:
        return self.results_after or self.closes_at

    def has_opened(self, now: datetime) -> bool:
        return now >= self.opens_at

    def is_open(self, now: datetime) -> bool:
        return self.opens_at <= now < self.closes_at

    def counting_allowed(self, now: datetime) -> bool:
        return now >= self.counting_starts_at

    def status_on(self, now: datetime) -> VoteStatus:
        if now < self.opens_at:
            return VoteStatus.UPCOMING
        if now < self.closes_at:
            return VoteStatus.OPEN
        return VoteStatus.COUNTED if self.counting_allowed(now) else VoteStatus.CLOSED


class Option(models.Model):
    """One answer of a vote; in a budget vote a proposal with its cost."""

    vote = models.ForeignKey(
        Vote, on_delete=models.CASCADE, related_name="options", verbose_name=_("Abstimmung")
    )
    position = models.PositiveSmallIntegerField(_("Reihenfolge"), default=0)
    label = models.CharField(_("Antwort"), max_length=200)
    description = models.TextField(_("Beschreibung"), blank=True)
    cost = models.DecimalField(
        _("Kosten in Euro"),
        max_digits=14,
        decimal_places=2,
        null=True,
        blank=True,
        help_text=_("Nur bei „Budget verteilen“."),
    )
    proposal = models.ForeignKey(
        Proposal,
        verbose_name=_("Vorschlag"),
        on_delete=models.SET_NULL,
        related_name="vote_options",
        null=True,
        blank=True,
    )

    audit_fields: ClassVar[tuple[str, ...]] = (
        "position",
        "label",
        "description",
        "cost",
        "proposal",
    )
    audit_state_fields: ClassVar[tuple[str, ...]] = ()

    class Meta:
        ordering: ClassVar = ["position", "pk"]
        verbose_name = _("Antwort")
        verbose_name_plural = _("Antworten")
        constraints: ClassVar = [
            models.CheckConstraint(
                condition=models.Q(cost__isnull=True) | models.Q(cost__gte=Decimal(0)),
                name="option_cost_not_negative",
                violation_error_message=_("Die Kosten können nicht negativ sein."),
            )
        ]

    def __str__(self) -> str:
        return self.label

    def is_public_record(self) -> bool:
        return self.vote.is_public_record()


class CodeBatch(models.Model):
    """Codes issued together (letters to one district, a stack for a citizen office).

    Public once the vote is: how many codes exist bounds how many ballots there can be.
    """

    vote = models.ForeignKey(
        Vote, on_delete=models.CASCADE, related_name="code_batches", verbose_name=_("Abstimmung")
    )
    count = models.PositiveIntegerField(_("Anzahl"))
    note = models.CharField(_("Wofür"), max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=_("Ausgegeben am"))

    audit_fields: ClassVar[tuple[str, ...]] = ("vote", "count", "note")
    audit_state_fields: ClassVar[tuple[str, ...]] = ()

    class Meta:
        ordering: ClassVar = ["created_at", "pk"]
        verbose_name = _("Ausgabe von Abstimmungscodes")
        verbose_name_plural = _("Ausgaben von Abstimmungscodes")

    def __str__(self) -> str:
        return _("%(count)s Codes für „%(vote)s“") % {"count": self.count, "vote": self.vote}

    def is_public_record(self) -> bool:
        return self.vote.is_public_record()


class VotingCode(models.Model):
    """A one-time code as its keyed hash: no plain text, no time of use, no ballot."""

    vote = models.ForeignKey(Vote, on_delete=models.CASCADE, related_name="codes")
    batch = models.ForeignKey(CodeBatch, on_delete=models.CASCADE, related_name="codes")
    # HMAC-SHA256 of the normalised code, keyed with the vote's code_salt.
    code_hash = models.CharField(max_length=64)
    used = models.BooleanField(default=False)

    class Meta:
        verbose_name = _("Abstimmungscode")
        verbose_name_plural = _("Abstimmungscodes")
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["vote", "code_hash"], name="unique_voting_code")
        ]

    def __str__(self) -> str:
        return f"code {self.pk} of vote {self.vote_id}"


class Ballot(models.Model):
    """One cast ballot: a random id (so its place among the others says nothing), the hash of
    the voter's receipt, and the channel it came through. No time, no code, no person."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    vote = models.ForeignKey(Vote, on_delete=models.CASCADE, related_name="ballots", db_index=False)
    # sha256 of the receipt the voter was given; the receipt finds the ballot, never the code.
    receipt_hash = models.CharField(max_length=64, unique=True)
    channel = models.CharField(_("Eingang"), max_length=10, choices=Channel, default=Channel.ONLINE)

    class Meta:
        verbose_name = _("Stimmzettel")
        verbose_name_plural = _("Stimmzettel")
        indexes: ClassVar = [
            # Ballots per vote and channel, counted from the index alone.
            models.Index(fields=["vote", "channel"], name="voting_ballot_vote_channel")
        ]

    def __str__(self) -> str:
        return f"ballot of vote {self.vote_id}"


class BallotChoice(models.Model):
    """An option a ballot names. The tally is a count per option over this table."""

    # Keyed by ballot and option: no sequence that would number choices in the order cast.
    pk = models.CompositePrimaryKey("ballot", "option")
    ballot = models.ForeignKey(Ballot, on_delete=models.CASCADE, related_name="choices")
    option = models.ForeignKey(Option, on_delete=models.RESTRICT, related_name="choices")

    class Meta:
        verbose_name = _("Antwort auf dem Stimmzettel")
        verbose_name_plural = _("Antworten auf den Stimmzetteln")

    def __str__(self) -> str:
        return f"choice of option {self.option_id}"
