"""Adopting the charter change a proposal asks for."""

from collections.abc import Sequence
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

    def __init__(self, *args: Any, texts_needed: Sequence[str] = (), **kwargs: Any) -> None:
        """``texts_needed``: the texts the proposal lacks (charter_change_texts_missing)."""
        super().__init__(*args, **kwargs)
        for key in texts_needed:
            label, rows = TEXT_FIELDS[key]
            language = {"lang": "en"} if key.endswith("_en") else {}
            self.fields[key] = forms.CharField(
                label=label,
                widget=forms.Textarea(attrs={"rows": rows} | language)
                if rows
                else forms.TextInput(attrs=language),
                help_text=_("Die Charta steht auf Deutsch und Englisch.")
                if key.endswith("_en")
                else _("Ein kurzer Text in Leichter Sprache, wie ihn jedes Prinzip hat."),
            )
        # What the new version says first, then who decided it.
        self.order_fields(texts_needed)


# The label and height (0: one line) of each text an adoption may add, by its key.
TEXT_FIELDS = {
    "text_en": (_("Neuer Text des Prinzips auf Englisch"), 5),
    "title_en": (_("Titel des neuen Prinzips auf Englisch"), 0),
    "description_en": (_("Beschreibung des neuen Prinzips auf Englisch"), 5),
    "plain_de": (_("Das neue Prinzip in Leichter Sprache"), 3),
    "plain_en": (_("Das neue Prinzip in Leichter Sprache, auf Englisch"), 3),
}
