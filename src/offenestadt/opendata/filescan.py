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

import json
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.db.models.fields.files import FieldFile
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from offenestadt.accounts.models import Actor, Role
from offenestadt.audit.services import save_record
from offenestadt.core.worker import missing_worker_notice
from offenestadt.opendata.models import FileScan, ScanState

# Formats read as text without columns: each line is looked at as free text.
TEXT_SUFFIXES = frozenset({".xml", ".gml", ".kml", ".gpx", ".html", ".htm", ".md", ".ics"})
JSON_SUFFIXES = frozenset({".json", ".geojson", ".jsonld"})
# How many values per JSON key (or lines of a text file) the detector looks at.
TEXT_SAMPLE = 10_000
# The detector's roles that keep a file from direct publication.
REFUSING_ROLES = frozenset({"direct identifier", "quasi-identifier"})

# What the detector found, in the page's language (the library names kinds in English).
KIND_LABELS: dict[str, Promise] = {
    "person_name": gettext_lazy("Personenname"),
    "email": gettext_lazy("E-Mail-Adresse"),
    "phone": gettext_lazy("Telefonnummer"),
    "iban": gettext_lazy("IBAN"),
    "tax_id": gettext_lazy("Steuer-ID"),
    "tax_number": gettext_lazy("Steuernummer"),
    "social_insurance_number": gettext_lazy("Rentenversicherungsnummer"),
    "ip_address": gettext_lazy("IP-Adresse"),
    "mac_address": gettext_lazy("MAC-Adresse"),
    "vehicle_plate": gettext_lazy("Kfz-Kennzeichen"),
    "street_address": gettext_lazy("Anschrift"),
    "person_id": gettext_lazy("Personen- oder Aktenzeichen"),
    "record_id": gettext_lazy("eindeutige Datensatznummer"),
    "free_text": gettext_lazy("Freitext mit personenbezogenen Daten"),
    "birth_date": gettext_lazy("Geburtsdatum"),
    "coordinates": gettext_lazy("Koordinaten"),
    "age": gettext_lazy("Alter"),
    "sex": gettext_lazy("Geschlecht"),
    "postcode": gettext_lazy("Postleitzahl"),
    "place": gettext_lazy("Ort oder Stadtteil"),
    "street": gettext_lazy("Straße (ohne Hausnummer)"),
    "nationality": gettext_lazy("Staatsangehörigkeit oder Herkunft"),
    "occupation": gettext_lazy("Beruf oder Beschäftigung"),
    "marital_status": gettext_lazy("Familienstand"),
    "education": gettext_lazy("Bildung"),
    "ethnicity": gettext_lazy("ethnische Herkunft (besondere Kategorie)"),
    "life_event_date": gettext_lazy("Datum eines Lebensereignisses"),
    "special_category": gettext_lazy("besondere Kategorie (Gesundheit, Religion …)"),
    "income": gettext_lazy("Einkommen oder finanzielle Lage"),
}
SCAN_ROLE_LABELS: dict[str, Promise] = {
    "direct identifier": gettext_lazy("direktes Merkmal"),
    "quasi-identifier": gettext_lazy("Quasi-Identifikator"),
    "sensitive": gettext_lazy("sensibel"),
    "other": gettext_lazy("unauffällig"),
}


@dataclass(frozen=True)
class Detection:
    """What the detector made of one file."""

    state: ScanState
    findings: list[dict[str, Any]] = field(default_factory=list)
    note: str = ""


@dataclass(frozen=True)
class ScanRow:
    """One column of a file as the detector saw it (never its values), for staff pages."""

    column: str
    role: str
    kinds: list[str]
    evidence: list[str]
    personal: bool


def scan_rows(findings: list[dict[str, Any]]) -> list[ScanRow]:
    return [
        ScanRow(
            column=finding["column"],
            role=str(SCAN_ROLE_LABELS.get(finding["role"], finding["role"])),
            kinds=[str(KIND_LABELS.get(kind, kind)) for kind in finding.get("kinds", [])],
            evidence=list(finding.get("evidence", [])),
            personal=finding["role"] != "other",
        )
        for finding in findings
    ]


def _findings(frame: Any) -> list[dict[str, Any]]:
    """The detector's findings of personal data, without the (masked) example values."""
    from offenestadt.anonymize.scan import Role, scan

    return [
        {
            "column": finding.column,
            "role": str(finding.role),
            "kinds": list(finding.kinds),
            "share": round(finding.share, 4),
            "values": finding.values,
            "matched": round(finding.share * finding.values),
            "evidence": list(finding.evidence),
        }
        for finding in scan(frame)
        if finding.role is not Role.OTHER
    ]


def _json_columns(document: Any) -> dict[str, list[str]]:
    """The scalar values of a JSON document by the key they stand under (``value`` at top)."""
    columns: dict[str, list[str]] = {}
    stack: list[tuple[str, Any]] = [("value", document)]
    while stack:
        key, node = stack.pop()
        if isinstance(node, dict):
            stack.extend((str(name), value) for name, value in reversed(node.items()))
        elif isinstance(node, list):
            stack.extend((key, value) for value in reversed(node))
        elif node is not None:
            values = columns.setdefault(key, [])
            if len(values) < TEXT_SAMPLE:
                values.append(str(node))
    return columns


def _frame(columns: dict[str, list[str]]) -> Any:
    import polars as pl

    height = max((len(values) for values in columns.values()), default=0)
    return pl.DataFrame(
        {
            name: pl.Series(name, values + [None] * (height - len(values)), dtype=pl.String)
            for name, values in columns.items()
        }
    )


def detect_personal_data(path: Path, name: str) -> Detection:
    """Run the anonymization library's detector on a local copy of a file.

    Tables (CSV, Parquet, Excel) are read as the pipeline reads them; JSON by key; other
    text line by line. Anything else cannot be checked automatically.
    """
    from offenestadt.anonymize.io import TableError, read_table, table_format
    from offenestadt.core.uploads import workbook_limits

    suffix = PurePosixPath(name).suffix.lower()
    try:
        table_format(name)
    except TableError:
        tabular = False
    else:
        tabular = True
    try:
        if tabular:
            frame = read_table(path, workbook_limits=workbook_limits())
        elif suffix in JSON_SUFFIXES or suffix in TEXT_SUFFIXES:
            text = path.read_text(encoding="utf-8-sig")
            if suffix in JSON_SUFFIXES:
                frame = _frame(_json_columns(json.loads(text)))
            else:
                lines = [line.strip() for line in text.splitlines() if line.strip()]
                frame = _frame({"text": lines[:TEXT_SAMPLE]})
        else:
            return Detection(
                ScanState.NOT_SCANNABLE,
                note=_(
                    "Dateien dieses Typs (%(suffix)s) kann die Prüfung nicht lesen; die oder "
                    "der Datenschutzbeauftragte muss sie freigeben."
                )
                % {"suffix": suffix or _("ohne Endung")},
            )
    except Exception as error:
        # Whatever keeps the detector from reading the file leaves it unchecked: the DPO
        # decides. Never the server's path: the message names the file as it was uploaded.
        text = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
        reason = text.replace(str(path), PurePosixPath(name).name).replace(str(path.parent), "")
        return Detection(
            ScanState.NOT_SCANNABLE,
            note=_("Die Datei ließ sich nicht lesen (%(reason)s).") % {"reason": reason},
        )
    if frame.width == 0 or frame.height == 0:
        return Detection(ScanState.CLEAN, note=_("Die Datei enthält keine Werte."))
    findings = _findings(frame)
    if any(finding["role"] in REFUSING_ROLES for finding in findings):
        return Detection(ScanState.PERSONAL_DATA, findings)
    return Detection(ScanState.CLEAN, findings)


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
        save_record(record=scan, actor=actor)
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
        save_record(record=scan, actor=None)
    return scan


def can_approve_scan(user: Actor, scan: FileScan) -> bool:
    """The DPO decides, never on a file they uploaded themselves; direct identifiers never."""
    return (
        user.is_authenticated
        and user.role == Role.DPO
        and scan.requested_by_id != user.pk
        and scan.approved_at is None
        and (
            scan.state == ScanState.NOT_SCANNABLE
            or (scan.state == ScanState.PERSONAL_DATA and not scan.has_direct_identifiers)
        )
    )


@transaction.atomic
def file_scan_approve(*, actor: Actor, scan: FileScan, note: str) -> FileScan:
    """The DPO clears a file the detector could not clear, with a written reason."""
    scan = FileScan.objects.select_for_update().get(pk=scan.pk)
    if not can_approve_scan(actor, scan):
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
    save_record(record=scan, actor=actor)
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
    save_record(record=scan, actor=actor)
    return scan


def describe_findings(scan: FileScan) -> str:
    """The columns and the evidence, in one sentence per column."""
    parts = []
    for finding in scan.findings:
        if finding.get("role") not in REFUSING_ROLES:
            continue
        kinds = ", ".join(str(KIND_LABELS.get(kind, kind)) for kind in finding.get("kinds", []))
        role = SCAN_ROLE_LABELS.get(finding["role"], finding["role"])
        evidence = "; ".join(finding.get("evidence", []))
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


def publication_problems(record: models.Model, label: str | None = None) -> list[str]:
    """What keeps the record's public files from being published (empty: nothing)."""
    problems = []
    for field_name in public_file_fields(record):
        if not getattr(record, field_name):
            continue
        name = label or f"„{PurePosixPath(getattr(record, field_name).name).name}“"
        problem = scan_problem(current_scan(record, field_name), name)
        if problem is not None:
            problems.append(problem)
    return problems
