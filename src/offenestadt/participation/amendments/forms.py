"""Adopting the charter change a proposal asks for."""

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _


class AdoptForm(forms.Form):
    council_decision = forms.CharField(
        label=_("Beschluss des Rates"),
        max_length=300,
        help_text=_("Zum Beispiel: Ratsbeschluss zur Vorlage 2026/0123 vom 12. März 2026."),
    )
    adopted_on = forms.DateField(
        label=_("Gilt ab"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text=_("Ohne Angabe: ab heute."),
    )
    answer = forms.CharField(
        label=_("Antwort an die Beteiligten (öffentlich, freiwillig)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )

    def __init__(self, *args: Any, needs_english: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if needs_english:
            self.fields["text_en"] = forms.CharField(
                label=_("Neuer Text des Prinzips auf Englisch"),
                widget=forms.Textarea(attrs={"rows": 5, "lang": "en"}),
                help_text=_("Die Charta steht auf Deutsch und Englisch."),
            )
