"""The CKAN Action API's parameters and errors: values coerced the way CKAN coerces them, and
refusals raised in the shapes CKAN reports them (``ActionError`` and its kinds)."""

import json
from collections.abc import Mapping
from typing import Any

from offenestadt.core.request_input import MAX_OFFSET, InputError, bounded_int

JSON = dict[str, Any]


# --- Errors, as CKAN reports them -------------------------------------------------------


class ActionError(Exception):
    """An action that cannot answer; ``error`` is the envelope's error object."""

    status = 500
    error_type = "Internal Server Error"

    def __init__(self, message: str = "") -> None:
        super().__init__(message)
        self.message = message

    @property
    def error(self) -> JSON:
        return {"__type": self.error_type, "message": self.message}


class NotFoundError(ActionError):
    status = 404
    error_type = "Not Found Error"

    @property
    def error(self) -> JSON:
        message = f"Not found: {self.message}" if self.message else "Not found"
        return {"__type": self.error_type, "message": message}


class ParameterError(ActionError):
    """Bad parameters: CKAN lists the messages per field."""

    status = 409
    error_type = "Validation Error"

    def __init__(self, errors: Mapping[str, list[str]]) -> None:
        super().__init__(str(dict(errors)))
        self.errors = dict(errors)

    @property
    def error(self) -> JSON:
        return {**self.errors, "__type": self.error_type}


class SearchQueryError(ActionError):
    status = 400
    error_type = "Search Query Error"

    @property
    def error(self) -> JSON:
        return {"__type": self.error_type, "message": f"Search Query is invalid: {self.args!r}"}


class SearchEngineError(ActionError):
    status = 409
    error_type = "Search Error"

    @property
    def error(self) -> JSON:
        return {"__type": self.error_type, "message": f"Search error: {self.args!r}"}


MISSING = "Missing value"


def required(data: Mapping[str, Any], key: str) -> str:
    value = data.get(key)
    if value is None or value == "":
        raise ParameterError({key: [MISSING]})
    return str(value)


def natural(data: Mapping[str, Any], key: str, default: int | None) -> int | None:
    value = data.get(key)
    if value is None or value == "":
        return default
    try:
        number = bounded_int(value, name=key, minimum=-MAX_OFFSET)
    except InputError:
        raise ParameterError({key: ["Invalid integer"]}) from None
    if number < 0:
        raise ParameterError({key: ["Must be a natural number"]})
    return number


def integer(data: Mapping[str, Any], key: str, default: int) -> int:
    value = data.get(key)
    if value is None or value == "":
        return default
    try:
        return bounded_int(value, name=key, minimum=-MAX_OFFSET)
    except InputError:
        raise ParameterError({key: ["Invalid integer"]}) from None


TRUE = frozenset({"true", "yes", "on", "y", "t", "1"})
FALSE = frozenset({"false", "no", "off", "n", "f", "0", ""})


def boolean(data: Mapping[str, Any], key: str, default: bool) -> bool:
    value = data.get(key)
    if value is None:
        return default
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text in TRUE:
        return True
    if text in FALSE:
        return False
    raise ParameterError({key: ["Parameter is not an bool"]})


def string_list(data: Mapping[str, Any], key: str) -> list[str]:
    """A list parameter: a JSON list in a string (GET) or a list (POST or repeated)."""
    value = data.get(key)
    if value is None or value == "":
        return []
    if isinstance(value, str):
        try:
            value = json.loads(value)
        except ValueError:
            value = [value]
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        raise ParameterError({key: ["Not a list"]})
    return value


def texts(data: Mapping[str, Any], key: str) -> list[str]:
    """A text parameter; given more than once (a repeated GET parameter), each of them."""
    value = data.get(key)
    if value is None:
        return []
    return [str(item) for item in value] if isinstance(value, list) else [str(value)]
