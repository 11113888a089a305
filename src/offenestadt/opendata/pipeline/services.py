"""The publication pipeline: raw upload -> scan -> anonymize -> review -> publish.

Nothing personal can leave: the raw file stays in private storage, the anonymization
library finds the personal data in it, the chosen privacy model is applied in a background
task, the data protection officer reviews the risk and utility figures (four eyes), and
only the anonymized output becomes a public distribution, with a note of what was done.
"""

import shutil
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import polars as pl
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files import File
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

from offenestadt.accounts.models import Actor
from offenestadt.anonymize.hierarchy import (
    Hierarchy,
    HierarchyError,
    coordinate_grid,
    date_truncation,
    intervals,
    postcode_prefix,
)
from offenestadt.anonymize.io import TableError
from offenestadt.audit.models import AuditEvent
from offenestadt.audit.services import save_record
from offenestadt.charter.gates import GateRefusedError
from offenestadt.core.uploads import workbook_limits
from offenestadt.opendata.catalogue import rules as catalogue_rules
from offenestadt.opendata.catalogue.models import Distribution
from offenestadt.opendata.catalogue.services import distribution_save
from offenestadt.opendata.filescan.services import file_scan_anonymized
from offenestadt.opendata.pipeline import rules
from offenestadt.opendata.pipeline.aggregates import (
    DP_AGGREGATES,
    aggregate,
    check_dp_config,
)
from offenestadt.opendata.pipeline.models import ACCEPTED_SUFFIXES, PipelineStatus, RawUpload

ROLES = ("identifier", "quasi", "sensitive", "keep")
GENERALISATIONS = ("mask", "intervals", "date", "postcode", "coordinates")
# The scan's roles as the privacy model names them (anything else is kept as it is).
SCAN_ROLES = {
    "direct identifier": "identifier",
    "quasi-identifier": "quasi",
    "sensitive": "sensitive",
}
# How a kind of quasi-identifier is generalised: dates to month, year and decade, postcodes to
# their first digits, ages to spans, positions to a grid. Any other kind is hidden.
SUGGESTED_GENERALISATIONS = {
    "birth_date": "date",
    "life_event_date": "date",
    "postcode": "postcode",
    "age": "intervals",
    "coordinates": "coordinates",
}


def _require_upload_access(actor: Actor, upload: RawUpload) -> None:
    if not rules.can_see_upload(actor, upload):
        raise PermissionDenied(_("Sie dürfen diese Rohdaten nicht bearbeiten."))


def _require_edit(actor: Actor, upload: RawUpload) -> None:
    if not catalogue_rules.can_edit_dataset(actor, upload.dataset):
        raise PermissionDenied(_("Sie dürfen diesen Datensatz nicht ändern."))


@contextmanager
def local_copy(upload: RawUpload) -> Iterator[Path]:
    """The raw file as a local path (private storage may be a bucket), removed afterwards."""
    suffix = Path(upload.original_name).suffix.lower()
    with tempfile.TemporaryDirectory(prefix="offenestadt-raw-") as folder:
        path = Path(folder) / f"raw{suffix}"
        with upload.file.open("rb") as source, path.open("wb") as target:
            shutil.copyfileobj(source, target)
        yield path


def table_problem(error: TableError) -> str:
    """What is wrong with an uploaded table, in the page's language and without the server's
    paths (the library's message names the file where it lies)."""
    params = error.params
    if error.code == "binary":
        return _(
            "Die Datei enthält Binärdaten, keine Tabelle als Text. Speichern Sie die Tabelle "
            "als CSV oder laden Sie sie mit ihrer richtigen Endung hoch (.xlsx, .parquet)."
        )
    if error.code == "line-endings":
        return _(
            "Die Zeilen der Datei enden nur mit einem Wagenrücklauf (CR, wie auf alten Macs). "
            "Speichern Sie sie mit Windows- (CRLF) oder Unix-Zeilenenden (LF)."
        )
    if error.code == "carriage-return":
        return _(
            "Zeile %(line)s enthält einen Wagenrücklauf (CR) mitten in der Zeile. Entfernen "
            "Sie ihn oder speichern Sie die Datei mit Windows- (CRLF) oder Unix-Zeilenenden (LF)."
        ) % {"line": params["line"]}
    if error.code in {"workbook-size", "workbook-parts", "workbook-ratio"}:
        return _(
            "Die Arbeitsmappe würde sich beim Lesen auf mehr als %(limit)s entpacken (oder ist "
            "ungewöhnlich stark gepackt). Speichern Sie das Tabellenblatt als CSV und laden "
            "Sie es so hoch."
        ) % {"limit": filesizeformat(settings.UPLOAD_MAX_UNPACKED_BYTES)}
    if error.code == "empty":
        return _("Die Datei ist leer.")
    return _("Die Datei lässt sich nicht lesen: %(problem)s") % {"problem": error.problem}


def _scan(upload: RawUpload) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    """What the scan found in each column, and the privacy model it suggests."""
    from offenestadt.anonymize.io import read_table
    from offenestadt.anonymize.scan import scan

    with local_copy(upload) as path:
        try:
            frame = read_table(path, workbook_limits=workbook_limits())
        except TableError as error:
            raise ValidationError(table_problem(error)) from None
    findings = [
        {
            "column": finding.column,
            "role": str(finding.role),
            "kinds": list(finding.kinds),
            "share": finding.share,
            "evidence": [evidence.as_dict() for evidence in finding.evidence],
        }
        for finding in scan(frame)
    ]
    return findings, suggested_config(findings, frame)


def _suggested_generalisation(finding: dict[str, Any], frame: pl.DataFrame) -> str:
    """How a quasi-identifier is generalised by its kind, if its values allow it; else hidden."""
    generalisation = next(
        (
            SUGGESTED_GENERALISATIONS[kind]
            for kind in finding["kinds"]
            if kind in SUGGESTED_GENERALISATIONS
        ),
        "mask",
    )
    if generalisation == "mask":
        return generalisation
    name = finding["column"]
    try:
        hierarchy_for(name, generalisation, frame.get_column(name).drop_nulls().unique().to_list())
    except HierarchyError:
        return "mask"  # values its hierarchy cannot read, such as age bands or years of birth
    return generalisation


def suggested_config(findings: list[dict[str, Any]], frame: pl.DataFrame) -> dict[str, Any]:
    """A first privacy model from the scan: direct identifiers removed, quasi-identifiers
    generalised as their kind suggests, k = 5, and l = 2 when a column is sensitive."""
    columns = {
        f["column"]: {
            "role": SCAN_ROLES.get(f["role"], "keep"),
            "generalisation": _suggested_generalisation(f, frame)
            if f["role"] == "quasi-identifier"
            else "mask",
        }
        for f in findings
    }
    sensitive = [name for name, c in columns.items() if c["role"] == "sensitive"]
    for name in sensitive[1:]:
        columns[name]["role"] = "keep"
    return {"k": 5, "l": 2 if sensitive else None, "suppression": 0.02, "columns": columns}


@transaction.atomic
def upload_create(*, actor: Actor, dataset: Any, file: UploadedFile[bytes]) -> RawUpload:
    """Store a raw file privately and scan it for personal data."""
    upload = RawUpload(dataset=dataset, original_name=file.name or "daten.csv")
    _require_edit(actor, upload)
    if Path(upload.original_name).suffix.lower() not in ACCEPTED_SUFFIXES:
        raise ValidationError(_("Laden Sie eine CSV-, Parquet- oder Excel-Datei (.xlsx) hoch."))
    upload.uploaded_by = actor  # type: ignore[assignment]
    # unaudited: the raw file into private storage; its upload goes through save_record
    upload.file.save(upload.original_name, file, save=False)
    try:
        save_record(record=upload, actor=actor, event=AuditEvent.CREATED)
        upload.scan, upload.config = _scan(upload)
    except BaseException:
        # The transaction rolls back; without its record the raw file would never be deleted.
        # unaudited: the raw file of an upload whose record is rolled back
        upload.file.delete(save=False)
        raise
    upload.status = PipelineStatus.SCANNED
    save_record(record=upload, actor=actor, event=AuditEvent.SCANNED)
    return upload


def check_config(
    config: dict[str, Any], columns: list[str], identifiers: list[str] | None = None
) -> dict[str, Any]:
    """The privacy model as the task needs it, or a ValidationError saying what to fix.
    ``identifiers``: the columns the scan marked as direct identifiers."""
    if config.get("mode") == DP_AGGREGATES:
        problems = check_dp_config(config, identifiers or [])
    else:
        problems = _k_anonymity_problems(config, columns)
    if problems:
        raise ValidationError(problems)
    return config


def _k_anonymity_problems(config: dict[str, Any], columns: list[str]) -> list[str]:
    problems = []
    k = config.get("k")
    if not isinstance(k, int) or k < 2:
        problems.append(_("k muss eine ganze Zahl von mindestens 2 sein."))
    l_value = config.get("l")
    if l_value is not None and (not isinstance(l_value, int) or l_value < 2):
        problems.append(_("l muss leer oder eine ganze Zahl von mindestens 2 sein."))
    suppression = config.get("suppression", 0)
    if not isinstance(suppression, int | float) or not 0 <= suppression <= 0.2:
        problems.append(_("Die Unterdrückung muss zwischen 0 und 0,2 (20 %) liegen."))
    chosen = config.get("columns", {})
    unknown = sorted(set(chosen) - set(columns))
    if unknown:
        problems.append(_("Unbekannte Spalten: %(names)s.") % {"names": ", ".join(unknown)})
    for name, column in chosen.items():
        if column.get("role") not in ROLES or column.get("generalisation") not in GENERALISATIONS:
            problems.append(
                _("Spalte %(name)s: Rolle oder Verallgemeinerung fehlt.") % {"name": name}
            )
    quasi = [n for n, c in chosen.items() if c.get("role") == "quasi"]
    sensitive = [n for n, c in chosen.items() if c.get("role") == "sensitive"]
    if not quasi:
        problems.append(_("Wählen Sie mindestens ein Quasi-Identifikator-Merkmal."))
    if len(sensitive) > 1:
        problems.append(_("Höchstens eine Spalte kann sensibel sein."))
    if l_value is not None and not sensitive:
        problems.append(_("Für l-Diversität braucht es eine sensible Spalte."))
    return problems


def scanned_columns(upload: RawUpload) -> tuple[list[str], list[str]]:
    """The upload's columns, and those the scan marked as direct identifiers."""
    columns = [f["column"] for f in upload.scan]
    return columns, [f["column"] for f in upload.scan if f["role"] == "direct identifier"]


@transaction.atomic
def upload_configure(*, actor: Actor, upload: RawUpload, config: dict[str, Any]) -> RawUpload:
    """Choose the privacy model; a returned or finished result must be run again."""
    _require_edit(actor, upload)
    if upload.status not in {
        PipelineStatus.SCANNED,
        PipelineStatus.FAILED,
        PipelineStatus.RETURNED,
        PipelineStatus.REVIEW,
    }:
        raise ValidationError(_("In diesem Schritt lässt sich das Modell nicht mehr ändern."))
    upload.config = check_config(config, *scanned_columns(upload))
    upload.status = PipelineStatus.SCANNED
    save_record(record=upload, actor=actor, event=AuditEvent.CHANGED)
    return upload


@transaction.atomic
def upload_run(*, actor: Actor, upload: RawUpload) -> RawUpload:
    """Queue the anonymization for the background worker."""
    from offenestadt.opendata.tasks import anonymize_upload

    _require_edit(actor, upload)
    if upload.status != PipelineStatus.SCANNED:
        raise ValidationError(_("Prüfen und bestätigen Sie zuerst das Datenschutzmodell."))
    check_config(upload.config, *scanned_columns(upload))
    upload.status = PipelineStatus.QUEUED
    upload.progress = 0
    upload.error = ""
    save_record(record=upload, actor=actor, event=AuditEvent.QUEUED)
    pk = upload.pk
    transaction.on_commit(lambda: anonymize_upload.enqueue(pk))
    return upload


def hierarchy_for(name: str, generalisation: str, values: list[str]) -> Hierarchy:
    """The generalisation hierarchy for a column, built from its own values."""
    if generalisation == "intervals":
        # The levels must nest: each width a whole multiple of the one before.
        return intervals(name, values, widths=(5, 10, 20, 40))
    if generalisation == "date":
        return date_truncation(name, values, levels=("month", "year", "decade"))
    if generalisation == "postcode":
        return postcode_prefix(name, values)
    if generalisation == "coordinates":
        return coordinate_grid(name, values)
    return Hierarchy(name, [(value, "*") for value in values])


def _provenance(upload: RawUpload) -> str:
    config, report = upload.config, upload.report
    if config.get("mode") == DP_AGGREGATES:
        parts = [
            _(
                "Keine Einzeldaten: veröffentlicht sind nur Zählungen je Kategorie von "
                "%(column)s, differenziell privat verrauscht (Laplace-Mechanismus, "
                "epsilon = %(epsilon)s)."
            )
            % {"column": config["group_by"], "epsilon": config["epsilon"]}
        ]
        if config.get("sum_column"):
            parts.append(
                _("Dazu die Summen von %(name)s, jeder Wert begrenzt auf %(low)s bis %(high)s.")
                % {
                    "name": config["sum_column"],
                    "low": config["bounds"][0],
                    "high": config["bounds"][1],
                }
            )
        return " ".join(parts)
    columns = config["columns"]
    removed = sorted(n for n, c in columns.items() if c["role"] == "identifier")
    levels = report.get("levels") or {}
    parts = [
        _("Anonymisiert vor der Veröffentlichung (k-Anonymität mit k = %(k)s).")
        % {"k": config["k"]}
    ]
    if config.get("l"):
        parts.append(_("l-Diversität mit l = %(l)s.") % {"l": config["l"]})
    if removed:
        parts.append(_("Entfernt: %(names)s.") % {"names": ", ".join(removed)})
    if levels:
        generalised = ", ".join(f"{name} ({_('Stufe')} {level})" for name, level in levels.items())
        parts.append(_("Verallgemeinert: %(names)s.") % {"names": generalised})
    parts.append(
        _("Unterdrückt: %(count)s von %(rows)s Datensätzen.")
        % {"count": report.get("suppressed", 0), "rows": report.get("rows", 0)}
    )
    return " ".join(parts)


def output_name(upload: RawUpload) -> str:
    """The name of the anonymized file, after the dataset: the raw file's own name may carry
    personal data ("mitarbeiter_mueller_2024.csv") and is never published."""
    return f"{upload.dataset.name}-anonymisiert.csv"


def _k_anonymous(
    frame: pl.DataFrame, config: dict[str, Any], progress: Any
) -> tuple[pl.DataFrame, dict[str, Any]]:
    """The k-anonymous table and the run's report with the risk before and after."""
    from offenestadt.anonymize.engine import anonymize
    from offenestadt.anonymize.risk import risk_report

    columns = config["columns"]
    quasi = [n for n, c in columns.items() if c["role"] == "quasi"]
    hierarchies = {
        name: hierarchy_for(
            name,
            columns[name]["generalisation"],
            frame.get_column(name).drop_nulls().unique().to_list(),
        )
        for name in quasi
    }
    release = anonymize(
        frame,
        quasi_identifiers=quasi,
        hierarchies=hierarchies,
        identifiers=[n for n, c in columns.items() if c["role"] == "identifier"],
        sensitive=next((n for n, c in columns.items() if c["role"] == "sensitive"), None),
        k=config["k"],
        l=config.get("l"),
        suppression=float(config.get("suppression", 0)),
        progress=progress,
    )
    released = release.table
    if isinstance(released, pl.LazyFrame):
        released = released.collect()
    # The risks come from the combinations the search already grouped the records into.
    figures = release.figures(hierarchies) or {
        "risk": {"before": risk_report(frame, quasi), "after": risk_report(released, quasi)}
    }
    return released, release.report() | {"risk": figures["risk"]}


def anonymize_now(upload: RawUpload) -> RawUpload:
    """Run the privacy model on the raw file (the background task calls this)."""
    from offenestadt.anonymize.dp import DpInputError
    from offenestadt.anonymize.engine import AnonymizeError
    from offenestadt.anonymize.io import read_table, write_table

    upload.status, upload.progress = PipelineStatus.RUNNING, 0
    save_record(record=upload, actor=None, event=AuditEvent.PROCESSING_STARTED)
    config = upload.config
    last = [0.0]

    def progress(stage: str, done: int, total: int) -> None:
        if time.monotonic() - last[0] > 0.5 and total:
            last[0] = time.monotonic()
            # unaudited: a progress counter for the waiting page
            RawUpload.objects.filter(pk=upload.pk).update(progress=min(99, 100 * done // total))

    try:
        with local_copy(upload) as path:
            frame = read_table(path, workbook_limits=workbook_limits())
            if config.get("mode") == DP_AGGREGATES:
                released, report = aggregate(frame, config)
            else:
                released, report = _k_anonymous(frame, config, progress)
            output = path.with_name("anonymisiert.csv")
            write_table(released, output)
            with output.open("rb") as stream:
                # unaudited: the anonymized file into storage; its upload goes through save_record
                upload.output.save(output_name(upload), File(stream), save=False)
    except DpInputError as error:
        upload.status = PipelineStatus.FAILED
        upload.error = _("Die Zählung ließ sich nicht berechnen: %(problem)s") % {"problem": error}
        save_record(record=upload, actor=None, event=AuditEvent.PROCESSING_FAILED)
        return upload
    except (AnonymizeError, TableError, HierarchyError) as error:
        upload.status = PipelineStatus.FAILED
        upload.error = table_problem(error) if isinstance(error, TableError) else str(error)
        save_record(record=upload, actor=None, event=AuditEvent.PROCESSING_FAILED)
        return upload
    except Exception:
        # Never left "running" (its page would wait for ever); the worker logs the cause.
        upload.status = PipelineStatus.FAILED
        upload.error = _(
            "Unerwarteter Fehler bei der Anonymisierung; die Ursache steht im Protokoll "
            "des Hintergrunddienstes."
        )
        save_record(record=upload, actor=None, event=AuditEvent.PROCESSING_FAILED)
        raise
    upload.report = report
    upload.progress = 100
    upload.status = PipelineStatus.REVIEW
    save_record(record=upload, actor=None, event=AuditEvent.SUBMITTED)
    return upload


@transaction.atomic
def upload_approve(*, actor: Actor, upload: RawUpload, comment: str = "") -> RawUpload:
    if not rules.can_review_upload(actor, upload):
        raise PermissionDenied(
            _("Nur der oder die Datenschutzbeauftragte gibt anonymisierte Daten frei.")
        )
    upload.status = PipelineStatus.APPROVED
    upload.review_comment = comment
    upload.reviewed_by = actor  # type: ignore[assignment]
    save_record(record=upload, actor=actor, event=AuditEvent.APPROVED)
    return upload


@transaction.atomic
def upload_return(*, actor: Actor, upload: RawUpload, comment: str) -> RawUpload:
    if not rules.can_review_upload(actor, upload):
        raise PermissionDenied(
            _("Nur der oder die Datenschutzbeauftragte gibt anonymisierte Daten zurück.")
        )
    if not comment.strip():
        raise ValidationError(_("Schreiben Sie dazu, was geändert werden muss."))
    upload.status = PipelineStatus.RETURNED
    upload.review_comment = comment
    upload.reviewed_by = actor  # type: ignore[assignment]
    save_record(record=upload, actor=actor, event=AuditEvent.RETURNED)
    return upload


def _anonymization_note(upload: RawUpload) -> dict[str, Any]:
    """What the distribution records about its anonymization (the mode and its figures)."""
    config, report = upload.config, upload.report
    if config.get("mode") == DP_AGGREGATES:
        return {
            "mode": DP_AGGREGATES,
            "epsilon": config["epsilon"],
            "mechanism": report.get("mechanism"),
            "group_by": config["group_by"],
            "categories": config["categories"],
            "sum_column": config.get("sum_column"),
            "bounds": config.get("bounds"),
            "releases": report.get("releases"),
            "approved": True,
        }
    return {
        "mode": "k-anonymity",
        "model": {key: config.get(key) for key in ("k", "l", "suppression")},
        "levels": report.get("levels"),
        "suppressed": report.get("suppressed"),
        "rows": report.get("rows"),
        "risk_after": report.get("risk", {}).get("after"),
        "approved": True,
    }


def upload_publish_gate(upload: RawUpload) -> None:
    """Let the output be published, or raise GateRefusedError: only what the DPO approved."""
    if upload.status != PipelineStatus.APPROVED:
        raise GateRefusedError([_("Veröffentlicht wird nur, was der Datenschutz freigegeben hat.")])


@transaction.atomic
def upload_publish(*, actor: Actor, upload: RawUpload) -> Distribution:
    """Only the approved, anonymized output becomes a public distribution (upload_publish_gate)."""
    _require_edit(actor, upload)
    upload_publish_gate(upload)
    with upload.output.open("rb") as stream:
        distribution = distribution_save(
            actor=actor,
            distribution=Distribution(
                dataset=upload.dataset,
                title=upload.dataset.title,
                format="CSV",
                provenance=_provenance(upload),
                anonymization=_anonymization_note(upload),
            ),
            upload=File(stream, name=output_name(upload)),  # type: ignore[arg-type]
            anonymized=True,
        )
    file_scan_anonymized(
        actor=actor,
        record=distribution,
        field_name="file",
        note=_("Anonymisiert über die Veröffentlichungsstrecke (Rohdaten-Upload %(pk)s).")
        % {"pk": upload.pk},
    )
    upload.distribution = distribution
    upload.status = PipelineStatus.PUBLISHED
    save_record(record=upload, actor=actor, event=AuditEvent.PUBLISHED)
    return distribution
