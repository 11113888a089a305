"""Refusals and errors in the site's frame and the page's language, never Django's bare
English ones; under /api/ as problem documents."""

from typing import Any

import pytest
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.test import Client, RequestFactory
from django.urls import path
from django.utils import translation

from offenestadt.core import errors
from offenestadt.urls import urlpatterns as site_urlpatterns


def broken(request: HttpRequest) -> HttpResponse:
    raise RuntimeError("a bug")


def forbidden(request: HttpRequest) -> HttpResponse:
    raise PermissionDenied


# The site's addresses and two that fail, for the tests below (pytest.mark.urls).
urlpatterns = [path("kaputt/", broken), path("verboten/", forbidden), *site_urlpatterns]
handler403 = errors.permission_denied
handler404 = errors.not_found
handler500 = errors.server_error

FRAME = 'class="site-header"'


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("address", "heading"),
    [("/gibt-es-nicht/", "Seite nicht gefunden"), ("/en/gibt-es-nicht/", "Page not found")],
)
def test_a_missing_page_is_answered_in_the_frame_and_language(address: str, heading: str) -> None:
    response = Client().get(address)
    assert response.status_code == 404
    page = response.content.decode()
    assert FRAME in page and f"<h1>{heading}</h1>" in page
    assert "Not Found" not in page


@pytest.mark.django_db
@pytest.mark.urls(__name__)
def test_a_refusal_is_answered_in_the_frame() -> None:
    response = Client().get("/verboten/")
    assert response.status_code == 403
    page = response.content.decode()
    assert FRAME in page and "<h1>Kein Zugriff</h1>" in page
    assert "403 Forbidden" not in page


@pytest.mark.django_db
@pytest.mark.urls(__name__)
def test_a_server_error_is_answered_in_the_frame() -> None:
    response = Client(raise_request_exception=False).get("/kaputt/")
    assert response.status_code == 500
    page = response.content.decode()
    assert FRAME in page and "<h1>Ein Fehler ist aufgetreten</h1>" in page
    assert "Server Error" not in page


def test_the_server_error_page_needs_no_database() -> None:
    # No database fixture: any query here fails the test. The database may be what broke.
    with translation.override("en"):
        response = errors.server_error(RequestFactory().get("/en/projekte/"))
    page = response.content.decode()
    assert response.status_code == 500
    assert FRAME in page and "<h1>An error occurred</h1>" in page
    assert 'href="/projekte/" hreflang="de"' in page


def test_the_api_answers_a_server_error_with_a_problem_document() -> None:
    response = errors.server_error(RequestFactory().get("/api/v1/projects"))
    assert response.status_code == 500
    assert response["Content-Type"] == "application/json"


@pytest.mark.django_db
def test_a_form_without_its_token_is_refused_in_german() -> None:
    response = Client(enforce_csrf_checks=True).post("/konto/anmelden/", {"username": "x"})
    assert response.status_code == 403
    page = response.content.decode()
    assert FRAME in page and "<h1>Formular nicht angenommen</h1>" in page
    assert "CSRF verification failed" not in page


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("address", "heading"),
    [("/konto/abmelden/", "Nur über ein Formular"), ("/en/konto/abmelden/", "Form only")],
)
def test_a_form_target_opened_as_a_link_is_answered_in_the_frame(
    address: str, heading: str
) -> None:
    response = Client().get(address)
    assert response.status_code == 405
    assert "POST" in response["Allow"]
    page = response.content.decode()
    assert FRAME in page and f"<h1>{heading}</h1>" in page


@pytest.mark.django_db
@pytest.mark.parametrize("page_cache", [True, False])
def test_a_host_the_site_does_not_serve_is_refused_in_the_frame(
    settings: Any, page_cache: bool
) -> None:
    settings.PAGE_CACHE = page_cache
    response = Client(HTTP_HOST="angreifer.example").get("/projekte/")
    assert response.status_code == 400
    assert FRAME in response.content.decode()
