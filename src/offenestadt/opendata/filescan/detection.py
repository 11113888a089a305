"""What the anonymization library's detector finds in one file (``findings`` words it).

Tables are read as they are; JSON documents column by key; text formats line by line as free
text. Only the findings are kept (column, kind, counts and the detector's evidence), never the
values.
"""

import json
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any

from django.utils.translation import gettext as _

from offenestadt.opendata.filescan.models import ScanState

# Formats read as text without columns: each line is looked at as free text.
TEXT_SUFFIXES = frozenset({".xml", ".gml", ".kml", ".gpx", ".html", ".htm", ".md", ".ics"})
JSON_SUFFIXES = frozenset({".json", ".geojson", ".jsonld"})
# How many values per JSON key (or lines of a text file) the detector looks at.
TEXT_SAMPLE = 10_000
# The detector's roles that keep a file from direct publication.
REFUSING_ROLES = frozenset({"direct identifier", "quasi-identifier"})


@dataclass(frozen=True)
class Detection:
    """What the detector made of one file."""

    state: ScanState
    findings: list[dict[str, Any]] = field(default_factory=list)
    note: str = ""


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
            "evidence": [evidence.as_dict() for evidence in finding.evidence],
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
