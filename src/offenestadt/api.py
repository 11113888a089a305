"""The public REST API under /api/v1/, described by /api/v1/openapi.json: read-only but for
the ballot box."""

from django.http import HttpRequest, HttpResponse
from ninja import NinjaAPI
from ninja.errors import ValidationError
from ninja.operation import Operation

from offenestadt.charter.api import router as charter_router
from offenestadt.contracts.api import router as contracts_router
from offenestadt.participation.api import router as participation_router
from offenestadt.registry.api import router as registry_router
from offenestadt.voting.api import router as voting_router


class OffeneStadtAPI(NinjaAPI):
    def get_openapi_operation_id(self, operation: Operation) -> str:
        # The view's name (project_list), unique across the apps, instead of its module path.
        return operation.view_func.__name__


api = OffeneStadtAPI(
    title="Offene Stadt API",
    version="1",
    description=(
        "What the city publishes about its smart-city projects, their contracts and the "
        "charter they are checked against, and their votes. Read-only but for the ballot box "
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
api.add_router("", contracts_router)
api.add_router("", participation_router)
api.add_router("", voting_router)


@api.exception_handler(ValidationError)
def invalid_input(request: HttpRequest, error: ValidationError) -> HttpResponse:
    """Name each bad parameter with its message, without echoing the value sent."""
    errors = [
        {"loc": list(item["loc"]), "msg": item["msg"], "type": item["type"]}
        for item in error.errors
    ]
    detail = "; ".join(f"{item['loc'][-1]}: {item['msg']}" for item in errors)
    return api.create_response(request, {"detail": detail, "errors": errors}, status=422)
