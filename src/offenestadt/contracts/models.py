"""Vendors and contracts with the data clauses the charter's rules read (P2, P3)."""

from datetime import date
from typing import ClassVar

from django.core.validators import FileExtensionValidator
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from offenestadt.core.countries import country_field
from offenestadt.core.gate_dates import DateRole, GateDate
from offenestadt.council.models import Paper
from offenestadt.council.selectors import Deliberation, first_deliberation
from offenestadt.registry.models import LinkedRecord, Project, PublishedQuerySet


def safeguard_field() -> "models.CharField[str, str]":
    return models.CharField(
        _("Garantie bei Drittland"),
        max_length=300,
        blank=True,
        help_text=_(
            "Nur außerhalb von EU/EWR: die Grundlage der Übermittlung, zum Beispiel "
            "Angemessenheitsbeschluss (Art. 45 DSGVO, auch EU-US Data Privacy Framework), "
            "Standardvertragsklauseln (Art. 46) oder verbindliche interne "
            "Datenschutzvorschriften (Art. 47)."
        ),
    )


class Vendor(models.Model):
    legal_name = models.CharField(_("Firmenname"), max_length=300)
    registry_number = models.CharField(_("Registernummer"), max_length=100, blank=True)
    country = country_field()
    address = models.CharField(_("Anschrift"), max_length=300, blank=True)
    website = models.URLField(_("Website"), blank=True)

    audit_fields: ClassVar[tuple[str, ...]] = (
        "legal_name",
        "registry_number",
        "country",
        "address",
        "website",
    )
    audit_state_fields: ClassVar[tuple[str, ...]] = ()

    class Meta:
        ordering: ClassVar = ["legal_name"]
        verbose_name = _("Auftragnehmer")
        verbose_name_plural = _("Auftragnehmer")

    def __str__(self) -> str:
        return self.legal_name

    def is_public_record(self) -> bool:
        return True


class ContractStatus(models.TextChoices):
    DRAFT = "draft", _("Entwurf")
    PUBLISHED = "published", _("veröffentlicht")
    DELIBERATION = "deliberation", _("in Beratung")
    DECIDED = "decided", _("beschlossen")
    SIGNED = "signed", _("unterzeichnet")
    ACTIVE = "active", _("wirksam")
    ENDED = "ended", _("beendet")


CONTRACT_LIFECYCLE = list(ContractStatus)


class ContractQuerySet(PublishedQuerySet["Contract"]):
    pass


class DataOwner(models.TextChoices):
    CITY = "city", _("die Stadt")
    VENDOR = "vendor", _("der Auftragnehmer")
    SHARED = "shared", _("gemeinsam")


class Contract(LinkedRecord):
    projects = models.ManyToManyField(
        Project, verbose_name=_("Projekte"), related_name="contracts", blank=True
    )
    purpose = models.TextField(_("Zweck"), blank=True)
    vendor = models.ForeignKey(
        Vendor,
        verbose_name=_("Auftragnehmer"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="contracts",
    )
    value = models.DecimalField(_("Wert"), max_digits=14, decimal_places=2, null=True, blank=True)
    currency = models.CharField(_("Währung"), max_length=3, default="EUR")
    starts_on = models.DateField(_("Laufzeit ab"), null=True, blank=True)
    ends_on = models.DateField(_("Laufzeit bis"), null=True, blank=True)
    procurement_procedure = models.CharField(_("Vergabeverfahren"), max_length=200, blank=True)
    status = models.CharField(
        _("Stand"), max_length=20, choices=ContractStatus, default=ContractStatus.DRAFT
    )
    # Data clauses: each one a field a rule reads.
    data_owner = models.CharField(
        _("Eigentum an den Daten"), max_length=10, choices=DataOwner, blank=True
    )
    secondary_use_prohibited = models.BooleanField(
        _("Zweitverwertung der Daten verboten"), null=True, blank=True
    )
    audit_rights = models.BooleanField(_("Prüfrechte der Stadt"), null=True, blank=True)
    data_return_format = models.CharField(
        _("Rückgabe der Daten am Ende (Format)"), max_length=200, blank=True
    )
    deletion_at_end = models.BooleanField(
        _("Löschung beim Auftragnehmer am Ende"), null=True, blank=True
    )
    # The council's papers (OParl): where linked, their meeting is the date the gates read.
    council_papers = models.ManyToManyField(
        Paper, verbose_name=_("Ratsvorlagen"), related_name="contracts", blank=True
    )
    # The council's part entered by hand, for cities without OParl (read without a paper).
    council_paper = models.CharField(_("Vorlage"), max_length=200, blank=True)
    council_body = models.CharField(_("Gremium"), max_length=200, blank=True)
    meeting_date = models.DateField(_("Sitzung am"), null=True, blank=True)
    agenda_item = models.CharField(_("Tagesordnungspunkt"), max_length=50, blank=True)
    decision_reference = models.CharField(_("Beschluss"), max_length=200, blank=True)
    signed_on = models.DateField(_("Unterzeichnet am"), null=True, blank=True)
    # The city may withdraw until this day; the contract takes effect no earlier.
    withdrawal_until = models.DateField(_("Rücktrittsrecht der Stadt bis"), null=True, blank=True)
    # The signed document stays internal; its public version shows only justified redactions.
    signed_document = models.FileField(
        _("Unterzeichnetes Dokument (PDF, intern)"),
        upload_to="contracts/signed/",
        blank=True,
        validators=[FileExtensionValidator(["pdf"])],
    )
    public_document = models.FileField(
        _("Öffentliche Fassung (PDF)"),
        upload_to="contracts/public/",
        blank=True,
        validators=[FileExtensionValidator(["pdf"])],
    )
    # The terms as the public first saw them, to show what changed before signing.
    published_terms = models.JSONField(_("Veröffentlichte Fassung"), default=dict, blank=True)

    audit_fields: ClassVar[tuple[str, ...]] = (
        "title",
        "purpose",
        "vendor",
        "value",
        "currency",
        "starts_on",
        "ends_on",
        "procurement_procedure",
        "status",
        "data_owner",
        "secondary_use_prohibited",
        "audit_rights",
        "data_return_format",
        "deletion_at_end",
        "council_paper",
        "council_body",
        "meeting_date",
        "agenda_item",
        "decision_reference",
        "signed_on",
        "withdrawal_until",
        "public_document",
        "published_at",
    )
    audit_state_fields: ClassVar[tuple[str, ...]] = ("status", "published_at")
    # The public version is checked for personal data before anyone outside may have it;
    # the signed document is served to the contract's editors only.
    public_file_fields: ClassVar[tuple[str, ...]] = ("public_document",)
    private_file_fields: ClassVar[tuple[str, ...]] = ("signed_document",)
    # What the lifecycle's gates read (core.gate_dates): the council's session is fixed
    # once reached and moves only later before that; the withdrawal period never shrinks.
    gate_dates: ClassVar[tuple[GateDate, ...]] = (
        *LinkedRecord.gate_dates,
        GateDate("meeting_date", DateRole.START),
        GateDate("signed_on", DateRole.RECORDED),
        GateDate("withdrawal_until", DateRole.END),
    )

    objects = ContractQuerySet.as_manager()

    class Meta:
        ordering: ClassVar = ["title"]
        verbose_name = _("Vertrag")
        verbose_name_plural = _("Verträge")

    def get_absolute_url(self) -> str:
        return reverse("contracts:contract_detail", args=[self.pk])

    def next_statuses(self) -> list[ContractStatus]:
        """Where the contract may go from here: the next step, or its end once published."""
        position = CONTRACT_LIFECYCLE.index(ContractStatus(self.status))
        following = CONTRACT_LIFECYCLE[position + 1 : position + 2]
        if self.status not in {ContractStatus.DRAFT, ContractStatus.ENDED} and (
            ContractStatus.ENDED not in following
        ):
            following.append(ContractStatus.ENDED)
        return following

    def council_deliberation(self, today: date | None = None) -> Deliberation | None:
        """The meeting that deliberates the contract: of its linked council papers, the first
        (council.selectors.deliberation); None without a paper on a meeting, when the
        hand-entered council fields count."""
        return first_deliberation(self.council_papers.all(), today)

    def council_date(self, today: date | None = None) -> date | None:
        """The day the council deliberates the contract: its paper's meeting where one is
        linked and on a meeting, else the day entered by hand (cities without OParl). Every
        reader of the date (gates, staff inbox, OCDS, API) asks this; the staff inbox's SQL
        (contracts.selectors.council_day) is its twin."""
        meeting = self.council_deliberation(today)
        return meeting.date if meeting else self.meeting_date

    def days_public(self, on: date) -> int | None:
        if self.published_at is None:
            return None
        return (on - timezone.localdate(self.published_at)).days


class ContractPart(models.Model):
    """A data clause in rows: where data goes, who else processes it, who sees it."""

    audit_state_fields: ClassVar[tuple[str, ...]] = ()
    contract: "models.ForeignKey[Contract, Contract]"

    class Meta:
        abstract = True

    def is_public_record(self) -> bool:
        return self.contract.is_public_record()


class Location(models.TextChoices):
    PROCESSING = "processing", _("Verarbeitung")
    STORAGE = "storage", _("Speicherung")


class DataLocation(ContractPart):
    contract = models.ForeignKey(
        Contract, on_delete=models.CASCADE, related_name="locations", verbose_name=_("Vertrag")
    )
    kind = models.CharField(_("Art"), max_length=20, choices=Location)
    country = country_field()
    city = models.CharField(_("Ort"), max_length=200, blank=True)
    operator = models.CharField(_("Betreiber"), max_length=200, blank=True)
    data_centre = models.CharField(_("Rechenzentrum"), max_length=200, blank=True)
    safeguard = safeguard_field()

    audit_fields: ClassVar[tuple[str, ...]] = (
        "kind",
        "country",
        "city",
        "operator",
        "data_centre",
        "safeguard",
    )

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.city or ''} {self.country}".strip()


class SubProcessor(ContractPart):
    contract = models.ForeignKey(
        Contract, on_delete=models.CASCADE, related_name="subprocessors", verbose_name=_("Vertrag")
    )
    name = models.CharField(_("Unterauftragnehmer"), max_length=300)
    # Empty while unknown: the charter then finds the evidence missing.
    country = country_field(
        blank=True,
        help_text=_(
            "Wo der Unterauftragnehmer die Daten verarbeitet. Leer lassen, solange es "
            "unbekannt ist: dann fehlt der Nachweis."
        ),
    )
    purpose = models.CharField(_("Zweck"), max_length=300, blank=True)
    safeguard = safeguard_field()

    audit_fields: ClassVar[tuple[str, ...]] = ("name", "country", "purpose", "safeguard")

    def __str__(self) -> str:
        return self.name


class AccessMode(models.TextChoices):
    REMOTE = "remote", _("aus der Ferne")
    ON_SITE = "on_site", _("vor Ort")


class DataAccess(ContractPart):
    contract = models.ForeignKey(
        Contract, on_delete=models.CASCADE, related_name="accesses", verbose_name=_("Vertrag")
    )
    organisation = models.CharField(_("Organisation"), max_length=300)
    role = models.CharField(_("Rolle"), max_length=200)
    purpose = models.CharField(_("Zweck"), max_length=300)
    mode = models.CharField(_("Zugriff"), max_length=10, choices=AccessMode)
    # Access from a third country (remote support, say) is a transfer there.
    country = country_field(
        _("Land, aus dem zugegriffen wird (ISO-Code)"),
        blank=True,
        help_text=_(
            "Bei Zugriff aus der Ferne: das Land, in dem die Zugreifenden sitzen, auch für "
            "Support und Wartung. Leer lassen, solange es unbekannt ist: dann fehlt der Nachweis."
        ),
    )
    safeguard = safeguard_field()

    audit_fields: ClassVar[tuple[str, ...]] = (
        "organisation",
        "role",
        "purpose",
        "mode",
        "country",
        "safeguard",
    )

    def __str__(self) -> str:
        return f"{self.organisation} ({self.role})"


class RedactionReason(models.TextChoices):
    """What a redaction protects; each has its provision in the law the charter names."""

    PERSONAL_DATA = "personal_data", _("personenbezogene Daten Dritter")
    TRADE_SECRET = "trade_secret", _("Geschäftsgeheimnis im Rechtssinn")
    SECURITY = "security", _("Sicherheitsdetail")


class Redaction(ContractPart):
    """A passage hidden in the public document; category, legal basis and the specific
    justification are public. The legal basis is taken from the charter in force when the
    redaction is saved (see contracts.compliance.redaction_legal_basis)."""

    contract = models.ForeignKey(
        Contract, on_delete=models.CASCADE, related_name="redactions", verbose_name=_("Vertrag")
    )
    passage = models.CharField(_("Stelle"), max_length=200)
    category = models.CharField(
        _("Begründungsart"), max_length=20, choices=RedactionReason, blank=True
    )
    legal_basis = models.CharField(_("Rechtsgrundlage"), max_length=300, blank=True)
    reason = models.TextField(
        _("Konkrete Begründung"),
        blank=True,
        help_text=_(
            "Was genau die Stelle schützt und warum es hier zutrifft, zum Beispiel: „Die "
            "Stückpreise zeigen die Kalkulation des Anbieters; der Gesamtpreis ist öffentlich.“ "
            "Ein Wort wie „vertraulich“ allein ist keine Begründung."
        ),
    )

    audit_fields: ClassVar[tuple[str, ...]] = ("passage", "category", "legal_basis", "reason")

    def __str__(self) -> str:
        return self.passage


class CommentStatus(models.TextChoices):
    VISIBLE = "visible", _("sichtbar")
    HIDDEN = "hidden", _("ausgeblendet")


class ContractComment(models.Model):
    """A resident's comment on a published contract: no account, a pseudonym, no e-mail.

    Moderation hides a comment with a public reason; nothing is deleted silently.
    """

    contract = models.ForeignKey(
        Contract, on_delete=models.CASCADE, related_name="comments", verbose_name=_("Vertrag")
    )
    pseudonym = models.CharField(_("Name oder Pseudonym"), max_length=80)
    text = models.TextField(_("Kommentar"), max_length=4000)
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=_("Eingegangen am"))
    status = models.CharField(
        max_length=10,
        choices=CommentStatus,
        default=CommentStatus.VISIBLE,
        verbose_name=_("Sichtbarkeit"),
    )
    hidden_reason = models.CharField(_("Grund für das Ausblenden"), max_length=300, blank=True)

    audit_fields: ClassVar[tuple[str, ...]] = ("status", "hidden_reason")
    audit_state_fields: ClassVar[tuple[str, ...]] = ("status",)

    class Meta:
        ordering: ClassVar = ["created_at"]
        verbose_name = _("Kommentar")
        verbose_name_plural = _("Kommentare")

    def __str__(self) -> str:
        return _("Kommentar %(number)s zu „%(contract)s“") % {
            "number": self.pk,
            "contract": self.contract.title,
        }

    def get_absolute_url(self) -> str:
        return f"{self.contract.get_absolute_url()}#kommentar-{self.pk}"

    def is_public_record(self) -> bool:
        return self.contract.is_public_record()
