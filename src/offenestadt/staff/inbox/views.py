"""The inbox page: what waits for the signed-in member of staff, each item linked to the
page where it is handled."""

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from offenestadt.accounts.rules import staff_only
from offenestadt.staff.inbox import selectors


@login_required
def inbox(request: HttpRequest) -> HttpResponse:
    """Staff start here after signing in; anyone else has no inbox."""
    staff_only(request.user)
    return render(
        request,
        "staff/inbox.html",
        {
            "inbox": selectors.inbox_for(request.user, timezone.localdate()),
            "deadline_days": selectors.DEADLINE_DAYS,
        },
    )
