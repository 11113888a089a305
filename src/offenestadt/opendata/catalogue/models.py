"""The open data catalogue (DCAT-AP.de): datasets and the files or links they are had through.

A dataset is described once here and published three ways: as web pages, as DCAT-AP.de
RDF for the national portal's harvester, and through the CKAN Action API. Its files
(distributions) are either anonymized output of the publication pipeline or data that
holds no personal data at all.
"""

import uuid
from typing import Any, ClassVar

from django.contrib.contenttypes.fields import GenericRelation
from django.contrib.contenttypes.models import ContentType
from django.core.validators import RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from offenestadt.accounts.models import Office
from offenestadt.opendata.filescan.models import FileScan
from offenestadt.registry.models import LinkedRecord, Project, PublishedQuerySet

EU_AUTHORITY = "http://publications.europa.eu/resource/authority/"


class Theme(models.TextChoices):
    """The EU data theme vocabulary; DCAT-AP.de requires one of these per dataset."""

    AGRI = "AGRI", _("Landwirtschaft, Fischerei, Forstwirtschaft und Nahrungsmittel")
    ECON = "ECON", _("Wirtschaft und Finanzen")
    EDUC = "EDUC", _("Bildung, Kultur und Sport")
    ENER = "ENER", _("Energie")
    ENVI = "ENVI", _("Umwelt")
    GOVE = "GOVE", _("Regierung und öffentlicher Sektor")
    HEAL = "HEAL", _("Gesundheit")
    INTR = "INTR", _("Internationale Themen")
    JUST = "JUST", _("Justiz, Rechtssystem und öffentliche Sicherheit")
    REGI = "REGI", _("Regionen und Städte")
    SOCI = "SOCI", _("Bevölkerung und Gesellschaft")
    TECH = "TECH", _("Wissenschaft und Technologie")
    TRAN = "TRAN", _("Verkehr")

    @property
    def uri(self) -> str:
        return f"{EU_AUTHORITY}data-theme/{self.value}"


class Licence(models.TextChoices):
    """Licences of the DCAT-AP.de licence vocabulary (http://dcat-ap.de/def/licenses/)."""

    DL_BY = "dl-by-de/2.0", _("Datenlizenz Deutschland – Namensnennung – Version 2.0")
    DL_ZERO = "dl-zero-de/2.0", _("Datenlizenz Deutschland – Zero – Version 2.0")
    CC_BY = "cc-by/4.0", _("Creative Commons Namensnennung 4.0 International")
    CC_BY_SA = (
        "cc-by-sa/4.0",
        _("Creative Commons Namensnennung – Weitergabe unter gleichen Bedingungen 4.0"),
    )
    CC_ZERO = "cc-zero", _("Creative Commons Zero (CC0 1.0)")
    ODBL = "odbl", _("Open Data Commons Open Database License (ODbL)")

    @property
    def uri(self) -> str:
        return f"http://dcat-ap.de/def/licenses/{self.value}"


class Frequency(models.TextChoices):
    """Update frequencies of the EU frequency vocabulary."""

    CONT = "CONT", _("laufend")
    DAILY = "DAILY", _("täglich")
    WEEKLY = "WEEKLY", _("wöchentlich")
    MONTHLY = "MONTHLY", _("monatlich")
    QUARTERLY = "QUARTERLY", _("vierteljährlich")
    ANNUAL = "ANNUAL", _("jährlich")
    IRREG = "IRREG", _("unregelmäßig")
    NEVER = "NEVER", _("nie")
    UNKNOWN = "UNKNOWN", _("unbekannt")

    @property
    def uri(self) -> str:
        return f"{EU_AUTHORITY}frequency/{self.value}"


class DatasetQuerySet(PublishedQuerySet["Dataset"]):
    def in_catalogue(self) -> "DatasetQuerySet":
        """What the catalogue lists: published and not withdrawn."""
        return self.published().filter(withdrawn_at__isnull=True)


ckan_name = RegexValidator(
    r"^[a-z0-9_-]{2,100}$",
    _("2 bis 100 Kleinbuchstaben, Ziffern, - oder _ (so verlangt es die CKAN-Schnittstelle)."),
)


class Dataset(LinkedRecord):
    identifier = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    name = models.CharField(
        _("Kurzname"),
        max_length=100,
        unique=True,
        validators=[ckan_name],
        help_text=_("Teil der Adresse, zum Beispiel bodenfeuchte-parks."),
    )
    title_en = models.CharField(_("Titel (Englisch)"), max_length=300, blank=True)
    description = models.TextField(_("Beschreibung"))
    description_en = models.TextField(_("Beschreibung (Englisch)"), blank=True)
    publisher = models.ForeignKey(
        Office,
        verbose_name=_("Veröffentlichende Stelle"),
        on_delete=models.PROTECT,
        related_name="datasets",
    )
    contact_name = models.CharField(_("Ansprechstelle"), max_length=200)
    contact_email = models.EmailField(_("E-Mail der Ansprechstelle"))
    licence = models.CharField(
        _("Lizenz"), max_length=20, choices=Licence, default=Licence.DL_BY, blank=True
    )
    frequency = models.CharField(
        _("Aktualisierung"), max_length=10, choices=Frequency, default=Frequency.UNKNOWN
    )
    temporal_start = models.DateField(_("Zeitraum von"), null=True, blank=True)
    temporal_end = models.DateField(_("Zeitraum bis"), null=True, blank=True)
    spatial_note = models.CharField(
        _("Räumlicher Bezug"),
        max_length=300,
        blank=True,
        help_text=_("Leer: das ganze Stadtgebiet."),
    )
    modified_at = models.DateTimeField(_("Geändert am"), null=True, blank=True)
    withdrawn_at = models.DateTimeField(_("Zurückgezogen am"), null=True, blank=True)
    withdrawn_reason = models.CharField(_("Grund des Zurückziehens"), max_length=300, blank=True)
    projects = models.ManyToManyField(
        Project, verbose_name=_("Projekte"), related_name="datasets", blank=True
    )

    objects = DatasetQuerySet.as_manager()

    audit_fields: ClassVar[tuple[str, ...]] = (
        "title",
        "published_at",
        "name",
        "title_en",
        "description",
        "description_en",
        "publisher",
        "contact_name",
        "contact_email",
        "licence",
        "frequency",
        "temporal_start",
        "temporal_end",
        "spatial_note",
        "withdrawn_at",
        "withdrawn_reason",
    )
    audit_state_fields: ClassVar[tuple[str, ...]] = ("published_at", "withdrawn_at")

    class Meta:
        ordering: ClassVar = ["title"]
        verbose_name = pgettext_lazy("open data", "Datensatz")
        verbose_name_plural = pgettext_lazy("open data", "Datensätze")
        constraints: ClassVar = [
            models.CheckConstraint(
                condition=models.Q(temporal_start__isnull=True)
                | models.Q(temporal_end__isnull=True)
                | models.Q(temporal_start__lte=models.F("temporal_end")),
                name="dataset_temporal_in_order",
                violation_error_message=_("Der Zeitraum endet vor seinem Beginn."),
            )
        ]

    def get_absolute_url(self) -> str:
        from django.urls import reverse

        return reverse("opendata:dataset_detail", args=[self.name])

    def is_public_record(self) -> bool:
        return self.published_at is not None

    @property
    def in_catalogue(self) -> bool:
        return self.published_at is not None and self.withdrawn_at is None

    @property
    def licence_uri(self) -> str:
        return Licence(self.licence).uri

    @property
    def frequency_uri(self) -> str:
        return Frequency(self.frequency).uri


class DatasetTheme(models.Model):
    dataset = models.ForeignKey(Dataset, on_delete=models.CASCADE, related_name="themes")
    theme = models.CharField(_("Thema"), max_length=4, choices=Theme)

    class Meta:
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["dataset", "theme"], name="unique_dataset_theme")
        ]

    def __str__(self) -> str:
        return self.get_theme_display()


class Keyword(models.Model):
    dataset = models.ForeignKey(Dataset, on_delete=models.CASCADE, related_name="keywords")
    name = models.CharField(_("Schlagwort"), max_length=100, db_index=True)

    class Meta:
        ordering: ClassVar = ["name"]
        constraints: ClassVar = [
            models.UniqueConstraint(fields=["dataset", "name"], name="unique_dataset_keyword")
        ]

    def __str__(self) -> str:
        return self.name


class DistributionQuerySet(models.QuerySet["Distribution"]):
    def public(self) -> "DistributionQuerySet":
        """What visitors and harvesters get: links elsewhere, and files their scan cleared."""
        cleared = FileScan.objects.cleared().filter(
            content_type=ContentType.objects.get_for_model(Distribution),
            object_id=models.OuterRef("pk"),
            field_name="file",
            file_name=models.OuterRef("file"),
        )
        return self.filter(models.Q(file="") | models.Exists(cleared))


class Distribution(models.Model):
    """A file or link through which a dataset can be had: public once its dataset is and,
    for a file, once the check for personal data cleared it."""

    identifier = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    dataset = models.ForeignKey(Dataset, on_delete=models.CASCADE, related_name="distributions")
    title = models.CharField(_("Titel"), max_length=300)
    description = models.TextField(_("Beschreibung"), blank=True)
    file = models.FileField(_("Datei"), upload_to="opendata/", blank=True)
    access_url = models.URLField(_("Externe Adresse"), max_length=500, blank=True)
    format = models.CharField(
        _("Format"), max_length=20, help_text=_("Dateityp nach EU-Vokabular, zum Beispiel CSV.")
    )
    media_type = models.CharField(_("Medientyp"), max_length=100, blank=True)
    byte_size = models.PositiveBigIntegerField(_("Größe in Byte"), null=True, blank=True)
    checksum_sha256 = models.CharField(_("Prüfsumme (SHA-256)"), max_length=64, blank=True)
    licence = models.CharField(_("Lizenz"), max_length=20, choices=Licence, blank=True)
    table_schema = models.JSONField(_("Spaltenschema"), default=dict, blank=True)
    validation_report = models.JSONField(_("Prüfbericht"), default=dict, blank=True)
    provenance = models.TextField(_("Herkunft und Anonymisierung"), blank=True)
    # The privacy model and figures of the approved anonymization this file came out of;
    # empty for files that never held personal data.
    anonymization = models.JSONField(_("Anonymisierung"), default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    modified_at = models.DateTimeField(auto_now=True)
    scans = GenericRelation(FileScan)

    objects = DistributionQuerySet.as_manager()

    # The file fields that visitors can download: each is checked for personal data.
    public_file_fields: ClassVar[tuple[str, ...]] = ("file",)

    audit_fields: ClassVar[tuple[str, ...]] = (
        "title",
        "description",
        "file",
        "access_url",
        "format",
        "media_type",
        "byte_size",
        "checksum_sha256",
        "licence",
        "provenance",
    )
    audit_state_fields: ClassVar[tuple[str, ...]] = ()

    class Meta:
        ordering: ClassVar = ["dataset", "pk"]
        verbose_name = _("Distribution")
        verbose_name_plural = _("Distributionen")
        constraints: ClassVar = [
            models.CheckConstraint(
                condition=~models.Q(file="") | ~models.Q(access_url=""),
                name="distribution_file_or_url",
                violation_error_message=_(
                    "Laden Sie eine Datei hoch oder nennen Sie eine Adresse."
                ),
            )
        ]

    def __str__(self) -> str:
        return self.title

    def is_public_record(self) -> bool:
        return self.dataset.is_public_record()

    @property
    def effective_licence(self) -> str:
        return self.licence or self.dataset.licence

    @property
    def is_external(self) -> bool:
        """A link elsewhere: the platform neither fetches nor checks what is there."""
        return not self.file and bool(self.access_url)


def public_distributions() -> models.Prefetch[Any]:
    """Prefetch a dataset's distributions as visitors and harvesters get them."""
    return models.Prefetch("distributions", queryset=Distribution.objects.public().order_by("pk"))
