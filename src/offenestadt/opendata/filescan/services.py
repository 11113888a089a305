"""Every file that can become public is checked for personal data before anyone outside has it.

One mechanism for every app: a model names its downloadable file fields in
``public_file_fields``; its service calls :func:`file_scans_request` after saving, which
records a pending :class:`FileScan` per new file and queues the check for the background
worker (never inside the web request: a large table takes longer than a request). The
worker runs the anonymization library's detector, the same one the raw-upload pipeline
uses, and keeps only what it found (column, kind, counts and the detector's sentences),
never the values. Pages, downloads, harvester feeds and every publishing service ask
:func:`publication_problems` / :func:`file_is_public`; a file whose check is missing,
pending, or found personal data is not published.

What the detector cannot read (PDF, images, archives) is "not scannable": such a file is
published only after the data protection officer approved it, someone other than the person
who uploaded it (four eyes), with a written reason. The DPO may also clear a table in which
the detector found only quasi-identifiers (for example counts per district), again with a
reason; a file with direct identifiers (names, e-mail addresses, …) is never cleared: it
belongs in the anonymization pipeline at /rohdaten/.
"""

import shutil
import tempfile
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path, PurePosixPath

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.db.models.fields.files import FieldFile
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from offenestadt.accounts.models import Actor
from offenestadt.audit.models import AuditEvent
from offenestadt.audit.services import save_record
from offenestadt.core.worker import missing_worker_notice
from offenestadt.opendata.filescan import rules
from offenestadt.opendata.filescan.detection import REFUSING_ROLES, detect_personal_data
from offenestadt.opendata.filescan.findings import KIND_LABELS, SCAN_ROLE_LABELS, evidence_text
from offenestadt.opendata.filescan.models import FileScan, ScanState


@contextmanager
def _local_copy(file: FieldFile) -> Iterator[Path]:
    """The stored file as a local path (storage may be a bucket), removed afterwards."""
    suffix = PurePosixPath(file.name or "").suffix.lower()
    with tempfile.TemporaryDirectory(prefix="offenestadt-scan-") as folder:
        path = Path(folder) / f"file{suffix}"
        with file.open("rb") as source, path.open("wb") as target:
            shutil.copyfileobj(source, target)
        yield path


def _content_type(record: models.Model) -> ContentType:
    return ContentType.objects.get_for_model(type(record))


def current_scan(record: models.Model, field_name: str) -> FileScan | None:
    """The newest scan of the file the record holds now (None: no file, or never scanned)."""
    file = getattr(record, field_name)
    if not file or record.pk is None:
        return None
    return (
        FileScan.objects.filter(
            content_type=_content_type(record),
            object_id=record.pk,
            field_name=field_name,
            file_name=file.name,
        )
        .order_by("-requested_at", "-pk")
        .first()
    )


def current_scans(records: Sequence[models.Model], field_name: str) -> dict[int, FileScan | None]:
    """:func:`current_scan` of each of ``records`` (of one kind) by its id, in one query."""
    files = {record.pk: getattr(record, field_name).name for record in records}
    newest: dict[int, FileScan | None] = dict.fromkeys(files)
    if not records:
        return newest
    scans = FileScan.objects.filter(
        content_type=_content_type(records[0]),
        object_id__in=[pk for pk, name in files.items() if name],
        field_name=field_name,
    ).order_by("-requested_at", "-pk")
    for scan in scans:
        if scan.file_name == files[scan.object_id] and newest[scan.object_id] is None:
            newest[scan.object_id] = scan
    return newest


def file_is_public(record: models.Model, field_name: str) -> bool:
    """Whether visitors may have the file: there is one and its scan cleared it."""
    scan = current_scan(record, field_name)
    return scan is not None and scan.is_cleared


def public_file_fields(record: models.Model) -> tuple[str, ...]:
    fields: tuple[str, ...] = getattr(type(record), "public_file_fields", ())
    return fields


def _enqueue(scan: FileScan) -> None:
    from offenestadt.opendata.tasks import scan_public_file

    # The database task backend stores the task in the same transaction as the scan: no
    # scan is left pending without its task, and no task runs for a scan never committed.
    scan_public_file.enqueue(scan.pk)


@transaction.atomic
def file_scans_request(*, actor: Actor | None, record: models.Model) -> list[FileScan]:
    """Queue a check for each public file of ``record`` that has not been checked yet."""
    requested = []
    for field_name in public_file_fields(record):
        file = getattr(record, field_name)
        if not file or current_scan(record, field_name) is not None:
            continue
        scan = FileScan(
            content_type=_content_type(record),
            object_id=record.pk,
            field_name=field_name,
            file_name=file.name,
            requested_by=actor if actor is not None and actor.is_authenticated else None,
        )
        save_record(record=scan, actor=actor, event=AuditEvent.CREATED)
        _enqueue(scan)
        requested.append(scan)
    return requested


def file_scan_run(scan: FileScan) -> FileScan:
    """Check the file (the background worker calls this); the finding is audited."""
    if scan.state != ScanState.PENDING:
        return scan
    record = scan.record
    file = getattr(record, scan.field_name, None) if record is not None else None
    if not file or file.name != scan.file_name:
        # The file was replaced or removed meanwhile; its successor has a scan of its own.
        return scan
    with _local_copy(file) as path:
        detection = detect_personal_data(path, file.name)
    with transaction.atomic():
        scan.state = detection.state
        scan.findings = detection.findings
        scan.note = detection.note
        scan.scanned_at = timezone.now()
        save_record(record=scan, actor=None, event=AuditEvent.SCANNED)
    return scan


@transaction.atomic
def file_scan_approve(*, actor: Actor, scan: FileScan, note: str) -> FileScan:
    """The DPO clears a file the detector could not clear, with a written reason."""
    scan = FileScan.objects.select_for_update().get(pk=scan.pk)
    if not rules.can_approve_scan(actor, scan):
        raise PermissionDenied(
            _(
                "Freigeben kann nur die oder der Datenschutzbeauftragte, nicht für eigene "
                "Dateien, und nie eine Datei mit direkten Merkmalen wie Namen oder "
                "E-Mail-Adressen."
            )
        )
    if not note.strip():
        raise ValidationError(_("Schreiben Sie dazu, warum die Datei veröffentlicht werden darf."))
    scan.approved_at = timezone.now()
    scan.approved_by = actor  # type: ignore[assignment]
    scan.approval_note = note.strip()
    save_record(record=scan, actor=actor, event=AuditEvent.APPROVED)
    return scan


@transaction.atomic
def file_scan_anonymized(
    *, actor: Actor, record: models.Model, field_name: str, note: str
) -> FileScan:
    """The pipeline's approved, anonymized output: the DPO's review was its check."""
    file = getattr(record, field_name)
    scan = FileScan(
        content_type=_content_type(record),
        object_id=record.pk,
        field_name=field_name,
        file_name=file.name,
        state=ScanState.ANONYMIZED,
        note=note,
        requested_by=actor if actor.is_authenticated else None,
        scanned_at=timezone.now(),
    )
    save_record(record=scan, actor=actor, event=AuditEvent.CREATED)
    return scan


def describe_findings(scan: FileScan) -> str:
    """The columns and the evidence, in one sentence per column."""
    parts = []
    for finding in scan.findings:
        if finding.get("role") not in REFUSING_ROLES:
            continue
        kinds = ", ".join(str(KIND_LABELS.get(kind, kind)) for kind in finding.get("kinds", []))
        role = SCAN_ROLE_LABELS.get(finding["role"], finding["role"])
        evidence = "; ".join(map(evidence_text, finding.get("evidence", [])))
        parts.append(f"„{finding['column']}“ ({role}: {kinds}; {evidence})")
    return " · ".join(parts)


def scan_problem(scan: FileScan | None, label: str) -> str | None:
    """Why the file cannot be published now, or None when it may be."""
    if scan is None:
        return _("%(file)s ist noch nicht auf personenbezogene Daten geprüft.") % {"file": label}
    if scan.is_cleared:
        return None
    if scan.state == ScanState.PENDING:
        pending = _("%(file)s wird noch auf personenbezogene Daten geprüft.") % {"file": label}
        notice = missing_worker_notice()
        return f"{pending} {notice}" if notice else pending
    if scan.state == ScanState.PERSONAL_DATA:
        return _(
            "%(file)s enthält personenbezogene Daten und wird nicht direkt veröffentlicht: "
            "%(findings)s. Geben Sie die Datei in die Anonymisierung (%(pipeline)s)."
        ) % {
            "file": label,
            "findings": describe_findings(scan),
            "pipeline": reverse("pipeline:list"),
        }
    return _(
        "%(file)s ließ sich nicht automatisch prüfen (%(note)s); veröffentlicht wird sie erst "
        "nach der Freigabe durch die oder den Datenschutzbeauftragten."
    ) % {"file": label, "note": scan.note}


def publication_problems(
    record: models.Model,
    label: str | None = None,
    scans: Mapping[str, FileScan | None] | None = None,
) -> list[str]:
    """What keeps the record's public files from being published (empty: nothing). The
    current scan of each file is looked up unless ``scans`` has it by field name."""
    problems = []
    for field_name in public_file_fields(record):
        if not getattr(record, field_name):
            continue
        name = label or f"„{PurePosixPath(getattr(record, field_name).name).name}“"
        scan = scans[field_name] if scans is not None else current_scan(record, field_name)
        problem = scan_problem(scan, name)
        if problem is not None:
            problems.append(problem)
    return problems
