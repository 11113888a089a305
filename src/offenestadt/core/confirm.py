"""Asking before an irreversible step (publishing, moving a record on in its lifecycle): a
page of its own that repeats what was sent, so it works without JavaScript."""

from collections.abc import Sequence

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.functional import Promise

# The field a confirmation page adds to what was sent.
CONFIRMED = "bestaetigt"


def confirmed(request: HttpRequest) -> bool:
    """Whether the step was asked for from its confirmation page."""
    return request.method == "POST" and request.POST.get(CONFIRMED) == "1"


def confirmation_page(
    request: HttpRequest,
    *,
    title: str | Promise,
    consequences: Sequence[str | Promise],
    confirm_label: str | Promise,
    cancel_url: str,
) -> HttpResponse:
    """The page that asks once more: ``title`` as its question, then what the step does, a
    button that sends the same request again (to the same address, confirmed) and a way back."""
    resent = [
        (name, value)
        for name, values in request.POST.lists()
        if name not in {"csrfmiddlewaretoken", CONFIRMED}
        for value in values
    ]
    return render(
        request,
        "core/confirm.html",
        {
            "title": title,
            "consequences": consequences,
            "resent": resent,
            "confirmed_field": CONFIRMED,
            "confirm_label": confirm_label,
            "cancel_url": cancel_url,
        },
    )
