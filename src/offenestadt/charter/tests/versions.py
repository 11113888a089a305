"""Charter versions as tests need them: the version in force with other parameter values."""

import copy
from typing import Any

from offenestadt.charter.models import CharterVersion
from offenestadt.charter.services import parameter_set


def with_values(charter: CharterVersion, **values: Any) -> CharterVersion:
    """An unsaved version like ``charter`` whose parameters have ``values``, wherever
    ``charter`` sets them (as an amendment would set them)."""
    content = copy.deepcopy(charter.document)
    for key, value in values.items():
        parameter_set(content, key, value)
    return CharterVersion(number=99, content=content)
