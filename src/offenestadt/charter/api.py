"""The charter in the public REST API: the version in force and every adopted version."""

from datetime import date
from typing import Any, Literal

from django.http import HttpRequest
from ninja import P, PathEx, Router, Schema
from ninja.errors import HttpError

from offenestadt.charter.catalogue import catalogue
from offenestadt.charter.models import CharterVersion, Parameter, Principle
from offenestadt.core.api import LocalisedText, Problem

router = Router(tags=["charter"])
VersionNumber = PathEx[int, P(description="The version's number (1: the first adopted).")]


class PrincipleOut(Schema):
    id: str
    # Whether findings under this principle hold a project back at its gates.
    gate: bool
    title: LocalisedText
    description: LocalisedText
    plain: LocalisedText
    # The ids of the checks the principle binds (GET /api/v1/charter/checks lists them all).
    checks: list[str]
    # The values this principle sets for its checks' parameters.
    parameters: dict[str, bool | int | float | str]


class ParameterOut(Schema):
    key: str
    value: bool | int | float | str
    unit: str
    # The principle whose checks read the value; null for a procedure's parameter.
    principle: str | None
    description: LocalisedText

    @staticmethod
    def resolve_principle(parameter: Parameter) -> str | None:
        return parameter.principle or None


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


class CheckParameterOut(Schema):
    key: str
    # What the parameter is called on the platform's pages.
    name: LocalisedText
    type: Literal["boolean", "integer", "string"]
    # The unit of the value ("days", "months", "characters"; empty for a switch or a text).
    unit: str
    # The value the check uses when the charter in force does not set the parameter.
    default: bool | int | str | None


class CheckOut(Schema):
    # Stable: charters and findings name the check by it.
    id: str
    # The kinds of record the check reads, as app_label.model.
    records: list[str]
    parameters: list[CheckParameterOut]
    # Whether its findings can hold its record back at a gate of the record's own.
    gates: bool
    description: LocalisedText


@router.get("/charter/checks", response=list[CheckOut])
def charter_checks(request: HttpRequest) -> list[dict[str, Any]]:
    """The catalogue of checks the platform runs, by id: what each reads and asks, its
    parameters with their defaults, and whether it can gate."""
    return [entry.as_data() for entry in catalogue()]


@router.get("/charter/versions", response=CharterVersionList)
def charter_versions(request: HttpRequest) -> dict[str, object]:
    """Every adopted charter version, newest first."""
    in_force = CharterVersion.objects.in_force()
    return {
        "in_force": in_force.number if in_force else None,
        "items": CharterVersion.objects.order_by("-number"),
    }


@router.get("/charter/versions/{int:number}", response={200: CharterVersionDetail, 404: Problem})
def charter_version(request: HttpRequest, number: VersionNumber) -> CharterVersion:
    """One charter version as adopted, whether or not it is in force."""
    version = CharterVersion.objects.filter(number=number).first()
    if version is None:
        raise HttpError(404, f"There is no charter version {number}.")
    return version
