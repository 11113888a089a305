"""The city-wide software register: every software component the programme uses, once.

A project's software parts (registry.SoftwareComponent) point here; the charter's P7 rules
read the register's licence, repository, funding and open standards where a part does.
"""

import re
from typing import Any, ClassVar

from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from offenestadt.software.licences import LicenceError, parse_licence


class Hosting(models.TextChoices):
    CITY = "city", _("Rechenzentrum der Stadt")
    MUNICIPAL_COMPANY = "municipal_company", _("städtisches Unternehmen")
    EU_PROVIDER = "eu_provider", _("Dienstleister in EU/EWR")
    THIRD_COUNTRY = "third_country", _("Dienstleister außerhalb von EU/EWR")


# The values are those of the publiccode.yml standard.
class Maintenance(models.TextChoices):
    INTERNAL = "internal", _("durch die Stadt selbst")
    CONTRACT = "contract", _("per Vertrag")
    COMMUNITY = "community", _("durch eine Community")
    NONE = "none", _("keine Wartung")


class DevelopmentStatus(models.TextChoices):
    CONCEPT = "concept", _("Konzept")
    DEVELOPMENT = "development", _("in Entwicklung")
    BETA = "beta", _("Beta")
    STABLE = "stable", _("stabil")
    OBSOLETE = "obsolete", _("veraltet")


class SoftwareType(models.TextChoices):
    WEB = "standalone/web", _("Web-Anwendung")
    BACKEND = "standalone/backend", _("Server-Dienst")
    DESKTOP = "standalone/desktop", _("Desktop-Programm")
    MOBILE = "standalone/mobile", _("App für Mobilgeräte")
    IOT = "standalone/iot", _("Gerät im Internet der Dinge")
    OTHER = "standalone/other", _("eigenständig, andere Art")
    ADDON = "addon", _("Erweiterung")
    LIBRARY = "library", _("Bibliothek")
    CONFIGURATION = "configurationFiles", _("Konfigurationsdateien")


def _text_list(value: Any) -> None:
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
        raise ValidationError(_("Eine Liste von Einträgen, je einer pro Zeile."))


# What an address may hold as it is written (RFC 3986): publiccode.yml's schema asks its
# url to be one, and Django's URL check lets quotes and angle brackets in a path pass.
URI_CHARACTERS = re.compile(r"[A-Za-z0-9\-._~:/?#\[\]@!$&'()*+,;=%]+")


class Component(models.Model):
    slug = models.SlugField(_("Adresse"), max_length=120, unique=True)
    name = models.CharField(_("Name"), max_length=200)
    short_description = models.CharField(
        _("Kurzbeschreibung"),
        max_length=150,
        help_text=_("Ein Satz, höchstens 150 Zeichen."),
    )
    description = models.TextField(
        _("Beschreibung"),
        blank=True,
        help_text=_("Was die Software tut und wofür die Stadt sie nutzt (ab 150 Zeichen)."),
    )
    licence = models.CharField(
        _("Lizenz (SPDX-Ausdruck)"),
        max_length=200,
        blank=True,
        help_text=_("Zum Beispiel EUPL-1.2 oder MIT OR Apache-2.0."),
    )
    repository_url = models.URLField(_("Öffentliches Repository"), blank=True)
    software_version = models.CharField(_("Version"), max_length=50, blank=True)
    release_date = models.DateField(_("Veröffentlicht am"), null=True, blank=True)
    software_type = models.CharField(
        _("Art der Software"), max_length=30, choices=SoftwareType, default=SoftwareType.WEB
    )
    development_status = models.CharField(
        _("Entwicklungsstand"),
        max_length=20,
        choices=DevelopmentStatus,
        default=DevelopmentStatus.STABLE,
    )
    maintenance = models.CharField(
        _("Wartung"), max_length=20, choices=Maintenance, default=Maintenance.INTERNAL
    )
    maintainer = models.CharField(
        _("Gewartet von"),
        max_length=200,
        blank=True,
        help_text=_("Das Amt, die Firma oder die Community, die die Software pflegt."),
    )
    maintained_until = models.DateField(
        _("Wartungsvertrag bis"), null=True, blank=True, help_text=_("Nur bei Wartung per Vertrag.")
    )
    hosting = models.CharField(_("Betrieb"), max_length=20, choices=Hosting, blank=True)
    open_standards = models.JSONField(
        _("Offene Standards"),
        default=list,
        blank=True,
        validators=[_text_list],
        help_text=_("Die offenen Standards ihrer Datenformate und Schnittstellen."),
    )
    platforms = models.JSONField(
        _("Plattformen"), default=list, blank=True, validators=[_text_list]
    )
    languages = models.JSONField(_("Sprachen"), default=list, blank=True, validators=[_text_list])
    publicly_funded = models.BooleanField(_("Mit öffentlichem Geld bezahlt"), default=True)

    audit_fields: ClassVar[tuple[str, ...]] = (
        "name",
        "short_description",
        "description",
        "licence",
        "repository_url",
        "software_version",
        "release_date",
        "software_type",
        "development_status",
        "maintenance",
        "maintainer",
        "maintained_until",
        "hosting",
        "open_standards",
        "platforms",
        "languages",
        "publicly_funded",
    )
    audit_state_fields: ClassVar[tuple[str, ...]] = ()

    class Meta:
        ordering = ("name",)
        verbose_name = _("Software im Register")
        verbose_name_plural = _("Software-Register")

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("software:detail", args=[self.slug])

    def is_public_record(self) -> bool:
        # The register is public as a whole: what the city runs is no secret.
        return True

    def clean(self) -> None:
        if self.repository_url and not URI_CHARACTERS.fullmatch(self.repository_url):
            raise ValidationError(
                {
                    "repository_url": _(
                        "Die Adresse enthält Zeichen, die in einer Adresse nur kodiert stehen "
                        "dürfen (etwa Leerzeichen, Anführungszeichen, < und > oder Umlaute); "
                        "kopieren Sie sie aus der Adresszeile des Browsers."
                    )
                }
            )
        if self.licence:
            try:
                self.licence = parse_licence(self.licence)
            except LicenceError as error:
                raise ValidationError({"licence": str(error)}) from None
        if self.maintenance == Maintenance.CONTRACT and not self.maintained_until:
            raise ValidationError(
                {"maintained_until": _("Bei Wartung per Vertrag: bis wann gilt der Vertrag?")}
            )
