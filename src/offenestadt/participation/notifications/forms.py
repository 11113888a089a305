"""Ordering notifications about a procedure."""

from django import forms
from django.utils.translation import gettext_lazy as _


class SubscribeForm(forms.Form):
    email = forms.EmailField(
        label=_("E-Mail-Adresse"),
        help_text=_(
            "Sie bekommen zuerst eine E-Mail mit einem Link zum Bestätigen. Die Adresse wird "
            "nirgends gezeigt und nach dem Ende des Verfahrens gelöscht."
        ),
    )
