from datetime import date, timedelta
from decimal import Decimal
from typing import Any, ClassVar

from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import Promise, cached_property
from django.utils.translation import gettext_lazy as _

from offenestadt.accounts.models import Actor, Office
from offenestadt.accounts.rules import reads_internal
from offenestadt.charter.models import CharterVersion
from offenestadt.core.gate_dates import DateRole, GateDate
from offenestadt.council.models import Paper
from offenestadt.registry.channels import Channel
from offenestadt.registry.opening_hours import WeeklyHours, per_week_long
from offenestadt.registry.published import PublishedQuerySet as PublishedQuerySet  # given out
from offenestadt.registry.servicepoints.models import AccessFacts, ServicePoint  # registered here
from offenestadt.software.licences import LicenceError, parse_licence
from offenestadt.software.models import Component
from offenestadt.software.models import Hosting as Hosting  # where the project's parts name it


class ProjectStatus(models.TextChoices):
    IDEA = "idea", _("Idee")
    PLANNING = "planning", _("Planung")
    CONSULTATION = "consultation", _("Beteiligung")
    DECISION = "decision", _("Entscheidung")
    IMPLEMENTATION = "implementation", _("Umsetzung")
    OPERATION = "operation", _("Betrieb")
    ENDED = "ended", _("Beendet")


# The order of the lifecycle; a project moves one step on, or ends.
LIFECYCLE = list(ProjectStatus)
# Entering these asks the charter first (see registry.services.project_transition).
GATED_STATUSES = frozenset(
    {ProjectStatus.DECISION, ProjectStatus.IMPLEMENTATION, ProjectStatus.OPERATION}
)


class ProjectQuerySet(PublishedQuerySet["Project"]):
    pass


class Project(models.Model):
    slug = models.SlugField(unique=True, verbose_name=_("Kennung"))
    title = models.CharField(_("Titel"), max_length=200)
    summary = models.TextField(_("Zusammenfassung"))
    plain_language_summary = models.TextField(_("In Leichter Sprache"), blank=True)
    office = models.ForeignKey(
        Office, verbose_name=_("Zuständiges Amt"), on_delete=models.PROTECT, related_name="projects"
    )
    status = models.CharField(
        _("Stand"), max_length=20, choices=ProjectStatus, default=ProjectStatus.IDEA
    )
    contact_name = models.CharField(_("Ansprechperson"), max_length=200, blank=True)
    contact_email = models.EmailField(_("E-Mail der Ansprechperson"), blank=True)
    contact_phone = models.CharField(_("Telefon der Ansprechperson"), max_length=50, blank=True)
    budget = models.DecimalField(
        _("Budget in Euro"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    # The council's papers about it: their meetings are the dates P3 counts to.
    council_papers = models.ManyToManyField(
        Paper, verbose_name=_("Ratsvorlagen"), related_name="projects", blank=True
    )
    processes_personal_data = models.BooleanField(
        _("Verarbeitet personenbezogene Daten"),
        null=True,
        blank=True,
        help_text=_("Leer lassen, solange es nicht geklärt ist."),
    )
    # Not public until published; drafts are seen by the city's staff only.
    published_at = models.DateTimeField(_("Veröffentlicht am"), null=True, blank=True)
    internal_note = models.TextField(_("Interne Notiz"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=_("Angelegt am"))
    updated_at = models.DateTimeField(auto_now=True, verbose_name=_("Geändert am"))

    audit_fields: ClassVar[tuple[str, ...]] = (
        "title",
        "summary",
        "plain_language_summary",
        "office",
        "status",
        "contact_name",
        "contact_email",
        "contact_phone",
        "budget",
        "processes_personal_data",
        "published_at",
    )
    audit_state_fields: ClassVar[tuple[str, ...]] = ("status", "published_at")
    # The charter's days in public before a decision count from here (core.gate_dates).
    gate_dates: ClassVar[tuple[GateDate, ...]] = (GateDate("published_at", DateRole.RECORDED),)

    objects = ProjectQuerySet.as_manager()

    class Meta:
        ordering: ClassVar = ["title"]
        verbose_name = _("Projekt")
        verbose_name_plural = _("Projekte")

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("registry:project_detail", args=[self.slug])

    def is_public_record(self) -> bool:
        return self.published_at is not None

    def next_statuses(self) -> list[ProjectStatus]:
        """Where the project may move: one step on in the lifecycle, or to its end."""
        position = LIFECYCLE.index(ProjectStatus(self.status))
        following = LIFECYCLE[position + 1 : position + 2]
        if ProjectStatus.ENDED not in following and self.status != ProjectStatus.ENDED:
            following.append(ProjectStatus.ENDED)
        return following

    def linked_records(self, *, internal: bool) -> list[tuple[Promise, list["LinkedRecord"]]]:
        """Procedures, contracts, processings and datasets linked to the project, by kind;
        internal (unpublished) ones only when asked for."""
        groups: list[tuple[Promise, models.QuerySet[Any]]] = [
            (_("Beteiligungsverfahren"), self.participation_procedures.all()),
            (_("Verträge"), self.contracts.all()),
            (_("Verarbeitungstätigkeiten"), self.processing_activities.all()),
            (_("Datensätze"), self.datasets.all()),
        ]
        return [
            (label, [r for r in records if internal or r.is_public_record()])
            for label, records in groups
        ]

    def public_funding_share(self) -> Decimal | None:
        """The share of public money in the funding, from 0 to 1 (None without funding)."""
        sources = list(self.funding_sources.all())
        total = sum((source.amount for source in sources), Decimal(0))
        if not total:
            return None
        return sum((s.amount for s in sources if s.is_public), Decimal(0)) / total


class ProjectPart(models.Model):
    """A record that belongs to a project: public when the project is, shown on its page."""

    audit_state_fields: ClassVar[tuple[str, ...]] = ()
    project: "models.ForeignKey[Project, Project]"

    class Meta:
        abstract = True

    def get_absolute_url(self) -> str:
        return self.project.get_absolute_url()

    def is_public_record(self) -> bool:
        return self.project.is_public_record()


class LinkedRecord(models.Model):
    """A record of another domain that projects link to: a contract, a processing
    activity, a dataset, a participation procedure. Their own apps give them the rest."""

    title = models.CharField(_("Titel"), max_length=300)
    published_at = models.DateTimeField(_("Veröffentlicht am"), null=True, blank=True)

    audit_fields: ClassVar[tuple[str, ...]] = ("title", "published_at")
    audit_state_fields: ClassVar[tuple[str, ...]] = ("published_at",)
    # Days in public count from here: it is never backdated (core.gate_dates).
    gate_dates: ClassVar[tuple[GateDate, ...]] = (GateDate("published_at", DateRole.RECORDED),)

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return self.title

    def is_public_record(self) -> bool:
        return self.published_at is not None


class FundingSource(ProjectPart):
    project = models.ForeignKey(
        Project, on_delete=models.CASCADE, related_name="funding_sources", verbose_name=_("Projekt")
    )
    name = models.CharField(_("Geldgeber"), max_length=200)
    amount = models.DecimalField(_("Betrag in Euro"), max_digits=14, decimal_places=2)
    is_public = models.BooleanField(_("Öffentliche Mittel"), default=True)

    audit_fields: ClassVar[tuple[str, ...]] = ("name", "amount", "is_public")

    class Meta:
        verbose_name = _("Finanzierungsquelle")
        verbose_name_plural = _("Finanzierungsquellen")

    def __str__(self) -> str:
        return f"{self.name} ({self.project})"


class Phase(models.TextChoices):
    BEFORE = "before", _("vor dem Projekt")
    AFTER = "after", _("nach dem Projekt")


class Service(ProjectPart):
    """A service of the city that the project offers or changes."""

    project = models.ForeignKey(
        Project, on_delete=models.CASCADE, related_name="services", verbose_name=_("Projekt")
    )
    name = models.CharField(_("Dienstleistung"), max_length=200)
    description = models.TextField(_("Beschreibung"), blank=True)
    # The day the new way of reaching the service starts: the charter's checks compare the
    # access on that day with the access before it (P5) and look for training before it (P4).
    changes_on = models.DateField(
        _("Umstellung am"),
        null=True,
        blank=True,
        help_text=_("Ab diesem Tag gelten die Zugangswege „nach dem Projekt“."),
    )

    audit_fields: ClassVar[tuple[str, ...]] = ("name", "description", "changes_on")

    class Meta:
        verbose_name = _("Dienstleistung")
        verbose_name_plural = _("Dienstleistungen")

    def __str__(self) -> str:
        return self.name


class AccessChannel(models.Model):
    """How people reach a service, before or after the project."""

    service = models.ForeignKey(
        Service, verbose_name=_("Dienstleistung"), on_delete=models.CASCADE, related_name="channels"
    )
    phase = models.CharField(_("Zeitpunkt"), max_length=10, choices=Phase)
    kind = models.CharField(_("Zugangsweg"), max_length=20, choices=Channel)
    service_point = models.ForeignKey(
        ServicePoint,
        verbose_name=_("Servicestelle"),
        on_delete=models.PROTECT,
        related_name="access_channels",
        null=True,
        blank=True,
        help_text=_(
            "Vor Ort oder am Telefon über eine Servicestelle der Stadt: dann gelten deren "
            "Adresse, Stadtbezirk, Öffnungszeiten und Zugang, nicht die Angaben unten."
        ),
    )
    place = models.CharField(
        _("Ort oder Nummer"),
        max_length=300,
        blank=True,
        help_text=_("Vor Ort: die Adresse; Telefon: die Nummer; Post: die Anschrift."),
    )
    district = models.CharField(
        _("Stadtbezirk"),
        max_length=100,
        blank=True,
        help_text=_("Vor Ort: in welchem Stadtbezirk der Ort liegt."),
    )
    # Weekly intervals (see registry.opening_hours): opening hours in person, phone hours
    # by phone. Empty: not recorded yet.
    hours = models.JSONField(_("Öffnungs- oder Telefonzeiten"), default=list, blank=True)
    # What the hours do not say ("nach Vereinbarung"); before structured hours existed, the
    # only record of them. It does not count when P5 compares before and after.
    hours_note = models.CharField(_("Hinweis zu den Zeiten"), max_length=300, blank=True)
    step_free = models.BooleanField(
        _("Stufenlos erreichbar"),
        null=True,
        blank=True,
        help_text=_("Vor Ort: ohne Stufen, mit Rampe oder Aufzug. Leer lassen, wenn unbekannt."),
    )
    accessibility = models.CharField(_("Barrierefreiheit"), max_length=300, blank=True)

    audit_fields: ClassVar[tuple[str, ...]] = (
        "service",
        "phase",
        "kind",
        "service_point",
        "place",
        "district",
        "hours",
        "hours_note",
        "step_free",
        "accessibility",
    )
    audit_state_fields: ClassVar[tuple[str, ...]] = ()

    class Meta:
        verbose_name = _("Zugangsweg")
        verbose_name_plural = _("Zugangswege")
        constraints: ClassVar = [
            models.UniqueConstraint(
                fields=["service", "phase", "kind"],
                name="one_channel_per_kind",
                violation_error_message=_(
                    "Diesen Zugangsweg gibt es für diesen Zeitpunkt schon; ändern Sie den "
                    "vorhandenen Eintrag."
                ),
            )
        ]

    def __str__(self) -> str:
        return f"{self.service}: {self.get_kind_display()} ({self.get_phase_display()})"

    def get_absolute_url(self) -> str:
        return self.service.get_absolute_url()

    def is_public_record(self) -> bool:
        return self.service.is_public_record()

    def clean(self) -> None:
        try:
            self.hours = WeeklyHours.from_json(self.hours).as_json()
        except ValidationError as error:
            raise ValidationError({"hours": error.messages}) from None

    @property
    def day(self) -> date:
        """The day the channel's facts are for: after the project, the service's day of change;
        before it, the day before that; today while no day is set."""
        changes_on = self.service.changes_on
        if changes_on is None:
            return timezone.localdate()
        return changes_on if self.phase == Phase.AFTER else changes_on - timedelta(days=1)

    @cached_property
    def facts(self) -> AccessFacts:
        """The channel's place, district, step-free access and hours as P5 compares them and
        readers see them, on the channel's ``day``: its service point's where it names one
        (the hours valid that day), else its own."""
        if self.service_point is not None:
            return self.service_point.facts(self.day)
        return AccessFacts(
            place=self.place,
            district=self.district,
            step_free=self.step_free,
            accessibility=self.accessibility,
            hours=WeeklyHours.from_json(self.hours),
        )

    @property
    def weekly_hours(self) -> WeeklyHours:
        return self.facts.hours

    def total_hours_text(self) -> str:
        """The hours per week for readers: "50 Stunden pro Woche"."""
        return per_week_long(self.weekly_hours.minutes_per_week)

    def hours_label(self) -> Promise:
        """What the hours are for this kind of channel."""
        return _("Telefonzeiten") if self.kind == Channel.PHONE else _("Öffnungszeiten")


class SoftwareComponent(ProjectPart):
    project = models.ForeignKey(
        Project,
        on_delete=models.CASCADE,
        related_name="software_components",
        verbose_name=_("Projekt"),
    )
    name = models.CharField(_("Name"), max_length=200)
    register_entry = models.ForeignKey(
        Component,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="project_parts",
        verbose_name=_("Eintrag im Software-Register"),
        help_text=_(
            "Steht die Software im Register, gelten dessen Lizenz, Repository, Finanzierung "
            "und offene Standards."
        ),
    )
    repository_url = models.URLField(_("Öffentliches Repository"), blank=True)
    licence = models.CharField(
        _("Lizenz (SPDX-Ausdruck)"),
        max_length=200,
        blank=True,
        help_text=_("Zum Beispiel EUPL-1.2 oder MIT OR Apache-2.0."),
    )
    publicly_funded = models.BooleanField(_("Mit öffentlichem Geld bezahlt"), default=True)
    open_standards = models.CharField(_("Offene Standards"), max_length=300, blank=True)
    hosting = models.CharField(_("Betrieb"), max_length=20, choices=Hosting, blank=True)
    third_country_safeguard = models.CharField(
        _("Garantie für die Übermittlung"),
        max_length=300,
        blank=True,
        help_text=_("Nur bei Betrieb außerhalb von EU/EWR: z. B. Angemessenheitsbeschluss."),
    )

    audit_fields: ClassVar[tuple[str, ...]] = (
        "name",
        "register_entry",
        "repository_url",
        "licence",
        "publicly_funded",
        "open_standards",
        "hosting",
        "third_country_safeguard",
    )

    class Meta:
        verbose_name = _("Software-Komponente")
        verbose_name_plural = _("Software-Komponenten")

    def __str__(self) -> str:
        return self.name

    # What the charter's rules judge: the register's entry where the part names one (the
    # city keeps a component's facts once), the part's own fields otherwise.
    @property
    def licence_in_force(self) -> str:
        return self.register_entry.licence if self.register_entry else self.licence

    @property
    def repository_in_force(self) -> str:
        return self.register_entry.repository_url if self.register_entry else self.repository_url

    @property
    def publicly_funded_in_force(self) -> bool:
        entry = self.register_entry
        return entry.publicly_funded if entry else self.publicly_funded

    def clean(self) -> None:
        if self.licence:
            try:
                self.licence = parse_licence(self.licence)
            except LicenceError as error:
                raise ValidationError({"licence": str(error)}) from None


class ProjectEvaluationQuerySet(models.QuerySet["ProjectEvaluation"]):
    def visible_to(self, user: Actor) -> "ProjectEvaluationQuerySet":
        """For the public, only what was evaluated once the project was published."""
        if reads_internal(user):
            return self.all()
        return self.filter(
            project__published_at__isnull=False,
            evaluated_at__gte=models.F("project__published_at"),
        )


class ProjectEvaluation(models.Model):
    """A project's findings as the charter engine gave them, kept whenever they change."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="evaluations")
    charter_version = models.ForeignKey(
        CharterVersion, on_delete=models.PROTECT, related_name="project_evaluations"
    )
    evaluated_at = models.DateTimeField(default=timezone.now)
    # [{"principle", "rule", "status", "message": {"de", "en"}, "fix_url"}, ...]
    findings = models.JSONField()
    is_current = models.BooleanField(default=True)

    objects = ProjectEvaluationQuerySet.as_manager()

    class Meta:
        ordering: ClassVar = ["-evaluated_at", "-pk"]
        constraints: ClassVar = [
            models.UniqueConstraint(
                fields=["project"],
                condition=models.Q(is_current=True),
                name="one_current_evaluation_per_project",
            )
        ]

    def __str__(self) -> str:
        return f"{self.project} @ {self.evaluated_at:%Y-%m-%d %H:%M}"


class EvaluatedPrinciple(models.Model):
    """One principle's overall status in an evaluation, for filters and the overview."""

    evaluation = models.ForeignKey(
        ProjectEvaluation, on_delete=models.CASCADE, related_name="principles"
    )
    # A principle's id as the charter names it (charter.document.PRINCIPLE_ID: up to 40).
    principle = models.CharField(max_length=40)
    status = models.CharField(max_length=20)

    class Meta:
        constraints: ClassVar = [
            models.UniqueConstraint(
                fields=["evaluation", "principle"], name="one_row_per_principle"
            )
        ]
        indexes: ClassVar = [models.Index(fields=["principle", "status"])]

    def __str__(self) -> str:
        return f"{self.principle}: {self.status}"


class CouncilOverride(ProjectPart):
    """A council decision that lets a project pass a gate despite its findings; public."""

    project = models.ForeignKey(
        Project, on_delete=models.CASCADE, related_name="overrides", verbose_name=_("Projekt")
    )
    to_status = models.CharField(_("Übergang nach"), max_length=20, choices=ProjectStatus)
    decision_reference = models.CharField(_("Beschluss (Aktenzeichen)"), max_length=200)
    decided_on = models.DateField(_("Beschlossen am"))
    justification = models.TextField(_("Begründung"))
    # The findings the decision set aside, as they stood.
    overridden_findings = models.JSONField(_("Übergangene Befunde"), default=list)
    recorded_at = models.DateTimeField(auto_now_add=True, verbose_name=_("Erfasst am"))

    audit_fields: ClassVar[tuple[str, ...]] = (
        "to_status",
        "decision_reference",
        "decided_on",
        "justification",
        "overridden_findings",
    )

    class Meta:
        ordering: ClassVar = ["-recorded_at"]
        verbose_name = _("Ratsentscheidung über einen Befund")
        verbose_name_plural = _("Ratsentscheidungen über Befunde")

    def __str__(self) -> str:
        return f"{self.decision_reference} ({self.project})"
