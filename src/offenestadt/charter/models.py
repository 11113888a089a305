"""Charter versions. A version's content is the checked charter document, kept whole."""

from dataclasses import dataclass
from datetime import date
from functools import cached_property
from typing import Any, ClassVar

from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language, override
from django.utils.translation import gettext_lazy as _

from offenestadt.charter.legacy import document_format, upgraded
from offenestadt.charter.parameters import DECLARED
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
    # The ids of the checks (charter.catalogue) the principle binds, and the values it sets
    # for their parameters.
    checks: tuple[str, ...]
    parameters: dict[str, Any]


@dataclass(frozen=True)
class Parameter:
    key: str
    value: bool | int | float | str
    unit: str
    # The principle whose checks read this value; "" for a procedure's parameter.
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

    @cached_property
    def document(self) -> dict[str, Any]:
        """The content in today's format (an earlier version's converted when read)."""
        # The registry of checks imports this module: looked up when first read.
        from offenestadt.charter.engine import parameters_read

        return upgraded(self.content, parameters_read())

    def format_changed_since(self, older: "CharterVersion") -> bool:
        return document_format(self.content) != document_format(older.content)

    def principles(self) -> list[Principle]:
        return [
            Principle(
                id=item["id"],
                gate=item["gate"],
                title=Localised(**item["title"]),
                description=Localised(**item["description"]),
                plain=Localised(**item["plain"]),
                checks=tuple(item["checks"]),
                parameters=dict(item["parameters"]),
            )
            for item in self.document["principles"]
        ]

    def parameters(self) -> list[Parameter]:
        """Every parameter value the charter sets: per principle, then the procedures'."""
        document = self.document
        settings = [
            (principle["id"], key, value)
            for principle in document["principles"]
            for key, value in principle["parameters"].items()
        ] + [("", key, value) for key, value in document["procedures"].items()]
        return [_parameter(principle, key, value) for principle, key, value in settings]


def _parameter(principle: str, key: str, value: Any) -> Parameter:
    declaration = DECLARED[key]
    unit = declaration.unit_label()
    texts = {}
    for language in ("de", "en"):
        with override(language):
            texts[language] = str(declaration.label)
    return Parameter(
        key=key,
        value=value,
        unit=str(unit),
        principle=principle,
        description=Localised(**texts),
    )
