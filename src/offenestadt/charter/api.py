"""The charter in the public REST API: the version in force and every adopted version."""

from datetime import date
from typing import Any

from django.db.models import Choices
from django.http import HttpRequest
from django.utils import translation
from ninja import Field, Router, Schema
from ninja.errors import HttpError

from offenestadt.charter.models import CharterVersion, Parameter, Principle
from offenestadt.core.request_input import MAX_OFFSET

router = Router(tags=["charter"])


# The error bodies and the two-language text are shared by every app's API; they live here
# because every app's records are judged by the charter.


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


class PrincipleOut(Schema):
    id: str
    # Whether findings under this principle hold a project back at its gates.
    gate: bool
    title: LocalisedText
    description: LocalisedText
    plain: LocalisedText


class ParameterOut(Schema):
    key: str
    value: bool | int | float | str
    unit: str
    principle: str
    description: LocalisedText


class CharterVersionSummary(Schema):
    number: int
    title: str
    city: str
    adopted_on: date
    council_decision: str
    html_url: str

    @staticmethod
    def resolve_html_url(version: CharterVersion, context: dict[str, Any]) -> str:
        request: HttpRequest = context["request"]
        return request.build_absolute_uri(version.get_absolute_url())


class CharterVersionDetail(CharterVersionSummary):
    principles: list[PrincipleOut]
    parameters: list[ParameterOut]

    @staticmethod
    def resolve_principles(version: CharterVersion) -> list[Principle]:
        return version.principles()

    @staticmethod
    def resolve_parameters(version: CharterVersion) -> list[Parameter]:
        return version.parameters()


class CharterVersionList(Schema):
    # The number of the version in force today (none before the first is adopted).
    in_force: int | None
    items: list[CharterVersionSummary]


@router.get("/charter", response={200: CharterVersionDetail, 404: Problem})
def charter_in_force(request: HttpRequest) -> CharterVersion:
    """The charter version in force today, with its principles and rule parameters."""
    version = CharterVersion.objects.in_force()
    if version is None:
        raise HttpError(404, "No charter version is in force yet.")
    return version


@router.get("/charter/versions", response=CharterVersionList)
def charter_versions(request: HttpRequest) -> dict[str, object]:
    """Every adopted charter version, newest first."""
    in_force = CharterVersion.objects.in_force()
    return {
        "in_force": in_force.number if in_force else None,
        "items": CharterVersion.objects.order_by("-number"),
    }


@router.get("/charter/versions/{int:number}", response={200: CharterVersionDetail, 404: Problem})
def charter_version(request: HttpRequest, number: int) -> CharterVersion:
    """One charter version as adopted, whether or not it is in force."""
    version = CharterVersion.objects.filter(number=number).first()
    if version is None:
        raise HttpError(404, f"There is no charter version {number}.")
    return version
