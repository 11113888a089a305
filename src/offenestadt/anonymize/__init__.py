"""Anonymization of tables for publication: hierarchies, privacy models, the optimal search.

The public names are loaded on first use, so that `offenestadt scan` and other light users of
a submodule do not pay for the search engine's imports.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from offenestadt.anonymize.engine import (
        AnonymizeError,
        NoTransformationError,
        Release,
        anonymize,
    )
    from offenestadt.anonymize.hierarchy import (
        Hierarchy,
        HierarchyError,
        coordinate_grid,
        date_truncation,
        intervals,
        postcode_prefix,
        top_coding,
    )
    from offenestadt.anonymize.models import ModelError, PrivacyModel, measure

_PUBLIC = {
    "AnonymizeError": "engine",
    "NoTransformationError": "engine",
    "Release": "engine",
    "anonymize": "engine",
    "Hierarchy": "hierarchy",
    "HierarchyError": "hierarchy",
    "coordinate_grid": "hierarchy",
    "date_truncation": "hierarchy",
    "intervals": "hierarchy",
    "postcode_prefix": "hierarchy",
    "top_coding": "hierarchy",
    "ModelError": "models",
    "PrivacyModel": "models",
    "measure": "models",
}

__all__ = [
    "AnonymizeError",
    "Hierarchy",
    "HierarchyError",
    "ModelError",
    "NoTransformationError",
    "PrivacyModel",
    "Release",
    "anonymize",
    "coordinate_grid",
    "date_truncation",
    "intervals",
    "measure",
    "postcode_prefix",
    "top_coding",
]


def __getattr__(name: str) -> Any:
    module = _PUBLIC.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(importlib.import_module(f"{__name__}.{module}"), name)
