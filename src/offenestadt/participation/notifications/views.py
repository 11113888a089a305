"""Ordering e-mail notifications about a procedure, confirming them by the link in the first
e-mail, and cancelling them with the link in every one.
"""

from django.core import signing
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from offenestadt.core.forms import show_validation_error
from offenestadt.core.replica import reads_primary
from offenestadt.participation import throttle
from offenestadt.participation.notifications import services
from offenestadt.participation.notifications.forms import SubscribeForm
from offenestadt.participation.notifications.models import Subscription
from offenestadt.participation.procedures.models import Procedure


def _procedure(request: HttpRequest, slug: str) -> Procedure:
    """The procedure, for someone who may see it: a draft does not exist for the public."""
    return get_object_or_404(Procedure.objects.visible_to(request.user), slug=slug)


def _throttled(request: HttpRequest) -> HttpResponse:
    return render(request, "participation/contribution_throttled.html", status=429)


@require_http_methods(["GET", "POST"])
def subscribe(request: HttpRequest, slug: str) -> HttpResponse:
    """Order e-mails about a procedure; nothing comes until the address is confirmed."""
    procedure = _procedure(request, slug)
    form = SubscribeForm(request.POST if request.method == "POST" else None)
    closed_reason = services.subscriptions_closed_reason(procedure)
    if form.is_valid():
        if not throttle.allow(request, "subscribe"):
            return _throttled(request)
        try:
            services.subscription_request(procedure=procedure, email=form.cleaned_data["email"])
        except PermissionDenied as refused:
            form.add_error(None, str(refused))
        except ValidationError as error:
            show_validation_error(form, error)
        else:
            return render(
                request,
                "participation/contribution_subscription_sent.html",
                {"procedure": procedure},
            )
    return render(
        request,
        "participation/contribution_subscribe_form.html",
        {"procedure": procedure, "form": form, "closed_reason": closed_reason},
    )


@reads_primary  # The e-mail may be opened seconds after it was sent.
@require_http_methods(["GET", "POST"])
def subscription_confirm(request: HttpRequest, token: str) -> HttpResponse:
    """The link from the confirmation e-mail. Confirming takes a button, so that a mail
    program that opens links to check them does not confirm for anyone."""
    subscription = services.subscription_by_token(token)
    if subscription is None:
        raise Http404
    if request.method == "POST":
        subscription = services.subscription_confirm(token=token)
    return render(
        request,
        "participation/contribution_subscription_confirm.html",
        {"subscription": subscription, "procedure": subscription.procedure},
    )


@csrf_exempt  # The signed token is the authority; mail programs post here (RFC 8058).
@reads_primary  # The e-mail may be opened seconds after it was sent.
@require_http_methods(["GET", "POST"])
def unsubscribe(request: HttpRequest, token: str) -> HttpResponse:
    """The link in every e-mail: cancel the subscription; the address is deleted."""
    try:
        subscription: Subscription | None = services.subscription_for_unsubscribe(token)
    except signing.BadSignature:
        raise Http404 from None
    if request.method == "POST" and subscription is not None:
        services.subscription_cancel(subscription=subscription)
        subscription = None
    return render(
        request,
        "participation/contribution_unsubscribe.html",
        {"subscription": subscription},
    )
