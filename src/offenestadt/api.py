"""The public REST API under /api/v1/, described by /api/v1/openapi.json: read-only but for
the ballot box."""

from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from ninja import NinjaAPI
from ninja.errors import ValidationError
from ninja.openapi.schema import REF_TEMPLATE, OpenAPISchema
from ninja.operation import Operation

from offenestadt.charter.api import router as charter_router
from offenestadt.contracts.api import router as contracts_router
from offenestadt.core.api import InvalidInput, Problem
from offenestadt.council.api import router as council_router
from offenestadt.infrastructure.api import router as infrastructure_router
from offenestadt.participation.procedures.api import router as participation_router
from offenestadt.registry.api import router as registry_router
from offenestadt.registry.servicepoints.api import router as service_points_router
from offenestadt.voting.api import router as voting_router


def _error(description: str, schema: type[Problem]) -> dict[str, Any]:
    reference = {"$ref": REF_TEMPLATE.format(model=schema.__name__)}
    return {"description": description, "content": {"application/json": {"schema": reference}}}


# Every router's tag, described: what a reader of the document finds under it.
TAGS = {
    "charter": "The city's charter: its principles and rules, every adopted version.",
    "projects": "Smart-city projects and their evaluations against the charter.",
    "service points": (
        "The city's service points (citizens' offices, libraries, phone lines): opening hours "
        "per weekday, step-free access, district, and the services reachable there."
    ),
    "contracts": "Contracts of the projects, their data clauses, and the vendors.",
    "participation": "Participation procedures: phases, texts, meetings, contributions.",
    "votes": "Votes of the procedures, the ballot box and the results.",
    "infrastructure": (
        "The city's register of digital infrastructure (public WLAN, Freifunk nodes, broadband "
        "lines, sensors, gateways): location, owner, operator, public funding, net neutrality, "
        "status, and the projects that use each asset."
    ),
    "council": (
        "The council's meetings, agendas, papers and bodies, as imported from its information "
        "system (OParl); each record with its OParl id."
    ),
}

# What the API publishes is official information of the city, free to reuse with attribution.
LICENSE = {
    "name": "Datenlizenz Deutschland – Namensnennung – Version 2.0 (DL-DE-BY-2.0)",
    "url": "https://www.govdata.de/dl-de/by-2-0",
}


def _document_errors(schema: OpenAPISchema) -> None:
    """400 for a request no record can be read from (a NUL character anywhere, a body that
    is not JSON), 422 for a bad parameter where there are parameters, and 404 where the
    path names a record."""
    for operations in schema["paths"].values():
        for operation in operations.values():
            responses = operation["responses"]
            parameters = operation.get("parameters", [])
            responses.setdefault(400, _error("The request cannot be read.", Problem))
            if parameters or "requestBody" in operation:
                responses.setdefault(422, _error("A parameter is invalid.", InvalidInput))
            if any(parameter["in"] == "path" for parameter in parameters):
                responses.setdefault(404, _error("There is no such record.", Problem))


def _references(value: Any) -> set[str]:
    if isinstance(value, dict):
        own = {value["$ref"].rsplit("/", 1)[-1]} if "$ref" in value else set()
        return own.union(*(_references(inner) for inner in value.values()))
    if isinstance(value, list):
        return set().union(*(_references(inner) for inner in value))
    return set()


def _drop_unused_schemas(schema: OpenAPISchema) -> None:
    """Leave out the schemas nothing refers to (django-ninja adds the filters' own, whose
    fields are already query parameters)."""
    definitions = schema["components"]["schemas"]
    used = _references(schema["paths"])
    while unseen := _references([definitions[name] for name in used]) - used:
        used |= unseen
    for name in set(definitions) - used:
        del definitions[name]


class OffeneStadtAPI(NinjaAPI):
    def get_openapi_operation_id(self, operation: Operation) -> str:
        # The view's name (project_list), unique across the apps, instead of its module path.
        return operation.view_func.__name__

    def get_openapi_schema(
        self, *, path_prefix: str | None = None, path_params: dict[str, Any] | None = None
    ) -> OpenAPISchema:
        """The document with what every operation can answer (``_document_errors``), who
        publishes it under which licence, where it is served, its tags described, and no
        authentication: every operation is open (the ballot box checks a voting code in
        its body)."""
        schema = super().get_openapi_schema(path_prefix=path_prefix, path_params=path_params)
        definitions = schema.setdefault("components", {}).setdefault("schemas", {})
        for model in (Problem, InvalidInput):
            definitions.setdefault(
                model.__name__, model.model_json_schema(ref_template=REF_TEMPLATE)
            )
        _document_errors(schema)
        _drop_unused_schemas(schema)
        schema["info"]["contact"] = {
            "name": settings.OPERATOR_NAME,
            "email": settings.OPERATOR_EMAIL,
            "url": f"{settings.SITE_URL}/",
        }
        schema["info"]["license"] = LICENSE
        schema["servers"] = [{"url": settings.SITE_URL, "description": settings.SITE_NAME}]
        schema["tags"] = [{"name": name, "description": text} for name, text in TAGS.items()]
        schema["security"] = []
        return schema


api = OffeneStadtAPI(
    title="Offene Stadt API",
    version="1",
    description=(
        "What the city publishes about its smart-city projects, their contracts and the "
        "charter they are checked against, their votes, the council's meetings and papers, and the "
        "city's digital infrastructure. Read-only but for the ballot box "
        "(POST /votes/{id}/ballots, authorised by a one-time voting code); nothing here needs "
        "an account."
    ),
    urls_namespace="api",
    openapi_url="/openapi.json",
    # The interactive docs page loads Swagger UI from a CDN, which the site's CSP (and its
    # promise to load nothing from third parties) forbids; the JSON document is enough.
    docs_url=None,
)
api.add_router("", charter_router)
api.add_router("", registry_router)
api.add_router("", service_points_router)
api.add_router("", contracts_router)
api.add_router("", participation_router)
api.add_router("", voting_router)
api.add_router("", council_router)
api.add_router("", infrastructure_router)


@api.exception_handler(ValidationError)
def invalid_input(request: HttpRequest, error: ValidationError) -> HttpResponse:
    """Name each bad parameter with its message, without echoing the value sent."""
    errors = [
        {"loc": list(item["loc"]), "msg": item["msg"], "type": item["type"]}
        for item in error.errors
    ]
    detail = "; ".join(f"{item['loc'][-1]}: {item['msg']}" for item in errors)
    return api.create_response(request, {"detail": detail, "errors": errors}, status=422)
