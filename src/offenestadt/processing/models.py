"""The register of processing activities (GDPR Art. 30(1)) and the categories of data each uses.

The processor side of an activity (who processes on the city's behalf, where, under which
safeguard) is not entered here: it comes from the data clauses of the linked contracts.
"""

import calendar
from datetime import UTC, date, datetime, timedelta
from typing import ClassVar

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from offenestadt.accounts.models import Office
from offenestadt.contracts.models import Contract
from offenestadt.core.countries import country_field, in_eu_eea
from offenestadt.registry.models import LinkedRecord, Project, PublishedQuerySet


class ReviewStatus(models.TextChoices):
    DRAFT = "draft", _("in Bearbeitung")
    SUBMITTED = "submitted", _("beim Datenschutzbeauftragten zur Prüfung")
    RETURNED = "returned", _("zurückgegeben")
    APPROVED = "approved", _("freigegeben")


def operator_name() -> str:
    return settings.OPERATOR_NAME


def operator_contact() -> str:
    return f"{settings.OPERATOR_ADDRESS}, {settings.OPERATOR_EMAIL}"


def dpo_contact() -> str:
    return settings.DPO_CONTACT


class ActivityQuerySet(PublishedQuerySet["ProcessingActivity"]):
    pass


class ProcessingActivity(LinkedRecord):
    slug = models.SlugField(unique=True, verbose_name=_("Kennung"))
    # Empty for the platform's own processings until the operator names an office.
    office = models.ForeignKey(
        Office,
        verbose_name=_("Zuständiges Amt"),
        on_delete=models.PROTECT,
        related_name="processing_activities",
        null=True,
        blank=True,
    )
    # Art. 30(1)(a): the controller, joint controllers and the data protection officer.
    controller = models.CharField(_("Verantwortlicher"), max_length=300, default=operator_name)
    controller_contact = models.CharField(
        _("Kontakt des Verantwortlichen"), max_length=300, default=operator_contact
    )
    joint_controllers = models.TextField(_("Gemeinsam Verantwortliche"), blank=True)
    dpo_contact = models.CharField(
        _("Kontakt des Datenschutzbeauftragten"), max_length=300, default=dpo_contact
    )
    # Art. 30(1)(b), (c), (d), (g).
    purposes = models.TextField(_("Zwecke der Verarbeitung"), blank=True)
    data_subjects = models.TextField(_("Kategorien betroffener Personen"), blank=True)
    recipients = models.TextField(_("Kategorien von Empfängern"), blank=True)
    security_measures = models.TextField(
        _("Technische und organisatorische Maßnahmen"),
        blank=True,
        help_text=_("Allgemeine Beschreibung nach Art. 32 Abs. 1 DSGVO."),
    )
    plain_language = models.TextField(
        _("In einfachen Worten"),
        blank=True,
        help_text=_("Was mit den Daten geschieht, für Menschen ohne Fachwissen."),
    )
    dpia_reference = models.CharField(
        _("Datenschutz-Folgenabschätzung"),
        max_length=300,
        blank=True,
        help_text=_("Aktenzeichen oder Ort der Folgenabschätzung nach Art. 35 DSGVO."),
    )
    is_platform_own = models.BooleanField(_("Verarbeitung dieser Plattform"), default=False)
    projects = models.ManyToManyField(
        Project, verbose_name=_("Projekte"), related_name="processing_activities", blank=True
    )
    contracts = models.ManyToManyField(
        Contract,
        verbose_name=_("Auftragsverarbeitung (Verträge)"),
        related_name="processing_activities",
        blank=True,
    )
    review_status = models.CharField(
        _("Prüfung"), max_length=10, choices=ReviewStatus, default=ReviewStatus.DRAFT
    )
    # Four eyes: whoever submitted may not approve. Internal, never shown publicly.
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("Eingereicht von"),
    )

    objects = ActivityQuerySet.as_manager()

    audit_fields: ClassVar[tuple[str, ...]] = (
        "title",
        "published_at",
        "office",
        "controller",
        "controller_contact",
        "joint_controllers",
        "dpo_contact",
        "purposes",
        "data_subjects",
        "recipients",
        "security_measures",
        "plain_language",
        "dpia_reference",
        "review_status",
    )
    audit_state_fields: ClassVar[tuple[str, ...]] = ("review_status", "published_at")

    class Meta:
        ordering: ClassVar = ["title"]
        verbose_name = _("Verarbeitungstätigkeit")
        verbose_name_plural = _("Verarbeitungstätigkeiten")

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("processing:detail", args=[self.slug])

    @property
    def is_approved(self) -> bool:
        return self.review_status == ReviewStatus.APPROVED

    @property
    def has_special_categories(self) -> bool:
        return any(c.special_category for c in self.categories.all())


class SpecialCategory(models.TextChoices):
    NONE = "", _("keine")
    ART9 = "art9", _("besondere Kategorie (Art. 9 DSGVO)")
    ART10 = "art10", _("strafrechtliche Daten (Art. 10 DSGVO)")


class LegalBasis(models.TextChoices):
    ART6_A = "6-1-a", _("Art. 6 Abs. 1 lit. a DSGVO – Einwilligung")
    ART6_B = "6-1-b", _("Art. 6 Abs. 1 lit. b DSGVO – Vertrag")
    ART6_C = "6-1-c", _("Art. 6 Abs. 1 lit. c DSGVO – rechtliche Verpflichtung")
    ART6_D = "6-1-d", _("Art. 6 Abs. 1 lit. d DSGVO – lebenswichtige Interessen")
    ART6_E = "6-1-e", _("Art. 6 Abs. 1 lit. e DSGVO – öffentliche Aufgabe")
    ART6_F = "6-1-f", _("Art. 6 Abs. 1 lit. f DSGVO – berechtigte Interessen")
    ART9_A = "9-2-a", _("Art. 9 Abs. 2 lit. a DSGVO – ausdrückliche Einwilligung")
    ART9_B = "9-2-b", _("Art. 9 Abs. 2 lit. b DSGVO – Arbeitsrecht, soziale Sicherheit")
    ART9_C = "9-2-c", _("Art. 9 Abs. 2 lit. c DSGVO – lebenswichtige Interessen")
    ART9_F = "9-2-f", _("Art. 9 Abs. 2 lit. f DSGVO – Rechtsansprüche")
    ART9_G = "9-2-g", _("Art. 9 Abs. 2 lit. g DSGVO – erhebliches öffentliches Interesse")
    ART9_H = "9-2-h", _("Art. 9 Abs. 2 lit. h DSGVO – Gesundheitsvorsorge")
    ART9_I = "9-2-i", _("Art. 9 Abs. 2 lit. i DSGVO – öffentliche Gesundheit")
    ART9_J = "9-2-j", _("Art. 9 Abs. 2 lit. j DSGVO – Archiv, Forschung, Statistik")


class RetentionUnit(models.TextChoices):
    DAYS = "days", _("Tage")
    MONTHS = "months", _("Monate")
    YEARS = "years", _("Jahre")


class SourceProtection(models.TextChoices):
    PLAIN = "", _("im Klartext erhoben")
    PSEUDONYMISED = "pseudonymised", _("bei der Erhebung pseudonymisiert")
    ANONYMISED = "anonymised", _("bei der Erhebung anonymisiert")


def add_months[M: (date, datetime)](moment: M, months: int) -> M:
    """``moment`` moved by whole calendar months, the day clamped to the month's length."""
    month_index = moment.month - 1 + months
    year, month = moment.year + month_index // 12, month_index % 12 + 1
    day = min(moment.day, calendar.monthrange(year, month)[1])
    return moment.replace(year=year, month=month, day=day)


class DataCategory(models.Model):
    """One category of personal data an activity uses, with what makes it minimal."""

    activity = models.ForeignKey(
        ProcessingActivity,
        on_delete=models.CASCADE,
        related_name="categories",
        verbose_name=_("Verarbeitungstätigkeit"),
    )
    # A stable name for the platform's own categories, which the retention task looks up.
    key = models.SlugField(blank=True, verbose_name=_("Schlüssel"))
    name = models.CharField(_("Datenkategorie"), max_length=200)
    special_category = models.CharField(
        _("Besondere Kategorie"), max_length=5, choices=SpecialCategory, blank=True
    )
    purpose = models.TextField(_("Zweck, dem sie dient"), blank=True)
    legal_basis = models.CharField(
        _("Rechtsgrundlage"), max_length=6, choices=LegalBasis, blank=True
    )
    retention_amount = models.PositiveIntegerField(_("Speicherdauer"), null=True, blank=True)
    retention_unit = models.CharField(
        _("Einheit der Speicherdauer"),
        max_length=6,
        choices=RetentionUnit,
        default=RetentionUnit.MONTHS,
    )
    retention_unlimited = models.BooleanField(_("Unbegrenzt gespeichert"), default=False)
    retention_start = models.CharField(
        _("Die Frist beginnt mit"),
        max_length=200,
        blank=True,
        help_text=_("Zum Beispiel: dem Ende des Beteiligungsverfahrens."),
    )
    retention_justification = models.TextField(
        _("Begründung einer längeren Speicherdauer"), blank=True
    )
    mandatory = models.BooleanField(
        _("Pflichtangabe"),
        default=True,
        help_text=_("Die betroffene Person muss die Angabe machen."),
    )
    necessity = models.TextField(
        _("Warum die Angabe erforderlich ist"),
        blank=True,
        help_text=_(
            "Die Begründung der Datenminimierung: wozu genau, und warum weniger nicht reicht."
        ),
    )
    source_protection = models.CharField(
        _("Schutz bei der Erhebung"), max_length=13, choices=SourceProtection, blank=True
    )

    audit_fields: ClassVar[tuple[str, ...]] = (
        "name",
        "special_category",
        "purpose",
        "legal_basis",
        "retention_amount",
        "retention_unit",
        "retention_unlimited",
        "retention_start",
        "retention_justification",
        "mandatory",
        "necessity",
        "source_protection",
    )
    audit_state_fields: ClassVar[tuple[str, ...]] = ()

    class Meta:
        ordering: ClassVar = ["activity", "pk"]
        verbose_name = _("Datenkategorie")
        verbose_name_plural = _("Datenkategorien")
        constraints: ClassVar = [
            models.UniqueConstraint(
                fields=["activity", "key"],
                condition=~models.Q(key=""),
                name="unique_category_key_per_activity",
            )
        ]

    def __str__(self) -> str:
        return self.name

    def is_public_record(self) -> bool:
        return self.activity.is_public_record()

    @property
    def has_retention(self) -> bool:
        return self.retention_amount is not None and not self.retention_unlimited

    def _shifted(self, moment: datetime, sign: int) -> datetime:
        if not self.has_retention:
            raise ValueError(f"{self.name}: no limited retention")
        amount = sign * (self.retention_amount or 0)
        if self.retention_unit == RetentionUnit.DAYS:
            return moment + timedelta(days=amount)
        return add_months(
            moment, amount * (12 if self.retention_unit == RetentionUnit.YEARS else 1)
        )

    def retention_ends(self, started: datetime) -> datetime:
        """When data whose retention started at ``started`` must be gone."""
        return self._shifted(started, +1)

    def retention_cutoff(self, now: datetime) -> datetime:
        """Data whose retention started before this moment has reached its end by ``now``."""
        return self._shifted(now, -1)

    def retention_exceeds_months(self, months: int) -> bool:
        """Whether the retention is longer than ``months`` calendar months."""
        if not self.has_retention:
            return False
        start = datetime(2001, 1, 31, tzinfo=UTC)
        return self.retention_ends(start) > add_months(start, months)

    @property
    def retention_text(self) -> str:
        if self.retention_unlimited:
            return str(_("unbegrenzt"))
        if self.retention_amount is None:
            return str(_("nicht angegeben"))
        amount = self.retention_amount
        units = {
            RetentionUnit.DAYS: ngettext("%(n)s Tag", "%(n)s Tage", amount),
            RetentionUnit.MONTHS: ngettext("%(n)s Monat", "%(n)s Monate", amount),
            RetentionUnit.YEARS: ngettext("%(n)s Jahr", "%(n)s Jahre", amount),
        }
        text = units[RetentionUnit(self.retention_unit)] % {"n": amount}
        if self.retention_start:
            text += " " + str(_("ab %(start)s") % {"start": self.retention_start})
        return text


class Transfer(models.Model):
    """A transfer to a third country or an international organisation (Art. 30(1)(e))."""

    activity = models.ForeignKey(
        ProcessingActivity,
        on_delete=models.CASCADE,
        related_name="transfers",
        verbose_name=_("Verarbeitungstätigkeit"),
    )
    recipient = models.CharField(_("Empfänger"), max_length=300)
    country = country_field()
    safeguard = models.CharField(
        _("Garantie"),
        max_length=300,
        blank=True,
        help_text=_("Zum Beispiel: Angemessenheitsbeschluss, Standardvertragsklauseln (Art. 46)."),
    )

    audit_fields: ClassVar[tuple[str, ...]] = ("recipient", "country", "safeguard")
    audit_state_fields: ClassVar[tuple[str, ...]] = ()

    class Meta:
        ordering: ClassVar = ["activity", "pk"]
        verbose_name = _("Übermittlung in ein Drittland")
        verbose_name_plural = _("Übermittlungen in Drittländer")

    def __str__(self) -> str:
        return f"{self.recipient} ({self.country})"

    def is_public_record(self) -> bool:
        return self.activity.is_public_record()

    @property
    def is_third_country(self) -> bool:
        # Whatever is not known to be inside the EU/EEA counts, an empty country too.
        return not in_eu_eea(self.country)


class ReviewNote(models.Model):
    """A step of the four-eyes review: submitted, returned with comments, or approved."""

    class Decision(models.TextChoices):
        SUBMITTED = "submitted", _("eingereicht")
        RETURNED = "returned", _("zurückgegeben")
        APPROVED = "approved", _("freigegeben")

    activity = models.ForeignKey(
        ProcessingActivity,
        on_delete=models.CASCADE,
        related_name="review_notes",
        verbose_name=_("Verarbeitungstätigkeit"),
    )
    decision = models.CharField(_("Schritt"), max_length=10, choices=Decision)
    comment = models.TextField(_("Anmerkungen"), blank=True)
    author_role = models.CharField(_("Rolle"), max_length=20)
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=_("Geschrieben am"))

    audit_fields: ClassVar[tuple[str, ...]] = ("decision", "comment", "author_role")
    audit_state_fields: ClassVar[tuple[str, ...]] = ("decision",)

    class Meta:
        ordering: ClassVar = ["created_at", "pk"]
        verbose_name = _("Prüfschritt")
        verbose_name_plural = _("Prüfschritte")

    def __str__(self) -> str:
        return f"{self.get_decision_display()}: {self.activity}"

    def is_public_record(self) -> bool:
        # The review is internal work of the administration; the outcome is public.
        return False


class RetentionRun(models.Model):
    """One run of the retention task: how many records of each kind it erased, never which."""

    ran_at = models.DateTimeField(_("Ausgeführt am"))
    counts = models.JSONField(_("Gelöscht oder anonymisiert"), default=dict)

    audit_fields: ClassVar[tuple[str, ...]] = ("ran_at", "counts")
    audit_state_fields: ClassVar[tuple[str, ...]] = ()

    class Meta:
        ordering: ClassVar = ["-ran_at"]
        verbose_name = _("Löschlauf")
        verbose_name_plural = _("Löschläufe")

    def __str__(self) -> str:
        return str(_("Löschlauf vom %(date)s") % {"date": f"{self.ran_at:%Y-%m-%d %H:%M}"})

    def is_public_record(self) -> bool:
        return True

    @property
    def total(self) -> int:
        return sum(self.counts.values())
