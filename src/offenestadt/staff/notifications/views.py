"""The page on which staff choose which notices they get by e-mail."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from offenestadt.accounts.models import AuthenticatedHttpRequest
from offenestadt.accounts.rules import staff_only
from offenestadt.staff.notifications import rules, selectors, services
from offenestadt.staff.notifications.forms import NoticeChoicesForm


@login_required
@require_http_methods(["GET", "POST"])
def notice_choices(request: AuthenticatedHttpRequest) -> HttpResponse:
    staff_only(request.user, rules.can_choose_notices(request.user))
    initial = {
        "kinds": sorted(selectors.notices_chosen_by(request.user)),
        "language": selectors.notice_language_of(request.user),
    }
    form = NoticeChoicesForm(request.POST if request.method == "POST" else None, initial=initial)
    if form.is_valid():
        services.notice_choices_save(
            actor=request.user, enabled=form.enabled(), language=form.cleaned_data["language"]
        )
        messages.success(request, _("Ihre Auswahl ist gespeichert."))
        return redirect("staff:notice_choices")
    return render(
        request,
        "staff/notifications/notice_choices.html",
        {"form": form, "email": request.user.email},
    )
