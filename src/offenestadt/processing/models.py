from typing import ClassVar

from django.db import models
from django.utils.translation import gettext_lazy as _

from offenestadt.registry.models import LinkedRecord, Project


class ProcessingActivity(LinkedRecord):
    projects = models.ManyToManyField(
        Project, verbose_name=_("Projekte"), related_name="processing_activities", blank=True
    )

    class Meta:
        ordering: ClassVar = ["title"]
        verbose_name = _("Verarbeitungstätigkeit")
        verbose_name_plural = _("Verarbeitungstätigkeiten")
