"""Participation procedures: what a procedure is about, its phases, the texts put up for
comment paragraph by paragraph, its meetings and the result report that answers it.

Also what every contribution has in common (comments.models and proposals.models build on
it): no account, a pseudonym at most; what reaches the city by phone, letter or in person
is entered by staff with its channel and counts like an online one. Nothing is deleted
silently: a hidden contribution keeps a public reason.
"""

from datetime import date
from typing import ClassVar

from django.db import models
from django.utils.translation import gettext_lazy as _

from offenestadt.accounts.models import Office
from offenestadt.contracts.models import Contract
from offenestadt.core.gate_dates import DateRole, GateDate
from offenestadt.registry.channels import Channel
from offenestadt.registry.models import LinkedRecord, Project, PublishedQuerySet


class PhaseKind(models.TextChoices):
    INFORMATION = "information", _("Information")
    CONSULTATION = "consultation", _("Beteiligung")
    VOTE = "vote", _("Abstimmung")
    EVALUATION = "evaluation", _("Auswertung")


class ProcedureQuerySet(PublishedQuerySet["Procedure"]):
    pass


class Procedure(LinkedRecord):
    """A procedure about a project, a contract or the charter itself."""

    slug = models.SlugField(unique=True, verbose_name=_("Kennung"))
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
    procedure = models.ForeignKey(
        Procedure, on_delete=models.CASCADE, related_name="phases", verbose_name=_("Verfahren")
    )
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

    procedure = models.ForeignKey(
        Procedure, on_delete=models.CASCADE, related_name="documents", verbose_name=_("Verfahren")
    )
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
    document = models.ForeignKey(
        Document, on_delete=models.CASCADE, related_name="paragraphs", verbose_name=_("Dokument")
    )
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


class Meeting(models.Model):
    procedure = models.ForeignKey(
        Procedure, on_delete=models.CASCADE, related_name="meetings", verbose_name=_("Verfahren")
    )
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
    entered_by_role = models.CharField(
        max_length=20, blank=True, verbose_name=_("Erfasst von (Rolle)")
    )
    created_at = models.DateTimeField(
        auto_now_add=True, db_index=True, verbose_name=_("Eingegangen am")
    )
    status = models.CharField(
        max_length=10,
        choices=ContributionStatus,
        default=ContributionStatus.VISIBLE,
        verbose_name=_("Sichtbarkeit"),
    )
    hidden_reason = models.CharField(_("Grund für das Ausblenden"), max_length=300, blank=True)

    audit_state_fields: ClassVar[tuple[str, ...]] = ("status",)

    class Meta:
        abstract = True

    def is_public_record(self) -> bool:
        return self.procedure.is_public_record()
