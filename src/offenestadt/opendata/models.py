from typing import ClassVar

from django.db import models
from django.utils.translation import gettext_lazy as _

from offenestadt.registry.models import LinkedRecord, Project


class Dataset(LinkedRecord):
    projects = models.ManyToManyField(
        Project, verbose_name=_("Projekte"), related_name="datasets", blank=True
    )

    class Meta:
        ordering: ClassVar = ["title"]
        verbose_name = _("Datensatz")
        verbose_name_plural = _("Datensätze")
