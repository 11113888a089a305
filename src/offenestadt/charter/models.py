"""Charter versions. A version's content is the checked charter document, kept whole."""

from dataclasses import dataclass
from datetime import date
from typing import ClassVar

from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from offenestadt.core.display import display_value


@dataclass(frozen=True)
class Localised:
    de: str
    en: str

    def __str__(self) -> str:
        """The text in the language of the current request (German when there is none)."""
        return self.en if (get_language() or "de").startswith("en") else self.de


@dataclass(frozen=True)
class Principle:
    id: str
    # Whether findings under this principle hold a project back at its gates.
    gate: bool
    title: Localised
    description: Localised
    plain: Localised


@dataclass(frozen=True)
class Parameter:
    key: str
    value: bool | int | float | str
    unit: str
    principle: str
    description: Localised

    @property
    def display_value(self) -> str:
        return display_value(self.value) or ""

    @property
    def display_with_unit(self) -> str:
        """The value as people read it, with the charter's unit ("12 Monate")."""
        return f"{self.display_value} {self.unit}" if self.unit else self.display_value


class CharterVersionQuerySet(models.QuerySet["CharterVersion"]):
    def in_force(self, on: date | None = None) -> "CharterVersion | None":
        """The version adopted most recently on or before the given day (default: today)."""
        day = on or timezone.localdate()
        return self.filter(adopted_on__lte=day).order_by("-adopted_on", "-number").first()


class CharterVersion(models.Model):
    number = models.PositiveIntegerField(_("Version"), unique=True)
    title = models.CharField(_("Titel"), max_length=200)
    city = models.CharField(_("Stadt"), max_length=200)
    adopted_on = models.DateField(_("Beschlossen am"))
    council_decision = models.CharField(_("Ratsbeschluss"), max_length=300)
    content = models.JSONField(_("Inhalt"))
    recorded_at = models.DateTimeField(auto_now_add=True, verbose_name=_("Erfasst am"))

    audit_fields: ClassVar[tuple[str, ...]] = (
        "number",
        "title",
        "city",
        "adopted_on",
        "council_decision",
        "content",
    )
    audit_state_fields: ClassVar[tuple[str, ...]] = ()

    objects = CharterVersionQuerySet.as_manager()

    class Meta:
        ordering: ClassVar = ["-number"]
        verbose_name = _("Charta-Version")
        verbose_name_plural = _("Charta-Versionen")

    def __str__(self) -> str:
        return f"{self.title} ({_('Version')} {self.number})"

    def get_absolute_url(self) -> str:
        return reverse("charter:version", args=[self.number])

    def is_public_record(self) -> bool:
        return True

    def principles(self) -> list[Principle]:
        return [
            Principle(
                id=item["id"],
                gate=item["gate"],
                title=Localised(**item["title"]),
                description=Localised(**item["description"]),
                plain=Localised(**item["plain"]),
            )
            for item in self.content["principles"]
        ]

    def parameters(self) -> list[Parameter]:
        return [
            Parameter(
                key=item["key"],
                value=item["value"],
                unit=item["unit"],
                principle=item["principle"],
                description=Localised(**item["description"]),
            )
            for item in self.content["parameters"]
        ]
