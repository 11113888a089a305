"""Every write to the catalogue: datasets, their distributions, publication and withdrawal.

A withdrawn dataset stays in the register with its reason (and in the audit trail), so a
harvester that no longer finds it in the catalogue knows it was withdrawn on purpose.
"""

import hashlib
import mimetypes
import tempfile
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files import File
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from offenestadt.accounts.models import Actor, Office
from offenestadt.audit.models import AuditEvent
from offenestadt.audit.services import created_or_changed, delete_record, save_record
from offenestadt.charter.gates import GateRefusedError, announces_refusal
from offenestadt.opendata.catalogue import rules
from offenestadt.opendata.catalogue.models import Dataset, DatasetTheme, Distribution, Keyword
from offenestadt.opendata.catalogue.tables import describe_csv, validate_csv
from offenestadt.opendata.compliance import dataset_gate
from offenestadt.opendata.filescan import services as filescan
from offenestadt.opendata.pipeline.models import RawUpload
from offenestadt.registry.models import Project
from offenestadt.registry.services import linked_record_save

# Media types of the common formats (IANA), by the EU file-type code.
MEDIA_TYPES = {
    "CSV": "text/csv",
    "JSON": "application/json",
    "GEOJSON": "application/geo+json",
    "XLSX": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "PDF": "application/pdf",
    "XML": "application/xml",
    "ZIP": "application/zip",
    "PARQUET": "application/vnd.apache.parquet",
}


def _require_edit(actor: Actor, dataset: Dataset) -> None:
    if not rules.can_edit_dataset(actor, dataset):
        raise PermissionDenied(_("Sie dürfen diesen Datensatz nicht ändern."))


def _touch(dataset: Dataset) -> None:
    """A published dataset's content changed: harvesters look at ``modified``."""
    if dataset.published_at is not None:
        # unaudited: the harvest date (DCAT modified) follows an audited change
        Dataset.objects.filter(pk=dataset.pk).update(modified_at=timezone.now())


@transaction.atomic
def dataset_save(
    *,
    actor: Actor,
    dataset: Dataset,
    projects: list[Project],
    themes: list[str],
    keywords: list[str],
) -> Dataset:
    """Create or change a dataset's description, its themes and keywords."""
    if dataset.pk is None:
        if not rules.can_create_dataset(actor):
            raise PermissionDenied(_("Sie dürfen keine Datensätze anlegen."))
    else:
        _require_edit(actor, Dataset.objects.get(pk=dataset.pk))
    _require_edit(actor, dataset)
    if not themes:
        raise ValidationError(_("Wählen Sie mindestens ein Thema."))
    changed = dataset.pk is None or any(
        getattr(Dataset.objects.get(pk=dataset.pk), name) != getattr(dataset, name)
        for name in Dataset.audit_fields
    )
    linked_record_save(actor=actor, record=dataset, projects=projects)
    wanted_keywords = sorted({k.strip() for k in keywords if k.strip()})
    known = (
        sorted(dataset.themes.values_list("theme", flat=True)),
        sorted(dataset.keywords.values_list("name", flat=True)),
    )
    if known != (sorted(set(themes)), wanted_keywords):
        # unaudited: themes and keywords are tags, no audit fields; the page shows them
        dataset.themes.all().delete()
        # unaudited: themes and keywords are tags, no audit fields; the page shows them
        DatasetTheme.objects.bulk_create(
            DatasetTheme(dataset=dataset, theme=theme) for theme in sorted(set(themes))
        )
        # unaudited: themes and keywords are tags, no audit fields; the page shows them
        dataset.keywords.all().delete()
        # unaudited: themes and keywords are tags, no audit fields; the page shows them
        Keyword.objects.bulk_create(Keyword(dataset=dataset, name=k) for k in wanted_keywords)
        changed = True
    if changed:
        _touch(dataset)
    return dataset


@announces_refusal("dataset")
@transaction.atomic
def dataset_publish(*, actor: Actor, dataset: Dataset) -> Dataset:
    """Put a dataset in the catalogue (again, after a withdrawal), once it passes its gate
    (opendata.compliance.dataset_gate; GateRefusedError says what is missing)."""
    _require_edit(actor, dataset)
    dataset_gate(dataset=dataset)
    dataset.published_at = dataset.published_at or timezone.now()
    dataset.modified_at = timezone.now()
    dataset.withdrawn_at = None
    dataset.withdrawn_reason = ""
    save_record(record=dataset, actor=actor, event=AuditEvent.PUBLISHED)
    return dataset


@transaction.atomic
def dataset_withdraw(*, actor: Actor, dataset: Dataset, reason: str) -> Dataset:
    """Take a dataset out of the catalogue, saying why; it stays on record."""
    _require_edit(actor, dataset)
    if not reason.strip():
        raise ValidationError(_("Sagen Sie, warum der Datensatz zurückgezogen wird."))
    dataset.withdrawn_at = timezone.now()
    dataset.withdrawn_reason = reason.strip()
    dataset.modified_at = dataset.withdrawn_at
    save_record(record=dataset, actor=actor, event=AuditEvent.WITHDRAWN)
    return dataset


def _sha256(file: UploadedFile[bytes]) -> str:
    digest = hashlib.sha256()
    for chunk in file.chunks():
        digest.update(chunk)
    file.seek(0)
    return digest.hexdigest()


def _describe_file(distribution: Distribution, upload: UploadedFile[bytes]) -> None:
    """Size, checksum, media type and, for CSV, the column schema and its check."""
    distribution.byte_size = upload.size
    distribution.checksum_sha256 = _sha256(upload)
    distribution.format = (distribution.format or Path(upload.name or "").suffix[1:]).upper()
    distribution.media_type = MEDIA_TYPES.get(distribution.format) or (
        mimetypes.guess_type(upload.name or "")[0] or "application/octet-stream"
    )
    if distribution.format != "CSV":
        distribution.table_schema, distribution.validation_report = {}, {}
        return
    with tempfile.NamedTemporaryFile(suffix=".csv") as copy:
        for chunk in upload.chunks():
            copy.write(chunk)
        copy.flush()
        upload.seek(0)
        distribution.table_schema = describe_csv(Path(copy.name))
        distribution.validation_report = validate_csv(Path(copy.name), distribution.table_schema)


@transaction.atomic
def distribution_save(
    *,
    actor: Actor,
    distribution: Distribution,
    upload: UploadedFile[bytes] | None = None,
    anonymized: bool = False,
) -> Distribution:
    """Add or change a file or link of a dataset.

    A new file is published only once the worker's check found no personal data in it (or
    the DPO approved a file the check cannot read); files with personal data go through
    the publication pipeline, which puts only its anonymized output here. A link
    elsewhere is fetched by nobody: the page says so.
    """
    _require_edit(actor, distribution.dataset)
    if upload is not None:
        _describe_file(distribution, upload)
        # unaudited: the file into storage; its distribution goes through save_record
        distribution.file.save(upload.name or "daten", upload, save=False)
    elif distribution.access_url:
        distribution.format = distribution.format.upper()
        distribution.media_type = distribution.media_type or MEDIA_TYPES.get(
            distribution.format, ""
        )
    distribution.full_clean()
    event = created_or_changed(distribution)
    if save_record(record=distribution, actor=actor, event=event) is not None:
        _touch(distribution.dataset)
    if not anonymized:
        filescan.file_scans_request(actor=actor, record=distribution)
    return distribution


def distribution_removal_gate(distribution: Distribution) -> None:
    """Let a file or link be removed, or raise ValidationError: a dataset in the catalogue
    keeps at least one."""
    dataset = distribution.dataset
    if dataset.in_catalogue and dataset.distributions.count() == 1:
        raise ValidationError(
            _("Ein veröffentlichter Datensatz braucht mindestens eine Datei oder Adresse.")
        )


@transaction.atomic
def distribution_delete(*, actor: Actor, distribution: Distribution) -> None:
    dataset = distribution.dataset
    _require_edit(actor, dataset)
    distribution_removal_gate(distribution)
    delete_record(record=distribution, actor=actor, event=AuditEvent.DELETED)
    _touch(dataset)


def distribution_to_pipeline_gate(distribution: Distribution) -> None:
    """Raise ValidationError unless the pipeline reads ``distribution``'s file: asked before
    the step is confirmed, and again when it is taken."""
    from offenestadt.opendata.pipeline.models import ACCEPTED_SUFFIXES

    name = PurePosixPath(distribution.file.name or "").name
    if not distribution.file or Path(name).suffix.lower() not in ACCEPTED_SUFFIXES:
        raise ValidationError(
            _("In die Anonymisierung gehen CSV-, Parquet- und Excel-Dateien (.xlsx).")
        )


@transaction.atomic
def distribution_to_pipeline(*, actor: Actor, distribution: Distribution) -> RawUpload:
    """Send a file the check refused into the anonymization pipeline.

    The file becomes a raw upload in private storage; the distribution and its public copy
    are removed, so nothing of it stays at a public address.
    """
    from offenestadt.opendata.pipeline.services import upload_create

    dataset = distribution.dataset
    _require_edit(actor, dataset)
    distribution_to_pipeline_gate(distribution)
    name = PurePosixPath(distribution.file.name or "").name
    with distribution.file.open("rb") as stream:
        upload = upload_create(
            actor=actor,
            dataset=dataset,
            file=File(stream, name=name),  # type: ignore[arg-type]
        )
    storage, stored_name = distribution.file.storage, distribution.file.name or ""
    delete_record(record=distribution, actor=actor, event=AuditEvent.DELETED)
    # The public copy goes once the raw upload is safely stored.
    # unaudited: the public copy of a file whose distribution was deleted through delete_record
    transaction.on_commit(lambda: storage.delete(stored_name))
    _touch(dataset)
    return upload


@dataclass(frozen=True)
class KeptDataset:
    """A dataset the platform keeps itself for one of its registers: one link to the
    register's live export."""

    name: str
    title: str
    description: str
    theme: str
    keywords: list[str]
    distribution_title: str
    access_url: str
    format: str


@transaction.atomic
def kept_dataset_update(*, kept: KeptDataset, publisher: Office, changed: bool) -> Dataset:
    """Create or bring up to date a dataset the platform keeps for a register, and put it
    in the catalogue once it passes its gate (it stays a draft while the gate refuses).

    Written by the platform itself (no acting person) after the register changed, e.g. by
    an import; ``changed`` says the register's content did, so harvesters see it in the
    dataset's modification date.
    """
    dataset = Dataset.objects.filter(name=kept.name).first() or Dataset(name=kept.name)
    dataset.title = kept.title
    dataset.description = kept.description
    if dataset.pk is None:
        dataset.publisher = publisher
        dataset.contact_name = publisher.name
        dataset.contact_email = publisher.email or settings.OPERATOR_EMAIL
    dataset.full_clean()
    save_record(record=dataset, actor=None, event=created_or_changed(dataset))
    if not dataset.themes.exists():
        # unaudited: themes and keywords are tags, no audit fields; the page shows them
        DatasetTheme.objects.create(dataset=dataset, theme=kept.theme)
        # unaudited: themes and keywords are tags, no audit fields; the page shows them
        Keyword.objects.bulk_create(Keyword(dataset=dataset, name=k) for k in kept.keywords)
    distribution = dataset.distributions.filter(access_url=kept.access_url).first()
    if distribution is None:
        distribution = Distribution(dataset=dataset, access_url=kept.access_url)
    distribution.title = kept.distribution_title
    distribution.format = kept.format.upper()
    distribution.media_type = MEDIA_TYPES.get(distribution.format, "")
    distribution.full_clean()
    save_record(record=distribution, actor=None, event=created_or_changed(distribution))
    if changed:
        _touch(dataset)
    if dataset.published_at is None and dataset.withdrawn_at is None:
        try:
            dataset_gate(dataset=dataset)
        except GateRefusedError:
            return dataset
        dataset.published_at = dataset.modified_at = timezone.now()
        save_record(record=dataset, actor=None, event=AuditEvent.PUBLISHED)
    return dataset
