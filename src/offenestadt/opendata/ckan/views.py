"""The CKAN Action API over HTTP: /api/3/action/<action> and /api/action/<action>.

Read-only and open to everyone, so no sign-in and no CSRF token; GET parameters and
POST bodies (JSON, or a form) are both understood, and every answer has CKAN's envelope
({"help", "success", "result"} or {"help", "success": false, "error"}) with CKAN's
status codes, so CKAN clients such as ckanapi and harvesters read it as they read CKAN.
"""

import json
import logging
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseNotAllowed, QueryDict
from django.urls import reverse
from django.utils import translation
from django.views.decorators.csrf import csrf_exempt

from offenestadt.core.errors import answers_input_errors
from offenestadt.core.request_input import is_unreadable
from offenestadt.opendata.ckan import actions, serialisers
from offenestadt.opendata.ckan import parameters as ckan_parameters

logger = logging.getLogger(__name__)

CONTENT_TYPE = "application/json;charset=utf-8"


class BadRequestDataError(ValueError):
    pass


def _finish(status: int, body: object) -> HttpResponse:
    response = HttpResponse(
        json.dumps(body, ensure_ascii=False), status=status, content_type=CONTENT_TYPE
    )
    # Open data for every web page that wants it; the API reads no cookies.
    response["Access-Control-Allow-Origin"] = "*"
    return response


def _bad_request(message: str) -> HttpResponse:
    """CKAN answers a request it cannot read with a bare JSON string, no envelope."""
    return _finish(400, f"Bad request - {message}")


def _mixed(values: QueryDict) -> dict[str, Any]:
    """One value as a string, several as a list (as CKAN reads parameters)."""
    return {key: items[0] if len(items) == 1 else items for key, items in values.lists()}


def _request_data(request: HttpRequest) -> dict[str, Any]:
    """The action's parameters, in CKAN's order of precedence: a form body, the query
    string, a JSON body."""
    data: object = {}
    if (
        request.method == "POST"
        and request.content_type
        in (
            "application/x-www-form-urlencoded",
            "multipart/form-data",
        )
        and request.POST
    ):
        items = list(request.POST.items())
        # Old clients post the JSON as the only key of a form, with an empty value.
        if len(items) == 1 and items[0][1] in ("1", ""):
            try:
                data = json.loads(items[0][0])
            except (ValueError, RecursionError) as error:
                raise BadRequestDataError(f"Error decoding JSON data. Error: {error}") from None
        else:
            data = _mixed(request.POST)
    elif request.GET:
        data = _mixed(request.GET)
    elif request.method == "POST" and request.body.strip():
        try:
            data = json.loads(request.body)
        except (ValueError, RecursionError) as error:
            raise BadRequestDataError(f"Error decoding JSON data. Error: {error}") from None
    if not isinstance(data, dict):
        raise BadRequestDataError(
            f"Request data JSON decoded to {data!r} but it needs to be a dictionary."
        )
    data.pop("callback", None)  # JSONP is not offered
    return data


def _help_url(request: HttpRequest, action: str) -> str:
    return request.build_absolute_uri(
        reverse("ckan_action", args=["help_show"]) + f"?name={action}"
    )


def _unreadable(request: HttpRequest, message: str) -> HttpResponse:
    """Text no dataset can hold (a NUL character): a validation error, as CKAN reports one."""
    action = str(request.resolver_match.kwargs.get("action", "")) if request.resolver_match else ""
    if is_unreadable(action):
        action = ""
    error = ckan_parameters.ParameterError({"message": [message]})
    body = {"help": _help_url(request, action), "success": False, "error": error.error}
    return _finish(error.status, body)


@answers_input_errors(_unreadable)
@csrf_exempt
def action(request: HttpRequest, action: str) -> HttpResponse:
    """Run one action of the CKAN Action API."""
    if request.method not in ("GET", "POST"):
        return HttpResponseNotAllowed(["GET", "POST"])
    function = actions.ACTIONS.get(action)
    if function is None:
        return _bad_request(f"Action name not known: {action}")
    help_url = _help_url(request, action)
    try:
        data = _request_data(request)
    except BadRequestDataError as error:
        return _bad_request(f"JSON Error: {error}")
    site = serialisers.Site(absolute_uri=request.build_absolute_uri)
    try:
        # Stable answers whatever the client's language: German, with English in extras.
        with translation.override(settings.LANGUAGE_CODE):
            result = function(site, data)
    except ckan_parameters.ActionError as error:
        return _finish(error.status, {"help": help_url, "success": False, "error": error.error})
    except Exception:
        logger.exception("CKAN action %s failed", action)
        failure = ckan_parameters.ActionError("Internal Server Error")
        return _finish(500, {"help": help_url, "success": False, "error": failure.error})
    return _finish(200, {"help": help_url, "success": True, "result": result})
