"""Forms for proposals (in a procedure about the charter with the change they ask for), their
support and the city's answer. They parse; proposals.services decides.
"""

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from offenestadt.charter.amendment import MISSING_TEXT
from offenestadt.charter.catalogue import catalogue
from offenestadt.charter.models import CharterVersion
from offenestadt.participation.amendments.services import ONE_CHANGE
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
        self.fields["check"] = forms.ChoiceField(
            label=_("Prüfung, die anders gebunden werden soll"),
            required=False,
            choices=[("", _("– keine –"))]
            + [(entry.id, f"{entry.id}: {entry.description}") for entry in catalogue()],
            help_text=_(
                "Ein Prinzip bindet die Prüfungen, mit denen die Plattform prüft, ob Vorhaben "
                "es einhalten. Sie können eine Prüfung an ein Prinzip binden, von einem lösen "
                "oder beides: Dann wechselt sie das Prinzip."
            ),
        )
        principles = [("", _("– keines –"))] + [
            (p.id, f"{p.id}: {p.title}") for p in charter.principles()
        ]
        self.fields["bind"] = forms.ChoiceField(
            label=_("An dieses Prinzip binden"), required=False, choices=principles
        )
        self.fields["release"] = forms.ChoiceField(
            label=_("Von diesem Prinzip lösen"), required=False, choices=principles
        )
        self.fields["new_principle"] = forms.CharField(
            label=_("Kennung eines neuen Prinzips"),
            required=False,
            max_length=40,
            help_text=_(
                "Für ein neues Prinzip: eine kurze Kennung aus Buchstaben, Ziffern, - und _, "
                "etwa „P8“, dazu Titel und Beschreibung. Die englische Fassung und die Fassung "
                "in Leichter Sprache schreibt die Stadt beim Beschluss."
            ),
        )
        self.fields["title_de"] = forms.CharField(
            label=_("Titel des neuen Prinzips"), required=False, max_length=200
        )
        self.fields["description_de"] = forms.CharField(
            label=_("Beschreibung des neuen Prinzips"),
            required=False,
            widget=forms.Textarea(attrs={"rows": 5}),
        )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if not self.amends_charter:
            return cleaned
        given = {
            kind: [name for name in names if cleaned.get(name, "").strip()]
            for kind, names in CHANGE_FIELDS.items()
        }
        if sum(1 for names in given.values() if names) > 1:
            raise forms.ValidationError(ONE_CHANGE)
        if cleaned.get("principle") and not cleaned.get("text_de", "").strip():
            self.add_error("text_de", _("Schreiben Sie den neuen Text des Prinzips."))
        elif given["principle"] and not cleaned.get("principle"):
            self.add_error("principle", _("Wählen Sie das Prinzip, dessen Text sich ändern soll."))
        if cleaned.get("parameter") and not cleaned.get("value", "").strip():
            self.add_error("value", _("Geben Sie den neuen Wert an."))
        elif given["parameter"] and not cleaned.get("parameter"):
            self.add_error("parameter", _("Wählen Sie den Parameter, der sich ändern soll."))
        if given["check"] and not cleaned.get("check"):
            self.add_error("check", _("Wählen Sie die Prüfung, die anders gebunden werden soll."))
        elif cleaned.get("check") and not (cleaned.get("bind") or cleaned.get("release")):
            self.add_error(
                "bind",
                _(
                    "Wählen Sie das Prinzip, an das die Prüfung gebunden, oder das, von dem sie "
                    "gelöst werden soll."
                ),
            )
        if given["new_principle"]:
            for name in CHANGE_FIELDS["new_principle"]:
                if name not in given["new_principle"]:
                    self.add_error(name, NEW_PRINCIPLE_MISSING[name])
        return cleaned

    def proposal_fields(self) -> list[forms.BoundField]:
        """The fields of the proposal itself, before those of a charter change."""
        grouped = {name for names in CHANGE_FIELDS.values() for name in names}
        return [field for field in self.visible_fields() if field.name not in grouped]

    def charter_change_groups(self) -> list[tuple[Any, list[forms.BoundField]]]:
        """The fields of each kind of charter change, under its legend."""
        return [
            (CHANGE_LEGENDS[kind], [self[name] for name in names])
            for kind, names in CHANGE_FIELDS.items()
        ]

    def charter_change(self) -> dict[str, Any]:
        data = self.cleaned_data
        if data.get("principle"):
            return {"principle": data["principle"], "text_de": data["text_de"]}
        if data.get("parameter"):
            return {"parameter": data["parameter"], "value": data["value"]}
        if data.get("check"):
            return {"check": data["check"]} | {
                key: data[key] for key in ("bind", "release") if data.get(key)
            }
        if data.get("new_principle"):
            return {key: data[key] for key in CHANGE_FIELDS["new_principle"]}
        return {}


# The form's fields for each kind of change a proposal may ask for.
CHANGE_FIELDS = {
    "principle": ("principle", "text_de"),
    "parameter": ("parameter", "value"),
    "check": ("check", "bind", "release"),
    "new_principle": ("new_principle", "title_de", "description_de"),
}
CHANGE_LEGENDS = {
    "principle": _("Den Text eines Prinzips ändern"),
    "parameter": _("Einen Parameter ändern"),
    "check": _("Eine Prüfung anders binden"),
    "new_principle": _("Ein neues Prinzip"),
}
NEW_PRINCIPLE_MISSING = {
    "new_principle": _("Geben Sie dem neuen Prinzip eine Kennung."),
    "title_de": MISSING_TEXT["title_de"],
    "description_de": MISSING_TEXT["description_de"],
}


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
