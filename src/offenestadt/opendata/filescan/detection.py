"""What the anonymization library's detector finds in one file, and how staff pages name it.

Tables are read as they are; JSON documents column by key; text formats line by line as free
text. Only the findings are kept (column, kind, counts and the detector's sentences), never the
values.
"""

import json
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any

from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from offenestadt.opendata.filescan.models import ScanState

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
    from offenestadt.anonymize.scan import Role as ColumnRole
    from offenestadt.anonymize.scan import scan

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
        if finding.role is not ColumnRole.OTHER
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
