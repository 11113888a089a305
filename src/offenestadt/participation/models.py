"""Participation procedures: phases, material, comments on the text, proposals with support,
meetings, and the result report that answers them.

Contributions need no account: a pseudonym is enough. Those that reach the city by phone,
letter or in person are entered by staff with their channel and count like online ones.
Nothing is deleted silently: a hidden contribution keeps a public reason.
"""

from datetime import date
from typing import ClassVar

from django.db import models
from django.utils.translation import gettext_lazy as _

from offenestadt.accounts.models import Office
from offenestadt.contracts.models import Contract
from offenestadt.core.gate_dates import DateRole, GateDate
from offenestadt.registry.models import Channel, LinkedRecord, Project, PublishedQuerySet


class PhaseKind(models.TextChoices):
    INFORMATION = "information", _("Information")
    CONSULTATION = "consultation", _("Beteiligung")
    VOTE = "vote", _("Abstimmung")
    EVALUATION = "evaluation", _("Auswertung")


class ProcedureQuerySet(PublishedQuerySet["Procedure"]):
    pass


class Procedure(LinkedRecord):
    """A procedure about a project, a contract or the charter itself."""

    slug = models.SlugField(unique=True)
    office = models.ForeignKey(
        Office,
        verbose_name=_("Zuständiges Amt"),
        on_delete=models.PROTECT,
        related_name="procedures",
        null=True,
        blank=True,
    )
    summary = models.TextField(_("Worum es geht"))
    information = models.TextField(
        _("Informationen vorab"),
        blank=True,
        help_text=_("Was Menschen wissen müssen, bevor sie gefragt werden."),
    )
    projects = models.ManyToManyField(
        Project,
        verbose_name=_("Projekte"),
        related_name="participation_procedures",
        blank=True,
    )
    contract = models.ForeignKey(
        Contract,
        verbose_name=_("Vertrag"),
        on_delete=models.PROTECT,
        related_name="participation_procedures",
        null=True,
        blank=True,
    )
    amends_charter = models.BooleanField(_("Beteiligung zur Charta"), default=False)
    result_report = models.TextField(
        _("Ergebnisbericht"),
        blank=True,
        help_text=_("Was aufgenommen wurde, was nicht, und warum."),
    )
    result_report_published_at = models.DateTimeField(
        _("Ergebnisbericht veröffentlicht am"), null=True, blank=True
    )

    objects = ProcedureQuerySet.as_manager()

    audit_fields: ClassVar[tuple[str, ...]] = (
        "title",
        "published_at",
        "office",
        "summary",
        "information",
        "contract",
        "amends_charter",
        "result_report",
        "result_report_published_at",
    )
    audit_state_fields: ClassVar[tuple[str, ...]] = (
        "published_at",
        "result_report_published_at",
    )
    # A decision needs the report out: when it came out is never backdated.
    gate_dates: ClassVar[tuple[GateDate, ...]] = (
        *LinkedRecord.gate_dates,
        GateDate("result_report_published_at", DateRole.RECORDED),
    )

    class Meta:
        ordering: ClassVar = ["title"]
        verbose_name = _("Beteiligungsverfahren")
        verbose_name_plural = _("Beteiligungsverfahren")

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("participation:procedure_detail", args=[self.slug])

    def phase_on(self, day: date) -> "Phase | None":
        """The phase running on ``day``, if any."""
        for phase in self.phases.all():
            if phase.starts_on <= day <= phase.ends_on:
                return phase
        return None

    @property
    def ends_on(self) -> date | None:
        """The last day of the last phase: the procedure's end."""
        days = [phase.ends_on for phase in self.phases.all()]
        return max(days) if days else None


class Phase(models.Model):
    procedure = models.ForeignKey(Procedure, on_delete=models.CASCADE, related_name="phases")
    kind = models.CharField(_("Phase"), max_length=12, choices=PhaseKind)
    starts_on = models.DateField(_("Beginn"))
    ends_on = models.DateField(_("Ende"))
    description = models.TextField(_("Beschreibung"), blank=True)
    date_change_reason = models.CharField(
        _("Grund für frühere Daten"),
        max_length=500,
        blank=True,
        help_text=_(
            "Öffentlich. Nur nötig, wenn eine veröffentlichte Phase, die noch nicht begonnen "
            "hat, früher beginnen oder enden soll."
        ),
    )

    audit_fields: ClassVar[tuple[str, ...]] = (
        "kind",
        "starts_on",
        "ends_on",
        "description",
        "date_change_reason",
    )
    audit_state_fields: ClassVar[tuple[str, ...]] = ()
    # When a procedure ends is what its gates read (core.gate_dates).
    gate_dates: ClassVar[tuple[GateDate, ...]] = (
        GateDate("starts_on", DateRole.START),
        GateDate("ends_on", DateRole.END, start="starts_on"),
    )
    gate_dates_reason: ClassVar[str] = "date_change_reason"

    class Meta:
        ordering: ClassVar = ["starts_on", "pk"]
        verbose_name = _("Phase")
        verbose_name_plural = _("Phasen")
        constraints: ClassVar = [
            models.CheckConstraint(
                condition=models.Q(starts_on__lte=models.F("ends_on")),
                name="phase_in_order",
                violation_error_message=_("Die Phase endet vor ihrem Beginn."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} ({self.starts_on} – {self.ends_on})"

    def is_public_record(self) -> bool:
        return self.procedure.is_public_record()


class Document(models.Model):
    """A text put up for comment, paragraph by paragraph."""

    procedure = models.ForeignKey(Procedure, on_delete=models.CASCADE, related_name="documents")
    title = models.CharField(_("Titel"), max_length=300)

    audit_fields: ClassVar[tuple[str, ...]] = ("title",)
    audit_state_fields: ClassVar[tuple[str, ...]] = ()

    class Meta:
        ordering: ClassVar = ["pk"]
        verbose_name = _("Dokument")
        verbose_name_plural = _("Dokumente")

    def __str__(self) -> str:
        return self.title

    def is_public_record(self) -> bool:
        return self.procedure.is_public_record()


class Paragraph(models.Model):
    document = models.ForeignKey(Document, on_delete=models.CASCADE, related_name="paragraphs")
    position = models.PositiveIntegerField(_("Nummer"))
    text = models.TextField(_("Text"))

    audit_fields: ClassVar[tuple[str, ...]] = ("position", "text")
    audit_state_fields: ClassVar[tuple[str, ...]] = ()

    class Meta:
        ordering: ClassVar = ["document", "position"]
        verbose_name = _("Absatz")
        verbose_name_plural = _("Absätze")
        constraints: ClassVar = [
            models.UniqueConstraint(
                fields=["document", "position"], name="unique_paragraph_position"
            )
        ]

    def __str__(self) -> str:
        return f"{self.document} § {self.position}"

    def is_public_record(self) -> bool:
        return self.document.is_public_record()


class ContributionStatus(models.TextChoices):
    VISIBLE = "visible", _("sichtbar")
    HIDDEN = "hidden", _("ausgeblendet")


class Contribution(models.Model):
    """What a resident says; online or entered by staff for a call, a letter or a visit."""

    procedure: "models.ForeignKey[Procedure, Procedure]"
    # Erased when its retention ends; the contribution stays.
    pseudonym = models.CharField(_("Name oder Pseudonym"), max_length=80, blank=True)
    channel = models.CharField(_("Eingang"), max_length=10, choices=Channel, default=Channel.ONLINE)
    # The staff role that entered a contribution received offline; empty for online ones.
    entered_by_role = models.CharField(max_length=20, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    status = models.CharField(
        max_length=10, choices=ContributionStatus, default=ContributionStatus.VISIBLE
    )
    hidden_reason = models.CharField(_("Grund für das Ausblenden"), max_length=300, blank=True)

    audit_state_fields: ClassVar[tuple[str, ...]] = ("status",)

    class Meta:
        abstract = True

    def is_public_record(self) -> bool:
        return self.procedure.is_public_record()


class Comment(Contribution):
    procedure = models.ForeignKey(Procedure, on_delete=models.CASCADE, related_name="comments")
    paragraph = models.ForeignKey(
        Paragraph,
        verbose_name=_("Absatz"),
        on_delete=models.CASCADE,
        related_name="comments",
        null=True,
        blank=True,
    )
    parent = models.ForeignKey(
        "self", on_delete=models.CASCADE, related_name="replies", null=True, blank=True
    )
    text = models.TextField(_("Kommentar"), max_length=4000)

    audit_fields: ClassVar[tuple[str, ...]] = ("channel", "status", "hidden_reason")

    class Meta:
        ordering: ClassVar = ["created_at", "pk"]
        verbose_name = _("Kommentar")
        verbose_name_plural = _("Kommentare")

    def __str__(self) -> str:
        return _("Kommentar %(number)s zu „%(procedure)s“") % {
            "number": self.pk,
            "procedure": self.procedure.title,
        }


class ProposalStatus(models.TextChoices):
    SUBMITTED = "submitted", _("eingereicht")
    IN_REVIEW = "in_review", _("in Prüfung")
    ACCEPTED = "accepted", _("aufgenommen")
    PARTLY = "partly", _("teilweise aufgenommen")
    REJECTED = "rejected", _("nicht aufgenommen")


class Proposal(Contribution):
    procedure = models.ForeignKey(Procedure, on_delete=models.CASCADE, related_name="proposals")
    title = models.CharField(_("Titel"), max_length=200)
    text = models.TextField(_("Vorschlag"), max_length=6000)
    proposal_status = models.CharField(
        _("Stand"), max_length=10, choices=ProposalStatus, default=ProposalStatus.SUBMITTED
    )
    answer = models.TextField(_("Antwort der Stadt"), blank=True)
    answered_at = models.DateTimeField(_("Beantwortet am"), null=True, blank=True)
    # A proposal in a charter procedure may change a principle or a parameter.
    charter_change = models.JSONField(_("Änderung der Charta"), default=dict, blank=True)

    # Not the text: a hidden proposal's words must not live on in the public history.
    audit_fields: ClassVar[tuple[str, ...]] = (
        "channel",
        "status",
        "hidden_reason",
        "proposal_status",
        "answer",
        "answered_at",
        "charter_change",
    )
    audit_state_fields: ClassVar[tuple[str, ...]] = ("status", "proposal_status")

    class Meta:
        ordering: ClassVar = ["created_at", "pk"]
        verbose_name = _("Vorschlag")
        verbose_name_plural = _("Vorschläge")

    def __str__(self) -> str:
        return self.title


class Support(models.Model):
    """One person's support for a proposal: counted, not identified.

    Online, a person is known only by ``supporter_key``: a keyed hash of their confirmed
    e-mail address for this one proposal (contributions.supporter_key), so that each person
    counts once. It is erased when the procedure's retention ends; the support stays.
    Supports entered by staff (a letter's signatures) carry no key and count as entered.
    """

    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="supports")
    channel = models.CharField(max_length=10, choices=Channel, default=Channel.ONLINE)
    entered_by_role = models.CharField(max_length=20, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    supporter_key = models.CharField(max_length=64, blank=True, default="")

    class Meta:
        verbose_name = _("Unterstützung")
        verbose_name_plural = _("Unterstützungen")
        constraints: ClassVar = [
            # Checked by the database, so that two requests at once cannot count twice.
            models.UniqueConstraint(
                fields=["proposal", "supporter_key"],
                condition=~models.Q(supporter_key=""),
                name="one_support_per_person",
            )
        ]

    def __str__(self) -> str:
        return f"+1 {self.proposal}"


class SupportConfirmation(models.Model):
    """A request to support a proposal online, waiting for the link in its e-mail.

    Holds no address: only the supporter's keyed hash and a hash of the link's token. Kept
    after confirming, so that the link answers "already supported" when opened again;
    deleted with the procedure's retention, unconfirmed ones after their period.
    """

    proposal = models.ForeignKey(
        Proposal, on_delete=models.CASCADE, related_name="support_confirmations"
    )
    supporter_key = models.CharField(max_length=64)
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    confirmed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("Bestätigung einer Unterstützung")
        verbose_name_plural = _("Bestätigungen von Unterstützungen")
        constraints: ClassVar = [
            models.UniqueConstraint(
                fields=["proposal", "supporter_key"], name="one_support_confirmation_per_person"
            )
        ]

    def __str__(self) -> str:
        return f"support confirmation {self.pk} for {self.proposal_id}"


class Report(models.Model):
    """Someone flagged a contribution; moderation decides, in public, and deletes nothing."""

    comment = models.ForeignKey(
        Comment, on_delete=models.CASCADE, related_name="reports", null=True, blank=True
    )
    proposal = models.ForeignKey(
        Proposal, on_delete=models.CASCADE, related_name="reports", null=True, blank=True
    )
    reason = models.CharField(_("Warum melden Sie den Beitrag?"), max_length=300)
    created_at = models.DateTimeField(auto_now_add=True)
    resolved_at = models.DateTimeField(null=True, blank=True)
    decision = models.CharField(max_length=10, choices=ContributionStatus, blank=True)
    # Why moderation kept a reported contribution (a hidden one has its public reason).
    note = models.CharField(_("Notiz der Moderation"), max_length=300, blank=True)

    class Meta:
        ordering: ClassVar = ["created_at", "pk"]
        verbose_name = _("Meldung")
        verbose_name_plural = _("Meldungen")
        constraints: ClassVar = [
            models.CheckConstraint(
                condition=models.Q(comment__isnull=False, proposal__isnull=True)
                | models.Q(comment__isnull=True, proposal__isnull=False),
                name="report_names_one_contribution",
            )
        ]

    def __str__(self) -> str:
        return self.reason


class Meeting(models.Model):
    procedure = models.ForeignKey(Procedure, on_delete=models.CASCADE, related_name="meetings")
    title = models.CharField(_("Titel"), max_length=300)
    starts_at = models.DateTimeField(_("Beginn"))
    place = models.CharField(_("Ort"), max_length=300)
    accessibility = models.TextField(
        _("Barrierefreiheit"),
        help_text=_("Stufenloser Zugang, Induktionsschleife, Gebärdensprache, Anreise …"),
    )
    minutes = models.TextField(_("Protokoll"), blank=True)
    minutes_published_at = models.DateTimeField(
        _("Protokoll veröffentlicht am"), null=True, blank=True
    )
    date_change_reason = models.CharField(
        _("Grund für einen früheren Termin"),
        max_length=500,
        blank=True,
        help_text=_(
            "Öffentlich. Nur nötig, wenn eine angekündigte Veranstaltung früher stattfinden soll."
        ),
    )

    audit_fields: ClassVar[tuple[str, ...]] = (
        "title",
        "starts_at",
        "place",
        "accessibility",
        "minutes",
        "minutes_published_at",
        "date_change_reason",
    )
    audit_state_fields: ClassVar[tuple[str, ...]] = ("minutes_published_at",)
    gate_dates: ClassVar[tuple[GateDate, ...]] = (
        GateDate("starts_at", DateRole.START),
        GateDate("minutes_published_at", DateRole.RECORDED),
    )
    gate_dates_reason: ClassVar[str] = "date_change_reason"

    class Meta:
        ordering: ClassVar = ["starts_at", "pk"]
        verbose_name = _("Veranstaltung")
        verbose_name_plural = _("Veranstaltungen")

    def __str__(self) -> str:
        return self.title

    def is_public_record(self) -> bool:
        return self.procedure.is_public_record()


class Subscription(models.Model):
    """E-mail notifications about a procedure, after double opt-in. Deleted with the
    procedure's retention; the address is the only personal datum and is never shown."""

    procedure = models.ForeignKey(Procedure, on_delete=models.CASCADE, related_name="subscriptions")
    email = models.EmailField(_("E-Mail-Adresse"))
    # Only a hash of the link's token is stored: a database copy cannot confirm or cancel.
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    confirmed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("Benachrichtigung")
        verbose_name_plural = _("Benachrichtigungen")
        constraints: ClassVar = [
            models.UniqueConstraint(
                fields=["procedure", "email"], name="unique_subscription_per_procedure"
            )
        ]

    def __str__(self) -> str:
        return f"subscription {self.pk} to {self.procedure_id}"
