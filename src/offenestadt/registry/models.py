from typing import ClassVar

from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from offenestadt.accounts.models import Actor, Office


class ProjectStatus(models.TextChoices):
    IDEA = "idea", _("Idee")
    PLANNING = "planning", _("Planung")
    CONSULTATION = "consultation", _("Beteiligung")
    DECISION = "decision", _("Entscheidung")
    IMPLEMENTATION = "implementation", _("Umsetzung")
    OPERATION = "operation", _("Betrieb")
    ENDED = "ended", _("Beendet")


class ProjectQuerySet(models.QuerySet["Project"]):
    def published(self) -> "ProjectQuerySet":
        return self.filter(published_at__isnull=False)

    def visible_to(self, user: Actor) -> "ProjectQuerySet":
        """Published projects for everyone; drafts only for the city's internal roles."""
        if user.is_authenticated and user.reads_internal_records:
            return self.all()
        return self.published()


class Project(models.Model):
    slug = models.SlugField(unique=True)
    title = models.CharField(_("Titel"), max_length=200)
    summary = models.TextField(_("Zusammenfassung"))
    plain_language_summary = models.TextField(_("In Leichter Sprache"), blank=True)
    office = models.ForeignKey(
        Office, verbose_name=_("Zuständiges Amt"), on_delete=models.PROTECT, related_name="projects"
    )
    status = models.CharField(
        _("Stand"), max_length=20, choices=ProjectStatus, default=ProjectStatus.IDEA
    )
    # Not public until published; drafts are seen by the city's staff only.
    published_at = models.DateTimeField(_("Veröffentlicht am"), null=True, blank=True)
    internal_note = models.TextField(_("Interne Notiz"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    audit_fields: ClassVar[tuple[str, ...]] = (
        "title",
        "summary",
        "plain_language_summary",
        "office",
        "status",
        "published_at",
    )
    audit_state_fields: ClassVar[tuple[str, ...]] = ("status", "published_at")

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
