from typing import ClassVar

from django.db import models
from django.utils.translation import gettext_lazy as _

from offenestadt.registry.models import LinkedRecord, Project


class Contract(LinkedRecord):
    projects = models.ManyToManyField(
        Project, verbose_name=_("Projekte"), related_name="contracts", blank=True
    )

    class Meta:
        ordering: ClassVar = ["title"]
        verbose_name = _("Vertrag")
        verbose_name_plural = _("Verträge")
