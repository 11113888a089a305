"""The column schema of a CSV distribution (Frictionless Table Schema) and its validation
report, so users see what each column holds and whether every row keeps to it."""

from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

MAX_REPORTED_ERRORS = 50


def describe_csv(path: Path) -> dict[str, Any]:
    """The inferred Table Schema of a CSV file; a ValidationError if it is no readable CSV
    (binary data, an unknown encoding), without the reader's words, which name server paths."""
    from frictionless import FrictionlessException, Resource, system

    with system.use_context(trusted=True):
        resource = Resource(str(path))
        try:
            resource.infer()
        except FrictionlessException:
            raise ValidationError(
                _(
                    "Die Datei lässt sich nicht als CSV-Tabelle lesen. Prüfen Sie, ob sie "
                    "wirklich eine CSV-Datei ist (Text, UTF-8 oder Windows-1252)."
                )
            ) from None
        return dict(resource.schema.to_dict())


def validate_csv(path: Path, schema: dict[str, Any]) -> dict[str, Any]:
    """Check every row against ``schema``: a summary and the first errors, by row and field."""
    from frictionless import Resource, Schema, system

    with system.use_context(trusted=True):
        report = Resource(str(path), schema=Schema.from_descriptor(schema)).validate()
    errors = report.flatten(["rowNumber", "fieldNumber", "type", "message"])
    return {
        "valid": report.valid,
        "error_count": len(errors),
        "errors": [
            {"row": row, "field": field, "type": kind, "message": message}
            for row, field, kind, message in errors[:MAX_REPORTED_ERRORS]
        ],
    }
