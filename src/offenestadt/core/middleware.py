"""The client's address behind a trusted reverse proxy, request logging without personal data
(no IP address, no user agent, no query string), and the refusal of unreadable input before
any view reads it."""

import contextlib
import ipaddress
import logging
import time
from collections.abc import Callable, Sequence

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _

from offenestadt.core import errors, request_input

logger = logging.getLogger("offenestadt.request")

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


def client_address(remote: str, forwarded_for: str, trusted: Sequence[Network]) -> str:
    """The address a request came from: ``remote`` (the connection's peer), or, while that is
    a trusted proxy, the hop it names last in ``X-Forwarded-For``, and so on leftwards.

    Only a trusted proxy's word is taken: a client can put anything into the header, but a
    proxy appends (or sets) the address it saw, so reading from the right stops at the
    first address no trusted proxy vouches for. A hop that is not an address ends the walk.
    """
    address = remote
    hops = [hop.strip() for hop in forwarded_for.split(",") if hop.strip()]
    while hops:
        try:
            if not any(ipaddress.ip_address(address) in network for network in trusted):
                break
            address = str(ipaddress.ip_address(hops.pop()))
        except ValueError:
            break
    return address


class ClientAddressMiddleware:
    """Behind a reverse proxy every connection comes from the proxy: with the proxy named in
    TRUSTED_PROXIES, ``REMOTE_ADDR`` becomes the client's address from ``X-Forwarded-For``, so
    rate limits count each client, not the proxy. First in the chain, before anything reads
    the address."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self.trusted = [
            ipaddress.ip_network(item, strict=False) for item in settings.TRUSTED_PROXIES
        ]

    def __call__(self, request: HttpRequest) -> HttpResponse:
        forwarded_for = request.META.get("HTTP_X_FORWARDED_FOR", "")
        if self.trusted and forwarded_for:
            request.META["REMOTE_ADDR"] = client_address(
                request.META.get("REMOTE_ADDR", ""), forwarded_for, self.trusted
            )
        return self.get_response(request)


class RequestLogMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        started = time.perf_counter()
        response = self.get_response(request)
        logger.info(
            "request",
            extra={
                "method": request.method,
                "path": request.path,
                "status": response.status_code,
                "duration_ms": round((time.perf_counter() - started) * 1000, 1),
            },
        )
        return response


class UnreadableInputMiddleware:
    """Refuse, before any view reads it, a request whose text no record can hold (a NUL
    character, a lone surrogate) in its address, query, form or JSON body, or whose query or
    JSON carries a value longer than any search needs (request_input.MAX_VALUE_LENGTH): 400 with a
    message naming where, in the shape the address promises (see core.errors). Without
    this, such text reaches the database, which PostgreSQL answers with an error (500)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(
        self,
        request: HttpRequest,
        view_func: Callable[..., HttpResponse],
        view_args: tuple[object, ...],
        view_kwargs: dict[str, object],
    ) -> HttpResponse | None:
        api = errors.is_api_request(request)
        with errors.api_language() if api else contextlib.nullcontext():
            if (part := request_input.unreadable_part(request)) is not None:
                message = request_input.unreadable_message(part)
            elif (part := request_input.overlong_part(request)) is not None:
                # SQLite cannot search for so long a text (LIKE pattern too complex: 500).
                message = request_input.overlong_message(part)
            else:
                return None
        responder = getattr(view_func, errors.RESPONDER_ATTRIBUTE, None)
        if responder is not None:
            return responder(request, message)  # type: ignore[no-any-return]
        return errors.problem_response(request, 400, message)


class MethodNotAllowedPageMiddleware:
    """A page asked for in a method its address does not take (a form's target opened as a
    link, a page to read sent a form): Django answers 405 with no body; a page gets one in
    the site's frame that says what to do instead, and keeps the Allow header."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if response.status_code != 405 or response.content or errors.is_api_request(request):
            return response
        if "POST" in response["Allow"]:
            heading, text = (
                _("Nur über ein Formular"),
                _(
                    "Diese Adresse nimmt nur abgeschickte Formulare an. Gehen Sie zurück zur "
                    "Seite mit dem Formular und senden Sie es dort ab."
                ),
            )
        else:
            # A page to read, sent a form or another write (POST, PUT, DELETE).
            heading, text = (
                _("Nur zum Lesen"),
                _("Diese Seite nimmt nichts entgegen. Öffnen Sie sie als Link."),
            )
        page = errors.error_page(request, 405, heading, text)
        page["Allow"] = response["Allow"]
        return page
