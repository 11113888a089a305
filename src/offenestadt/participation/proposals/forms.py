"""Forms for proposals (in a procedure about the charter with the change they ask for), their
support and the city's answer. They parse; proposals.services decides.
"""

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from offenestadt.charter.models import CharterVersion
from offenestadt.participation.proposals.models import Proposal, ProposalStatus
from offenestadt.participation.proposals.services import (
    ANSWER_STATUSES,
    MAX_SUPPORTS_AT_ONCE,
    PROPOSAL_MAX_LENGTH,
    answer_statuses,
)
from offenestadt.registry.channels import NON_DIGITAL_CHANNELS, Channel

OFFLINE_CHANNELS = [
    (value, label) for value, label in Channel.choices if value in NON_DIGITAL_CHANNELS
]


class ProposalForm(forms.Form):
    """A proposal online. In a procedure about the charter, it may name the change."""

    pseudonym = forms.CharField(
        label=_("Name oder Pseudonym (freiwillig)"),
        max_length=80,
        required=False,
        help_text=_("Erscheint über Ihrem Vorschlag. Ohne Angabe steht dort „ohne Namen“."),
    )
    title = forms.CharField(label=_("Titel"), max_length=200)
    text = forms.CharField(
        label=_("Ihr Vorschlag"),
        max_length=PROPOSAL_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_("Bitte schreiben Sie keine Daten über andere Menschen."),
    )

    def __init__(self, *args: Any, charter: CharterVersion | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.amends_charter = charter is not None
        if charter is None:
            return
        self.fields["principle"] = forms.ChoiceField(
            label=_("Prinzip, dessen Text sich ändern soll"),
            required=False,
            choices=[("", _("– keines –"))]
            + [(p.id, f"{p.id}: {p.title}") for p in charter.principles()],
        )
        self.fields["text_de"] = forms.CharField(
            label=_("Neuer Text des Prinzips"),
            required=False,
            widget=forms.Textarea(attrs={"rows": 5}),
        )
        # A parameter set by several principles is one choice: a change sets it in each.
        parameters: dict[str, str] = {}
        for item in charter.parameters():
            parameters.setdefault(
                item.key, f"{item.description} ({item.key}: {item.display_value} {item.unit})"
            )
        self.fields["parameter"] = forms.ChoiceField(
            label=_("Parameter, der sich ändern soll"),
            required=False,
            choices=[("", _("– keiner –")), *parameters.items()],
        )
        self.fields["value"] = forms.CharField(
            label=_("Neuer Wert"), required=False, max_length=200
        )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if self.amends_charter:
            principle, parameter = cleaned.get("principle"), cleaned.get("parameter")
            if principle and parameter:
                raise forms.ValidationError(
                    _("Ein Vorschlag ändert entweder ein Prinzip oder einen Parameter.")
                )
            if principle and not cleaned.get("text_de", "").strip():
                self.add_error("text_de", _("Schreiben Sie den neuen Text des Prinzips."))
            if parameter and not cleaned.get("value", "").strip():
                self.add_error("value", _("Geben Sie den neuen Wert an."))
        return cleaned

    def charter_change(self) -> dict[str, Any]:
        data = self.cleaned_data
        if data.get("principle"):
            return {"principle": data["principle"], "text_de": data["text_de"]}
        if data.get("parameter"):
            return {"parameter": data["parameter"], "value": data["value"]}
        return {}


class ProposalEntryForm(ProposalForm):
    """A proposal that came by phone, letter or in person, entered by staff."""

    channel = forms.ChoiceField(label=_("Eingang"), choices=OFFLINE_CHANNELS)
    field_order = ("channel", "pseudonym", "title", "text")


class SupportEntryForm(forms.Form):
    """Support that came by phone, letter or in person (a list of signatures, say)."""

    channel = forms.ChoiceField(label=_("Eingang"), choices=OFFLINE_CHANNELS)
    count = forms.IntegerField(
        label=_("Anzahl der Unterstützungen"),
        min_value=1,
        max_value=MAX_SUPPORTS_AT_ONCE,
        initial=1,
        help_text=_("Zum Beispiel die Unterschriften auf einem Brief."),
    )


class SupportForm(forms.Form):
    """Support a proposal online: once per person, confirmed by e-mail."""

    email = forms.EmailField(
        label=_("E-Mail-Adresse"),
        help_text=_(
            "Sie bekommen eine E-Mail mit einem Link; erst mit Ihrer Bestätigung zählt die "
            "Unterstützung, einmal je Person. Die Adresse speichern wir nicht, nur einen "
            "verschlüsselten Prüfwert, den wir nach dem Verfahren löschen."
        ),
    )


class AnswerForm(forms.Form):
    proposal_status = forms.ChoiceField(
        label=_("Antwort"),
        choices=[
            (value, label) for value, label in ProposalStatus.choices if value in ANSWER_STATUSES
        ],
        widget=forms.RadioSelect,
    )
    answer = forms.CharField(
        label=_("Begründung (öffentlich)"),
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("Was die Stadt mit dem Vorschlag macht, und warum."),
    )

    @classmethod
    def for_proposal(cls, proposal: Proposal, data: Any = None) -> "AnswerForm":
        statuses = answer_statuses(proposal)
        initial = {"answer": proposal.answer}
        if proposal.proposal_status in statuses:
            initial["proposal_status"] = proposal.proposal_status
        form = cls(data, initial=initial)
        form.fields["proposal_status"].choices = [  # type: ignore[attr-defined]
            (value, label) for value, label in ProposalStatus.choices if value in statuses
        ]
        return form
