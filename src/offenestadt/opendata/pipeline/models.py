"""Raw data on its way to publication: uploads that stay in private storage until anonymized."""

from pathlib import PurePosixPath
from typing import ClassVar

from django.conf import settings
from django.core.files.storage import Storage, storages
from django.db import models
from django.utils.translation import gettext_lazy as _

from offenestadt.opendata.catalogue.models import Dataset, Distribution
from offenestadt.opendata.filescan.models import FileScan, ScanState

# The raw files the pipeline reads.
ACCEPTED_SUFFIXES = (".csv", ".parquet", ".xlsx")


def sendable_to_pipeline(distribution: Distribution, scan: FileScan | None) -> bool:
    """Whether ``distribution``'s file, in which the check (``scan``, its current one) found
    personal data that nobody cleared, can be sent into the anonymization pipeline."""
    return (
        bool(distribution.file)
        and scan is not None
        and scan.state == ScanState.PERSONAL_DATA
        and not scan.is_cleared
        and PurePosixPath(distribution.file.name or "").suffix.lower() in ACCEPTED_SUFFIXES
    )


def _private_storage() -> Storage:
    return storages["private"]


class PipelineStatus(models.TextChoices):
    UPLOADED = "uploaded", _("hochgeladen")
    SCANNED = "scanned", _("geprüft auf personenbezogene Daten")
    QUEUED = "queued", _("Anonymisierung wartet")
    RUNNING = "running", _("wird anonymisiert")
    FAILED = "failed", _("Anonymisierung fehlgeschlagen")
    REVIEW = "review", _("beim Datenschutzbeauftragten zur Prüfung")
    RETURNED = "returned", _("zurückgegeben")
    APPROVED = "approved", _("freigegeben")
    PUBLISHED = "published", _("veröffentlicht")


class RawUpload(models.Model):
    """A file on its way to publication. Private: staff and DPO only, never at a public
    address, kept apart from public files, and deleted when its retention ends."""

    dataset = models.ForeignKey(Dataset, on_delete=models.CASCADE, related_name="uploads")
    file = models.FileField(upload_to="raw/", storage=_private_storage)
    original_name = models.CharField(max_length=255)
    uploaded_at = models.DateTimeField(auto_now_add=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    status = models.CharField(
        max_length=10, choices=PipelineStatus, default=PipelineStatus.UPLOADED
    )
    scan = models.JSONField(default=list, blank=True)
    # What the DPO reviews: the privacy model and the columns' roles and hierarchies.
    config = models.JSONField(default=dict, blank=True)
    progress = models.PositiveSmallIntegerField(default=0)
    report = models.JSONField(default=dict, blank=True)
    error = models.TextField(blank=True)
    output = models.FileField(upload_to="anonymized/", storage=_private_storage, blank=True)
    review_comment = models.TextField(blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    distribution = models.OneToOneField(
        Distribution, null=True, blank=True, on_delete=models.SET_NULL, related_name="source"
    )

    audit_fields: ClassVar[tuple[str, ...]] = ("status", "config", "review_comment")
    audit_state_fields: ClassVar[tuple[str, ...]] = ("status",)
    # Raw data and its anonymized output live in private storage and are never served.
    private_file_fields: ClassVar[tuple[str, ...]] = ("file", "output")

    class Meta:
        ordering: ClassVar = ["-uploaded_at"]
        verbose_name = _("Rohdaten-Upload")
        verbose_name_plural = _("Rohdaten-Uploads")

    def __str__(self) -> str:
        return f"{self.original_name} ({self.dataset})"

    def is_public_record(self) -> bool:
        return False
