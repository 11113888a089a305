"""The check of every file that may become public for personal data: one record per stored file.

Datasets' files and contracts' public documents alike get a scan; a file is served only while
its scan clears it.
"""

from typing import ClassVar

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils.translation import gettext_lazy as _


class ScanState(models.TextChoices):
    """Where a file that may become public stands in the check for personal data."""

    PENDING = "pending", _("wird auf personenbezogene Daten geprüft")
    CLEAN = "clean", _("keine personenbezogenen Daten gefunden")
    PERSONAL_DATA = "personal", _("personenbezogene Daten gefunden")
    NOT_SCANNABLE = "unscannable", _("nicht automatisch prüfbar")
    ANONYMIZED = "anonymized", _("anonymisiert und vom Datenschutz freigegeben")


class FileScanQuerySet(models.QuerySet["FileScan"]):
    def cleared(self) -> "FileScanQuerySet":
        """Scans that let their file be published (see FileScan.is_cleared)."""
        return self.filter(
            models.Q(state__in=(ScanState.CLEAN, ScanState.ANONYMIZED))
            | models.Q(approved_at__isnull=False)
        )


class FileScan(models.Model):
    """The check of one version of a file that may become public, for personal data.

    Every file field that can be served to the public (a model's ``public_file_fields``)
    gets one per stored file: the worker runs the anonymization library's detector on it.
    Only the findings are kept (column, kind, counts, the detector's sentences), never the
    values. A file is published only while its scan clears it.
    """

    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE, related_name="+")
    object_id = models.PositiveBigIntegerField()
    record = GenericForeignKey("content_type", "object_id")
    field_name = models.CharField(max_length=100)
    # The stored name of the file this scan is about: a new file needs a new scan.
    file_name = models.CharField(max_length=500)
    state = models.CharField(max_length=12, choices=ScanState, default=ScanState.PENDING)
    findings = models.JSONField(default=list, blank=True)
    # Why a file could not be scanned, or what the pipeline did to it.
    note = models.TextField(blank=True)
    requested_at = models.DateTimeField(auto_now_add=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    scanned_at = models.DateTimeField(null=True, blank=True)
    # The DPO's decision (four eyes) for a file the detector cannot clear on its own.
    approved_at = models.DateTimeField(null=True, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    approval_note = models.TextField(blank=True)

    objects = FileScanQuerySet.as_manager()

    audit_fields: ClassVar[tuple[str, ...]] = (
        "field_name",
        "file_name",
        "state",
        "findings",
        "note",
        "approved_at",
        "approval_note",
    )
    audit_state_fields: ClassVar[tuple[str, ...]] = ("state", "approved_at")

    class Meta:
        ordering: ClassVar = ["-requested_at", "-pk"]
        verbose_name = _("Prüfung auf personenbezogene Daten")
        verbose_name_plural = _("Prüfungen auf personenbezogene Daten")
        indexes: ClassVar = [
            models.Index(fields=["content_type", "object_id", "field_name"], name="filescan_record")
        ]

    def __str__(self) -> str:
        return f"{self.file_name} ({self.get_state_display()})"

    def is_public_record(self) -> bool:
        # Findings describe files before they are cleared: for staff and the DPO only.
        return False

    @property
    def is_cleared(self) -> bool:
        """Clean, anonymized by the pipeline, or approved by the DPO (four eyes)."""
        return self.state in {ScanState.CLEAN, ScanState.ANONYMIZED} or self.approved_at is not None

    @property
    def has_direct_identifiers(self) -> bool:
        return any(finding.get("role") == "direct identifier" for finding in self.findings)

    @property
    def file_basename(self) -> str:
        return self.file_name.rsplit("/", 1)[-1]
