"""The size limit of every upload: one form field every upload form uses, and a bound on the
request itself, so that an oversized file gets a clear answer and never fills a disk or a 500.

``UPLOAD_MAX_BYTES`` (default 50 MB) bounds each file; a request may be larger by the size of
its other fields (``DATA_UPLOAD_MAX_MEMORY_SIZE``) and no more: a larger one is answered 413
before its body is read.
"""

from collections.abc import Callable
from typing import Any

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.template.defaultfilters import filesizeformat
from django.utils.functional import lazy
from django.utils.text import format_lazy
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from offenestadt.anonymize.io import WorkbookLimits


def upload_limit() -> int:
    """The most bytes a single uploaded file may have."""
    return int(settings.UPLOAD_MAX_BYTES)


def request_limit() -> int:
    """The most bytes a request may carry: one file at its limit and the form's other fields."""
    return upload_limit() + int(settings.DATA_UPLOAD_MAX_MEMORY_SIZE)


def workbook_limits() -> WorkbookLimits:
    """How far an uploaded workbook may unpack before the anonymization library reads it."""
    return WorkbookLimits(unpacked_bytes=int(settings.UPLOAD_MAX_UNPACKED_BYTES))


def validate_upload_size(file: Any) -> None:
    """Refuse a file above the limit, naming both sizes."""
    size = getattr(file, "size", None)
    if size is not None and size > upload_limit():
        raise ValidationError(
            _("Die Datei ist %(size)s groß; erlaubt sind höchstens %(limit)s."),
            code="file_too_large",
            params={"size": filesizeformat(size), "limit": filesizeformat(upload_limit())},
        )


def _limit_note() -> str:
    return gettext("Höchstens %(limit)s.") % {"limit": filesizeformat(upload_limit())}


limit_note = lazy(_limit_note, str)


class UploadField(forms.FileField):
    """The form field of every upload: the size limit, named in the help text beforehand."""

    default_validators = [validate_upload_size]  # noqa: RUF012  (Django's own attribute)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        help_text = kwargs.get("help_text")
        kwargs["help_text"] = (
            format_lazy("{} {}", help_text, limit_note()) if help_text else limit_note()
        )
        super().__init__(*args, **kwargs)


class RequestSizeLimitMiddleware:
    """Answer 413 to a request larger than any form of the site accepts, before reading it."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0  # Django reads no body without a valid length
        if length <= request_limit():
            return self.get_response(request)
        message = gettext(
            "Die Anfrage ist %(size)s groß; Dateien dürfen höchstens %(limit)s groß sein."
        ) % {"size": filesizeformat(length), "limit": filesizeformat(upload_limit())}
        if request.path.startswith("/api/"):
            response: HttpResponse = JsonResponse({"detail": message}, status=413)
        else:
            response = render(
                request, "core/request_too_large.html", {"message": message}, status=413
            )
        # The body was not read: the connection must not be reused for another request.
        response["Connection"] = "close"
        return response
