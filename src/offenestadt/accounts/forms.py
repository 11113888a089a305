from typing import Any

from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from offenestadt.accounts import services


class ThrottledAuthenticationForm(AuthenticationForm):
    """Sign-in that stops guessing: a few failures per account name, then a pause."""

    # Django reads the messages from this class attribute.
    error_messages = {  # noqa: RUF012
        **AuthenticationForm.error_messages,
        "throttled": _(
            "Zu viele fehlgeschlagene Anmeldeversuche für dieses Konto. "
            "Bitte warten Sie 15 Minuten und versuchen Sie es dann erneut."
        ),
    }

    def clean(self) -> dict[str, Any]:
        username = self.cleaned_data.get("username") or ""
        password = self.cleaned_data.get("password") or ""
        if not (username and password):
            return super().clean()
        # The attempt is counted before the password is checked, not after: otherwise many
        # attempts at once would all be checked before the first of them was counted.
        if not services.sign_in_attempt_take(username=username).allowed:
            raise ValidationError(self.error_messages["throttled"], code="throttled")
        address = self.request.META.get("REMOTE_ADDR") if self.request else None
        try:
            cleaned = super().clean()
        except ValidationError:
            services.sign_in_failed(username=username, ip_address=address)
            raise
        services.sign_in_succeeded(user=self.get_user(), ip_address=address)
        return cleaned


class TokenForm(forms.Form):
    token = forms.CharField(
        label=_("Sechsstelliger Code aus Ihrer Authenticator-App"),
        min_length=6,
        max_length=6,
        widget=forms.TextInput(
            attrs={"inputmode": "numeric", "autocomplete": "one-time-code", "pattern": "[0-9]*"}
        ),
    )
