"""Staff, DPO and administrators act for the city only after a second factor."""

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import get_language

from offenestadt.accounts.services import has_authenticator

# Prefixes (after the language prefix) that stay reachable before the second step.
_OPEN_PATHS = ("/konto/", "/healthz", "/static/")


class SecondFactorRequiredMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        if (
            user.is_authenticated
            and user.needs_second_factor
            # Set by django_otp's OTPMiddleware, which runs before this one.
            and not user.is_verified()  # type: ignore[attr-defined]
            and not self._is_open(request.path)
        ):
            enrolled = has_authenticator(user=user)
            target = "accounts:otp_verify" if enrolled else "accounts:otp_setup"
            return redirect(f"{reverse(target)}?{urlencode({'next': request.get_full_path()})}")
        return self.get_response(request)

    @staticmethod
    def _is_open(path: str) -> bool:
        language_prefix = f"/{get_language()}"
        if get_language() != settings.LANGUAGE_CODE and path.startswith(language_prefix + "/"):
            path = path.removeprefix(language_prefix)
        return path.startswith(_OPEN_PATHS)
