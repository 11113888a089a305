from typing import ClassVar

from django.db import models
from django.utils.translation import gettext_lazy as _

from offenestadt.registry.models import LinkedRecord, Project


class Procedure(LinkedRecord):
    projects = models.ManyToManyField(
        Project,
        verbose_name=_("Projekte"),
        related_name="participation_procedures",
        blank=True,
    )
    result_report_published_at = models.DateTimeField(
        _("Ergebnisbericht veröffentlicht am"), null=True, blank=True
    )

    audit_fields: ClassVar[tuple[str, ...]] = (
        "title",
        "published_at",
        "result_report_published_at",
    )
    audit_state_fields: ClassVar[tuple[str, ...]] = (
        "published_at",
        "result_report_published_at",
    )

    class Meta:
        ordering: ClassVar = ["title"]
        verbose_name = _("Beteiligungsverfahren")
        verbose_name_plural = _("Beteiligungsverfahren")
