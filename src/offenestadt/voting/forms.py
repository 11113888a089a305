"""The ballot as a form (online and for staff entering paper ballots), the receipt check, and
the staff forms that prepare a vote and its answers."""

from typing import Any, ClassVar

from django import forms
from django.utils.translation import gettext_lazy as _

from offenestadt.accounts.models import Actor
from offenestadt.core.forms import DateTimeField
from offenestadt.participation.models import Proposal
from offenestadt.registry.channels import Channel
from offenestadt.voting import rules
from offenestadt.voting.models import Option, Vote, VoteKind

CHOOSE_ONE = _("Wählen Sie eine Antwort.")
CHOOSE_SOME = _("Wählen Sie mindestens eine Antwort.")


class BallotForm(forms.Form):
    """A code (unless the vote is an open poll) and the choices. The vote's rules are checked
    by the service, which says exactly what is wrong."""

    code = forms.CharField(
        label=_("Ihr Abstimmungscode"),
        max_length=64,
        help_text=_("16 Zeichen aus Ihrem Brief, zum Beispiel ABCD-EFGH-JKLM-NPQR."),
        widget=forms.TextInput(
            attrs={"autocomplete": "off", "autocapitalize": "characters", "spellcheck": "false"}
        ),
    )

    def __init__(self, *args: Any, vote: Vote, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.vote = vote
        if not vote.requires_code:
            del self.fields["code"]
        options = vote.options.all()
        if vote.kind == VoteKind.SINGLE:
            self.fields["choices"] = forms.ModelChoiceField(
                label=_("Ihre Antwort"),
                queryset=options,
                widget=forms.RadioSelect,
                empty_label=None,
                error_messages={"required": CHOOSE_ONE},
            )
        else:
            self.fields["choices"] = forms.ModelMultipleChoiceField(
                label=_("Ihre Antworten"),
                queryset=options,
                widget=forms.CheckboxSelectMultiple,
                error_messages={"required": CHOOSE_SOME},
            )

    def chosen_ids(self) -> list[int]:
        chosen = self.cleaned_data["choices"]
        if isinstance(chosen, Option):
            return [chosen.pk]
        return [option.pk for option in chosen]


class PaperBallotForm(BallotForm):
    """A ballot staff enter for a voter who wrote, called or came in person."""

    channel = forms.ChoiceField(
        label=_("Eingegangen"),
        choices=[
            (Channel.POST, _("per Post")),
            (Channel.IN_PERSON, _("persönlich")),
            (Channel.PHONE, _("per Telefon")),
        ],
        widget=forms.RadioSelect,
    )

    field_order = ("channel", "code")


class ReceiptForm(forms.Form):
    receipt = forms.CharField(
        label=_("Ihr Beleg"),
        max_length=64,
        help_text=_("25 Zeichen in fünf Gruppen, wie Sie ihn nach der Abstimmung erhalten haben."),
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )


class VoteForm(forms.ModelForm[Vote]):
    class Meta:
        model = Vote
        fields: ClassVar = [
            "procedure",
            "title",
            "description",
            "kind",
            "max_choices",
            "budget",
            "opens_at",
            "closes_at",
            "results_after",
            "requires_code",
        ]
        field_classes: ClassVar = {
            "opens_at": DateTimeField,
            "closes_at": DateTimeField,
            "results_after": DateTimeField,
        }
        widgets: ClassVar = {
            "description": forms.Textarea(attrs={"rows": 4}),
        }

    def __init__(self, *args: Any, user: Actor, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        procedure = self.fields["procedure"]
        procedure.queryset = rules.procedures_for_votes(user).order_by("title")  # type: ignore[attr-defined]
        for name in ("opens_at", "closes_at", "results_after"):
            self.fields[name].input_formats = ["%Y-%m-%dT%H:%M"]  # type: ignore[attr-defined]


class OptionForm(forms.ModelForm[Option]):
    class Meta:
        model = Option
        fields: ClassVar = ["position", "label", "description", "cost", "proposal"]
        widgets: ClassVar = {"description": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args: Any, vote: Vote, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        proposal = self.fields["proposal"]
        proposal.queryset = Proposal.objects.filter(procedure=vote.procedure).order_by("title")  # type: ignore[attr-defined]
        if vote.kind != VoteKind.BUDGET:
            del self.fields["cost"]
