"""What every part of the city's public REST API shares: the error bodies (a problem in a
sentence, a bad input named), the page of a list, and text in German and English."""

from typing import Any

from django.db.models import Choices, QuerySet
from django.http import HttpRequest
from django.utils import translation
from ninja import Field, Schema

from offenestadt.core.request_input import MAX_OFFSET


class Problem(Schema):
    """Every error the API answers with: what went wrong, in a sentence."""

    detail: str


class InputError(Schema):
    # Where the bad value was, e.g. ["query", "status"].
    loc: list[str | int]
    msg: str
    type: str


class InvalidInput(Problem):
    """A request with a bad parameter value (status 422): each one named."""

    errors: list[InputError]


class Paging(Schema):
    """The page of a list every list operation takes: bounded, so that no offset overflows
    the database's integers (422 beyond the bounds)."""

    limit: int = Field(50, ge=1, le=200, description="At most this many items.")
    offset: int = Field(0, ge=0, le=MAX_OFFSET, description="Skip this many items first.")


def paged(items: QuerySet[Any], paging: Paging) -> dict[str, Any]:
    """The answer of a list operation: the page of ``items`` that ``paging`` asks for, and
    how many match over all pages."""
    return {
        "count": items.count(),
        "limit": paging.limit,
        "offset": paging.offset,
        "items": list(items[paging.offset : paging.offset + paging.limit]),
    }


class LocalisedText(Schema):
    de: str
    en: str


def labelled(choice: Choices) -> dict[str, Any]:
    """A choice as its code and its label in German and English."""
    label = {}
    for language in ("de", "en"):
        with translation.override(language):
            label[language] = str(choice.label)
    return {"code": choice, "label": label}


def absolute_url(context: dict[str, Any], path: str) -> str:
    """``path`` as a full address, read from the request a schema resolves in (``context``)."""
    request: HttpRequest = context["request"]
    return request.build_absolute_uri(path)
