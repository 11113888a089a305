"""Forms of moderation: reporting a contribution, hiding one, deciding on reports."""

from django import forms
from django.utils.translation import gettext_lazy as _


class HideContributionForm(forms.Form):
    reason = forms.CharField(
        label=_("Öffentlicher Grund für das Ausblenden"),
        max_length=300,
        help_text=_("Zum Beispiel: beleidigend, enthält personenbezogene Daten Dritter."),
    )


class HideForm(forms.Form):
    hidden_reason = forms.CharField(
        label=_("Öffentlicher Grund"),
        max_length=300,
        help_text=_("Alle sehen diesen Grund statt des Beitrags. Der Beitrag bleibt gespeichert."),
    )


class ReportForm(forms.Form):
    reason = forms.CharField(
        label=_("Warum melden Sie den Beitrag?"),
        max_length=300,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Zum Beispiel: beleidigend, Werbung, Daten über andere Menschen."),
    )


class ResolveForm(forms.Form):
    KEEP, HIDE = "keep", "hide"

    decision = forms.ChoiceField(
        label=_("Entscheidung"),
        choices=[(KEEP, _("Beitrag bleibt sichtbar")), (HIDE, _("Beitrag ausblenden"))],
        widget=forms.RadioSelect,
    )
    text = forms.CharField(
        label=_("Begründung"),
        max_length=300,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "Beim Ausblenden ist die Begründung öffentlich und steht statt des Beitrags. "
            "Bleibt der Beitrag, ist sie eine Notiz für die Moderation."
        ),
    )
