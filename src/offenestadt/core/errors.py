"""How a refused request is answered, by where it was asked: the API's problem document
(``{"detail": "…"}``, described in /api/v1/openapi.json) under /api/, a page elsewhere.
A view that speaks another protocol's error format (CKAN) names its own answer."""

from collections.abc import Callable
from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.http import HttpRequest, HttpResponse, HttpResponseServerError, JsonResponse
from django.shortcuts import render
from django.template import loader
from django.utils import translation
from django.utils.translation import gettext as _

from offenestadt.core.context_processors import site

API_PREFIX = "/api/"

# A view's own answer to a request it cannot read: (request, message) -> response.
InputErrorResponder = Callable[[HttpRequest, str], HttpResponse]
RESPONDER_ATTRIBUTE = "input_error_response"


def is_api_request(request: HttpRequest) -> bool:
    return request.path.startswith(API_PREFIX)


def problem_response(request: HttpRequest, status: int, message: str) -> HttpResponse:
    """The refusal in the shape the address promises."""
    if is_api_request(request):
        return JsonResponse({"detail": message}, status=status)
    return error_page(request, status, _("Anfrage nicht lesbar"), message)


def error_page(request: HttpRequest, status: int, title: str, message: str) -> HttpResponse:
    """A page in the site's frame and the visitor's language, not Django's bare English one."""
    return render(request, "core/error.html", {"title": title, "message": message}, status=status)


def api_language() -> Any:
    """The API answers in English whatever the client's language (the pages in theirs)."""
    return translation.override("en")


def answers_input_errors(
    responder: InputErrorResponder,
) -> Callable[[Callable[..., HttpResponse]], Callable[..., HttpResponse]]:
    """Mark a view that answers unreadable input in its own protocol's format."""

    def mark(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        setattr(view, RESPONDER_ATTRIBUTE, responder)
        return view

    return mark


def not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
    """handler404: under /api/ a problem document, like every other API error."""
    if is_api_request(request):
        with api_language():
            return problem_response(request, 404, _("Unter dieser Adresse gibt es nichts."))
    return error_page(
        request, 404, _("Seite nicht gefunden"), _("Unter dieser Adresse gibt es nichts.")
    )


def bad_request(request: HttpRequest, exception: Exception) -> HttpResponse:
    """handler400 (a request Django itself cannot read): under /api/ a problem document."""
    if is_api_request(request):
        with api_language():
            return problem_response(request, 400, _("Die Anfrage ist nicht lesbar."))
    return error_page(request, 400, _("Anfrage nicht lesbar"), _("Die Anfrage ist nicht lesbar."))


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """CSRF_FAILURE_VIEW: a form sent without its token (often one left open too long)."""
    return error_page(
        request,
        403,
        _("Formular nicht angenommen"),
        _("Laden Sie die Seite neu und senden Sie das Formular noch einmal."),
    )


def permission_denied(request: HttpRequest, exception: Exception) -> HttpResponse:
    """handler403: the refusal in the site's frame (under /api/ a problem document)."""
    message = _("Dafür fehlt Ihnen die Berechtigung.")
    if is_api_request(request):
        with api_language():
            return problem_response(request, 403, str(message))
    return error_page(request, 403, _("Kein Zugriff"), message)


def server_error(request: HttpRequest) -> HttpResponse:
    """handler500: the site's frame without the database or the session, either of which may
    be what failed; so the page shows the visitor as not signed in."""
    title, message = (
        _("Ein Fehler ist aufgetreten"),
        _("Die Seite konnte nicht angezeigt werden. Versuchen Sie es später noch einmal."),
    )
    if is_api_request(request):
        with api_language():
            return JsonResponse({"detail": str(message)}, status=500)
    context = {**site(request), "user": AnonymousUser(), "title": title, "message": message}
    return HttpResponseServerError(loader.get_template("core/error.html").render(context))
