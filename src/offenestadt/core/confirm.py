"""Asking before an irreversible step (publishing, moving a record on in its lifecycle,
removing): a page of its own that repeats what was sent, so it works without JavaScript. A step
its gate would refuse is not asked about: the refusal is shown instead."""

from collections.abc import Callable, Sequence
from typing import Any

from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
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


def removal_page(
    request: HttpRequest,
    *,
    template: str,
    context: dict[str, Any],
    gate: Callable[[], None],
    remove: Callable[[], None],
    done: str,
) -> HttpResponse:
    """The page that asks before something is removed (GET) and removes it (POST), unless
    ``gate`` refuses (a ValidationError; charter.gates.GateRefusedError carries its problems
    with their links): then ``template`` gets ``refusal`` and shows it instead of the button,
    for the GET and (as 409) for a POST sent anyway. After removing, the answer goes to
    ``done``."""
    try:
        gate()
        if request.method == "POST":
            remove()
            return redirect(done)
    except ValidationError as refusal:
        return render(request, template, {**context, "refusal": refusal}, status=refused(request))
    return render(request, template, context)


def refused(request: HttpRequest) -> int:
    """The status of a page that shows a refused step: 409 when the step was sent, 200 when
    the page asking for it was only opened (nothing was refused yet; it says why it would be)."""
    return 409 if request.method == "POST" else 200
