"""Stored values as people read them: one formatter for histories, comparisons and exports.

A value is shown by its field's type: choices by their label, yes/no in words, dates and
numbers in the reader's language, structured values (a JSON field) as one line a key.
Keys and codes inside structured values (a charter parameter's key) are shown by the names
their app registers with :func:`register_labels`; a structured value that reads better as a
whole (a charter version's content) by the summary its app registers with
:func:`register_summary`.
"""

import re
from collections.abc import Callable, Mapping
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import models
from django.utils import formats, timezone
from django.utils.functional import Promise
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

LANGUAGE_CODES = {code for code, _name in settings.LANGUAGES}
ISO_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")
# A moment with its offset, as an export's JSON holds it ("2024-06-20T14:30:00+02:00").
ISO_MOMENT = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})")
_LABELS: dict[str, str | Promise] = {}
_SUMMARIES: dict[str, Callable[[Any], str]] = {}


def register_labels(labels: Mapping[str, str | Promise]) -> None:
    """Name the keys and codes an app stores inside structured values."""
    _LABELS.update(labels)


def register_summary(field: str, summary: Callable[[Any], str]) -> None:
    """Show the values of ``field`` ("charter.charterversion.content") by ``summary``."""
    _SUMMARIES[field] = summary


def label_for(code: str) -> str:
    """The registered name of a key or code, else the code itself."""
    return str(_LABELS.get(code, code))


def display_value(value: Any, field: models.Field[Any, Any] | None = None) -> str | None:
    """``value`` (as stored, or as JSON gave it back) as text; None for no value."""
    if value is None or value == "" or value == {} or value == []:
        return None
    if field is not None and (summary := _SUMMARIES.get(_field_path(field))):
        return summary(value)
    if field is not None and field.choices:
        return str(dict(field.flatchoices).get(value, value))
    if isinstance(value, bool):
        return str(_("Ja") if value else _("Nein"))
    if (
        isinstance(field, models.DateTimeField)
        or isinstance(value, datetime)
        or (isinstance(value, str) and ISO_MOMENT.fullmatch(value))
    ):
        moment = value if isinstance(value, datetime) else datetime.fromisoformat(value)
        return str(formats.date_format(timezone.localtime(moment), "DATETIME_FORMAT"))
    if isinstance(field, models.DateField) or isinstance(value, date) or _is_iso_day(value):
        day = value if isinstance(value, date) else date.fromisoformat(value)
        return str(formats.date_format(day, "DATE_FORMAT"))
    if isinstance(field, models.DecimalField) or isinstance(value, Decimal):
        places = field.decimal_places if isinstance(field, models.DecimalField) else None
        return formats.number_format(Decimal(value), places, use_l10n=True, force_grouping=True)
    if isinstance(value, dict) and set(value) == LANGUAGE_CODES:
        # A text in every language (a charter's principle): the reader's.
        return display_value(value.get(get_language(), value[settings.LANGUAGE_CODE]))
    if isinstance(value, dict):
        return "\n".join(f"{label_for(key)}: {_nested(item)}" for key, item in value.items())
    if isinstance(value, list):
        return "\n".join(_nested(item) for item in value)
    return str(value)


def display_field(record: models.Model, name: str) -> str | None:
    """The field ``name`` of ``record`` as people read it (a table's cell, a CSV export's)."""
    field = record._meta.get_field(name)
    return display_value(getattr(record, name), field if isinstance(field, models.Field) else None)


def _field_path(field: models.Field[Any, Any]) -> str:
    model = getattr(field, "model", None)
    return f"{model._meta.label_lower}.{field.name}" if model is not None else ""


def _is_iso_day(value: Any) -> bool:
    """A day as JSON holds it ("2024-06-20"), where no field says it is one."""
    return isinstance(value, str) and ISO_DAY.fullmatch(value) is not None


def _nested(value: Any) -> str:
    """A value inside a structured one: a registered code by its name."""
    if isinstance(value, str) and value in _LABELS:
        return label_for(value)
    return display_value(value) or "–"


def prefixed(value: str, label: str | Promise) -> str:
    """``value`` after its ``label`` ("TOP 5"), unless it was entered with it already."""
    text, label = value.strip(), str(label)
    if re.match(rf"{re.escape(label)}\b", text, re.IGNORECASE):
        return text
    return f"{label} {text}"
