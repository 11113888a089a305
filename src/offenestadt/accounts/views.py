from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render, resolve_url
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django_otp import login as otp_login
from django_otp import match_token
from django_otp.models import Device

from offenestadt.accounts import services
from offenestadt.accounts.forms import ThrottledAuthenticationForm, TokenForm
from offenestadt.accounts.models import AuthenticatedHttpRequest
from offenestadt.accounts.rules import reads_internal


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    authentication_form = ThrottledAuthenticationForm
    redirect_authenticated_user = True

    def get_default_redirect_url(self) -> str:
        """Staff start at their inbox ("Meine Aufgaben"); anyone else where they were sent."""
        if reads_internal(self.request.user):
            return resolve_url("staff:inbox")
        return super().get_default_redirect_url()


def _second_factor_passed(request: HttpRequest, device: Device) -> None:
    """Mark the session as verified with ``device`` under a new session id: an id that was
    seen (or planted) before the second factor must be worth nothing after it."""
    otp_login(request, device)
    request.session.cycle_key()


def _next_url(request: HttpRequest) -> str:
    target = request.POST.get("next") or request.GET.get("next") or "/"
    if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return target
    return "/"


@login_required
def otp_setup(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Set up an authenticator app: scan the code (or type the key), then confirm a code."""
    if services.has_authenticator(user=request.user):
        return redirect("accounts:otp_verify")
    device = services.totp_device_for_enrolment(user=request.user)
    form = TokenForm(request.POST or None)
    if form.is_valid():
        if services.totp_device_confirm(device=device, token=form.cleaned_data["token"]):
            _second_factor_passed(request, device)
            messages.success(request, _("Die Zwei-Faktor-Anmeldung ist eingerichtet."))
            return redirect(_next_url(request))
        form.add_error("token", _("Der Code stimmt nicht. Bitte geben Sie den aktuellen Code ein."))
    return render(
        request,
        "accounts/otp_setup.html",
        {
            "form": form,
            "qr_code": services.totp_qr_code(device=device),
            "secret": services.totp_secret(device=device),
            "next": _next_url(request),
        },
    )


@login_required
def otp_verify(request: AuthenticatedHttpRequest) -> HttpResponse:
    form = TokenForm(request.POST or None)
    if form.is_valid():
        if services.totp_throttled(user=request.user):
            form.add_error("token", _("Zu viele falsche Codes. Bitte warten Sie eine Minute."))
        elif device := match_token(request.user, form.cleaned_data["token"]):
            _second_factor_passed(request, device)
            return redirect(_next_url(request))
        else:
            form.add_error(
                "token", _("Der Code stimmt nicht. Bitte geben Sie den aktuellen Code ein.")
            )
    return render(request, "accounts/otp_verify.html", {"form": form, "next": _next_url(request)})
