"""The column schema of a CSV distribution (Frictionless Table Schema) and its validation
report, so users see what each column holds and whether every row keeps to it."""

from pathlib import Path
from typing import Any

MAX_REPORTED_ERRORS = 50


def describe_csv(path: Path) -> dict[str, Any]:
    """The inferred Table Schema of a CSV file."""
    from frictionless import Resource, system

    with system.use_context(trusted=True):
        resource = Resource(str(path))
        resource.infer()
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
